"""Finding a site's source files and sorting them into articles, authors, pages and files published as is."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .model import StaticFile

# Editors and operating systems leave these beside real files; they are never content.
TEMP_FILE = re.compile(r"(^\.|~$|^#.*#$|\.(swp|swx|swo|tmp|bak|orig|part|crdownload)$|^4913$)")


def default_layouts() -> Path:
    """The layouts that ship with the package (copied in at install), or the repository's own."""
    packaged = Path(__file__).parent / "layouts"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "layouts"


def layout_folders(layouts: Path) -> list[Path]:
    """Where templates are looked up, in order: the site's layouts, then the defaults."""
    return [p for p in (layouts, default_layouts()) if p.is_dir()]


@dataclass
class Sources:
    articles: list[str] = field(default_factory=list)  # site-relative paths, sorted
    authors: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    static: list[StaticFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # .md files outside the three folders


def is_temp_file(name: str) -> bool:
    return bool(TEMP_FILE.search(name))


def walk(root: Path) -> list[str]:
    """Files below root, relative to it with forward slashes, sorted; hidden and temp files skipped."""
    found = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = Path(folder).relative_to(root).as_posix()
        for name in filenames:
            if not is_temp_file(name):
                found.append(name if rel == "." else f"{rel}/{name}")
    return sorted(found)


def discover(site: Path, content_dir: str, layouts: list[Path]) -> Sources:
    """Sort the content folder's files by kind; add layouts' static/ files (site first)."""
    sources = Sources()
    content = site / content_dir
    for rel in walk(content) if content.is_dir() else []:
        path = f"{content_dir}/{rel}"
        top = rel.split("/", 1)[0]
        if rel.lower().endswith(".md"):
            if top == "articles":
                sources.articles.append(path)
            elif top == "authors" and rel.count("/") == 1:
                sources.authors.append(path)
            elif top == "pages":
                sources.pages.append(path)
            else:
                sources.ignored.append(path)
        else:
            sources.static.append(StaticFile(path, urls.static(rel), str(content / rel)))
    taken = set()
    for folder in layouts:
        static = folder / "static"
        for rel in walk(static) if static.is_dir() else []:
            if rel not in taken:  # the site's own layouts/static/ overrides the default file by file
                taken.add(rel)
                source = _shown(static / rel, site)
                sources.static.append(StaticFile(source, urls.static("static/" + rel), str(static / rel)))
    return sources


def _shown(path: Path, site: Path) -> str:
    try:
        return path.relative_to(site).as_posix()
    except ValueError:
        return path.as_posix()
