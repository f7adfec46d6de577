"""Watching a site's sources: content, layouts and config.yaml; one signal per burst of changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from generator.paths import is_temp_file

# Events that say a file was only looked at: the build's own reads cause them.
READ_ONLY = {"opened", "closed_no_write"}


class Changes:
    """Collects change events; `wait` returns once a burst has settled (a git checkout is one burst)."""

    def __init__(self, quiet: float = 0.1, longest: float = 2.0) -> None:
        self.quiet = quiet  # seconds without events that end a burst
        self.longest = longest  # a steady stream of events still rebuilds this often
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._last = 0.0

    def add(self, path: str) -> None:
        with self._lock:
            self._paths.add(path)
            self._last = time.monotonic()
        self._event.set()

    def wait(self, stop: threading.Event) -> set[str]:
        """Block until a burst has settled (or `stop` is set); return the paths it touched."""
        while not stop.is_set():
            if not self._event.wait(0.2):
                continue
            first = time.monotonic()
            while not stop.is_set():
                with self._lock:
                    settled = time.monotonic() - self._last >= self.quiet
                if settled or time.monotonic() - first >= self.longest:
                    break
                time.sleep(self.quiet / 4)
            with self._lock:
                paths, self._paths = self._paths, set()
                self._event.clear()
            return paths
        return set()


class _Filter(FileSystemEventHandler):
    def __init__(self, wanted: Callable[[Path], bool], changes: Changes, appeared: Callable[[Path], None]) -> None:
        self.wanted = wanted
        self.changes = changes
        self.appeared = appeared

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in READ_ONLY or (event.is_directory and event.event_type == "modified"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(raw.decode() if isinstance(raw, bytes) else raw) if raw else None
            if path is not None and not is_temp_file(path.name) and self.wanted(path):
                if event.is_directory and event.event_type in ("created", "moved"):
                    self.appeared(path)
                self.changes.add(str(path))


def watch(site: Path, folders: list[Path], changes: Changes, poll: bool = False):
    """Start watching; returns the observer (call .stop() and .join() to end it).

    The folders are watched recursively, the site folder itself only for
    config.yaml, so a site's output/, .git/ or .venv/ never wake the preview.
    """
    observer = PollingObserver(timeout=0.5) if poll else Observer()
    roots = [f.resolve() for f in folders]
    watched: set[Path] = set()

    def wanted(path: Path) -> bool:
        path = path.resolve() if path.exists() else path.parent.resolve() / path.name
        if path == site.resolve() / "config.yaml":
            return True
        return any(root == path or root in path.parents for root in roots)

    def appeared(path: Path) -> None:
        """A watched folder made after the preview started (a site's first layouts/) is watched from now."""
        path = path.resolve()
        if path in roots and path not in watched and path.is_dir():
            watched.add(path)
            observer.schedule(handler, str(path), recursive=True)

    handler = _Filter(wanted, changes, appeared)
    observer.schedule(handler, str(site), recursive=False)
    for root in roots:
        if root.is_dir():
            watched.add(root)
            observer.schedule(handler, str(root), recursive=True)
    observer.start()
    return observer
