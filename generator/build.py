"""The build, stage by stage: read and check everything, render and stage the pages, then put them in place."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache as cache_mod
from . import config as config_mod
from .cache import Cache, article_fingerprints, common_key, layouts_key, read_key, route_key
from .diagnostics import ERROR, Report, rel
from .sources import default_layouts, discover, layout_folders
from .urls import output_path
from .writer import Link, Transaction, WriteStats

# Markdown, Jinja and the site model are imported only by a build that has work to do: loading
# them is most of the time a build with nothing to do takes on a small site.
if TYPE_CHECKING:
    from .render import Renderer
    from .site import Options, Site

Progress = Callable[[str, int, int], None]


@dataclass
class Result:
    report: Report
    site: Site | None = None  # None when the build stopped early, or had nothing to do
    files: dict[str, bytes | Path] = field(default_factory=dict)
    stats: WriteStats | None = None
    seconds: float = 0.0
    output: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)  # pages, articles, tags, authors
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for `build --timings`
    # What the preview needs to re-render single pages later (see incremental.py):
    routes: list = field(default_factory=list)
    renderer: Renderer | None = None
    prints: tuple = ((), ())
    common: bytes = b""

    def ok(self, strict: bool = False) -> bool:
        return not self.report.errors(strict)


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def build(site_dir: Path, *, output: Path | None = None, drafts: bool = False, future: bool = False,
          strict: bool = False, base_url: str | None = None, write_files: bool = True,
          progress: Progress | None = None, cache: Cache | None = None, use_cache: bool = True) -> Result:
    """Read, check and render the whole site, then write it if nothing failed.

    Unchanged files are not read again and unchanged pages not rendered again:
    the preview passes its `cache`; a build that writes keeps one in the site's
    .cache/ (unless `use_cache` is false), and when no input changed since its
    last build it only checks the output. The output is the same either way.
    """
    started = time.perf_counter()
    report = Report()
    result = Result(report)
    clock = [started]

    def done(stage: str) -> None:
        now = time.perf_counter()
        result.timings[stage] = now - clock[0]
        clock[0] = now

    config = config_mod.load(site_dir, report, base_url)
    if config is None:
        return result
    result.output = output or site_dir / config.output_dir
    if write_files:
        _check_output(site_dir, config, result.output, report)
    folders = layout_folders(site_dir / config.layouts_dir)
    now = build_time()
    saved = site_dir / cache_mod.FOLDER if write_files and use_cache and cache is None else None
    if saved and not report.errors():
        options = (drafts, future, strict, config, str(result.output.resolve()))
        inputs = cache_mod.inputs_key(options, site_dir, [site_dir / config.content_dir, *folders])
        manifest = cache_mod.Manifest.load(saved)
        if manifest and manifest.still_holds(inputs, result.output, now.timestamp()):
            return _nothing_to_do(result, manifest, started)
        done("checking for changes")
        cache = Cache.load(saved)
        if manifest:
            cache.output, cache.outputs = manifest.output, manifest.outputs
        done("loading the cache")
    from . import routes as routes_mod
    from .render import Renderer
    from .site import Options
    renderer = Renderer(site_dir, site_dir / config.layouts_dir, saved / "templates" if saved else None)
    templates_ok = renderer.check(report)
    sources = discover(site_dir, config.content_dir, renderer.folders)
    report.extend(sources.problems)
    for path in sources.ignored:
        report.warning(path, "not published: Markdown files belong in articles/, authors/ or pages/")
    cache = cache if cache is not None else Cache()
    site = read_site(site_dir, config, sources, Options(now, drafts, future), report, progress, cache, done)
    if saved:
        cache.save_reads_aside(saved, set(sources.articles + sources.authors + sources.pages))
    result.site, result.notices = site, site.notices
    routes = routes_mod.collect(site, report)
    done("routes")
    if not templates_ok or report.errors(strict):
        cache.saved_aside()
        return result
    result.routes, result.renderer = routes, renderer
    result.common = common_key(site, layouts_key(renderer.folders, site_dir))
    result.prints = article_fingerprints(site)
    done("keys")
    output = str(result.output.resolve())
    # Files are staged beside the output while pages render, and put in place only if all went well.
    transaction = Transaction(result.output, cache.outputs if cache.output == output else {}) if write_files \
        else None
    try:
        result.files = render_all(routes, result.prints, result.common, renderer, report, progress, cache,
                                  transaction)
        done("rendering")
        cache.keep_only(set(sources.articles + sources.authors + sources.pages), {r.url for r in routes})
        result.files[MARKER] = b"Written by `newsroom build`, which removes files here that are not part of the site.\n"
        if transaction:
            transaction.stage(MARKER, result.files[MARKER])
    except BaseException as exc:
        if transaction:
            transaction.abort(failed=isinstance(exc, OSError))
        raise
    result.counts = {"pages": sum(1 for rel in result.files if rel.endswith(".html")),
                     "articles": len(site.articles), "tags": len(site.tag_names), "authors": len(site.authors)}
    if report.errors(strict):
        if transaction:
            transaction.abort()
        cache.saved_aside()
        return result
    if transaction:
        try:
            result.stats = transaction.commit()
        except OSError:
            transaction.abort(failed=True)
            raise
        cache.output, cache.outputs = output, result.stats.files
        done("writing")
    if saved:
        paths = {output_path(r.url): r.url for r in routes}
        kept = {paths[path]: copy for path, copy in result.stats.kept.items() if path in paths}
        cache.save(saved, kept)
        summary = {"counts": result.counts, "notices": result.notices, "problems": list(report.items)}
        cache_mod.Manifest(inputs, cache.output, cache.outputs, site.due, summary).save(saved)
        done("saving the cache")
    result.seconds = time.perf_counter() - started
    return result


def _nothing_to_do(result: Result, manifest, started: float) -> Result:
    """No input changed and the output is as the last build left it: report what that build reported."""
    result.report.extend(manifest.summary["problems"])
    result.counts, result.notices = manifest.summary["counts"], manifest.summary["notices"]
    result.stats = WriteStats()
    result.seconds = time.perf_counter() - started
    return result


MARKER = ".newsroom"  # in the output folder: newsroom made it, so stale files there may be removed


def _check_output(site_dir: Path, config, output: Path, report: Report) -> None:
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


def read_site(site_dir: Path, config, sources, options: Options, report: Report,
              progress: Progress | None = None, cache: Cache | None = None, mark=lambda stage: None) -> Site:
    """Read every source (from the cache when its bytes are unchanged, on all cores otherwise) and assemble."""
    from .parallel import read_many
    from .site import assemble
    cache = cache if cache is not None else Cache()
    kinds = [("article", p) for p in sources.articles] + [("author", p) for p in sources.authors] \
        + [("page", p) for p in sources.pages]
    results: dict[str, tuple] = {}
    missing = []
    for kind, path in kinds:
        if not cache.reads:  # nothing to reuse: the workers read the files themselves
            missing.append((kind, path, site_dir / path))
            continue
        raw = (site_dir / path).read_bytes()
        hit = cache.get(cache.reads, path, read_key(config, kind, raw))
        if hit is None:
            missing.append((kind, path, raw))
        else:
            results[path] = hit
    cache.read = len(missing)
    for done, (job, (key, result)) in enumerate(zip(missing, read_many(missing, config), strict=True), 1):
        results[job[1]] = result
        cache.reads[job[1]] = (key, result)
        if progress:
            progress("reading", done, len(missing))
    mark("reading")
    broken: set[str] = set()
    found: dict[str, list] = {"article": [], "author": [], "page": []}
    for kind, path in kinds:
        item, problems = results[path]
        report.extend(problems)
        if item is None or any(p.severity == ERROR for p in problems):
            broken.add(path)
        if item is not None:
            found[kind].append(item)
    site = assemble(config, found["article"], found["author"], found["page"], sources.static, options, report,
                    frozenset(broken))
    mark("assembling")
    return site


def render_all(routes: list, prints: tuple, common: bytes, renderer: Renderer, report: Report,
               progress: Progress | None = None, cache: Cache | None = None,
               transaction: Transaction | None = None) -> dict:
    """Every route's output (by output path), from the cache when the route's key is unchanged,
    else rendered (on all cores), and staged in `transaction` when one is given. The output is a
    page's bytes, a file to copy or link, or None for a page a worker staged without sending it back:
    it does that when the cache keeps pages in its store, so that they need not be held here."""
    from .parallel import render_many
    cache = cache if cache is not None else Cache()
    found: dict[int, bytes | Path | Link | None] = {}
    keys: dict[int, bytes] = {}
    for index, route in enumerate(routes):
        if route.template is None:
            found[index] = Path(route.static_source)
            continue
        keys[index] = route_key(route, prints, common)
        data = cache.page(route.url, keys[index])
        if data is not None:
            found[index] = data
    missing = [index for index in keys if index not in found]
    put = None
    if transaction and cache.store is not None:
        def put(index: int, data: bytes) -> tuple:  # in a worker
            return transaction.put(output_path(routes[index].url), data, False, cache.stored(keys[index]))
    for done, (index, data, problems) in enumerate(render_many(routes, renderer, missing, put), 1):
        report.extend(problems)
        if data is not None:
            rel = output_path(routes[index].url)
            if put:
                transaction.record(rel, data)
                data = None
            elif transaction:
                transaction.stage(rel, data, False, cache.stored(keys[index]))
            found[index] = data
            cache.pages[routes[index].url] = (keys[index], data)
        if progress:
            progress("rendering pages", done, len(missing))
    cache.rendered = len(missing)
    if transaction:
        for index in found.keys() - set(missing):
            transaction.stage(output_path(routes[index].url), found[index], index in keys)
    return {output_path(routes[i].url): found[i] for i in sorted(found)}


__all__ = ["build", "build_time", "default_layouts"]
