"""The read stage: every source file read into the model on all cores, except those an earlier
Reads has read with the same bytes (the session's last, or the last build's, kept in the store)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from generator.diagnostics import ERROR, Diagnostic, Report
from generator.keys import read_key
from generator.read.content import Reader
from generator.read.reads import Reads
from generator.read.sources import Sources

KINDS = ("article", "author", "page")


def read_all(site_dir: Path, config, sources: Sources, executor, report: Report, earlier: Reads | None = None,
             changed: set[str] | None = None, progress: Callable | None = None) -> Reads:
    """Read every source; a file `earlier` read with the same bytes (and path) is taken from it.
    With `changed` (site-relative paths changed since `earlier`), the other files are taken from
    it without even being looked at: the preview knows from its watcher what changed. Problems
    go to `report`."""
    settings = (config.timezone, config.content_dir)
    earlier = earlier if earlier is not None and earlier.settings == settings else None
    skip = earlier is not None and changed is not None  # files not changed are taken as they are
    reads = Reads(settings=settings)
    jobs = []
    for kind, paths in zip(KINDS, (sources.articles, sources.authors, sources.pages), strict=True):
        for path in paths:
            reads.kinds[path] = kind
            if skip and path not in changed and earlier.kinds.get(path) == kind:
                reads.files[path] = earlier.files[path]
            else:
                reads.files[path] = None  # its place, in the order of `sources`
                jobs.append((kind, path))
    # Known by their bytes: what the earlier build read (a changed file is read again, whatever it holds).
    known = {key: (item, problems) for key, item, problems in earlier.files.values()} if earlier and not skip else {}
    job = partial(_read, site_dir, config, known, Reader(config.tz, config.content_dir))
    results = executor.map(job, jobs, 16)
    for done, ((_, path), (key, read)) in enumerate(zip(jobs, results, strict=True), 1):
        reads.files[path] = (key, *(known[key] if read is None else read))
        reads.read += read is not None and key is not None
        if progress:
            progress("reading", done, len(jobs))
    report.extend(reads.problems())
    return reads


def _read(site_dir: Path, config, known: dict, reader: Reader, job: tuple[str, str]) -> tuple:
    """(read key, (item, problems)), or (read key, None) for a file read before (in `known`). Runs in
    a worker, which inherits `known`: what it holds never travels back."""
    kind, path = job
    try:
        raw = (site_dir / path).read_bytes()
    except OSError as exc:
        return None, (None, [Diagnostic(path, 0, 0, ERROR, f"cannot be read: {exc.strerror}")])
    key = read_key(config, kind, path, raw)
    return key, None if key in known else getattr(reader, kind)(path, raw)
