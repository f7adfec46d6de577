"""The build, stage by stage: read and check everything, render in memory, then write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import config as config_mod
from . import content
from . import routes as routes_mod
from .cache import Cache, context_digest, digest, layouts_key
from .diagnostics import Report, rel
from .render import Renderer, default_layouts
from .site import Options, Site, assemble
from .sources import discover
from .writer import WriteStats, write

Progress = Callable[[str, int, int], None]


@dataclass
class Result:
    report: Report
    site: Site | None = None
    files: dict[str, bytes | Path] = field(default_factory=dict)
    stats: WriteStats | None = None
    seconds: float = 0.0
    output: Path | None = None

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
          progress: Progress | None = None, cache: Cache | None = None) -> Result:
    """Read, check and render the whole site, then write it if nothing failed.

    `cache` (the preview keeps one) lets unchanged files skip reading and
    unchanged pages skip rendering; the output is the same either way.
    """
    started = time.perf_counter()
    report = Report()
    result = Result(report)
    config = config_mod.load(site_dir, report, base_url)
    if config is None:
        return result
    result.output = output or site_dir / config.output_dir
    if write_files:
        _check_output(site_dir, config, result.output, report)
    renderer = Renderer(site_dir, site_dir / config.layouts_dir)
    templates_ok = renderer.check(report)
    sources = discover(site_dir, config.content_dir, renderer.folders)
    for path in sources.ignored:
        report.warning(path, "not published: Markdown files belong in articles/, authors/ or pages/")
    cache = cache if cache is not None else Cache()
    site = read_site(site_dir, config, sources, Options(build_time(), drafts, future), report, progress, cache)
    result.site = site
    routes = routes_mod.collect(site, report)
    if not templates_ok or report.errors(strict):
        return result
    cache.rendered = 0
    result.files = render_all(routes, renderer, report, progress, cache)
    cache.keep_only(set(sources.articles + sources.authors + sources.pages), {r.url for r in routes})
    result.files[MARKER] = b"Written by `newsroom build`, which removes files here that are not part of the site.\n"
    if report.errors(strict):
        return result
    if write_files:
        result.stats = write(result.output, result.files)
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
              progress: Progress | None = None, cache: Cache | None = None) -> Site:
    reader = content.Reader(config.tz, config.content_dir)
    cache = cache if cache is not None else Cache()
    settings = f"{config.timezone}|{config.content_dir}"
    broken: set[str] = set()

    def read_all(paths, read, stage=None):
        return _read_all(site_dir, paths, read, report, broken, cache, settings, progress if stage else None)

    articles = read_all(sources.articles, reader.article, "reading articles")
    authors = read_all(sources.authors, reader.author)
    pages = read_all(sources.pages, reader.page)
    return assemble(config, articles, authors, pages, sources.static, options, report, frozenset(broken))


def _read_all(site_dir: Path, paths: list[str], read, report: Report, broken: set[str], cache: Cache,
              settings: str, progress: Progress | None = None) -> list:
    """Every file read with `read` (or from the cache); the paths that failed go to `broken`."""
    items = []
    for done, path in enumerate(paths, 1):
        raw = (site_dir / path).read_bytes()
        key = digest(read.__name__, settings, raw)
        item, problems = cache.get(cache.reads, path, key) or read(path, raw)
        cache.reads[path] = (key, (item, problems))
        report.extend(problems)
        if item is None:
            broken.add(path)
        else:
            items.append(item)
        if progress:
            progress("reading articles", done, len(paths))
    return items


def render_all(routes: list, renderer: Renderer, report: Report, progress: Progress | None = None,
               cache: Cache | None = None) -> dict:
    cache = cache if cache is not None else Cache()
    templates = layouts_key(renderer.folders)
    files: dict[str, bytes | Path] = {}
    for done, route in enumerate(routes, 1):
        rel = routes_mod.urls.output_path(route.url)
        if route.template is None:
            files[rel] = Path(route.static_source)
        else:
            context = route.context()
            key = context_digest(templates, route.template, context)
            data = cache.get(cache.pages, route.url, key)
            if data is None:
                data = renderer.render(route.template, context, report)
                cache.rendered += 1
            if data is not None:
                files[rel] = data
                cache.pages[route.url] = (key, data)
        if progress:
            progress("rendering pages", done, len(routes))
    return files


__all__ = ["build", "build_time", "default_layouts"]
