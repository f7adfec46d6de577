"""The build's stages, in order, and the session that runs them:

    config -> sources -> reads -> site -> routes -> pages -> output

Each stage is a function from values to values, in its own package (read/, site/, render/,
output/). A Session runs them and keeps what its last good run made, so that the next run
reuses what did not change: the reads of unchanged files (the store keeps them between
processes too) and, when an edit leaves every article where it was, the site's routes
(`site.revise` makes the new site from the old one and the edited articles). `newsroom build`
is one run of a new session; the preview keeps one session as long as it runs.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator import config as config_mod
from generator.dates import build_time
from generator.diagnostics import Report
from generator.keys import digest, layouts_key
from generator.output.guard import MARKER, MARKER_TEXT, check_output
from generator.output.writer import Link, Transaction, WriteStats
from generator.read.reading import read_all
from generator.read.reads import Reads
from generator.read.sources import Sources, discover, layout_folders
from generator.render.pages import Prints, Rendered, prints_of, render_pages, shared_key
from generator.render.routes import Route, plan
from generator.render.templates import Renderer
from generator.render.views import Ref
from generator.results import Options, Result, Written
from generator.site import assemble as site_mod
from generator.site.assemble import Site

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Built:
    """What a good run made, for the next run of its session to reuse."""

    config: object
    layouts: bytes
    renderer: Renderer
    sources: Sources
    site: Site
    routes: list[Route]
    showing: dict[int, list[int]] | None  # article index -> the routes whose arguments show it, once needed
    prints: Prints
    rendered: Rendered


class Session:
    def __init__(self, site_dir: Path, options: Options, store, executor, progress: Progress | None = None,
                 written: Written | None = None, reads: Reads | None = None) -> None:
        """`written` and `reads`: what the output holds and what was read, as an earlier build left
        them (a new session of the preview or of `build` starts warm from them)."""
        self.site_dir, self.options, self.store, self.executor = site_dir, options, store, executor
        self.progress = progress
        self.written = written or Written()  # the output as the last commit left it
        self.reads = reads  # the last run's, good or bad
        self.last: Built | None = None  # the last run's, when it was good

    def run(self, changed: set[str] | None = None, *, config=None, report: Report | None = None) -> Result:
        """Build the site. `changed`: the files changed since the last run (absolute or site-relative
        paths), when known; everything else is taken to be as it was."""
        result = Result(report or Report())
        clock = _Clock(result.timings)
        self._run(result, clock, changed, config)
        result.seconds = clock.total()
        return result

    def _run(self, result: Result, clock: _Clock, changed: set[str] | None, config) -> None:
        report, options = result.report, self.options
        self.last, last = None, self.last  # set again only when this run is good
        config = config or config_mod.load(self.site_dir, report, options.base_url)
        if config is None:
            return
        result.output = options.output or self.site_dir / config.output_dir
        if options.write_files:
            check_output(self.site_dir, config, result.output, report)
        folders = layout_folders(self.site_dir / config.layouts_dir)
        layouts = layouts_key(folders, self.site_dir)
        if last and (last.config, last.layouts) != (config, layouts):
            last = None  # other settings or templates: nothing of that run applies
        renderer = last.renderer if last else Renderer(self.site_dir, self.site_dir / config.layouts_dir, self.store)
        templates_ok = bool(last) or renderer.check(report)
        edited = self._relative(changed)
        if last and _only_edited(self.site_dir, edited, last.sources):
            sources = last.sources  # no file came or went: the site's files are the same
        else:
            sources = discover(self.site_dir, config.content_dir, folders)
        report_sources(sources, report)
        reads = self._read(config, sources, edited, report)
        result.read = reads.read
        clock.mark("reading")
        site, routes = self._site(last, config, sources, reads, edited, report)
        result.revised = last is not None and routes is last.routes
        result.site, result.notices = site, site.notices
        clock.mark("site and routes")
        if not templates_ok or report.errors(options.strict):
            return
        prints = prints_of(site, self.executor, (last.site, last.prints) if last else None)
        showing = (last.showing or _showing(routes)) if result.revised else None
        numbers = _shown(showing, edited, site) if result.revised else range(len(routes))
        rendered = render_pages(site, routes, list(numbers), renderer, shared_key(site, layouts), prints, self.store,
                                self.executor, self.progress)
        report.extend(rendered.problems)
        result.rendered = rendered.rendered
        if result.revised:  # the same routes: the pages not shown again are as they were
            rendered = Rendered({**last.rendered.files, **rendered.files}, {**last.rendered.keys, **rendered.keys})
        rendered.files[MARKER] = _marker(self.store)
        result.files = rendered.files
        result.counts = {"pages": sum(1 for path in rendered.files if path.endswith(".html")),
                         "articles": len(site.articles), "tags": len(site.tag_names), "authors": len(site.authors)}
        clock.mark("rendering")
        if report.errors(options.strict):
            return
        if options.write_files:
            result.stats = self._commit(result.output, rendered, only_changed=result.revised)
            clock.mark("writing")
        self.last = Built(config, layouts, renderer, sources, site, routes, showing, prints, rendered)

    def _read(self, config, sources: Sources, edited: set[str] | None, report: Report) -> Reads:
        """Every source read; with what was edited known, the others are as the last run read them."""
        self.reads = read_all(self.site_dir, config, sources, self.executor, report, self.reads, edited,
                              self.progress)
        return self.reads

    def _site(self, last: Built | None, config, sources: Sources, reads: Reads, edited: set[str] | None,
              report: Report) -> tuple[Site, list[Route]]:
        """The site and its routes: the last run's revised with the edited articles where that can be,
        since an edit that leaves every article where it was leaves every route as it was."""
        now = build_time()
        if last and edited is not None:
            site = _revised(last, sources, reads, edited, now, report)
            if site is not None:
                return site, last.routes
        options = site_mod.Options(now, self.options.drafts, self.options.future)
        site = site_mod.assemble(config, reads.items("article"), reads.items("author"), reads.items("page"),
                                 sources.static, options, report, reads.broken(), self.executor)
        return site, plan(site, report)

    def _relative(self, changed: set[str] | None) -> set[str] | None:
        """Changed paths as site-relative ones."""
        if changed is None:
            return None
        root = self.site_dir.resolve()
        found = set()
        for path in changed:
            full = Path(path) if Path(path).is_absolute() else root / path
            try:
                found.add(full.resolve().relative_to(root).as_posix())
            except ValueError:
                found.add(str(path))  # outside the site: never a source, but a change all the same
        return found

    def _commit(self, output: Path, rendered: Rendered, only_changed: bool) -> WriteStats:
        """Put the pages in place: all of them at once, or only those whose key changed (`only_changed`:
        the site has the same files as before)."""
        root = str(output.resolve())
        written = self.written if self.written.output == root else Written()
        transaction = Transaction(output, written.files, private=self.options.private)
        try:
            for path, file in rendered.files.items():
                current = path in rendered.keys and written.pages.get(path) == rendered.keys[path]
                if only_changed and current:
                    continue
                transaction.stage(path, Link(file) if isinstance(file, str) else file, current)
            stats = transaction.commit(remove_stale=not only_changed)
        except BaseException as exc:
            transaction.abort(failed=isinstance(exc, OSError))
            raise
        self.written = Written(root, stats.files, rendered.keys)
        return stats


def report_sources(sources: Sources, report: Report) -> None:
    """Links out of the site, and Markdown files where no kind of source is."""
    report.extend(sources.problems)
    for path in sources.ignored:
        report.warning(path, "not published: Markdown files belong in articles/, authors/ or pages/")


def _only_edited(site_dir: Path, edited: set[str] | None, sources: Sources) -> bool:
    """Whether every changed path is a source the site has, still a plain file: nothing was added,
    removed or renamed (the watcher names both sides of those), and no file became a link."""
    if not edited:
        return False
    known = {*sources.articles, *sources.authors, *sources.pages, *(f.source for f in sources.static)}
    for path in edited:
        try:
            info = os.lstat(site_dir / path)
        except OSError:
            return False
        if path not in known or not stat.S_ISREG(info.st_mode):
            return False
    return True


def _revised(last: Built, sources: Sources, reads: Reads, edited: set[str], now: datetime,
             report: Report) -> Site | None:
    """The last site revised with the edited articles, when only articles it has were edited (revise
    tells those it does not have)."""
    if sources != last.sources or not edited:
        return None
    articles = []
    for path in sorted(edited):
        if reads.kinds.get(path) != "article" or reads.is_broken(path):
            return None
        articles.append(reads.files[path][1])
    return site_mod.revise(last.site, articles, now, report)


def _showing(routes: list[Route]) -> dict[int, list[int]]:
    """For each article, the routes whose arguments show it (in any form)."""
    showing: dict[int, list[int]] = {}

    def visit(value, number: int) -> None:
        if isinstance(value, Ref):
            showing.setdefault(value.index, []).append(number)
        elif isinstance(value, tuple):
            for item in value:
                visit(item, number)

    for number, route in enumerate(routes):
        visit(route.args, number)
    return showing


def _shown(showing: dict[int, list[int]], edited: set[str], site: Site) -> list[int]:
    """The routes that show the edited articles."""
    return sorted({n for path in edited for n in showing.get(site.positions[path], [])})


def _marker(store) -> str:
    """The output's marker file, kept in the store like a page."""
    key = digest("marker")
    return store.file(key) or store.put(key, MARKER_TEXT)


class _Clock:
    """Seconds per stage, into `timings`."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.started = self.last = time.perf_counter()

    def mark(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self.last
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.started
