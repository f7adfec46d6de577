"""Reading source files: front matter checked field by field, bodies converted to HTML.

Each function here reads one file and depends on nothing else in the site, so
files can be read in any order, in parallel, or from a cache. Whatever needs
the whole site (authors, sections, links, collisions) is checked in site.py.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import unquote

from generator import dates, urls, yamldoc
from generator.diagnostics import ERROR, WARNING, Diagnostic, did_you_mean
from generator.model import Article, Author, Correction, Page, Photo
from generator.read import editorial, markup
from generator.urls import slugify

ARTICLE_KEYS = {"title", "date", "author", "authors", "section", "tags", "dateline", "summary",
                "photo", "slug", "updated", "expires", "draft", "aliases", "series", "toc", "corrections", "extra"}
AUTHOR_KEYS = {"name", "role", "photo", "email", "links"}
PAGE_KEYS = {"title", "slug", "summary"}
PHOTO_KEYS = {"src", "alt", "caption", "credit"}
CORRECTION_KEYS = {"date", "kind", "text"}
CORRECTION_KINDS = ("correction", "clarification", "update")


class Invalid(Exception):
    """The file cannot be read at all; the diagnostics say why."""


@dataclass
class Source:
    """One source file's front matter and body, and the problems found so far."""

    path: str  # site-relative
    data: dict
    lines: dict
    body: str
    body_line: int  # line of the file where the body starts
    problems: list[Diagnostic]
    content_dir: str = "content"
    written: dict = field(default_factory=dict)  # scalar values as typed

    def line(self, key: str) -> tuple[int, int]:
        return self.lines.get(key, (1, 1))

    def error(self, key: str, message: str) -> None:
        self.problems.append(Diagnostic(self.path, *self.line(key), ERROR, message))

    def warning(self, key: str, message: str) -> None:
        self.problems.append(Diagnostic(self.path, *self.line(key), WARNING, message))

    def text(self, key: str, required: bool = False) -> str | None:
        """A text field; YAML's `no`, numbers and dates are errors, not coerced."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(key, f'"{key}" is required')
            return None
        if isinstance(value, yamldoc.Timestamp):
            self.error(key, f'"{key}" must be text, but YAML reads {value} as a date; '
                       f'put it in quotes: {key}: "{value}"')
        elif not isinstance(value, str):
            self.error(key, f'"{key}" must be text, {self.reads_as(key, value)}')
        elif not value.strip() and required:
            self.error(key, f'"{key}" is empty')
        else:
            return value.strip()
        return None

    def reads_as(self, key: str, value: object) -> str:
        """'but YAML reads no as false; put it in quotes: title: "no"', for any non-text value."""
        written = self.written.get(key)
        if written is None:
            return f"not {type(value).__name__}"
        kind = {bool: f"the yes/no value {str(value).lower()}", int: f"the number {value}",
                float: f"the number {value}"}.get(type(value), f"a {type(value).__name__}")
        return f'but YAML reads {written} as {kind}; put it in quotes: {key}: "{written}"'

    def unknown_keys(self, known: set[str]) -> None:
        for key in self.data:
            if key not in known:
                self.warning(str(key), f'unknown field "{key}"{did_you_mean(str(key), known)}')


def split(path: str, raw: bytes, content_dir: str = "content") -> Source:
    """Decode a file and separate its front matter; raise Invalid when impossible."""
    def fail(message: str, line: int = 1, col: int = 1):
        return Invalid([Diagnostic(path, line, col, ERROR, message)])

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return_col = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise fail("not UTF-8 text; save the file as UTF-8", line, return_col) from None
    if not text.strip():
        raise fail("the file is empty; an article needs front matter (title, author, date) and a body")
    text = text.replace("\r\n", "\n")
    bad = yamldoc.control_character(text)
    if bad:
        raise fail(f"the control character {bad[2]}, which no page or feed may hold (feed readers refuse "
                   "the whole feed); remove it", bad[0], bad[1])
    if not re.match(r"---[ \t]*\n", text):
        raise fail('no front matter: the file must start with a line "---", then YAML fields, then "---"')
    closing = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
    if not closing:
        raise fail('the front matter is never closed: add a line "---" after the last field')
    yaml_text = text[4 : 4 + closing.start()]
    body = text[4 + closing.end() :].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    try:
        doc = yamldoc.parse(yaml_text)
    except yamldoc.YamlError as exc:
        raise fail(exc.message, exc.line + 1, exc.col) from None
    lines = {key: (line + 1, col) for key, (line, col) in doc.lines.items()}
    problems = [Diagnostic(path, line + 1, col, ERROR, f'"{key}" is given twice')
                for key, line, col in doc.duplicates]
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise fail("the front matter must be fields (key: value), not a "
                   + ("list" if isinstance(doc.data, list) else "single value"), 2)
    return Source(path, doc.data, lines, body, body_line, problems, content_dir, doc.written)


class Reader:
    """Reads articles, author profiles and pages with one site's settings."""

    def __init__(self, tz: tzinfo, content_dir: str) -> None:
        self.tz = tz
        self.content_dir = content_dir
        self.converter = markup.Converter()

    def article(self, path: str, raw: bytes) -> tuple[Article | None, list[Diagnostic]]:
        return read_article(path, raw, self)

    def author(self, path: str, raw: bytes) -> tuple[Author | None, list[Diagnostic]]:
        return read_author(path, raw, self)

    def page(self, path: str, raw: bytes) -> tuple[Page | None, list[Diagnostic]]:
        return read_page(path, raw, self)


def read_article(path: str, raw: bytes, reader: Reader) -> tuple[Article | None, list[Diagnostic]]:
    """An Article from one file, with every problem found in it; None when it cannot be read at all.
    An article with errors is still made (with stand-ins for what is wrong), so that the site can
    check its references too: the build fails on its errors either way."""
    tz, converter = reader.tz, reader.converter
    try:
        src = split(path, raw, reader.content_dir)
    except Invalid as exc:
        return None, exc.args[0]
    src.unknown_keys(ARTICLE_KEYS)
    name = posixpath.basename(path)[:-3]
    file_date = dates.FILE_DATE.match(name)
    title = src.text("title", required=True)
    date = _date(src, "date", tz, required=not file_date)
    if date is None and file_date and "date" not in src.data:
        date = _date_from_name(src, file_date.group(1), tz)
    updated = _date(src, "updated", tz)
    if date and updated and updated < date:
        src.error("updated", f"updated ({dates.iso(updated)}) is before the date ({dates.iso(date)})")
    expires = _date(src, "expires", tz)
    if date and expires and expires <= date:
        src.error("expires", f"expires ({dates.iso(expires)}) is not after the date ({dates.iso(date)}), "
                  "so the article would never be published")
    corrections = _corrections(src, tz, date)
    if corrections:  # a correction updates the article: its page, feeds and sitemap say when
        updated = max(d for d in (updated, corrections[-1].date) if d)
    body, links = converter.convert(src.body, path)
    _unsafe_links(src, converter.unsafe)
    src.problems += editorial.check(path, src.body, src.body_line, body)
    dateline = src.text("dateline")
    body = markup.with_dateline(body, dateline)
    article = Article(
        source=path, title=title or "", date=date or datetime(1970, 1, 1, tzinfo=tz), authors=_authors(src),
        section=src.text("section"), tags=_tags(src), slug=_slug(src, file_date.group(2) if file_date else name),
        body=body, summary=markup.excerpt(src.text("summary") or "") or markup.summary(body),
        updated=updated, expires=expires, dateline=dateline, photo=photo(src, "photo"), draft=_flag(src, "draft"),
        aliases=_aliases(src), series=_series(src), toc=_flag(src, "toc") if "toc" in src.data else None,
        words=len(markup.plain_text(body).split()), headings=markup.headings(body), corrections=corrections,
        extra=_mapping(src, "extra"),
        lines={**src.lines, "links": _link_lines(src, links), "written": {t: w for w, t in reversed(links)}},
    )
    return article, src.problems


def read_author(path: str, raw: bytes, reader: Reader) -> tuple[Author | None, list[Diagnostic]]:
    converter = reader.converter
    try:
        src = split(path, raw, reader.content_dir)
    except Invalid as exc:
        return None, exc.args[0]
    src.unknown_keys(AUTHOR_KEYS)
    name = src.text("name", required=True)
    links = _mapping(src, "links")
    for label, url in links.items():
        if not isinstance(url, str):
            src.error("links", f'link "{label}" must be a URL in text')
        elif markup.is_unsafe_url(url):
            src.error(f"links.{label}", f'link "{label}" is a script or data URL ({url[:30]}…), which a page '
                      "must not link to; give a web address")
    bio, _ = converter.convert(src.body, path)
    ident = posixpath.basename(path)[:-3]
    if slugify(ident) != ident:
        src.problems.append(Diagnostic(path, 0, 0, ERROR, f"an author's file name is their id in URLs and must be "
                                       f"lowercase letters, digits and hyphens: rename it {slugify(ident)}.md"))
    author = Author(source=path, id=ident, name=name or "", bio=bio,
                    role=src.text("role"), photo=photo(src, "photo", needs_alt=False), email=src.text("email"),
                    links=tuple((str(k), str(v)) for k, v in links.items()))
    return author, src.problems


def read_page(path: str, raw: bytes, reader: Reader) -> tuple[Page | None, list[Diagnostic]]:
    converter = reader.converter
    try:
        src = split(path, raw, reader.content_dir)
    except Invalid as exc:
        return None, exc.args[0]
    src.unknown_keys(PAGE_KEYS)
    title = src.text("title", required=True)
    body, links = converter.convert(src.body, path)
    _unsafe_links(src, converter.unsafe)
    src.problems += editorial.check(path, src.body, src.body_line, body)
    name = posixpath.basename(path)[:-3]
    page = Page(source=path, title=title or "", slug=_slug(src, name), body=body,
                summary=src.text("summary") or markup.summary(body),
                lines={**src.lines, "links": _link_lines(src, links), "written": {t: w for w, t in reversed(links)}})
    return page, src.problems


def _date(src: Source, key: str, tz: tzinfo, required: bool = False) -> datetime | None:
    if key not in src.data:
        if required:
            src.error(key, f'"{key}" is required (or start the file name with the date: 2021-04-02-title.md)')
        return None
    try:
        return dates.parse(src.data[key], tz)
    except ValueError as exc:
        src.error(key, f'"{key}": {exc}')
        return None


def _corrections(src: Source, tz: tzinfo, published: datetime | None) -> tuple[Correction, ...]:
    """`corrections:`, a list of {date, kind, text}, checked item by item; oldest first."""
    value = src.data.get("corrections")
    if value is None:
        return ()
    if not isinstance(value, list):
        src.error("corrections", "corrections must be a list of {date, kind, text}, one for each notice")
        return ()
    found = []
    for number, item in enumerate(value, 1):
        where = f"correction {number}"
        if not isinstance(item, dict):
            src.error("corrections", f"{where} must be a mapping: {{date: 2022-03-04, kind: correction, text: ...}}")
            continue
        for key in item:
            if key not in CORRECTION_KEYS:
                src.warning("corrections", f'{where}: unknown field "{key}"{did_you_mean(str(key), CORRECTION_KEYS)}')
        kind, text = item.get("kind"), item.get("text")
        if kind not in CORRECTION_KINDS:
            hint = did_you_mean(str(kind), CORRECTION_KINDS) if isinstance(kind, str) else ""
            src.error("corrections", f'{where}: kind must be one of {", ".join(CORRECTION_KINDS)}, not {kind!r}{hint}'
                      if kind is not None else f"{where} needs a kind: {', '.join(CORRECTION_KINDS)}")
        if not isinstance(text, str) or not text.strip() or isinstance(text, yamldoc.Timestamp):
            src.error("corrections", f"{where} needs a text: what was wrong, and what is right")
        try:
            moment = dates.parse(item["date"], tz) if "date" in item else None
        except ValueError as exc:
            src.error("corrections", f"{where}: date: {exc}")
            continue
        if moment is None:
            src.error("corrections", f"{where} needs the date it was made")
        elif published and moment < published:
            src.error("corrections", f"{where} is dated {dates.iso(moment)}, before the article "
                      f"({dates.iso(published)})")
        elif kind in CORRECTION_KINDS and isinstance(text, str) and text.strip():
            found.append(Correction(moment, kind, " ".join(text.split())))
    return tuple(sorted(found, key=lambda c: c.date))


def _date_from_name(src: Source, text: str, tz: tzinfo) -> datetime | None:
    try:
        return dates.parse(text, tz)
    except ValueError as exc:
        src.problems.append(Diagnostic(src.path, 0, 0, ERROR, f"the date in the file name: {exc}"))
        return None


def _authors(src: Source) -> tuple[str, ...]:
    if "author" in src.data and "authors" in src.data:
        src.error("authors", 'give either "author" or "authors", not both')
    key = "authors" if "authors" in src.data else "author"
    value = src.data.get(key)
    items = value if isinstance(value, list) else [value] if value is not None else []
    if not items:
        src.error(key, 'an article needs an author: "author: <id>" or a list under "authors:"')
    names = []
    for item in items:
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
        else:
            src.error(key, f"each author must be an id or a name in text, not {item!r}")
    return tuple(names)


def _tags(src: Source) -> tuple[str, ...]:
    value = src.data.get("tags")
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        src.error("tags", "tags must be a list, [A, B], or text separated by commas")
        return ()
    tags = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            src.error("tags", f"each tag must be text, not {item!r}")
        elif str(item).strip():
            tags.append(str(item).strip())
    return tuple(dict.fromkeys(tags))


def _series(src: Source) -> str | None:
    name = src.text("series")
    if name is not None and not slugify(name):
        src.error("series", f'series "{name}" needs letters or digits: its name makes its URL')
        return None
    return name


def _slug(src: Source, default: str) -> str:
    given = src.text("slug")
    if given is not None and ("/" in given or ".." in given or "\\" in given):
        src.error("slug", f'slug "{given}" must not contain "/", "\\" or ".."; it would leave its folder')
        return ""
    slug = slugify(given if given is not None else default)
    if not slug:
        src.error("slug" if given is not None else "title", "the slug is empty; give a \"slug:\" field")
    return slug


def photo(src: Source, key: str, needs_alt: bool = True) -> Photo | None:
    """A photo mapping or a bare src; a local src is checked by the site."""
    value = src.data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = {"src": value}
    if not isinstance(value, dict):
        src.error(key, f'"{key}" must be a mapping with src, alt, caption and credit, or just a src')
        return None
    for sub in value:
        if sub not in PHOTO_KEYS:
            src.lines.setdefault(f"{key}.{sub}", src.line(key))
            src.warning(f"{key}.{sub}", f'unknown photo field "{sub}"{did_you_mean(str(sub), PHOTO_KEYS)}')
    fields = {name: _sub_text(src, key, name, value) for name in PHOTO_KEYS}
    if not fields["src"]:
        src.error(key, f'"{key}" needs a src: a file under content/ or an absolute URL')
        return None
    if fields["alt"] is None and needs_alt:
        src.warning(key, f'"{key}" has no alt text; describe the picture for readers who cannot see it')
    found = _photo_src(src, fields["src"])
    if found is None:
        return None
    url, local = found
    return Photo(src=url, alt=fields["alt"], caption=fields["caption"], credit=fields["credit"], local=local)


def _sub_text(src: Source, key: str, name: str, mapping: dict) -> str | None:
    value = mapping.get(name)
    if value is None or (isinstance(value, str) and not isinstance(value, yamldoc.Timestamp)):
        return value.strip() if value else None
    src.error(f"{key}.{name}", f'"{key}.{name}" must be text; put it in quotes')
    return None


def _photo_src(src: Source, value: str) -> tuple[str, str | None] | None:
    """(URL, content file) for a photo: remote URLs have no file; None for a file outside content/."""
    if re.match(r"^(https?:)?//", value):
        return value, None
    if markup.is_unsafe_url(value) or re.match(r"^[a-zA-Z][\w+.-]*:", value):
        src.error("photo", f'photo "{value[:40]}" must be a file under {src.content_dir}/ or an http(s) address')
        return None
    if value.startswith("/"):
        local = posixpath.normpath(src.content_dir + unquote(value))
    else:
        local = posixpath.normpath(posixpath.join(posixpath.dirname(src.path), unquote(value)))
    folder = posixpath.normpath(src.content_dir) + "/"
    inside = local[len(folder):] if local.startswith(folder) else posixpath.relpath(local, src.content_dir)
    if inside.startswith(".."):
        src.error("photo", f'photo "{value}" is outside the {src.content_dir}/ folder')
        return None
    return urls.static(inside), local


def _flag(src: Source, key: str) -> bool:
    value = src.data.get(key, False)
    if not isinstance(value, bool):
        src.error(key, f'"{key}" must be true or false, not {src.written.get(key, value)!r}')
        return False
    return value


def _aliases(src: Source) -> tuple[str, ...]:
    value = src.data.get("aliases", [])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        src.error("aliases", "aliases must be a list of old URL paths, like [/2021/04/old-title/]")
        return ()
    return tuple(value)


def _mapping(src: Source, key: str) -> dict:
    value = src.data.get(key, {})
    if not isinstance(value, dict):
        src.error(key, f'"{key}" must be a mapping (key: value)')
        return {}
    return value


# How a link's target stands in Markdown and HTML: [x](target), [x](target "title"), [x]: target,
# <target>, href="target"...; the first form found places the link.
LINK_FORMS = [("](", ")"), ("](", " "), ("]: ", ""), ("<", ">"), ('="', '"'), ("='", "'"), ("=", "")]


def _unsafe_links(src: Source, unsafe: list[str]) -> None:
    for value in dict.fromkeys(unsafe):
        at = src.body.find(value)
        line = (src.body_line + src.body.count("\n", 0, at), at - src.body.rfind("\n", 0, at)) if at >= 0 \
            else (src.body_line, 1)
        src.problems.append(Diagnostic(src.path, *line, ERROR, f'a link to "{value[:40]}", a script or data '
                                       "URL, which an article must not hold; link to a web address or a file"))


def _link_lines(src: Source, links: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """Where each link stands in the file, for messages about its target (by target, and by target
    and #fragment): found as written in a Markdown link, a reference definition, an autolink or an
    HTML attribute, else anywhere."""
    found = {}
    for written, target in links:
        at = next((i + len(before) for before, after in LINK_FORMS
                   if (i := src.body.find(before + written + after)) >= 0), src.body.find(written))
        line = src.body_line + src.body.count("\n", 0, at) if at >= 0 else src.body_line
        where = (line, at - src.body.rfind("\n", 0, at)) if at >= 0 else (line, 1)
        found.setdefault(target, where)
        if "#" in written and not written.startswith("#"):
            found.setdefault(f"{target}#{written.split('#', 1)[1]}", where)
    return found
