"""Site settings from config.yaml, validated into a frozen Config."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator import yamldoc
from generator.diagnostics import Report, did_you_mean
from generator.paths import inside_site

PERMALINK_TOKENS = {"section", "slug", "year", "month", "day"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Section:
    slug: str
    title: str


@dataclass(frozen=True)
class Config:
    title: str
    base_url: str  # no trailing slash
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    default_section: str = "news"
    sections: tuple[Section, ...] = (Section("news", "News"),)
    permalink: str = "/{section}/{slug}/"
    per_page: int = 10
    feed_size: int = 20
    related: int = 6
    toc_headings: int = 4  # an article with this many headings (h2, h3) or more gets a table of contents
    content_dir: str = "content"
    layouts_dir: str = "layouts"
    output_dir: str = "output"
    default_image: str = ""  # the site's picture where a page has none: a file under content/, or a URL
    logo: str = ""  # the publisher's logo, for search engines: likewise
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # setting -> (line, col)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def section(self, slug: str) -> Section:
        return next(s for s in self.sections if s.slug == slug)


FIELDS = set(Config.__dataclass_fields__) - {"lines"}
STRINGS = {"title", "base_url", "description", "language", "timezone", "default_section",
           "permalink", "content_dir", "layouts_dir", "output_dir", "default_image", "logo"}
COUNTS = {"per_page", "feed_size", "related", "toc_headings"}


def load(site: Path, report: Report, base_url: str | None = None) -> Config | None:
    """Read SITE/config.yaml; None when it has errors (all reported)."""
    path = site / "config.yaml"
    if path.is_symlink() and not inside_site(site, path):
        report.error("config.yaml", f'a symbolic link to "{os.readlink(path)}", outside the site folder, '
                     "which a build never reads; put a copy in the site instead")
        return None
    if not path.is_file():
        report.error("config.yaml", "no config.yaml in the site folder; it needs at least title and base_url")
        return None
    try:
        doc = yamldoc.parse(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        report.error("config.yaml", "not UTF-8 text; save the file as UTF-8")
        return None
    except yamldoc.YamlError as exc:
        report.error("config.yaml", exc.message, exc.line, exc.col)
        return None
    if base_url is not None:
        doc.data = {**(doc.data or {}), "base_url": base_url}
    return _validate(doc, report)


def _validate(doc: yamldoc.Document, report: Report) -> Config | None:
    data = doc.data if doc.data is not None else {}
    before = len(report.errors())

    def err(key: str, message: str) -> None:
        line, col = doc.lines.get(key, (1, 1))
        report.error("config.yaml", message, line, col)

    if not isinstance(data, dict):
        report.error("config.yaml", "config.yaml must be a mapping of settings (key: value)", 1, 1)
        return None
    for key in data:
        if key not in FIELDS:
            err(str(key), f'unknown setting "{key}"{did_you_mean(str(key), FIELDS)}')
    typos = {did_you_mean(str(key), FIELDS) for key in data if key not in FIELDS}
    for key in ("title", "base_url"):
        if key not in data and f' (did you mean "{key}"?)' not in typos:  # the typo's message says it
            report.error("config.yaml", f'"{key}" is required', 1, 1)
    values: dict = {}
    for key in STRINGS & data.keys():
        if not isinstance(data[key], str) or isinstance(data[key], yamldoc.Timestamp):
            err(key, f'"{key}" must be text, not {type(data[key]).__name__}')
        else:
            values[key] = data[key].strip()
    for key in COUNTS & data.keys():
        if type(data[key]) is not int or data[key] < 1:
            err(key, f'"{key}" must be a whole number of at least 1, not {doc.written.get(key, data[key])!r}')
        else:
            values[key] = data[key]
    if "sections" in data:
        values["sections"] = _sections(data["sections"], err)
    for key in ("content_dir", "layouts_dir", "output_dir"):
        folder = values.get(key)
        if folder is not None and (folder.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", folder)
                                   or folder in ("", ".")):
            err(key, f'"{key}" must be a folder inside the site, like "{key.split("_")[0]}" (got "{folder}")')
    _check_values(values, err)
    if len(report.errors()) > before:
        return None
    values.setdefault("default_section", values.get("sections", Config.sections)[0].slug)
    config = Config(**values, lines=dict(doc.lines))
    if config.default_section not in {s.slug for s in config.sections}:
        slugs = [s.slug for s in config.sections]
        err("default_section", f'default_section "{config.default_section}" is not a declared section'
            f"{did_you_mean(config.default_section, slugs)}; the sections are: {', '.join(slugs)}")
        return None
    return config


def _sections(raw, err) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        err("sections", "sections must be a non-empty list of {slug: ..., title: ...}")
        return ()
    sections = []
    for number, item in enumerate(raw):
        where = f"sections[{number}]"
        if not isinstance(item, dict):
            err(where, "each section is a mapping like {slug: health, title: Health}")
            continue
        for key in item:
            if key not in ("slug", "title"):
                err(f"{where}.{key}", f'unknown section field "{key}"{did_you_mean(str(key), ["slug", "title"])}')
        slug, title = item.get("slug"), item.get("title", item.get("slug"))
        if not isinstance(slug, str) or not SLUG.match(slug):
            err(f"{where}.slug" if "slug" in item else where,
                "a section needs a slug of lowercase ASCII letters, digits and hyphens, like in-the-news")
            continue
        if not isinstance(title, str):
            err(f"{where}.title", f'section "{slug}" needs a title in text')
            continue
        if slug in {s.slug for s in sections}:
            err(f"{where}.slug", f'section "{slug}" is declared twice')
        sections.append(Section(slug, title))
    return tuple(sections)


def _check_values(values: dict, err) -> None:
    url = values.get("base_url")
    if url is not None:
        if not re.match(r"^https?://[^/\s]+/?$", url):
            err("base_url", f'base_url must be an absolute http(s) URL of the site root, like '
                f'https://news.example.org (got "{url}")')
        values["base_url"] = url.rstrip("/")
    tz = values.get("timezone")
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            err("timezone", f'unknown timezone "{tz}"; use an IANA name like America/New_York')
    link = values.get("permalink")
    if link is not None:
        tokens = set(re.findall(r"\{(\w*)\}", link))
        unknown = tokens - PERMALINK_TOKENS
        if unknown:
            word = sorted(unknown)[0]
            err("permalink", f"unknown permalink token {{{word}}}{did_you_mean(word, PERMALINK_TOKENS)}")
        elif "slug" not in tokens or not link.startswith("/") or not link.endswith("/"):
            err("permalink", "permalink must start and end with / and contain {slug}")

