"""GitHub's Markdown where Python-Markdown's defaults differ on what writers use.

Writers check their articles in GitHub's preview of their pull request, so the
site renders these as GitHub does: lists that interrupt a paragraph, lists
nested by two spaces, ordered lists that start at another number, loose and
tight lists, heading ids, bare URLs and emails as links, plain `mailto:` links,
~~strikethrough~~ and task lists. tests/test_github_rendering.py compares the
result with GitHub's own renderer (cmark-gfm) on tests/gfm/snippets.md.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.blockprocessors import BlockProcessor
from markdown.inlinepatterns import InlineProcessor, SimpleTagInlineProcessor, SubstituteTagInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# --- Lists: the writer's text rewritten into the form Python-Markdown reads as GitHub does. ---

ITEM = re.compile(r"^( *)([-+*]|(\d{1,9})[.)])(?: +|$)(.*)$")
FENCE = re.compile(r"^( *)(`{3,}|~{3,})")
BREAK = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")  # a thematic break, which wins over a list item
NOT_TEXT = re.compile(r"^ {0,3}(#{1,6}(?: |$)|<|>|(`{3,}|~{3,}))")  # headings, HTML, quotes, fences
# Python-Markdown joins what GitHub keeps apart (two adjacent lists of different kinds, two quotes
# with a blank line between them, a list and the indented code after it): an HTML comment between
# them keeps them apart, and is taken out of the HTML afterwards.
BLOCK_BREAK = "<!--newsroom:break-->"


class _Item:
    """An open list item: where its content starts in the writer's text, its list's kind, and
    its list's number (lists are numbered in the order they start)."""

    __slots__ = ("content", "kind", "list")

    def __init__(self, content: int, kind: str, number: int) -> None:
        self.content = content
        self.kind = kind
        self.list = number


class ListsPreprocessor(Preprocessor):
    """Re-indents lists the CommonMark way (a child belongs to the item whose content column it
    reaches, whatever the indent), four spaces a level as Python-Markdown wants; puts a blank line
    before a list that interrupts a paragraph; turns a fenced block inside an item into an
    indented one (Python-Markdown reads fences only at the top level). Records which lists are
    loose (md.loose_lists, in the order they start) for LooseListsTreeprocessor."""

    def run(self, lines: list[str]) -> list[str]:
        rewriter = _ListRewriter()
        for line in lines:
            rewriter.line(line)
        self.md.loose_lists = rewriter.loose
        return rewriter.out


class _ListRewriter:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.stack: list[_Item] = []
        self.loose: list[bool] = []  # by list number
        self.previous = "blank"  # the last line: blank, text (a paragraph's), item, code or other
        self.quoted = False  # whether the last line that was not blank was a quote's
        self.fence: tuple[str, int, int] | None = None  # (marker, its indent, depth to indent code at)
        # How deep in items the lines since the last blank one began: Python-Markdown reads such
        # lines as one indented block, where an item less deep needs a blank line before it.
        self.chunk = 0

    def line(self, line: str) -> None:
        out, stack = self.out, self.stack
        if self.fence is not None:
            self._fenced(line)
            return
        if not line.strip():
            out.append("")
            self.previous = "blank"
            return
        indent = len(line) - len(line.lstrip(" "))
        depth = sum(1 for item in stack if item.content <= indent)
        base = stack[depth - 1].content if depth else 0
        relative = indent - base
        opened = FENCE.match(line) if relative < 4 else None
        if self.previous == "blank":
            self.chunk = depth
            if depth:  # a blank line inside this item: its list is loose
                self.loose[stack[depth - 1].list] = True
        if opened and depth:
            del stack[depth:]
            if out and out[-1]:
                out.append("")
            self.fence = (opened.group(2), indent, depth)
            return
        item = ITEM.match(line) if relative < 4 and not BREAK.match(line) else None
        if item and self._starts_item(item, depth):
            if depth < self.chunk and out[-1]:
                out.append("")
                self.chunk = depth
            self._item(item, indent, depth)
            self.previous, self.quoted = "item", False
            return
        if self.previous in ("text", "item") and not NOT_TEXT.match(line) and not BREAK.match(line) \
                and (depth < len(stack) or relative >= 4):  # a paragraph's continuation line
            out.append(" " * (4 * len(stack)) + line.lstrip(" ") if stack else line)
            self.previous = "text"
            return
        quote = line.lstrip(" ").startswith(">") and relative < 4
        if self.previous == "blank" and not depth and (relative >= 4 and stack or quote and self.quoted):
            out += [BLOCK_BREAK, ""]  # code after a list, or a second quote: not part of the first
        del stack[depth:]
        out.append(" " * (4 * depth) + line[base:] if depth else line)
        if opened:
            self.fence = (opened.group(2), indent, -1)
        self.quoted = quote
        self.previous = "code" if relative >= 4 else "other" if NOT_TEXT.match(line) or BREAK.match(line) \
            else "text"

    def _starts_item(self, item: re.Match, depth: int) -> bool:
        """Whether a line with a list marker is a list item: one that would start a new list right
        after a paragraph line must not be empty, and if numbered must start at 1."""
        sibling = len(self.stack) > depth and self.stack[depth].kind == _kind(item)
        if self.previous != "text" or sibling:
            return True
        return bool(item.group(4).strip()) and item.group(3) in (None, "1")

    def _item(self, item: re.Match, indent: int, depth: int) -> None:
        out, stack = self.out, self.stack
        kind = _kind(item)
        continues = len(stack) > depth and stack[depth].kind == kind
        if continues and self.previous == "blank":
            self.loose[stack[depth].list] = True  # items apart: a loose list
        if len(stack) > depth and not continues:  # a list of another kind at this level: a new list
            out += ["", " " * (4 * depth) + BLOCK_BREAK, ""]
        elif not continues and self.previous == "text" and depth == len(stack) and out and out[-1]:
            out.append("")  # the list interrupts a paragraph: Python-Markdown wants a blank line
        number = stack[depth].list if continues else len(self.loose)
        if not continues:
            self.loose.append(False)
        del stack[depth:]
        marker, text = item.group(2), item.group(4)
        spaces = len(item.group(0)) - len(item.group(1)) - len(marker) - len(text)
        width = len(marker) + (spaces if 1 <= spaces <= 4 and text else 1)
        stack.append(_Item(indent + width, kind, number))
        digits = item.group(3)
        out.append(" " * (4 * depth) + (f"{digits}." if digits else marker) + " " + text)

    def _fenced(self, line: str) -> None:
        """One line of an open fenced block."""
        marker, indent, depth = self.fence
        closing = FENCE.match(line)
        closes = closing and closing.group(2)[0] == marker[0] and len(closing.group(2)) >= len(marker) \
            and not line[closing.end():].strip()
        if closes:
            self.fence, self.previous = None, "other"
        if depth < 0:  # at the top level: left for Python-Markdown's fenced_code
            self.out.append(line)
        elif closes:
            self.out.append("")
        else:
            strip = min(indent, len(line) - len(line.lstrip(" ")))
            self.out.append(" " * (4 * depth + 4) + line[strip:] if line.strip() else "")


def _kind(item: re.Match) -> str:
    """Lists of one kind: the same bullet character, or numbers with the same delimiter."""
    marker = item.group(2)
    return marker[-1] if item.group(3) else marker


class BlockBreakPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return text.replace(BLOCK_BREAK + "\n", "").replace(BLOCK_BREAK, "") if BLOCK_BREAK in text else text


# A block of HTML inside a quote or a list item (`> <p>…</p>`) is read by Python-Markdown as inline
# HTML in a paragraph, which makes <p><p>, invalid HTML; GitHub reads it as the block it is.
WRAPPED_BLOCK = re.compile(r"<p>(\s*<(p|div|table|ul|ol|dl|h[1-6]|blockquote|figure|section|aside|pre|form)\b"
                           r"[^>]*>.*?</\2>\s*)</p>", re.S | re.I)


class WrappedBlockPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return WRAPPED_BLOCK.sub(r"\1", text) if "<p><" in text else text


class LooseListsTreeprocessor(Treeprocessor):
    """A list is loose or tight as a whole (CommonMark), not item by item as in Python-Markdown:
    loose, every item's text is in a paragraph; tight, none is. Which lists are loose is known
    from the writer's text (ListsPreprocessor); where Python-Markdown made other lists than that
    found (lists in quotes or in HTML), a list with a paragraph in one item is taken as loose."""

    def run(self, root: etree.Element) -> None:
        lists = [el for el in root.iter() if el.tag in ("ul", "ol")]
        known = getattr(self.md, "loose_lists", [])
        for number, lst in enumerate(lists):
            if len(known) == len(lists):
                loose = known[number]
            else:
                loose = any(li.find("p") is not None for li in lst)
            for li in lst:
                if loose:
                    _wrap_leading_inline(li)
                else:
                    _unwrap_paragraphs(li)


BLOCKS = {"p", "ul", "ol", "pre", "blockquote", "div", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}


def _wrap_leading_inline(li: etree.Element) -> None:
    """Put an item's text and inline elements before its first block into a paragraph."""
    inline = []
    for child in li:
        if child.tag in BLOCKS:
            break
        inline.append(child)
    text = li.text or ""
    if not text.strip() and not inline:
        return
    p = etree.Element("p")
    p.text = text.strip("\n") if not inline else text.lstrip("\n")
    li.text = "\n"
    for child in inline:
        li.remove(child)
        p.append(child)
    if inline:
        inline[-1].tail = (inline[-1].tail or "").rstrip("\n")
    li.insert(0, p)
    p.tail = "\n"


def _unwrap_paragraphs(li: etree.Element) -> None:
    """A tight list's item: its paragraphs' content without the <p>."""
    for index, p in reversed(list(enumerate(li))):
        if p.tag != "p":
            continue
        text, children, tail = p.text or "", list(p), p.tail or ""
        li.remove(p)
        for offset, child in enumerate(children):
            li.insert(index + offset, child)
        last = children[-1] if children else None
        if last is not None:
            last.tail = (last.tail or "") + tail
        if index == 0:
            li.text = (li.text or "").strip("\n") + text
        else:
            before = li[index - 1]
            before.tail = (before.tail or "") + text
        if last is None:
            if index == 0:
                li.text += tail
            else:
                li[index - 1].tail += tail


class HashHeaderProcessor(BlockProcessor):
    """`## Heading`: GitHub wants a space after the hashes, so `#WeRemember` stays a hashtag, and
    strips closing hashes only after a space (`## C#` keeps its #)."""

    RE = re.compile(r"(?:^|\n)[ ]{0,3}(?P<level>#{1,6})(?:[ \t]+(?P<header>[^\n]*?))?(?:[ \t]+#+)?[ \t]*(?=\n|$)")

    def test(self, parent, block: str) -> bool:
        return bool(self.RE.search(block))

    def run(self, parent, blocks: list[str]) -> None:
        block = blocks.pop(0)
        m = self.RE.search(block)
        before, after = block[: m.start()], block[m.end():].lstrip("\n")
        if before:
            self.parser.parseBlocks(parent, [before])
        heading = etree.SubElement(parent, f"h{len(m.group('level'))}")
        heading.text = (m.group("header") or "").strip()
        if after:
            blocks.insert(0, after)


# --- Links: bare URLs and emails, as GitHub links them; `<a@b.org>` as a plain mailto link. ---

# GitHub's "extended autolinks": http(s):// or www. and a domain, then anything but spaces and <;
# punctuation at the end is not part of the link, nor an unmatched closing parenthesis. Emails are
# found by their @ (the part before it is read backwards): a pattern that could start at any letter
# would be tried at every letter of every text, which made it the costliest of all inline patterns.
BARE_LINK = r"(?:https?://|www\.)[\w\-]+(?:\.[\w\-]+)*[^\s<\x02\x03]*|@[\w\-]+(?:\.[\w\-]+)+"
NOT_BEFORE = frozenset("/@.-+") | frozenset("\x02\x03")
LOCAL_PART = re.compile(r"[\w.+\-]+$")
TRAILING = "?!.,:*_~'\""


class BareLinkProcessor(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)  # never a link inside a link

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 - Python-Markdown's name
        start, text = m.start(0), m.group(0)
        if text.startswith("@"):
            local = LOCAL_PART.search(data, 0, start)
            if local is None:
                return None, None, None
            start, text = local.start(), _trim_email(local.group(0) + text)
        else:
            text = _trim_url(text)
        before = data[:start]
        if not text or before[-1:].isalnum() or before[-1:] in NOT_BEFORE:
            return None, None, None
        if before.count("[") > before.count("]") or self._in_raw_link(before):
            return None, None, None  # as GitHub: not inside [brackets], nor inside an <a> written in HTML
        if text.startswith(("http://", "https://")):
            href = text
        elif text.startswith("www."):
            href = "http://" + text
        else:
            href = "mailto:" + text
        link = etree.Element("a", {"href": href})
        link.text = AtomicString(text)
        return link, start, start + len(text)

    def _in_raw_link(self, before: str) -> bool:
        """Whether the text so far opened an <a> in raw HTML and did not close it. Inline HTML
        stands in the text as a placeholder for a placeholder: inline stash, then HTML stash."""
        if "\x02" not in before:
            return False
        stashed = self.md.treeprocessors["inline"].stashed_nodes
        tags = []
        for key in re.findall(r"\x02klzzwxh:(\d+)\x03", before):
            node = stashed.get(key)
            raw = re.fullmatch(r"\x02wzxhzdk:(\d+)\x03", node) if isinstance(node, str) else None
            if raw:
                tags.append(str(self.md.htmlStash.rawHtmlBlocks[int(raw.group(1))]))
        opened = sum(1 for t in tags if re.match(r"<a[\s>]", t, re.I))
        return opened > sum(1 for t in tags if re.match(r"</a\s*>", t, re.I))


def _trim_url(url: str) -> str:
    while url:
        if url[-1] in TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("(") or url[-1] == "]" and url.count("]") > url.count("["):
            url = url[:-1]
        elif url.endswith(";") and re.search(r"&\w+;$", url):
            url = url[: url.rfind("&")]
        else:
            break
    return url


def _trim_email(email: str) -> str:
    email = email.rstrip(".")
    return "" if email.endswith(("-", "_")) else email


class StrikethroughProcessor(SimpleTagInlineProcessor):
    """~~struck~~ or ~struck~, not after a letter or another tilde (checked here, not in the pattern:
    a pattern that starts with its tilde is found fast; one that starts with a look behind is not)."""

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802
        before = data[m.start(0) - 1] if m.start(0) else " "
        if before == "~" or before.isalnum():
            return None, None, None
        return super().handleMatch(m, data)


class MailtoProcessor(InlineProcessor):
    """`<tips@example.org>`: GitHub writes a plain mailto link; Python-Markdown hides it behind
    character entities, which stops no harvester and confuses everything reading the HTML."""

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802
        address = m.group(1)
        link = etree.Element("a", {"href": address if address.startswith("mailto:") else "mailto:" + address})
        link.text = AtomicString(address.removeprefix("mailto:"))
        return link, m.start(0), m.end(0)


# --- Heading ids and task lists. ---

# Ids the default layouts use: a heading never takes one (GitHub prefixes its ids instead).
RESERVED_IDS = frozenset({"main", "top", "related-heading", "corrections"})
ID_ATTRIBUTE = re.compile(r"""\b(?:id|name)\s*=\s*["']?([^"'\s>]+)""")  # <a name> becomes an id


def github_slug(text: str) -> str:
    """GitHub's heading id: lowercase; letters, digits, marks, '-' and '_' kept; each space a '-'."""
    kept = "".join(c for c in text.lower() if c in " -_" or unicodedata.category(c)[0] in "LMN")
    return kept.replace(" ", "-")


def unique_ids(texts: list[str], taken: set[str]) -> list[str]:
    """Ids for headings in order, as GitHub numbers repeats: "methods", "methods-1", "methods-2"."""
    counts: dict[str, int] = {}
    ids = []
    for text in texts:
        base = github_slug(text) or "section"
        slug = base
        while slug in taken:
            counts[base] = counts.get(base, 0) + 1
            slug = f"{base}-{counts[base]}"
        taken.add(slug)
        ids.append(slug)
    return ids


class HeadingIdsTreeprocessor(Treeprocessor):
    """Gives every heading without an id GitHub's id for it, so #section links keep working."""

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        taken = set(RESERVED_IDS) | {el.get("id") for el in root.iter() if el.get("id")}
        for block in self.md.htmlStash.rawHtmlBlocks:
            taken.update(ID_ATTRIBUTE.findall(str(block)))
        unnamed = [el for el in headings if not el.get("id")]
        texts = ["".join(el.itertext()) for el in unnamed]
        for el, ident in zip(unnamed, unique_ids([_unescaped(t) for t in texts], taken), strict=True):
            el.set("id", ident)


def _unescaped(text: str) -> str:
    """Heading text as the reader sees it: escaped characters (kept as their code points until
    Python-Markdown's last step) restored, raw HTML placeholders dropped."""
    return re.sub(r"\x02(\d+)\x03|\x02[^\x03]*\x03", lambda m: chr(int(m.group(1))) if m.group(1) else "", text)


TASK = re.compile(r"^\[([ xX])\][ \t]+")


class TaskListTreeprocessor(Treeprocessor):
    """`- [ ] to do` and `- [x] done` as GitHub shows them: a disabled checkbox."""

    def run(self, root: etree.Element) -> None:
        for li in root.iter("li"):
            holder = li[0] if len(li) and li[0].tag == "p" and not (li.text or "").strip() else li
            match = TASK.match(holder.text or "")
            if not match:
                continue
            done = match.group(1) != " "
            box = etree.Element("input", {"type": "checkbox", "disabled": "disabled",
                                          "aria-label": "done" if done else "to do"})
            if done:
                box.set("checked", "checked")
            box.tail = " " + holder.text[match.end():]
            holder.text = ""
            holder.insert(0, box)
            li.set("class", "task-list-item")


class GitHubExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(ListsPreprocessor(md), "newsroom_lists", 27)  # before fenced code (25)
        md.parser.blockprocessors["olist"].LAZY_OL = False  # `3.` starts a list at 3
        md.parser.blockprocessors.register(HashHeaderProcessor(md.parser), "hashheader", 70)
        # A line break is two spaces or (GitHub's too) a backslash at the end of a line.
        md.inlinePatterns.register(SubstituteTagInlineProcessor(r"(?:  |\\)\n", "br"), "linebreak", 100)
        md.inlinePatterns.register(MailtoProcessor(r"<((?:mailto:)?[^<>\s@]+@[^<>\s@]+)>", md), "automail", 110)
        md.inlinePatterns.register(BareLinkProcessor(BARE_LINK, md), "newsroom_bare_links", 85)
        md.inlinePatterns.register(StrikethroughProcessor(r"(~~?)(?![~\s])(.+?)(?<![~\s])\1(?!~)", "del"),
                                   "newsroom_del", 65)
        md.treeprocessors.register(LooseListsTreeprocessor(md), "newsroom_loose_lists", 9)
        md.treeprocessors.register(TaskListTreeprocessor(md), "newsroom_task_lists", 7)
        md.treeprocessors.register(HeadingIdsTreeprocessor(md), "newsroom_heading_ids", 5)
        md.postprocessors.register(BlockBreakPostprocessor(md), "newsroom_block_break", 25)
        md.postprocessors.register(WrappedBlockPostprocessor(md), "newsroom_wrapped_blocks", 24)  # after raw_html
