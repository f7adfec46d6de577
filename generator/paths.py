"""Where a path really is: a site's files are read only from inside the site's folder."""

from __future__ import annotations

from pathlib import Path


def inside_site(site: Path, path: Path) -> bool:
    """Whether `path` (a folder or file of the site, links followed) really is inside `site`."""
    real, root = path.resolve(), site.resolve()
    return real == root or root in real.parents
