"""One build of a site at a time: a second `newsroom build` waits for the first, and says so."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds are not locked
    fcntl = None


@contextmanager
def site_lock(folder: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold the build lock of the site whose cache is `folder` (a file there, locked by the
    operating system, so a killed build never leaves it held); `waiting` is told who holds it."""
    if fcntl is None:
        yield
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / "build.lock", "a+")  # noqa: SIM115 - held for the whole build
    except OSError:  # a read-only site: nothing another build could write either
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            waiting(f"waiting for another build of this site, pid {holder}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
