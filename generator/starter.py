"""`newsroom init`: a minimal site that builds at once, so that a newcomer starts from something
that works (and that `check --strict` passes) and changes it, rather than from an empty folder."""

from __future__ import annotations

import os
import shlex
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from generator.config import Config
from generator.dates import build_time

AUTHOR_ID = "editor"
ARTICLE_SLUG = "welcome"

CONFIG = """\
# Site settings for newsroom. Only title and base_url are required; every other setting
# below is written with its default value, so that you can see it and change it.
# A setting newsroom does not know is an error (with a suggestion for a typo).
# The settings are described in newsroom's README, under "config.yaml".

# The site's name, shown at the top of every page and in its feeds.
title: My Newsroom

# One sentence about the site: the home page's description for search engines and the
# feeds' subtitle.
description: News and analysis from our newsroom.

# The address the site will be published at, without a path: feeds, the sitemap and
# canonical links are absolute URLs made from it. Change it before you publish.
base_url: https://news.example.org

# The language the articles are written in, as an HTML language code (en, fr, pt-BR).
language: en

# An article's date written without an offset (date: 2026-04-02 09:30) is in this time zone:
# an IANA name such as America/New_York or Europe/Paris.
timezone: UTC

# The sections, in the order the navigation shows them. An article names its section by slug
# or by title (section: news); the slug is also the section page's URL (/news/).
sections:
  - {slug: news, title: News}

# The section of an article that names none: one of the slugs above.
default_section: news

# The URL of each article. Tokens: {section} {slug} {year} {month} {day}; it must start and
# end with / and contain {slug}. Changing it moves every article (old URLs can be kept with
# an article's aliases:).
permalink: /{section}/{slug}/

# How many articles each page of the home, section, tag and author listings shows.
per_page: {per_page}

# How many of the newest articles each Atom feed holds.
feed_size: {feed_size}

# How many related articles are shown beside each article, at most.
related: {related}

# An article with this many ## and ### headings or more gets a table of contents above its
# body (an article's own "toc: true" or "toc: false" decides for it).
toc_headings: {toc_headings}

# The site's folders, inside the site folder: the articles, profiles and files; the
# templates (without this folder, the default layouts that come with newsroom are used, and
# a file in it replaces the default of the same name); and the built site. If you change
# output_dir, change .gitignore to match.
content_dir: content
layouts_dir: layouts
output_dir: output

# Optional pictures: the site's picture for pages that have none of their own (shown when a
# page is shared), and the publisher's logo that search engines show. Each is an absolute URL
# or a file under content/ given by its path on the site (/images/logo.png for the file
# content/images/logo.png). Remove the # to set one.
# default_image: /images/site.jpg
# logo: /images/logo.png
"""

AUTHOR = f"""\
---
name: The Editor
role: Editor
---
Write a line or two about yourself here: this is the bio on your author page.
The file's name, `{AUTHOR_ID}`, is the id an article gives as its `author:`.
Add one file like this in `content/authors/` for each writer.
"""

ARTICLE = """\
---
title: Welcome to your new site
date: {date}
author: {author}
section: news
tags: [Getting started]
summary: What this site is made of, and how to publish the next article.
---
This site was made by `newsroom init`. Every article is a Markdown file like
this one, in `content/articles/`. The lines between the two `---` at the top
give its title, date, author, section and tags.

To start the next article, run `newsroom new "Your headline"`. It writes a new
file marked `draft: true`, which a build leaves out. Write the article, look at
it with `newsroom serve`, and delete the `draft: true` line to publish it.

The author of this article is `{author}`: the profile in
`content/authors/{author}.md`. Put your own name and bio there, or add a profile
for each writer.

When your first real article is in, delete this one.
"""

# Anchored to the site's root ("/output/"), so that a folder named output inside content/ is
# still committed. The spare and staging trees are the ones the writer keeps beside the output
# (output/writer.py): `.output.spare/` after every build, `.output.staging-PID/` while one runs.
GITIGNORE = ["/output/", "/.cache/", "/.output.spare/", "/.output.staging-*/"]


def _config_text() -> str:
    """config.yaml with the counts' defaults taken from Config, so the file cannot call an old
    value the default. The text is plain .replace, not format: YAML's braces stay as they are."""
    text = CONFIG
    for key in ("per_page", "feed_size", "related", "toc_headings"):
        text = text.replace(f"{{{key}}}", str(getattr(Config, key)))
    return text


def starter_files(now: datetime) -> dict[str, str]:
    """The files of a new site, by path. The article is dated a minute before `now` (the build's
    clock, so SOURCE_DATE_EPOCH holds for both), in UTC as config.yaml says: a build right
    after publishes it rather than leaving it out as scheduled."""
    date = (now.astimezone(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    return {
        "config.yaml": _config_text(),
        f"content/authors/{AUTHOR_ID}.md": AUTHOR,
        f"content/articles/{now.year}/{ARTICLE_SLUG}.md": ARTICLE.format(date=date, author=AUTHOR_ID),
        ".gitignore": "# Made by newsroom builds: never commit them.\n" + "\n".join(GITIGNORE) + "\n",
    }


def init_site(folder: Path, shown: str) -> int:
    """Write a new site into `folder` (`shown` is how the user wrote it). Refuses a folder that
    already holds a site, and never overwrites a file: an existing .gitignore is kept."""
    problem = _refusal(folder, shown)
    if problem:
        print(f"newsroom init: error: {problem}", file=sys.stderr)
        return 2
    files = starter_files(build_time())
    kept = [path for path in files if os.path.lexists(folder / path)]  # only .gitignore can be there
    created: list[Path] = []
    try:
        _make_folder(folder, created)
        for path, text in files.items():
            if path not in kept:
                _write_new(folder / path, text, created)
    except OSError as exc:
        _undo(created)  # a half-made site would be refused by the next init: leave nothing
        where = exc.filename or folder
        print(f"newsroom init: error: cannot write {where}: {exc.strerror or exc}; nothing was written",
              file=sys.stderr)
        return 1
    _print_written(files, kept, folder, shown)
    return 0


def _refusal(folder: Path, shown: str) -> str | None:
    """Why `folder` cannot take a new site, or None."""
    if folder.exists() and not folder.is_dir():
        return f"{shown} is a file, not a folder; give init a new or empty folder"
    for name in ("config.yaml", "content"):
        if os.path.lexists(folder / name):
            return (f"{shown} already has a {name}, so it is a site already, and init never overwrites "
                    "anything; give it a new folder (newsroom init mysite), "
                    'or add an article with newsroom new "Headline"')
    return None


def _make_folder(folder: Path, created: list[Path]) -> None:
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _write_new(path: Path, text: str, created: list[Path]) -> None:
    """Write a file that must not exist yet ("x": never overwrite, even one made meanwhile)."""
    _make_folder(path.parent, created)
    with open(path, "x", encoding="utf-8") as handle:
        created.append(path)
        handle.write(text)


def _undo(created: list[Path]) -> None:
    for path in reversed(created):
        try:
            path.rmdir() if path.is_dir() else path.unlink()
        except OSError:
            pass


def _print_written(files: dict[str, str], kept: list[str], folder: Path, shown: str) -> None:
    where = "this folder" if folder.resolve() == Path.cwd().resolve() else shown
    print(f"newsroom init: wrote a new site in {where}:")
    for path in files:
        if path not in kept:
            print(f"  {path}")
    if ".gitignore" in kept:
        ignore = folder / ".gitignore"
        present = set(ignore.read_text(errors="replace").split()) if ignore.is_file() else set()
        missing = [line for line in GITIGNORE if line not in present]
        if missing:
            print(f"  (kept your .gitignore; add these lines to it: {' '.join(missing)})")
    site = "" if where == "this folder" else f" {shlex.quote(shown)}"
    print("next:")
    print(f"  newsroom build{site}    # the site, into {'' if not site else shown.rstrip('/') + '/'}output/")
    print(f"  newsroom serve{site}    # a preview at http://127.0.0.1:8000/ that follows your edits")
    print(f'  newsroom new "Headline"{" --site" + site if site else ""}    # a new article, as a draft')
