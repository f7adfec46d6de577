"""Which folder a build may write its output into: never one whose clean-up of stale files would
delete the site's sources or someone else's files."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Report, rel

MARKER = ".newsroom"  # in the output folder: newsroom made it, so stale files there may be removed
MARKER_TEXT = b"Written by `newsroom build`, which removes files here that are not part of the site.\n"


def check_output(site_dir: Path, config, output: Path, report: Report) -> None:
    """Refuse an output folder whose stale-file cleanup would delete sources or someone else's files."""
    out, site = output.resolve(), site_dir.resolve()
    shown = rel(out, site)
    guarded = [site / config.content_dir, site / config.layouts_dir]
    if out == site or out in site.parents:
        report.error(shown, "the output folder holds the site itself; choose a folder inside it, like output/")
    elif any(out == g or g in out.parents or out in g.parents for g in guarded):
        report.error(shown, "the output folder must not be inside (or hold) content/ or layouts/")
    elif out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        report.error(shown, "the output folder has files that newsroom did not write, and a build removes files "
                     "that do not belong to the site; empty it or choose another folder")
