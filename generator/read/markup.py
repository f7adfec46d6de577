"""Markdown to HTML with the newsroom's extensions, links to other sources marked for later."""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from generator.read.gfm import GitHubExtension

EXTENSIONS = ["tables", "footnotes", "attr_list", "fenced_code", "smarty"]
MORE = "<!--more-->"
# A link to another source file cannot become a URL until every source is read;
# until then it stands in the HTML as a marker that site.py replaces, followed by
# the link's ?query and #fragment as written.
MARKER = re.compile(r"@@source:([^@]*)@@([^\"'\s<>]*)")
ALIGN = re.compile(r"^text-align: (left|right|center);?$")
# href and src attributes in raw HTML (<a href>, <img src>, <source src>...), quoted or not.
RAW_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
OLD_ANCHOR = re.compile(r"(\s)name\s*=", re.I)
HAS_ID = re.compile(r"\sid\s*=", re.I)
RAW_LINK = re.compile(r"""(\s(?:href|src)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.I)


def marker(target: str) -> str:
    return f"@@source:{target}@@"


def new_markdown() -> markdown.Markdown:
    """Python-Markdown with the newsroom's extensions (the benchmark's floor uses it too)."""
    # Footnote ids like "fn-1" rather than "fn:1": valid everywhere, also as CSS selectors.
    return markdown.Markdown(extensions=[*EXTENSIONS, GitHubExtension()], output_format="html",
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
                element.set(attr, _encoded(self.converter.rewrite(value)))
            align = ALIGN.match(element.get("style", "")) if element.tag in ("th", "td") else None
            if align:
                del element.attrib["style"]
                element.set("class", f"align-{align.group(1)}")
        _box_tables(root)


RAW_TABLE_OPEN, RAW_TABLE_CLOSE = re.compile(r"<table\b", re.I), re.compile(r"</table\s*>", re.I)
TABLE_BOX = '<section class="table-scroll" tabindex="0" aria-label="Table">'


def _box_raw_tables(block: str) -> str:
    """The writer's own <table>s in the same box as Markdown's, when they open and close in pairs
    (otherwise the HTML is left as it was written: a box would not mend it)."""
    if len(RAW_TABLE_OPEN.findall(block)) != len(RAW_TABLE_CLOSE.findall(block)):
        return block
    block = RAW_TABLE_OPEN.sub(lambda m: TABLE_BOX + m.group(0), block)
    return RAW_TABLE_CLOSE.sub(lambda m: m.group(0) + "</section>", block)


def _box_tables(root) -> None:
    """Each table in a box of its own that scrolls sideways, so that a wide table never makes a
    phone's page scroll; the box takes keyboard focus, so that it can be scrolled without a mouse."""
    for parent in [p for p in root.iter() if any(child.tag == "table" for child in p)]:
        for index, table in [(i, c) for i, c in enumerate(parent) if c.tag == "table"]:
            box = parent.makeelement("section", {"class": "table-scroll", "tabindex": "0", "aria-label": "Table"})
            box.tail, table.tail = table.tail, None
            parent.remove(table)
            parent.insert(index, box)
            box.append(table)


# What may stand in a URL as it is; anything else is percent-encoded, as GitHub does for the URLs
# Markdown makes (`\`, spaces, non-ASCII letters: validators refuse them raw).
URL_SAFE = "-_.~!*'();:@&=+$,/?#%[]"


def _encoded(url: str) -> str:
    if url.isascii() and url.isprintable() and "\\" not in url and " " not in url or url.startswith("@@source:"):
        return url
    # Backslash escapes (`Docs\_Teach`) stand as placeholders until Python-Markdown's last step.
    return quote(re.sub("\x02([0-9]+)\x03", lambda m: chr(int(m.group(1))), url), safe=URL_SAFE)


class _RewriteRaw(Postprocessor):
    """The same for links in raw HTML, which Python-Markdown keeps aside until its last step."""

    def __init__(self, md, converter: Converter):
        super().__init__(md)
        self.converter = converter

    def run(self, text: str) -> str:
        blocks = self.md.htmlStash.rawHtmlBlocks
        for number, block in enumerate(blocks):
            if isinstance(block, str) and ("href" in block or "src" in block or "name" in block):
                block = blocks[number] = RAW_TAG.sub(self._tag, block)
            if isinstance(block, str) and "<table" in block.lower():
                blocks[number] = _box_raw_tables(block)
        return text

    def _tag(self, tag: re.Match) -> str:
        text = tag.group(0)
        if text[:3].lower() == "<a " and OLD_ANCHOR.search(text) and not HAS_ID.search(text):
            text = OLD_ANCHOR.sub(r"\1id=", text, 1)  # <a name="x">, obsolete in HTML5: the same as an id
        return RAW_LINK.sub(self._attribute, text)

    def _attribute(self, attribute: re.Match) -> str:
        quoted = attribute.group(2)
        value = html.unescape(quoted.strip("\"'"))
        rewritten = self.converter.rewrite(value, raw=True)
        if rewritten == value:
            return attribute.group(0)
        return f'{attribute.group(1)}"{html.escape(rewritten)}"'


class Converter:
    """One Markdown instance reused for many documents (building it is costly)."""

    def __init__(self) -> None:
        self.md = new_markdown()
        self.md.treeprocessors.register(_Rewrite(self.md, self), "newsroom_rewrite", 1)
        self.md.postprocessors.register(_RewriteRaw(self.md, self), "newsroom_rewrite_raw", 35)  # before raw_html
        self.folder = ""
        self.links: list[tuple[str, str]] = []
        self.unsafe: list[str] = []

    def convert(self, text: str, source: str) -> tuple[str, list[tuple[str, str]]]:
        """HTML for `text` from the file `source` (site-relative), and the
        relative links it makes: (as written, site-relative target)."""
        self.folder = posixpath.dirname(source)
        self.links, self.unsafe = [], []
        self.md.reset()
        return self.md.convert(text), self.links

    def rewrite(self, value: str, raw: bool = False) -> str:
        """A link as written, or a marker when it is a relative path to a file: only those are
        looked up (mailto:, tel:, //host, /root and #fragment links are left as they are).
        A script or data URL is refused (noted in `unsafe`), unless written in raw HTML: writers
        embed charts and videos, and what raw HTML does is theirs to decide."""
        if not raw and is_unsafe_url(value):
            self.unsafe.append(value)
            return "#"
        if value.startswith("#") and len(value) > 1:
            self.links.append((value, value))  # an in-page link: where it is, for a missing id
        if not is_file_path(value):
            return value
        parts = urlsplit(value)
        target = posixpath.normpath(posixpath.join(self.folder, unquote(parts.path)))
        self.links.append((value, target))
        return marker(target) + (f"?{parts.query}" if parts.query else "") \
            + (f"#{parts.fragment}" if parts.fragment else "")


UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


def is_unsafe_url(value: str) -> bool:
    """Whether a URL would run a script or carry a document of its own: browsers read the scheme
    without the spaces and controls a writer (or an attacker) may put in it (`java\tscript:`)."""
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", value[:40]).lower()
    return squeezed.startswith(UNSAFE_SCHEMES)


def is_file_path(value: str) -> bool:
    """Whether a link is a relative path to a file (`../2020/report.md`, `chart.png#top`)."""
    if not value or value.startswith(("/", "#", "?")) or "\x02" in value or "\x03" in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced [ in a host, say: not a path either
        return False
    return not (parts.scheme or parts.netloc) and bool(parts.path)


def plain_text(fragment: str) -> str:
    text = re.sub(r"<sup[^>]*>.*?</sup>|<[^>]+>", "", fragment, flags=re.S)  # footnote refs too
    return " ".join(html.unescape(text).split())


HEADING = re.compile(r'<h([23])\b[^>]*?\sid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def headings(body_html: str) -> tuple[tuple[int, str, str], ...]:
    """The body's second- and third-level headings that have an id: (level, id, text), for a table of
    contents (every heading has GitHub's id, unless its writer's HTML left it without)."""
    return tuple((int(level), ident, plain_text(inner)) for level, ident, inner in HEADING.findall(body_html)
                 if plain_text(inner))


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
