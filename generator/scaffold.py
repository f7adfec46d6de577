"""`newsroom new`: a new article file with its front matter filled in, as a draft."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import yaml

from generator import config as config_mod
from generator.diagnostics import Report, did_you_mean
from generator.paths import walk
from generator.urls import slugify


def new_article(site: Path, title: str, author: str | None, section: str | None, tags: str | None) -> int:
    report = Report()
    config = config_mod.load(site, report)
    if config is None:
        for item in report.sorted():
            print(item.format(), file=sys.stderr)
        return 1
    content = site / config.content_dir
    authors = sorted(p[:-3] for p in walk(content / "authors") if p.endswith(".md") and "/" not in p) \
        if (content / "authors").is_dir() else []
    author = author or (authors[0] if len(authors) == 1 else None)
    problem = _problem(config, authors, author, section, title)
    if problem:
        print(f"newsroom new: error: {problem}", file=sys.stderr)
        return 2 if problem.startswith("--") else 1
    now = datetime.now(config.tz)
    path = content / "articles" / f"{now:%Y}" / f"{slugify(title)}.md"
    if path.exists():
        print(f"newsroom new: error: {path.relative_to(site)} already exists", file=sys.stderr)
        return 1
    front = {"title": title, "date": f"{now:%Y-%m-%d %H:%M}", "author": author,
             "section": section or config.default_section,
             "tags": [t.strip() for t in (tags or "").split(",") if t.strip()], "summary": "", "draft": True}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    path.write_text(f"---\n{text}---\n\nWrite the article here. Remove `draft: true` to publish it.\n",
                    encoding="utf-8")
    print(path.relative_to(site).as_posix())
    return 0


def _problem(config, authors: list[str], author: str | None, section: str | None, title: str) -> str | None:
    if not slugify(title):
        return "the headline has no letters or digits to make a file name from"
    if author is None:
        return "--author is needed: one of " + ", ".join(authors) if authors else "--author: no author profiles"
    if author not in authors:
        return f'unknown author "{author}"{did_you_mean(author, authors)}; authors: {", ".join(authors)}'
    slugs = {s.slug for s in config.sections} | {s.title.casefold() for s in config.sections}
    if section and section.casefold() not in slugs:
        return f'unknown section "{section}"{did_you_mean(section, [s.slug for s in config.sections])}'
    return None
