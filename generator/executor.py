"""How work is shared out: passed into the stages that have much of it (reading files, relating
articles, rendering pages), so that every caller runs the same code in one process or on all cores.

`Serial` runs jobs here: for tests, small sites, and any process that runs threads (the
preview), where forking is unsafe. `Forked` runs them in worker processes forked from this one:
the workers inherit everything the job needs (the site, the renderer) as it is, for free, and
only each job's result travels back.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator

_job: Callable | None = None  # in a worker: the job it was forked for


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


class Serial:
    def map(self, job: Callable, items: Iterable, chunk: int = 1) -> Iterator:
        """job(item) for each item, in order."""
        return map(job, items)


class Forked:
    """Forked workers for lists of at least `minimum` items, and a chunk for each worker; fewer are done
    here, faster than a pool starts."""

    def __init__(self, workers: int | None = None, minimum: int = 48) -> None:
        self.workers = workers or cores()
        self.minimum = minimum

    def map(self, job: Callable, items: Iterable, chunk: int = 64) -> Iterator:
        items = list(items)
        if len(items) < max(self.minimum, chunk * self.workers) or self.workers < 2:
            yield from map(job, items)
            return
        chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
        # Frozen, this process's objects are left alone by the workers' garbage collector: it
        # neither spends time on them nor writes to them (which would copy their pages into each).
        gc.freeze()
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(self.workers, initializer=_install, initargs=(job,)) as pool:
                for results in pool.imap(_run, chunks):
                    yield from results
        finally:
            gc.unfreeze()


def _install(job: Callable) -> None:  # forked: `job` is inherited, never pickled
    global _job
    _job = job


def _run(chunk: list) -> list:
    return [_job(item) for item in chunk]


def best() -> Serial | Forked:
    """Forked workers where the system can fork and there is more than one core."""
    if cores() > 1 and "fork" in multiprocessing.get_all_start_methods():
        return Forked()
    return Serial()
