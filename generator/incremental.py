"""The preview's fast path: after an edit to articles that leaves the site's structure as
it was (same dates, tags, authors, section, slug...), re-read just those files and
re-render just the pages that show them. Anything else goes through a full build.

The pages re-rendered are found from each route's `deps` and `shows` (routes.py),
and their keys are the same `cache.route_key` a full build computes, so the result
is byte for byte what a full build would write; test_serve.py checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from . import content
from .build import Result, build_time
from .cache import Cache, article_fingerprint, read_key, route_key
from .diagnostics import Report
from .site import Anchors, Site, link_targets, resolve_links
from .urls import output_path
from .writer import WriteStats, write

# What decides where an article appears and what sits around it; an edit that
# changes any of these (or adds, removes or renames a file) needs a full build.
STRUCTURE = ("date", "updated", "draft", "section", "slug", "tags", "authors", "aliases")


@dataclass
class State:
    """The last good full build, kept by the preview."""

    site_dir: Path
    output: Path
    result: Result
    cache: Cache
    by_source: dict[str, int] = field(default_factory=dict)  # article source -> index
    showing: dict[int, list[int]] = field(default_factory=dict)  # article index -> route indices

    @classmethod
    def after(cls, site_dir: Path, output: Path, result: Result, cache: Cache) -> State:
        state = cls(site_dir, output, result, cache)
        state.by_source = {a.source: i for i, a in enumerate(result.site.articles)}
        for number, route in enumerate(result.routes):
            for index in {*route.deps, *route.shows}:
                state.showing.setdefault(index, []).append(number)
        return state


def rebuild(state: State, changed: set[str]) -> tuple[Report, WriteStats] | None:
    """Re-render what the edited articles touch; None when a full build is needed instead."""
    site: Site = state.result.site
    sources = _edited_articles(state, changed)
    if sources is None:
        return None
    report = Report()
    reader = content.Reader(site.config.tz, site.config.content_dir)
    files = {f.source for f in site.static}
    updates = {}
    for source in sources:
        raw = (state.site_dir / source).read_bytes()
        new, problems = reader.article(source, raw)
        index = state.by_source[source]
        before = (state.cache.reads.get(source) or (None, (None, [])))[1][0]  # as read, before resolving
        if new is None or before is None or any(getattr(new, f) != getattr(before, f) for f in STRUCTURE) \
                or (new.date > build_time()) != (site.articles[index].status == "scheduled") \
                or (new.photo and new.photo.local and new.photo.local not in files):
            return None  # errors, or a change of structure: the full build reports and places it
        report.extend(problems)
        state.cache.reads[source] = (read_key(site.config, "article", raw), (new, problems))
        updates[index] = new
    return _apply(state, site, updates, report)


def _edited_articles(state: State, changed: set[str]) -> list[str] | None:
    """The site-relative articles behind `changed`, if they are all articles the last build had."""
    site_dir = state.site_dir.resolve()
    sources = []
    for path in changed:
        try:
            source = Path(path).resolve().relative_to(site_dir).as_posix()
        except ValueError:
            return None
        if source not in state.by_source or not (state.site_dir / source).is_file():
            return None
        sources.append(source)
    return sorted(sources) or None


def _apply(state: State, site: Site, updates: dict, report: Report) -> tuple[Report, WriteStats] | None:
    targets = link_targets(site.articles, site.pages, site.authors, {f.source: f.url for f in site.static})
    result = state.result
    whole, teaser = result.prints
    for index, new in updates.items():
        old = site.articles[index]
        body = resolve_links(new.body, new, targets, {}, report, Anchors([*site.articles, new], site.pages))
        if report.errors():
            return None
        site.articles[index] = replace(new, body=body, authors=old.authors, section=old.section, url=old.url,
                                       status=old.status)
        site.views.pop(("view", index), None)
        site.views.pop(("feed", index), None)
        whole[index], teaser[index] = article_fingerprint(site, index)
    files = {}
    for number in sorted({r for index in updates for r in state.showing.get(index, [])}):
        route = result.routes[number]
        key = route_key(route, result.prints, result.common)
        if state.cache.get(state.cache.pages, route.url, key) is not None:
            continue
        data = result.renderer.render(route.template, route.context(), report)
        if data is None:
            return None
        state.cache.pages[route.url] = (key, data)
        files[output_path(route.url)] = data
    stats = write(state.output, files, remove_stale=False)
    state.cache.outputs.update(stats.files)
    return report, stats
