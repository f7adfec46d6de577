"""Writing the built site: the whole new site or none of it, only files whose bytes changed.

How a build is put in place depends on the output folder:

- **new** (absent or empty): the site is staged in a folder beside it, at its
  final paths, and that folder is renamed into place.
- **existing**: the new site is made in the output's *spare*, a second tree
  beside it (`.output.spare/`) that shares every unchanged file with the output
  through hard links, and the two folders are exchanged by one rename (Linux's
  `renameat2(RENAME_EXCHANGE)`). Whoever looks, a reader or the next build
  after a crash, sees the old site or the new one, whole. The old site is then
  the spare, and the next build brings it up to date by changing only what
  differs: the spare remembers what it holds in a small file of its own.
- **a mount point**, or a system without that exchange: files are staged inside
  the output and renamed one by one after a journal of the renames is written;
  a build killed midway is finished by the next build before anything else.

Unchanged files are never written (a hard link keeps their bytes and
timestamps), so rsync and object-storage deploys send only what changed.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import pickle
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

Stat = tuple[int, int]  # (size, mtime_ns)
JOURNAL = ".newsroom-journal"  # inside the output, while an in-place commit runs
INSIDE_STAGING = ".newsroom-staging"  # inside the output, for in-place commits
SPARE_STATE = ".newsroom-spare"  # inside the spare: what it holds
PRIVATE = (JOURNAL, INSIDE_STAGING, SPARE_STATE)  # never part of the site


@dataclass(frozen=True)
class Link:
    """A file to hard-link into place (copied where linking fails): a page in the store."""

    path: str
    stat: Stat | None = None  # its (size, mtime), when known: a link to it has the same


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    changed: list[str] = field(default_factory=list)  # written or removed, output-relative
    files: dict[str, Stat] = field(default_factory=dict)  # every file written or checked, as it now is
    added: list[str] = field(default_factory=list)  # of `changed`: files the output did not have
    gone: list[str] = field(default_factory=list)  # of `changed`: the files removed


class Transaction:
    """The files of one build, staged as they come and put in place at the end.

    `known` holds the (size, mtime) an earlier write left each file with: a file staged as
    `current` (its bytes are those of that write) that is still as it was left is not read again
    to be compared.
    """

    def __init__(self, output: Path, known: dict[str, Stat] | None = None, private: bool = False):
        """`private`: nobody else reads the output or writes to it (the preview's), so it is written
        in place, and taken to be as `known` says, without looking."""
        self.root = str(output.resolve())
        self.known = known or {}
        parent, name = os.path.dirname(self.root), os.path.basename(self.root)
        os.makedirs(parent, exist_ok=True)
        finish_interrupted(self.root)
        for entry in os.listdir(parent):
            if entry.startswith(f".{name}.staging-"):  # left by a build that was killed
                shutil.rmtree(os.path.join(parent, entry), ignore_errors=True)
        self.staged: dict[str, tuple] = {}  # output-relative path -> what `_stage` did
        self.fresh = not os.path.exists(self.root) or os.path.isdir(self.root) and not os.listdir(self.root)
        exchangeable = not os.path.ismount(self.root) and _exchange is not None
        if self.fresh and exchangeable:
            self.mode, self.staging = "new", os.path.join(parent, f".{name}.staging-{os.getpid()}")
            os.makedirs(self.staging)
        elif private or not exchangeable:
            self.mode, self.staging = "in place", os.path.join(self.root, INSIDE_STAGING)
            os.makedirs(self.staging, exist_ok=True)
        else:
            self.mode, self.staging = "spare", str(spare_of(Path(self.root)))
        self.folder_links: list[str] = []  # links to folders in the output: left as they are
        # the output as it is now
        self.live = dict(self.known) if private else file_stats(Path(self.root), self.folder_links)
        self.spare = _spare_state(self.staging) if self.mode == "spare" else None

    def stage(self, rel: str, content: bytes | Path | Link, current: bool = False) -> None:
        """Stage a file now. `current`: its bytes are those of the file the output has, if that is
        still as an earlier write left it."""
        self.staged[rel] = self._stage(rel, content, current)

    def _stage(self, rel: str, content: bytes | Path | Link, current: bool) -> tuple[str | None, Stat]:
        """(where it was staged, or None when the output already holds these bytes; its stat)."""
        target = os.path.normpath(os.path.join(self.root, rel))
        if not target.startswith(self.root + os.sep):  # urls.is_safe refused such URLs; this is the last guard
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        if self.mode == "new":
            return _put(os.path.join(self.staging, rel), content, folders=True)
        trusted = self.known.get(rel) if current else None
        # The walk of the output has each file's stat: a file as the last write left it needs no other look.
        now = trusted if trusted is not None and self.live.get(rel) == trusted else _same(target, content)
        if now is not None:
            return None, now
        if self.mode == "in place":
            return _put(os.path.join(self.staging, hashlib.blake2b(rel.encode(), digest_size=16).hexdigest()),
                        content)
        _dirty(self.staging)
        path = os.path.join(self.staging, rel)
        temp = f"{path}.{os.getpid()}.tmp"  # never written into: it may share its file with the output
        _folder_for(path)
        now = _put(temp, content)[1]
        _replace(temp, path)
        return path, now

    def commit(self, remove_stale: bool = True) -> WriteStats:
        """Put every staged file in place; without `remove_stale`, keep the output's other files too."""
        if self.mode == "new":
            if os.path.isdir(self.root):
                os.rmdir(self.root)  # empty: the staged tree takes its place
            os.rename(self.staging, self.root)
            files = {rel: now for rel, (_, now) in self.staged.items()}
            return WriteStats(written=len(files), files=files, changed=list(files), added=list(files))
        if not remove_stale and self.mode == "spare":  # the spare must hold the output's other files too
            for rel, now in self.live.items():
                self.staged.setdefault(rel, (None, now))
        written = [rel for rel, (where, _) in self.staged.items() if where is not None]
        removed = sorted(self.live.keys() - self.staged.keys()) if remove_stale else []
        if self.mode == "spare":
            self._swap()
        else:
            self._in_place(written, removed)
        staged = {rel: now for rel, (_, now) in self.staged.items()}
        files = staged if remove_stale else {**self.live, **staged}  # the others as they are
        return WriteStats(written=len(written), unchanged=len(files) - len(written), removed=len(removed),
                          changed=written + removed, files=files, added=[r for r in written if r not in self.live],
                          gone=removed)

    def abort(self, failed: bool = False) -> None:
        """Forget every staged file: the output is as it was. A spare that was written to is brought
        up to date by the next build, which sees it no longer knows what it holds; after a failure to
        write (a full disk), it is deleted, so that it takes no space."""
        if self.mode != "spare" or failed:
            shutil.rmtree(self.staging, ignore_errors=True)

    def _swap(self) -> None:
        """Make the spare hold exactly the new site, then exchange it with the output."""
        spare = self.spare if self.spare is not None else _walk_spare(self.staging)
        _dirty(self.staging)
        for rel, (where, now) in self.staged.items():
            if where is None and spare.get(rel) != now:  # unchanged: the output's own file, linked
                path = os.path.join(self.staging, rel)
                _folder_for(path)
                temp = f"{path}.{os.getpid()}.tmp"
                _link_or_copy(os.path.join(self.root, rel), temp)
                _replace(temp, path)
        for rel in spare.keys() - self.staged.keys():
            _remove(self.staging, rel)
        for rel in self.folder_links:
            link, path = os.readlink(os.path.join(self.root, rel)), os.path.join(self.staging, rel)
            if not os.path.islink(path) or os.readlink(path) != link:
                _folder_for(path)
                _remove(self.staging, rel)
                os.symlink(link, path)
        _exchange(self.staging, self.root)
        _dirtied.discard(self.staging)
        try:
            _save_spare_state(self.staging, self.live)  # the spare is now the site as it was
        except OSError:
            pass  # committed all the same: the next build walks the spare to see what it holds

    def _in_place(self, written: list[str], removed: list[str]) -> None:
        """Rename the staged files into the output, after writing down how (see finish_interrupted)."""
        renames = [(self.staged[rel][0], rel) for rel in written]
        _write_atomically(os.path.join(self.root, JOURNAL), pickle.dumps((renames, removed)))
        finish_interrupted(self.root)


def finish_interrupted(root: str) -> None:
    """Finish an in-place commit that a killed build left halfway: its journal says what was left to do."""
    journal = os.path.join(root, JOURNAL)
    try:
        with open(journal, "rb") as handle:
            renames, removed = pickle.load(handle)
    except FileNotFoundError:
        return
    for temp, rel in renames:
        if os.path.exists(temp):
            target = os.path.join(root, rel)
            _folder_for(target)
            _replace(temp, target)
    for rel in removed:
        _remove(root, rel)
    os.unlink(journal)
    shutil.rmtree(os.path.join(root, INSIDE_STAGING), ignore_errors=True)


# The exchange of two folders in one step, where the system has it: Linux's renameat2.
def _load_exchange():
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]

    def exchange(a: str, b: str) -> None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
            code = ctypes.get_errno()
            if code not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
                raise OSError(code, os.strerror(code), b)
            _rename_three_times(a, b)  # a file system without the exchange
    return exchange


def _rename_three_times(spare: str, output: str) -> None:
    """The exchange without renameat2: for a moment there is no output (the README says so)."""
    aside = f"{spare}.old"
    os.rename(output, aside)
    os.rename(spare, output)
    os.rename(aside, spare)


_exchange = _load_exchange()


def _spare_state(spare: str) -> dict[str, Stat] | None:
    """What the spare holds, as its last build left it; None when unknown (or no spare yet: empty)."""
    if not os.path.isdir(spare):
        return {}
    try:
        with open(os.path.join(spare, SPARE_STATE), "rb") as handle:
            state = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        return None
    return state if isinstance(state, dict) else None


def _walk_spare(spare: str) -> dict[str, Stat]:
    """What the spare holds, found by walking it (a file there with the output's size and time is
    the output's own, linked: nothing else gives a file of the spare the time of one written there)."""
    return file_stats(Path(spare))


_dirtied: set[str] = set()  # spares whose state file this process (or its parent) removed


def _dirty(spare: str) -> None:
    """Before the spare changes: its state file would no longer be true."""
    if spare in _dirtied:
        return
    try:
        os.unlink(os.path.join(spare, SPARE_STATE))
    except FileNotFoundError:
        pass
    _dirtied.add(spare)


def _save_spare_state(spare: str, state: dict[str, Stat]) -> None:
    _write_atomically(os.path.join(spare, SPARE_STATE), pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _write_atomically(path: str, data: bytes) -> None:
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def _same(target: str, content: bytes | Path | Link) -> Stat | None:
    """The stat of `target` if it already holds `content`, else None."""
    try:
        info = os.stat(target)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # a folder where the file must be
    now = (info.st_size, info.st_mtime_ns)
    if isinstance(content, Link):
        try:
            if os.path.samefile(content.path, target):
                return now
        except OSError:
            return None
        content = Path(content.path)  # another file: the same bytes, maybe (a page rendered again)
    data = content.read_bytes() if isinstance(content, Path) else content
    return now if now[0] == len(data) and Path(target).read_bytes() == data else None


def _put(path: str, content: bytes | Path | Link, folders: bool = False) -> tuple[str, Stat]:
    """Write (or link) `content` at `path`: (path, its stat)."""
    if folders:
        _folder_for(path)
    if isinstance(content, Link):
        try:
            os.link(content.path, path)
            if content.stat is not None:
                return path, content.stat
            info = os.stat(path)
            return path, (info.st_size, info.st_mtime_ns)
        except OSError:  # another file system, or no hard links: copy the bytes
            content = Path(content.path)
    data = content.read_bytes() if isinstance(content, Path) else content
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        info = os.fstat(handle.fileno())
    return path, (info.st_size, info.st_mtime_ns)


def _replace(source: str, target: str) -> None:
    """Rename `source` to `target`, clearing a folder (or a file) that stands where the file must go."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EISDIR, errno.ENOTDIR, errno.EEXIST, errno.ENOTEMPTY):
            raise
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        else:
            _make_folder(os.path.dirname(target))
        os.replace(source, target)
    if os.path.lexists(source):  # both were links to one file (a page from the store): rename does nothing then
        os.unlink(source)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _remove(root: str, rel: str) -> None:
    """Delete a file, then the folders it leaves empty."""
    path = os.path.join(root, rel)
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    except IsADirectoryError:
        shutil.rmtree(path, ignore_errors=True)
    folder = os.path.dirname(path)
    while folder != root and folder.startswith(root):
        try:
            os.rmdir(folder)
        except OSError:
            break
        folder = os.path.dirname(folder)


def _folder_for(path: str) -> None:
    """Make the folder `path` goes in (one system call when its parent exists, as it mostly does)."""
    folder = os.path.dirname(path)
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            _make_folder(folder)
    except (FileNotFoundError, NotADirectoryError):
        _make_folder(folder)


def write(output: Path, files: dict[str, bytes | Path | Link], remove_stale: bool = True,
          current: set[str] = frozenset()) -> WriteStats:
    """Make `output` hold exactly `files` (output-relative path -> bytes, a file to copy, or a Link);
    without `remove_stale`, only write those files, one by one, and leave the others alone (the
    preview does, where nobody reads a page while it is written)."""
    if not remove_stale:
        return _update(output, files)
    transaction = Transaction(output)
    try:
        for rel, content in files.items():
            transaction.stage(rel, content, rel in current)
    except BaseException:
        transaction.abort()
        raise
    return transaction.commit(remove_stale)


def _update(output: Path, files: dict[str, bytes | Path | Link]) -> WriteStats:
    root, stats = str(output.resolve()), WriteStats()
    for rel, content in files.items():
        target = os.path.join(root, rel)
        now = _same(target, content)
        if now is None:
            temp, now = _put(f"{target}.{os.getpid()}.tmp", content, folders=True)
            _replace(temp, target)
            stats.written += 1
            stats.changed.append(rel)
        stats.files[rel] = now
    stats.unchanged = len(files) - stats.written
    return stats


def spare_of(output: Path) -> Path:
    """The spare tree a build keeps beside an existing output (see the module's docstring)."""
    return output.parent / f".{output.name}.spare"


def _make_folder(folder: str) -> None:
    """Make a folder, first deleting any file that stands where it or a parent must be."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        path = folder
        while not os.path.isdir(path):
            if os.path.exists(path) or os.path.islink(path):
                os.unlink(path)
                break
            path = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)


def file_stats(root: Path, folder_links: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file below root, by root-relative path; links to folders are skipped,
    as os.walk skips them (and listed in `folder_links`), and so are the writer's own files. One
    stat per file: the folders are told from files by their entries."""
    stats: dict[str, tuple[int, int]] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.is_symlink():
                        if folder_links is not None:
                            folder_links.append(prefix + entry.name)
                    elif prefix or entry.name != INSIDE_STAGING:
                        walk(entry.path, f"{prefix}{entry.name}/")
                    continue
                if prefix or entry.name not in PRIVATE:
                    try:
                        info = entry.stat()
                    except OSError:  # a link to nothing: the link itself (the build reports it)
                        info = entry.stat(follow_symlinks=False)
                    stats[prefix + entry.name] = (info.st_size, info.st_mtime_ns)

    if root.is_dir():
        walk(str(root), "")
    return stats
