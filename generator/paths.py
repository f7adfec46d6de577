"""Where a path really is, and the files below a folder: a site's files are read only from inside
the site's folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator.diagnostics import ERROR, Diagnostic

# Editors and operating systems leave these beside real files; they are never content.
TEMP_FILE = re.compile(r"(^\.|~$|^#.*#$|\.(swp|swx|swo|tmp|bak|orig|part|crdownload)$|^4913$)")


def inside_site(site: Path, path: Path) -> bool:
    """Whether `path` (a folder or file of the site, links followed) really is inside `site`."""
    real, root = path.resolve(), site.resolve()
    return real == root or root in real.parents


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
    shown = shown or inside
    seen = {str(root.resolve())}  # folders walked, as they really are: a link back up would loop forever
    found: list[str] = []

    def visit(folder: str, real: str, prefix: str) -> None:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)  # a folder seen twice: the first name wins
        for entry in entries:  # the entry's type comes with the listing: one system call per folder
            name = entry.name
            if entry.is_symlink():
                if name.startswith(".") or is_temp_file(name):
                    continue
                target = _link_target(Path(entry.path), inside, problems, shown)
                if target is None:
                    continue
                if target.is_dir():
                    if str(target) not in seen:
                        seen.add(str(target))
                        visit(entry.path, str(target), f"{prefix}{name}/")
                else:
                    found.append(prefix + name)
            elif entry.is_dir():
                inner = os.path.join(real, name)
                if not name.startswith(".") and inner not in seen:
                    seen.add(inner)
                    visit(entry.path, inner, f"{prefix}{name}/")
            elif not is_temp_file(name):
                found.append(prefix + name)

    if root.is_dir():
        visit(str(root), str(root.resolve()), "")
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
        problems.append(Diagnostic(shown_path(path, shown), 0, 0, ERROR,
                                   f'a symbolic link to "{target}", {why}; put a copy in the site instead'))
    return None


def shown_path(path: Path, site: Path) -> str:
    try:
        return path.relative_to(site).as_posix()
    except ValueError:
        return path.as_posix()
