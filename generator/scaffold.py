"""`newsroom new`: a new article file with its front matter filled in, as a draft."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import yaml

from generator import config as config_mod
from generator.diagnostics import Report, did_you_mean, printable
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
    if not authors:
        print(f"newsroom new: error: {_no_authors(config.content_dir, author)}", file=sys.stderr)
        return 1
    problem = _problem(config, authors, author, section, title)
    if problem:
        print(f"newsroom new: error: {printable(problem)}", file=sys.stderr)  # it quotes what was typed
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


# Up to this many author ids are listed in a message; past it the list would bury the message.
FEW = 12


def _no_authors(content_dir: str, author: str | None) -> str:
    """How to add the first author profile: an article cannot be written without one. The example
    is made from the --author given (an id or a name), so the advice can be followed as it is."""
    wanted = slugify(author or "") or "kate-michael"
    name = printable(author) if author and author != wanted else " ".join(w.capitalize() for w in wanted.split("-"))
    return (f"the site has no author profiles yet, and every article needs one. Add a file "
            f"{content_dir}/authors/{wanted}.md holding:\n"
            f"    ---\n    name: {name}\n    ---\n    A line or two about {name.split()[0]} (optional).\n"
            f"then run this command again: --author takes the file's name without .md ({wanted}), and "
            f"with a single profile it can be left out")


def _author_list(authors: list[str], content_dir: str) -> str:
    """The ids, when they are few enough to read; otherwise where to find them."""
    if len(authors) <= FEW:
        return ", ".join(authors)
    return f"{len(authors)} profiles in {content_dir}/authors/, each id the name of its file"


def _problem(config, authors: list[str], author: str | None, section: str | None, title: str) -> str | None:
    if not slugify(title):
        return "the headline has no letters or digits to make a file name from"
    if author is None:
        return f"--author is needed, the site has several author profiles: {_author_list(authors, config.content_dir)}"
    if author not in authors:
        # The slug too, so that a name ("Kate Michael") finds its id (kate-michael).
        hint = did_you_mean(slugify(author) or author, authors) or did_you_mean(author, authors)
        return f'unknown author "{author}"{hint}; authors: {_author_list(authors, config.content_dir)}'
    slugs = {s.slug for s in config.sections} | {s.title.casefold() for s in config.sections}
    if section and section.casefold() not in slugs:
        listed = ", ".join(f"{s.slug} ({s.title})" for s in config.sections)
        return (f'unknown section "{section}"{did_you_mean(section, [s.slug for s in config.sections])}; '
                f"the sections in config.yaml are: {listed}")
    return None
