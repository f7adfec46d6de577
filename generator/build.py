"""`newsroom build` and `newsroom check`: one run of the pipeline (pipeline.py), with the site's
cache kept in .cache/newsroom/: the store of what earlier builds read and rendered, and the
manifest of what the last one wrote, which tells a build with nothing to do."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from generator import config as config_mod
from generator.dates import build_time
from generator.diagnostics import Report
from generator.keys import digest, inputs_key
from generator.output.guard import check_output
from generator.output.manifest import Manifest
from generator.output.writer import WriteStats, file_stats
from generator.read.reads import Reads, joined, pack, shares, unpack
from generator.read.sources import default_layouts, layout_folders
from generator.results import Options, Result, Written
from generator.store import Store

if TYPE_CHECKING:
    from generator.pipeline import Progress

CACHE = ".cache/newsroom"  # in the site; keep it between CI runs to make builds warm
STORE = "store"
OLD = ("pages", "templates", "reads.pickle", "pages.pickle")  # earlier versions' cache files


def build(site_dir: Path, *, output: Path | None = None, drafts: bool = False, future: bool = False,
          strict: bool = False, base_url: str | None = None, write_files: bool = True,
          progress: Progress | None = None, use_cache: bool = True, executor=None) -> Result:
    """Read, check and render the whole site, then write it if nothing failed. When no input
    changed since the last build and the output is as that build left it, only report again what
    it reported. `use_cache`: false, nothing is taken from the site's cache or kept there."""
    report = Report()
    config = config_mod.load(site_dir, report, base_url)
    if config is None:
        return Result(report)
    options = Options(output, drafts, future, strict, base_url, write_files)
    out = output or site_dir / config.output_dir
    cache = site_dir / CACHE if write_files and use_cache else None
    inputs = manifest = None
    if cache is not None and not _refused(site_dir, config, out):
        inputs = inputs_key((drafts, future, strict, config, str(out.resolve())), site_dir,
                            _input_stats(site_dir, config))
        manifest = Manifest.load(cache)
        if manifest and manifest.still_holds(inputs, out, build_time().timestamp()):
            return _nothing_to_do(Result(report, output=out), manifest)
    # Markdown, Jinja and the stages are imported only by a build that has work to do: loading them
    # is most of what a build with nothing to do would take on a small site.
    from generator.executor import best
    from generator.pipeline import Session

    kept = Written(manifest.output, manifest.outputs, manifest.pages) if manifest else None
    with _store(site_dir, cache, use_cache) as store:
        earlier = saved_reads(site_dir, store, manifest) if use_cache else None
        session = Session(site_dir, options, store, executor or best(), progress, kept, earlier)
        # Taken before the run, which takes its own time a moment later: `newsroom due` then lists
        # again, never misses, an article that became due in between.
        started = build_time().timestamp()
        result = session.run(config=config, report=report)
        if cache is not None and result.stats is not None:
            summary = {"counts": result.counts, "notices": result.notices, "problems": list(report.items)}
            Manifest(inputs, session.written.output, session.written.files, session.written.pages, result.site.due,
                     summary, _keep_reads(store, session.reads, earlier, manifest), started).save(cache)
            store.close()
        elif cache is not None:
            store.close(prune=False)  # what was rendered stays useful to the build that follows
    return result


def saved_reads(site_dir: Path, store: Store, manifest: Manifest | None = None) -> Reads | None:
    """What the site's last good build read (None when there is no such build, or it is unreadable)."""
    manifest = manifest or Manifest.load(site_dir / CACHE)
    if not manifest or not manifest.reads:
        return None
    return joined([unpack(store.get(key)) for key in manifest.reads])


def _keep_reads(store: Store, reads: Reads, earlier: Reads | None, manifest: Manifest | None) -> list[bytes]:
    """The store's keys of `reads`, in shares: those that hold what they held for the earlier build
    keep their keys, the others are put there (and what they replace is forgotten)."""
    kept = manifest.reads if earlier is not None and manifest and manifest.reads else None
    before = shares(earlier) if kept else {}
    keys = []
    for number, part in shares(reads).items():
        if kept and before[number].files == part.files:
            keys.append(kept[number])
            continue
        data = pack(part)
        keys.append(digest("reads", data))
        store.put(keys[-1], data)
        if kept and kept[number] != keys[-1]:
            store.forget(kept[number])
    return keys


@contextmanager
def _store(site_dir: Path, cache: Path | None, use_cache: bool):
    """The site's store; without a cache, a temporary one, which may read from the site's (a check,
    or a build that writes elsewhere) unless `use_cache` is false."""
    if cache is not None:
        for name in OLD:
            shutil.rmtree(cache / name, ignore_errors=True) if (cache / name).is_dir() \
                else (cache / name).unlink(missing_ok=True)
        yield Store(cache / STORE)
        return
    saved = site_dir / CACHE / STORE
    with tempfile.TemporaryDirectory(prefix="newsroom-store-") as temp:
        yield Store(Path(temp), below=Store(saved) if use_cache and saved.is_dir() else None)


def _refused(site_dir: Path, config, output: Path) -> bool:
    """Whether the output folder is one a build may not write (the run reports why)."""
    guard = Report()
    check_output(site_dir, config, output, guard)
    return bool(guard.errors())


def _input_stats(site_dir: Path, config) -> list[tuple[str, dict]]:
    folders = [site_dir / config.content_dir, *layout_folders(site_dir / config.layouts_dir)]
    return [(str(f.relative_to(site_dir) if site_dir in f.parents else f), file_stats(f)) for f in folders]


def _nothing_to_do(result: Result, manifest: Manifest) -> Result:
    """No input changed and the output is as the last build left it: report what that build reported."""
    result.report.extend(manifest.summary["problems"])
    result.counts, result.notices = manifest.summary["counts"], manifest.summary["notices"]
    result.stats = WriteStats()
    return result


__all__ = ["build", "default_layouts"]
