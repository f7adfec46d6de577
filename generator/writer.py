"""Writing the built site: atomically, only files whose bytes changed, stale files removed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    changed: list[str] = field(default_factory=list)  # written or removed, output-relative


def write(output: Path, files: dict[str, bytes | Path]) -> WriteStats:
    """Make `output` hold exactly `files` (output-relative path -> bytes, or a file to copy)."""
    stats = WriteStats()
    root = output.resolve()
    for rel, content in files.items():
        target = Path(os.path.normpath(root / rel))
        if root not in target.parents:  # urls.is_safe already refused such URLs; this is the last guard
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        data = content.read_bytes() if isinstance(content, Path) else content
        if _same(target, data):
            stats.unchanged += 1
            continue
        _replace(target, data)
        stats.written += 1
        stats.changed.append(rel)
    removed = _remove_stale(root, set(files))
    stats.removed = len(removed)
    stats.changed += removed
    return stats


def _same(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _replace(target: Path, data: bytes) -> None:
    """Temp file in the same folder, then rename: readers never see half a file."""
    if target.parent.exists() and not target.parent.is_dir():
        target.parent.unlink()  # a file where a folder must now be
    if target.is_dir():
        _remove_tree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _remove_stale(root: Path, keep: set[str]) -> list[str]:
    removed = []
    for folder, _, filenames in os.walk(root, topdown=False):
        for name in filenames:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if rel not in keep:
                path.unlink()
                removed.append(rel)
        if Path(folder) != root and not os.listdir(folder):
            os.rmdir(folder)
    return removed


def _remove_tree(path: Path) -> None:
    for folder, _, filenames in os.walk(path, topdown=False):
        for name in filenames:
            Path(folder, name).unlink()
        os.rmdir(folder)
