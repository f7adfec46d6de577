"""Markdown to HTML with the newsroom's extensions, links to other sources marked for later."""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["tables", "footnotes", "attr_list", "fenced_code", "smarty"]
MORE = "<!--more-->"
# A link to another source file cannot become a URL until every source is read;
# until then it stands in the HTML as a marker that site.py replaces.
MARKER = re.compile(r"@@source:([^@]*)@@")
ALIGN = re.compile(r"^text-align: (left|right|center);?$")


def marker(target: str) -> str:
    return f"@@source:{target}@@"


def new_markdown() -> markdown.Markdown:
    """Python-Markdown with the newsroom's extensions (the benchmark's floor uses it too)."""
    # Footnote ids like "fn-1" rather than "fn:1": valid everywhere, also as CSS selectors.
    return markdown.Markdown(extensions=EXTENSIONS, output_format="html",
                             extension_configs={"footnotes": {"SEPARATOR": "-"}})


class _Rewrite(Treeprocessor):
    """Turns relative links and images into markers naming the file they point at, and
    table alignment into classes (inline styles are refused by strict content policies)."""

    def __init__(self, md, converter: Converter):
        super().__init__(md)
        self.converter = converter

    def run(self, root):
        for element in root.iter():
            attr = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            value = element.get(attr) if attr else None
            if value:
                element.set(attr, self.converter.rewrite(value))
            align = ALIGN.match(element.get("style", "")) if element.tag in ("th", "td") else None
            if align:
                del element.attrib["style"]
                element.set("class", f"align-{align.group(1)}")


class Converter:
    """One Markdown instance reused for many documents (building it is costly)."""

    def __init__(self) -> None:
        self.md = new_markdown()
        self.md.treeprocessors.register(_Rewrite(self.md, self), "newsroom_rewrite", 1)
        self.folder = ""
        self.links: list[tuple[str, str]] = []

    def convert(self, text: str, source: str) -> tuple[str, list[tuple[str, str]]]:
        """HTML for `text` from the file `source` (site-relative), and the
        relative links it makes: (as written, site-relative target)."""
        self.folder = posixpath.dirname(source)
        self.links = []
        self.md.reset()
        return self.md.convert(text), self.links

    def rewrite(self, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path or value.startswith(("/", "#")):
            return value
        target = posixpath.normpath(posixpath.join(self.folder, unquote(parts.path)))
        self.links.append((value, target))
        return marker(target) + (f"#{parts.fragment}" if parts.fragment else "")


def plain_text(fragment: str) -> str:
    text = re.sub(r"<sup[^>]*>.*?</sup>|<[^>]+>", "", fragment, flags=re.S)  # footnote refs too
    return " ".join(html.unescape(text).split())


def excerpt(text: str, words: int = 50) -> str:
    """Plain text cut on a word boundary, with an ellipsis when cut."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]).rstrip(",;:—–-") + "…"


def summary(body_html: str) -> str:
    """The text before <!--more-->, otherwise the first paragraph."""
    if MORE in body_html:
        return excerpt(plain_text(body_html.split(MORE, 1)[0]))
    first = re.search(r"<p>(.*?)</p>", body_html, re.S)
    return excerpt(plain_text(first.group(1))) if first else ""


def with_dateline(body_html: str, dateline: str | None) -> str:
    """Put `WASHINGTON —` at the start of the first paragraph."""
    if not dateline:
        return body_html
    span = f'<span class="dateline">{html.escape(dateline)} —</span> '
    return body_html.replace("<p>", "<p>" + span, 1) if "<p>" in body_html else f"<p>{span}</p>\n" + body_html
