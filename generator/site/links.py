"""Links between sources: the URL each source file gets, link markers replaced by those URLs, and
#fragments checked against the ids of the page they point at."""

from __future__ import annotations

import difflib
import functools
import html
import os
import posixpath
import re
from typing import NamedTuple
from urllib.parse import unquote

from generator import images, urls
from generator.diagnostics import ERROR, Report, did_you_mean
from generator.model import Article, Author, Page, StaticFile
from generator.read import markup
from generator.read.gfm import RESERVED_IDS


def link_targets(articles: list[Article], pages: list[Page], authors: dict[str, Author],
                 files: dict[str, str]) -> dict[str, str]:
    """Every source file a link may name, with its URL."""
    targets = dict(files)
    targets.update({a.source: a.url for a in articles})
    targets.update({p.source: urls.page_url(p.slug) for p in pages})
    targets.update({a.source: urls.author_url(a.id) for a in authors.values()})
    return targets


ANCHOR = re.compile(r"""\bid=["']([^"']+)["']""")  # (raw HTML's <a name> is made an id: markup.py)
IN_PAGE_LINK = re.compile(r"""\bhref=["']#([^"']+)["']""")


class Anchors:
    """The ids in each article's and page's body, found when a link's #fragment needs them."""

    def __init__(self, articles: list[Article], pages: list[Page]) -> None:
        self.items = [*articles, *pages]
        self.found: dict[str, set[str]] = {}

    @functools.cached_property
    def bodies(self) -> dict[str, str]:  # made when a fragment is first checked
        return {item.source: item.body for item in self.items}

    def has(self, source: str) -> bool:
        return source in self.bodies

    def of(self, source: str) -> set[str]:
        if source not in self.found:
            self.found[source] = set(ANCHOR.findall(self.bodies[source])) | RESERVED_IDS
        return self.found[source]


class ImageSizes:
    """The pixel size of each of the site's files that a body shows in an <img>, read from its header
    when first asked for: a build reads only the images its bodies show, each once, however many
    articles show it. One per build (or revision), so an image edited since is read again."""

    def __init__(self, static: list[StaticFile]) -> None:
        self.paths = {f.source: f.absolute_source for f in static}
        self.known: dict[str, images.Size | None] = {}

    def of(self, source: str) -> images.Size | None:
        """None for what is not a file of the site (a page, a missing file) or not a readable image."""
        if source not in self.known:
            path = self.paths.get(source)
            # A published file may be a link that stays inside the site (the walk checked it, and
            # publishes what it points at): its size is that file's. images.size follows no link.
            self.known[source] = images.size(os.path.realpath(path)) if path is not None else None
        return self.known[source]


IMG_TAG = re.compile(r"<img\s[^<>]*>", re.I)
# An attribute of a tag, its value (if any) whole: a name written inside another's value is no attribute.
TAG_ATTRIBUTE = re.compile(r"""\s+([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


class LeftOut(NamedTuple):
    """Why a source is not published in this build, and what a link to it is."""

    why: str
    severity: str = ERROR


def resolve_links(body: str, source: Article | Page, targets: dict[str, str], missing: dict[str, LeftOut | None],
                  report: Report, anchors: Anchors | None = None, sizes: ImageSizes | None = None) -> str:
    """Link markers replaced by URLs; links to files that are missing or left out are errors, and
    a #fragment that names no heading (or other id) in its article or page is a warning. With
    `sizes`, an <img> of a file of the site gets its width and height (unless it has either)."""
    folder = posixpath.dirname(source.source)
    lines = source.lines.get("links", {})

    def swap(match) -> str:
        target, rest = html.unescape(match.group(1)), match.group(2)
        written = posixpath.relpath(target, folder)
        if target in targets:
            if anchors and "#" in rest and anchors.has(target):
                fragment = rest.split("#", 1)[1]
                _check_fragment(source, written, fragment, anchors.of(target),
                                lines.get(f"{target}#{fragment}", lines.get(target, (1, 1))), report)
            return targets[target] + rest
        line = lines.get(target, (1, 1))
        written = source.lines.get("written", {}).get(target, written)
        if target in missing:
            left = missing[target]
            if left:  # None: the target could not be read, and says so itself
                report.add(left.severity, source.source, f'link to "{written}", which is {left.why} and is not '
                           "published in this build", *line)
        else:
            report.error(source.source, f'link to "{written}", which does not exist'
                         f"{_web_address(written) or _closest_link(target, folder, targets)}", *line)
        return "#"

    if anchors and 'href="#' in body and anchors.has(source.source):
        for fragment in dict.fromkeys(IN_PAGE_LINK.findall(body)):
            _check_fragment(source, "", fragment, anchors.of(source.source), lines.get("#" + fragment, (1, 1)),
                            report)
    if "@@source:" not in body:
        return body
    if sizes is not None:
        body = IMG_TAG.sub(lambda tag: _with_size(tag.group(0), sizes), body)  # while srcs still name files
    return markup.MARKER.sub(swap, body)


def _with_size(tag: str, sizes: ImageSizes) -> str:
    """An <img> tag with width and height when its src is a marker for an image of the site; a tag
    that sets either keeps its own (the writer's raw HTML may want it smaller, or stretched)."""
    src = None
    for attribute in TAG_ATTRIBUTE.finditer(tag, 4):
        name = attribute.group(1).lower()
        if name in ("width", "height"):
            return tag
        if name == "src" and src is None and attribute.group(2):
            src = attribute
    marked = markup.MARKER.match(src.group(2).strip("\"'")) if src else None
    size = sizes.of(html.unescape(marked.group(1))) if marked else None
    if size is None:
        return tag
    return f'{tag[:src.end()]} width="{size[0]}" height="{size[1]}"{tag[src.end():]}'


def _check_fragment(source: Article | Page, written: str, fragment: str, ids: set[str], line: tuple[int, int],
                    report: Report) -> None:
    """A warning for a #fragment that names no id on its page (the target file, or this one)."""
    if fragment in ids or unquote(fragment) in ids:
        return
    page = "this article" if isinstance(source, Article) else "this page"
    hint = did_you_mean(fragment, ids - RESERVED_IDS).replace(' "', ' "#', 1)
    report.warning(source.source, f'link to "{written}#{fragment}": {"that file" if written else page} has no '
                   f'heading or other id "{fragment}"{hint}', *line)


def _web_address(written: str) -> str:
    """A hint for a link meant as a web address, written with something before it: `(https://x.org)`."""
    found = re.search(r"https?://|www\.", written)
    if not found or found.start() == 0:
        return ""
    return f'; for a web address, start the link with "{found.group(0)}"'


def _closest_link(target: str, folder: str, targets: dict[str, str]) -> str:
    """A did-you-mean for a broken link, as the writer would write it (matched on file names first:
    comparing every path of a large site for each broken link would be slow)."""
    by_name: dict[str, list[str]] = {}
    for path in targets:
        by_name.setdefault(posixpath.basename(path), []).append(path)
    close = difflib.get_close_matches(posixpath.basename(target), list(by_name), n=1, cutoff=0.6)
    if not close:
        return ""
    relative = [posixpath.relpath(path, folder) for path in by_name[close[0]]]
    return did_you_mean(posixpath.relpath(target, folder), relative) or f' (did you mean "{relative[0]}"?)'
