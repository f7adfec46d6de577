"""Finding a site's source files and sorting them into articles, authors, pages and files published as is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator import urls
from generator.diagnostics import ERROR, Diagnostic
from generator.model import StaticFile
from generator.paths import inside_site, shown_path, walk


def default_layouts() -> Path:
    """The layouts that ship with the package (copied in at install), or the repository's own."""
    package = Path(__file__).parent.parent
    packaged = package / "layouts"
    return packaged if packaged.is_dir() else package.parent / "layouts"


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


def discover(site: Path, content_dir: str, layouts: list[Path]) -> Sources:
    """Sort the content folder's files by kind; add layouts' static/ files (site first)."""
    sources = Sources()
    content = site / content_dir
    own_layouts = [f for f in layouts if f != default_layouts()]
    for folder in [content, *own_layouts]:
        if folder.exists() and not inside_site(site, folder):
            sources.problems.append(Diagnostic(shown_path(folder, site), 0, 0, ERROR, f'this folder is a link to '
                                               f'"{folder.resolve()}", outside the site folder, which a build '
                                               "never reads"))
            return sources
    for folder in own_layouts:  # templates too: a link to a file outside would be read as a layout
        found: list[Diagnostic] = []
        walk(folder, site, found, site)
        static = f"{shown_path(folder, site)}/static/"  # walked below, with its own messages
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
                source = shown_path(static / rel, site)
                sources.static.append(StaticFile(source, urls.static("static/" + rel), str(static / rel)))
    return sources
