"""The read stage: every source file read into the model, from the store when its bytes were read
before (by this build's code and settings), on all cores otherwise."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.diagnostics import ERROR, Diagnostic, Report
from generator.keys import read_key
from generator.read.content import Reader
from generator.read.sources import Sources

KINDS = ("article", "author", "page")


@dataclass
class Reads:
    """What each source file read into: (read key, item or None, problems) by site-relative path."""

    files: dict[str, tuple[bytes | None, object, list[Diagnostic]]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # path -> "article", "author" or "page"
    read: int = 0  # files read (the others came from the store or an earlier build)
    settings: tuple = ()  # the reader's: a Reads made with others is of no use

    def items(self, kind: str) -> list:
        return [self.files[p][1] for p, k in self.kinds.items() if k == kind and self.files[p][1] is not None]

    def broken(self) -> frozenset[str]:
        """Files that have errors of their own."""
        return frozenset(p for p, (_, item, problems) in self.files.items()
                         if item is None or any(d.severity == ERROR for d in problems))

    def problems(self) -> list[Diagnostic]:
        return [d for _, _, problems in self.files.values() for d in problems]


def read_all(site_dir: Path, config, sources: Sources, store, executor, report: Report,
             earlier: Reads | None = None, changed: set[str] | None = None,
             progress: Callable | None = None) -> Reads:
    """Read every source. `earlier` and `changed`: a previous Reads of this site and the files changed
    since (site-relative); the others are taken from it without being looked at (the preview knows
    from its watcher what changed). Problems go to `report`."""
    reads = Reads(settings=(config.timezone, config.content_dir))
    jobs = []
    for kind, paths in zip(KINDS, (sources.articles, sources.authors, sources.pages), strict=True):
        for path in paths:
            reads.kinds[path] = kind
            if earlier is not None and changed is not None and path not in changed and path in earlier.files \
                    and earlier.kinds.get(path) == kind:
                reads.files[path] = earlier.files[path]
            else:
                jobs.append((kind, path))
    job = partial(_read, site_dir, config, store, Reader(config.tz, config.content_dir))
    used = []
    results = executor.map(job, jobs, 16)
    for done, ((_, path), (key, data, made)) in enumerate(zip(jobs, results, strict=True), 1):
        item, problems = pickle.loads(data)
        reads.files[path] = (key, item, problems)
        if key is not None:
            used.append(key)
        reads.read += made
        if progress:
            progress("reading", done, len(jobs))
    store.adopt(used)
    reads.files = {path: reads.files[path] for path in reads.kinds}  # in the order of `sources`
    report.extend(reads.problems())
    return reads


def _read(site_dir: Path, config, store, reader: Reader, job: tuple[str, str]) -> tuple[bytes | None, bytes, bool]:
    """(read key, the pickled (item, problems), whether it was read now rather than taken from the store).
    Runs in a worker: only the pickle travels back."""
    kind, path = job
    try:
        raw = (site_dir / path).read_bytes()
    except OSError as exc:
        return None, pickle.dumps((None, [Diagnostic(path, 0, 0, ERROR, f"cannot be read: {exc.strerror}")])), False
    key = read_key(config, kind, path, raw)
    data = store.get(key)
    if data is not None:
        return key, data, False
    data = pickle.dumps(getattr(reader, kind)(path, raw), protocol=pickle.HIGHEST_PROTOCOL)
    store.put(key, data)
    return key, data, True
