"""Writing the built site: atomically, only files whose bytes changed, stale files removed.

Files are staged while the build still renders (by the workers that render
them, into a staging folder beside the output) and renamed into place by
`commit` once the whole build has succeeded; `abort` removes the staging
folder, and the output was never touched. Staging is done where the bytes are,
without threads: pages need not travel back to the main process, and no thread
runs there when the workers are forked (forking beside threads is unsafe).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

Stat = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True)
class Link:
    """A file to hard-link into place (copied where linking fails): the cache's copy of a page."""

    path: str
    stat: Stat | None = None  # its (size, mtime), when known: a link to it has the same


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    changed: list[str] = field(default_factory=list)  # written or removed, output-relative
    files: dict[str, Stat] = field(default_factory=dict)  # every file written or checked, as it now is
    kept: dict[str, Stat] = field(default_factory=dict)  # the second copies asked for, as they now are


class Transaction:
    """The files of one build, staged as they come and put in place at the end.

    Into an output that does not exist yet (or is empty), files are staged in a
    tree beside it, at their final paths, and the tree is renamed into place at
    the end: one rename for the whole site. Into an existing output, only files
    whose bytes changed are staged (as temp files) and renamed one by one.

    `known` holds the (size, mtime) an earlier write left each file with: a file staged
    as `current` (its bytes are those of that write) that is still as it was left is
    not read again to be compared. A staged file may also be kept (hard-linked, or
    copied where that fails) at a second path: the cache's copy of a page.
    """

    def __init__(self, output: Path, known: dict[str, Stat] | None = None):
        self.root = str(output.resolve())
        self.known = known or {}
        self.staged: dict[str, tuple] = {}  # output-relative path -> what `put` did
        # Beside the output, on its file system, so that a rename puts each file in place.
        self.staging = f"{os.path.dirname(self.root)}/.{os.path.basename(self.root)}.staging-{os.getpid()}"
        self.fresh = not os.path.exists(self.root) or os.path.isdir(self.root) and not os.listdir(self.root)
        os.makedirs(self.staging, exist_ok=True)

    def stage(self, rel: str, content: bytes | Path | Link, current: bool = False, keep: str | None = None) -> None:
        self.staged[rel] = self.put(rel, content, current, keep)

    def put(self, rel: str, content: bytes | Path | Link, current: bool = False, keep: str | None = None) -> tuple:
        """Stage a file now, in this process or in a worker forked after this transaction began (which
        passes the outcome back to `record`). `current`: the bytes are those of the last write."""
        target = os.path.normpath(os.path.join(self.root, rel))
        if not target.startswith(self.root + os.sep):  # urls.is_safe refused such URLs; this is the last guard
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        if self.fresh:
            return self._put(os.path.join(self.staging, rel), content, keep, True)
        trusted = self.known.get(rel) if current else None
        temp = os.path.join(self.staging, hashlib.blake2b(rel.encode(), digest_size=16).hexdigest())
        return self._stage(target, content, trusted, temp, keep)

    def record(self, rel: str, outcome: tuple) -> None:
        """A file that `put` staged in another process."""
        self.staged[rel] = outcome

    def commit(self, remove_stale: bool = True) -> WriteStats:
        """Put every staged file in place; without `remove_stale`, leave the other files alone."""
        outcomes = self.staged
        if self.fresh:
            if not self.staged:
                os.rmdir(self.staging)
            else:
                if os.path.isdir(self.root):
                    os.rmdir(self.root)  # empty: the staged tree takes its place
                os.rename(self.staging, self.root)
            files = {rel: now for rel, (_, now, _) in outcomes.items()}
            return WriteStats(written=len(files), files=files, changed=list(files), kept=_kept(outcomes))
        written, files = [], {}
        ready: set[str] = set()  # folders known to exist
        for rel, (temp, now, _) in outcomes.items():
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
                written.append(rel)
            files[rel] = now
        shutil.rmtree(self.staging, ignore_errors=True)
        removed = remove_others(self.root, set(self.staged)) if remove_stale else []
        return WriteStats(written=len(written), unchanged=len(files) - len(written), removed=len(removed),
                          changed=written + removed, files=files, kept=_kept(outcomes))

    def abort(self) -> None:
        """Forget every staged file: the output is as it was."""
        shutil.rmtree(self.staging, ignore_errors=True)

    def _stage(self, target: str, content: bytes | Path | Link, trusted: Stat | None, temp: str,
               keep: str | None) -> tuple[str | None, Stat, Stat | None]:
        """(`temp` holding `content`, its stat, the kept copy's stat), or None for `temp` when
        `target` holds `content` already."""
        try:
            info = os.stat(target)
        except OSError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            info = None  # a folder where the file must be: cleared at commit
        now = (info.st_size, info.st_mtime_ns) if info else None
        same = now is not None and now == trusted
        if not same and isinstance(content, Link) and now is not None:
            try:
                same = os.path.samefile(content.path, target)
            except OSError:
                same = False
        if not same and not isinstance(content, Link):
            data = content.read_bytes() if isinstance(content, Path) else content
            same = now is not None and now[0] == len(data) and Path(target).read_bytes() == data
        if same:
            return None, now, _keep(target, keep)
        return self._put(temp, content, keep)

    @staticmethod
    def _put(path: str, content: bytes | Path | Link, keep: str | None,
             folders: bool = False) -> tuple[str, Stat, Stat | None]:
        """Write (or link) `content` at `path`: (path, its stat, the kept copy's stat)."""
        if folders:
            _folder_for(path)
        if isinstance(content, Link):
            try:
                os.link(content.path, path)
                if content.stat is not None:
                    return path, content.stat, None
                info = os.stat(path)
                return path, (info.st_size, info.st_mtime_ns), None
            except OSError:  # another file system, or no hard links: copy the bytes
                content = Path(content.path)
        data = content.read_bytes() if isinstance(content, Path) else content
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            info = os.fstat(handle.fileno())
        now = (info.st_size, info.st_mtime_ns)
        return path, now, _keep(path, keep, now)


def _folder_for(path: str) -> None:
    """Make the folder `path` goes in (one system call when its parent exists, as it mostly does)."""
    folder = os.path.dirname(path)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _keep(path: str, keep: str | None, now: Stat | None = None) -> Stat | None:
    """Give the file at `path` (whose stat is `now`, when known) a second name, `keep`: a hard link,
    or a copy where linking fails. If `keep` exists already, it holds the same bytes (its name
    says what it holds) and is left as it is. The stat of `keep`."""
    if keep is None:
        return None
    try:
        try:
            os.link(path, keep)
        except FileNotFoundError:  # its folder is new
            _folder_for(keep)
            os.link(path, keep)
        if now is not None:
            return now  # the same file
    except FileExistsError:
        pass
    except OSError:
        temp = f"{keep}.{os.getpid()}.tmp"
        _folder_for(keep)
        shutil.copyfile(path, temp)
        os.replace(temp, keep)
    info = os.stat(keep)
    return info.st_size, info.st_mtime_ns


def _kept(outcomes: dict) -> dict[str, Stat]:
    return {rel: kept for rel, (_, _, kept) in outcomes.items() if kept is not None}


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
    """Delete the files below root that are not in `keep`, and folders left empty; the deleted.
    Links to folders are left alone, as os.walk leaves them."""
    removed: list[str] = []

    def clean(folder: str, prefix: str) -> bool:
        """Clean a folder; whether it is left empty."""
        with os.scandir(folder) as scan:
            entries = list(scan)
        empty = True
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if clean(entry.path, rel + "/"):
                    os.rmdir(entry.path)
                else:
                    empty = False
            elif rel in keep or entry.is_symlink() and entry.is_dir():
                empty = False
            else:
                os.unlink(entry.path)
                removed.append(rel)
        return empty

    clean(root, "")
    return removed
