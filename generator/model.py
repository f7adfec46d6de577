"""The content model: plain frozen values, related to each other by id, never by pointer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Lines = dict  # front-matter key -> (line, col) in the source file, for later messages


@dataclass(frozen=True)
class Photo:
    src: str  # a URL: root-relative for local files, absolute for remote ones
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    local: str | None = None  # the content-relative file behind a local src


@dataclass(frozen=True)
class Correction:
    date: datetime
    kind: str  # "correction", "clarification" or "update"
    text: str


@dataclass(frozen=True)
class Article:
    source: str  # path relative to the site, e.g. content/articles/2021/x.md
    title: str
    date: datetime  # aware, in the site's timezone
    authors: tuple[str, ...]  # as written: ids or names, resolved by the site
    section: str | None  # as written: slug or title; None means the default section
    tags: tuple[str, ...]  # as written
    slug: str
    body: str  # HTML; links to other sources are still markers (see markup.py)
    summary: str
    updated: datetime | None = None  # the latest of `updated:` and the corrections' dates
    expires: datetime | None = None  # when it is taken down
    dateline: str | None = None
    photo: Photo | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()
    series: str | None = None  # the series' name, as written
    toc: bool | None = None  # a table of contents: always, never, or (None) when the body is long
    words: int = 0  # in the body, for its reading time
    headings: tuple[tuple[int, str, str], ...] = ()  # the body's h2 and h3: (level, id, text)
    corrections: tuple[Correction, ...] = ()  # oldest first
    extra: dict = field(default_factory=dict, compare=False)
    lines: Lines = field(default_factory=dict, compare=False, repr=False)
    # Set by the site once every source is read:
    url: str = ""
    status: str = "published"  # or "draft", "scheduled"


@dataclass(frozen=True)
class Author:
    source: str
    id: str
    name: str
    bio: str  # HTML
    role: str | None = None
    photo: Photo | None = None
    email: str | None = None
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Page:
    source: str
    title: str
    slug: str
    body: str  # HTML, with link markers
    summary: str = ""
    lines: Lines = field(default_factory=dict, compare=False, repr=False)
    url: str = ""


@dataclass(frozen=True)
class StaticFile:
    source: str  # path relative to the site, or to the default layouts
    url: str
    absolute_source: str  # where to read the bytes from
