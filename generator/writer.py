"""Writing the built site: atomically, only files whose bytes changed, stale files removed."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
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


def write(output: Path, files: dict[str, bytes | Path | Link], remove_stale: bool = True,
          known: dict[str, Stat] | None = None, current: set[str] = frozenset()) -> WriteStats:
    """Make `output` hold exactly `files` (output-relative path -> bytes, or a file to copy);
    without `remove_stale`, only write those files and leave the others alone.

    `known` holds the (size, mtime) an earlier write left each file with, and `current`
    the files whose bytes are those of that write: such a file, still as it was left,
    is not read again to be compared.
    """
    root = output.resolve()
    known = known or {}
    targets = {}
    for rel in files:
        target = os.path.normpath(os.path.join(root, rel))
        if not target.startswith(str(root) + os.sep):  # urls.is_safe refused such URLs; this is the last guard
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        targets[rel] = target
    for folder in sorted({os.path.dirname(t) for t in targets.values()}):
        _make_folder(Path(folder))

    def put(rel: str) -> tuple[bool, Stat]:
        trusted = known.get(rel) if rel in current else None
        return _put(targets[rel], files[rel], trusted)

    # Writing is waiting on the disk, which threads can do side by side.
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = dict(zip(files, pool.map(put, files, chunksize=64), strict=True))
    written = [rel for rel, (wrote, _) in outcomes.items() if wrote]
    removed = remove_others(str(root), set(files)) if remove_stale else []
    return WriteStats(written=len(written), unchanged=len(files) - len(written), removed=len(removed),
                      changed=written + removed, files={rel: stat for rel, (_, stat) in outcomes.items()})


def _put(target: str, content: bytes | Path | Link, trusted: Stat | None) -> tuple[bool, Stat]:
    """Write one file unless it already holds these bytes: (whether written, its stat now)."""
    try:
        info = os.stat(target)
        now = (info.st_size, info.st_mtime_ns)
    except OSError:
        info = now = None
    if now is not None and now == trusted:
        return False, now
    if isinstance(content, Link):
        try:
            if info is None:
                os.link(content.path, target)  # a new name for the cache's copy: atomic by itself
            elif os.path.samefile(content.path, target):
                return False, now
            else:
                temp = f"{target}.{os.getpid()}.link"
                os.link(content.path, temp)
                os.replace(temp, target)
            info = os.stat(target)
            return True, (info.st_size, info.st_mtime_ns)
        except OSError:  # another file system, or no hard links: copy the bytes
            content = Path(content.path)
    data = content.read_bytes() if isinstance(content, Path) else content
    if now is not None and now[0] == len(data) and Path(target).read_bytes() == data:
        return False, now
    _replace(Path(target), data)
    info = os.stat(target)
    return True, (info.st_size, info.st_mtime_ns)


def _make_folder(folder: Path) -> None:
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where a folder must now be
        for parent in reversed([folder, *folder.parents]):
            if parent.exists() and not parent.is_dir():
                parent.unlink()
        os.makedirs(folder, exist_ok=True)


def _replace(target: Path, data: bytes) -> None:
    """Temp file in the same folder, then rename: readers never see half a file."""
    if target.is_dir():
        _remove_tree(target)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


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


def _remove_tree(path: Path) -> None:
    for folder, _, filenames in os.walk(path, topdown=False):
        for name in filenames:
            Path(folder, name).unlink()
        os.rmdir(folder)
