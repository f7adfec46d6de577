"""Finding a site's source files and sorting them into articles, authors, pages and files published as is."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .diagnostics import ERROR, Diagnostic
from .model import StaticFile
from .paths import inside_site

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
    problems: list[Diagnostic] = field(default_factory=list)  # links that lead outside the site or nowhere


def is_temp_file(name: str) -> bool:
    return bool(TEMP_FILE.search(name))


def walk(root: Path, inside: Path | None = None, problems: list[Diagnostic] | None = None,
         shown: Path | None = None) -> list[str]:
    """Files below root, relative to it with forward slashes, sorted; hidden and temp files skipped.

    Symbolic links are followed only to what lies inside `inside` (the site folder): one that
    leads outside it, or to nothing, is skipped and reported in `problems` (paths shown relative
    to `shown`), so that nothing outside the site is ever read or published, whatever a pull
    request adds (a link to /proc/self/environ would publish CI's secrets)."""
    inside = (inside or root).resolve()
    seen = {root.resolve()}
    found = []
    for folder, dirnames, filenames in os.walk(root, followlinks=True):
        here = Path(folder)
        rel = here.relative_to(root).as_posix()
        kept = []
        for name in sorted(d for d in dirnames if not d.startswith(".")):
            real = _link_target(here / name, inside, problems, shown or inside)
            if real is not None and real not in seen:  # a link back up would loop forever
                seen.add(real)
                kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if not is_temp_file(name) and _link_target(here / name, inside, problems, shown or inside):
                found.append(name if rel == "." else f"{rel}/{name}")
    return sorted(found)


def _link_target(path: Path, inside: Path, problems: list[Diagnostic] | None, shown: Path) -> Path | None:
    """Where `path` really is, if that is inside `inside`; otherwise None, and why in `problems`."""
    if not path.is_symlink():
        return path.resolve() if path.is_dir() else path
    target = os.readlink(path)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        real = None
    if real is not None and (real == inside or inside in real.parents):
        return real
    if problems is not None:
        why = "which does not exist" if real is None else "outside the site folder, which a build never reads"
        problems.append(Diagnostic(_shown(path, shown), 0, 0, ERROR,
                                   f'a symbolic link to "{target}", {why}; put a copy in the site instead'))
    return None


def discover(site: Path, content_dir: str, layouts: list[Path]) -> Sources:
    """Sort the content folder's files by kind; add layouts' static/ files (site first)."""
    sources = Sources()
    content = site / content_dir
    own_layouts = [f for f in layouts if f != default_layouts()]
    for folder in [content, *own_layouts]:
        if folder.exists() and not inside_site(site, folder):
            sources.problems.append(Diagnostic(_shown(folder, site), 0, 0, ERROR, f'this folder is a link to '
                                               f'"{folder.resolve()}", outside the site folder, which a build '
                                               "never reads"))
            return sources
    for folder in own_layouts:  # templates too: a link to a file outside would be read as a layout
        found: list[Diagnostic] = []
        walk(folder, site, found, site)
        static = f"{_shown(folder, site)}/static/"  # walked below, with its own messages
        sources.problems += [p for p in found if not p.path.startswith(static)]
    for rel in walk(content, site, sources.problems) if content.is_dir() else []:
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
        inside = site if folder != default_layouts() else folder
        for rel in walk(static, inside, sources.problems, site) if static.is_dir() else []:
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
