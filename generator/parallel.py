"""Work shared out among the machine's cores: reading sources (Markdown is most of a cold
build's work, and each file can be read on its own) and rendering pages."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from . import content
from .cache import read_key
from .diagnostics import ERROR, Diagnostic, Report

WORTH_IT = 48  # fewer files than this are read faster than a pool starts
_reader: tuple | None = None  # (content.Reader, config)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _start(config) -> None:
    global _reader
    _reader = content.Reader(config.tz, config.content_dir), config


def _read(job: tuple[str, str, bytes | Path]) -> tuple[bytes | None, tuple]:
    kind, path, raw = job
    reader, config = _reader
    if isinstance(raw, Path):
        try:
            raw = raw.read_bytes()
        except OSError as exc:
            return None, (None, [Diagnostic(path, 0, 0, ERROR, f"cannot be read: {exc.strerror}")])
    return read_key(config, kind, raw), getattr(reader, kind)(path, raw)


def read_many(jobs: list[tuple[str, str, bytes | Path]], config) -> Iterator[tuple[bytes | None, tuple]]:
    """(cache key, (item, problems)) for each (kind, path, bytes or the file to read) job, in order;
    kind is "article", "author" or "page"."""
    if len(jobs) < WORTH_IT or cores() < 2:
        _start(config)
        yield from map(_read, jobs)
        return
    method = "fork" if _can_fork() else "spawn"
    with multiprocessing.get_context(method).Pool(cores(), initializer=_start, initargs=(config,)) as pool:
        yield from pool.imap(_read, jobs, chunksize=max(1, min(64, len(jobs) // (cores() * 8))))


# Work on the assembled site (related articles, fingerprints, pages): forked workers share the
# site (copy-on-write), each runs `job` on a share of the indices, and only results travel back.
_job = None


def _run(indices) -> list:
    return [_job(index) for index in indices]


def _fan_out(job, indices, minimum: int, size: int) -> Iterator:
    """job(index) for each index, in order: in forked workers when there are at least `minimum`."""
    global _job
    chunks = [indices[i : i + size] for i in range(0, len(indices), size)]
    if len(indices) < minimum or cores() < 2 or not _can_fork():
        for chunk in chunks:
            yield from map(job, chunk)
        return
    _job = job
    # Frozen, the site's objects are left alone by the workers' garbage collector: it neither
    # spends time on them nor writes to them (which would copy their pages into each worker).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(cores()) as pool:
            for results in pool.imap(_run, chunks):
                yield from results
    finally:
        gc.unfreeze()
        _job = None


def each(job, count: int, minimum: int = 1000) -> list:
    """[job(i) for i in range(count)], on every core when there are at least `minimum`."""
    return list(_fan_out(job, range(count), minimum, 256))


def render_many(routes: list, renderer, indices: list[int], put=None) -> Iterator[tuple[int, object, list]]:
    """(index, bytes or None, problems) for each route index, rendered on every core when that pays;
    with `put(index, bytes)`, what that returns in place of the bytes (only that travels back)."""
    def render(index: int) -> tuple[int, object, list]:
        report = Report()
        route = routes[index]
        data = renderer.render(route.template, route.context(), report)
        return index, data if data is None or put is None else put(index, data), report.items

    yield from _fan_out(render, indices, WORTH_IT * 4, 64)


def _can_fork() -> bool:
    """Forking copies the assembled site for free, but is unsafe in a process running other threads."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
