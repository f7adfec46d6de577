"""Editorial checks: Markdown that renders, but not as its writer meant.

Each is a warning (an error with --strict) at the line of the source it comes from:
a heading of the first level in a body (the headline is the page's only h1), a
skipped heading level, an image without alt text, a paragraph that starts like a
list item but did not become a list, and a web address broken across lines.
"""

from __future__ import annotations

import html
import posixpath
import re

from generator.diagnostics import WARNING, Diagnostic
from generator.read.markup import MARKER

HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
IMAGE = re.compile(r"<img\b[^>]*>", re.I)
ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
LIST_LIKE = re.compile(r"(?:^|\n)((?:[-*+]|\d{1,9}[.)]) )")
# A web address at the end of a line, cut where a path goes on (after / - _ = & ? %), with the
# next line going on without a space: "https://example.org/reports/\n2021/summary.pdf".
BROKEN_URL = re.compile(r"(https?://[^\s)\]>]*[/\-=&?%])[ \t]*\n(?![_*])([\w%~/?=&#.\-]+)")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def check(path: str, source: str, first_line: int, body: str) -> list[Diagnostic]:
    """Warnings for the body of `path`: `source` is its Markdown (starting at `first_line` of the
    file), `body` the HTML made of it."""
    finder = _Finder(source, first_line)
    problems = []

    def warn(at: tuple[int, int], message: str) -> None:
        problems.append(Diagnostic(path, *at, WARNING, message))

    level = 1  # the page's own h1, the headline
    for match in HEADING.finditer(body):
        number, text = int(match.group(1)), _plain(match.group(2))
        at = finder.find(text, "#" * number + " ", f"<h{number}>", at_prefix=True)
        if number == 1:
            warn(at, f'"{text}" is a first-level heading, but the headline is the page\'s only one: '
                     f'make it "## {text}"')
        elif number > level + 1:
            warn(at, f'heading "{text}" skips a level (h{level} to h{number}): make it '
                     f'"{"#" * (level + 1)} {text}", or add the level between')
        level = number
    for tag in IMAGE.findall(body):
        alt = ALT.search(tag)
        if alt is None or not "".join(g or "" for g in alt.groups()).strip():
            src = re.search(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", tag)
            name = _as_written(path, src.group(1)) if src else ""
            shown = name if len(name) <= 60 else name[:59] + "…"
            warn(finder.find(name, "](", "src=\"", "src='", "src="),
                 f'the image "{shown}" has no alt text: describe it for readers who cannot see it, '
                 "as in ![a description](…)")
    for paragraph in PARAGRAPH.findall(body):
        for marker in LIST_LIKE.findall(paragraph):
            line = paragraph[paragraph.find(marker):].split("\n", 1)[0]
            warn(finder.find(_plain(line)), f'this line starts with "{marker.strip()}" but is not a list item: '
                 "put a blank line before the list")
    for match in BROKEN_URL.finditer(_outside_code(source)):
        warn(finder.at(match.start(1)), f'the web address "{match.group(1)}" goes on on the next line, '
             f'"{match.group(2)}": a link cannot be broken across lines; join them')
    return problems


class _Finder:
    """The (line, column) in a file of text found in its Markdown body."""

    def __init__(self, source: str, first_line: int) -> None:
        self.source = source
        self.first_line = first_line

    def find(self, text: str, *before: str, at_prefix: bool = False) -> tuple[int, int]:
        """Where `text` (rendered, so perhaps with curly quotes) is, best after one of `before`;
        the place of that prefix when `at_prefix`, else of the text."""
        words = re.match(r"[\w ]*\w", text)  # up to the first mark that Markdown may have changed
        for wanted in dict.fromkeys([text, words.group(0) if words else ""]):
            for prefix in [*before, ""] if wanted else []:
                at = self.source.find(prefix + wanted)
                if at >= 0:
                    return self.at(at if at_prefix else at + len(prefix))
        return self.first_line, 1

    def at(self, offset: int) -> tuple[int, int]:
        line = self.first_line + self.source.count("\n", 0, offset)
        return line, offset - self.source.rfind("\n", 0, offset)


def _as_written(path: str, src: str) -> str:
    """An image's src as the writer wrote it: a link to another file is still a marker here."""
    marked = MARKER.match(src)
    return posixpath.relpath(marked.group(1), posixpath.dirname(path)) if marked else html.unescape(src)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _outside_code(source: str) -> str:
    """The Markdown with fenced code blocks blanked out (same length, so offsets hold)."""
    if "```" not in source and "~~~" not in source:
        return source
    lines = source.split("\n")
    fence = None
    for number, line in enumerate(lines):
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
        elif fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            lines[number] = " " * len(line)
    return "\n".join(lines)
