"""Writing the built site: atomically, only files whose bytes changed, stale files removed.

Files are staged while the build still renders (written by threads, since the
disk is the bottleneck, into a staging folder beside the output) and renamed
into place together by `commit` once the whole build has succeeded; `abort`
removes the staging folder, and the output was never touched.
"""

from __future__ import annotations

import os
import shutil
import stat
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

Stat = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True)
class Link:
    """A file to hard-link into place (copied where linking fails): the cache's copy of a page."""

    path: str


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    changed: list[str] = field(default_factory=list)  # written or removed, output-relative
    files: dict[str, Stat] = field(default_factory=dict)  # every file written or checked, as it now is


class Transaction:
    """The files of one build, staged into `output` as they come and put in place at the end.

    `known` holds the (size, mtime) an earlier write left each file with: a file staged
    as `current` (its bytes are those of that write) that is still as it was left is
    not read again to be compared.
    """

    def __init__(self, output: Path, known: dict[str, Stat] | None = None):
        self.root = str(output.resolve())
        self.known = known or {}
        self.pool = ThreadPoolExecutor(max_workers=8)  # the disk waits; threads wait side by side
        self.staged: dict[str, Future] = {}
        # Beside the output, on its file system, so that a rename puts each file in place.
        self.staging = f"{os.path.dirname(self.root)}/.{os.path.basename(self.root)}.staging-{os.getpid()}"

    def stage(self, rel: str, content: bytes | Path | Link, current: bool = False) -> None:
        target = os.path.normpath(os.path.join(self.root, rel))
        if not target.startswith(self.root + os.sep):  # urls.is_safe refused such URLs; this is the last guard
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        trusted = self.known.get(rel) if current else None
        if not self.staged:
            os.makedirs(self.staging, exist_ok=True)
        temp = os.path.join(self.staging, str(len(self.staged)))
        self.staged[rel] = self.pool.submit(self._stage, target, content, trusted, temp)

    def commit(self, remove_stale: bool = True) -> WriteStats:
        """Put every staged file in place; without `remove_stale`, leave the other files alone."""
        outcomes = {rel: future.result() for rel, future in self.staged.items()}
        self.pool.shutdown()
        written, files = [], {}
        ready: set[str] = set()  # folders known to exist
        for rel, (temp, now) in outcomes.items():
            target = os.path.join(self.root, rel)
            if temp is not None:
                folder = os.path.dirname(target)
                if folder not in ready:
                    _make_folder(folder)
                    ready.add(folder)
                try:
                    os.replace(temp, target)
                except IsADirectoryError:  # a folder where the file must now be
                    shutil.rmtree(target)
                    os.replace(temp, target)
                info = os.stat(target)
                now = (info.st_size, info.st_mtime_ns)
                written.append(rel)
            files[rel] = now
        shutil.rmtree(self.staging, ignore_errors=True)
        removed = remove_others(self.root, set(self.staged)) if remove_stale else []
        return WriteStats(written=len(written), unchanged=len(files) - len(written), removed=len(removed),
                          changed=written + removed, files=files)

    def abort(self) -> None:
        """Forget every staged file: the output is as it was."""
        self.pool.shutdown(wait=True)
        shutil.rmtree(self.staging, ignore_errors=True)

    def _stage(self, target: str, content: bytes | Path | Link, trusted: Stat | None,
               temp: str) -> tuple[str | None, Stat | None]:
        """`temp` holding `content`, or None when `target` holds it already."""
        try:
            info = os.stat(target)
        except OSError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            info = None  # a folder where the file must be: cleared at commit
        now = (info.st_size, info.st_mtime_ns) if info else None
        if now is not None and now == trusted:
            return None, now
        if isinstance(content, Link):
            try:
                if info is not None and os.path.samefile(content.path, target):
                    return None, now
                os.link(content.path, temp)
                return temp, now
            except OSError:  # another file system, or no hard links: copy the bytes
                content = Path(content.path)
        data = content.read_bytes() if isinstance(content, Path) else content
        if now is not None and now[0] == len(data) and Path(target).read_bytes() == data:
            return None, now
        with open(temp, "wb") as handle:
            handle.write(data)
        return temp, now


def write(output: Path, files: dict[str, bytes | Path | Link], remove_stale: bool = True,
          known: dict[str, Stat] | None = None, current: set[str] = frozenset()) -> WriteStats:
    """Make `output` hold exactly `files` (output-relative path -> bytes, a file to copy, or a Link);
    without `remove_stale`, only write those files and leave the others alone."""
    transaction = Transaction(output, known)
    try:
        for rel, content in files.items():
            transaction.stage(rel, content, rel in current)
    except BaseException:
        transaction.abort()
        raise
    return transaction.commit(remove_stale)


def _make_folder(folder: str) -> None:
    """Make a folder, first deleting any file that stands where it or a parent must be."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        path = folder
        while not os.path.isdir(path):
            if os.path.exists(path):
                os.unlink(path)
                break
            path = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)


def remove_others(root: str, keep: set[str]) -> list[str]:
    """Delete the files below root that are not in `keep`, and folders left empty; the deleted."""
    removed = []
    for folder, _, filenames in os.walk(root, topdown=False):
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in filenames:
            rel = name if prefix == "." else f"{prefix}/{name}"
            if rel not in keep:
                os.unlink(os.path.join(folder, name))
                removed.append(rel)
        if folder != root and not os.listdir(folder):
            os.rmdir(folder)
    return removed
