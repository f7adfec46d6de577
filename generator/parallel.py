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


# Rendering: after the site is assembled, forked workers share it (copy-on-write) and each
# renders a share of the pages. Only the bytes travel back, or, when the build gives a `put`
# that stages each page in the output, only what that returns.
_render_job: tuple | None = None


def _render(indices: list[int]):
    routes, renderer, put = _render_job
    out = []
    for index in indices:
        report = Report()
        route = routes[index]
        data = renderer.render(route.template, route.context(), report)
        out.append((index, data if data is None or put is None else put(index, data), report.items))
    return out


def render_many(routes: list, renderer, indices: list[int], put=None) -> Iterator[tuple[int, object, list]]:
    """(index, bytes or None, problems) for each route index, rendered on every core when that pays;
    with `put(index, bytes)`, what that returns in place of the bytes."""
    global _render_job
    _render_job = (routes, renderer, put)
    try:
        chunks = [indices[i : i + 64] for i in range(0, len(indices), 64)]
        if len(indices) < WORTH_IT * 4 or cores() < 2 or not _can_fork():
            for chunk in chunks:
                yield from _render(chunk)
            return
        # Frozen, the site's objects are left alone by the workers' garbage collector: it neither
        # spends time on them nor writes to them (which would copy their pages into each worker).
        gc.freeze()
        with multiprocessing.get_context("fork").Pool(cores()) as pool:
            for rendered in pool.imap(_render, chunks):
                yield from rendered
    finally:
        gc.unfreeze()
        _render_job = None


def _can_fork() -> bool:
    """Forking copies the assembled site for free, but is unsafe in a process running other threads."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
