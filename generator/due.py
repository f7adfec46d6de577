"""`newsroom due`: whether a build now would publish an article, or take one down, that the last
build did not. A scheduled CI job asks this every few minutes and rebuilds only when it is so.

The last build's time is in its manifest, in the site's cache; the articles are read as a build
reads them (from the store, so that this takes a moment on a site whose cache is kept).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from generator import config as config_mod
from generator.build import CACHE, STORE, saved_reads
from generator.dates import build_time, iso
from generator.diagnostics import Report
from generator.executor import best
from generator.output.manifest import Manifest
from generator.read.reading import read_all
from generator.read.sources import discover, layout_folders
from generator.site.schedule import EXPIRED, changes, next_change
from generator.store import Store

IS_DUE, NOT_DUE, CANNOT_TELL = 0, 1, 2


def due(site: Path, show_next: bool, report: Report) -> int:
    """Print what became due since the last build (IS_DUE), or say nothing did (NOT_DUE); with
    `show_next`, print when the next article goes up or comes down. CANNOT_TELL when the site
    cannot be read (its problems are in `report`)."""
    config = config_mod.load(site, report)
    if config is None:
        return CANNOT_TELL
    now = build_time().astimezone(config.tz)
    articles = _articles(site, config, report)
    if show_next:
        moment = next_change(articles, now)
        if moment is not None:
            print(iso(moment))
        return IS_DUE
    manifest = Manifest.load(site / CACHE)
    if manifest is None or manifest.built is None:
        print(f"no record of a last build in {CACHE}/: a build publishes the site")
        return IS_DUE
    since = datetime.fromtimestamp(manifest.built, config.tz)
    found = changes(articles, since, now)
    if not found:
        print(f"nothing is due: no article goes up or comes down between the last build ({_shown(since)}) "
              f"and now ({_shown(now)})", file=sys.stderr)
        return NOT_DUE
    for change in found:
        verb = "expired" if change.kind == EXPIRED else "due"
        print(f"{verb:8} {_shown(change.when)}  {change.article.source}  {change.article.title}")
    return IS_DUE


def _articles(site: Path, config, report: Report) -> list:
    """Every article the site has, read as a build reads it (with the store's reads of unchanged files)."""
    store = Store(site / CACHE / STORE)
    sources = discover(site, config.content_dir, layout_folders(site / config.layouts_dir))
    reads = read_all(site, config, sources, best(), Report(), saved_reads(site, store))
    return reads.items("article")


def _shown(moment: datetime) -> str:
    """As the newsroom reads times: in the site's timezone, with its name (EST, CEST)."""
    return f"{moment:%Y-%m-%d %H:%M %Z}"
