"""A content-addressed store: values (bytes) kept under the keys of what they were made from.

It knows nothing of what it holds: the build keeps files it has read and pages it
has rendered here, under the keys keys.py computes. Each value is a file named
after its key, so a page can be hard-linked from the store into the output: a
warm build links its pages back instead of rendering them.

A stored file may share its bytes with an output file through such a link, and
someone may edit that output file in place: the store notes each file's size
and time when it is put, and a file that no longer has them is not given out.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from generator.keys import GENERATOR

Stat = tuple[int, int]  # (size, mtime_ns), as the writer's (the output package sits above the store)
INDEX = "index.pickle"


class Store:
    def __init__(self, folder: Path, below: Store | None = None) -> None:
        """`below`: a store to read from where this one has nothing (the preview reads what `build`
        stored, and stores what it makes itself apart, in a temporary folder)."""
        self.folder = str(folder)
        self.below = below
        stored = load(folder / INDEX)
        self.index: dict[bytes, Stat] = stored if isinstance(stored, dict) else {}
        self.used: set[bytes] = set()  # keys got or put since the store was opened

    def where(self, key: bytes) -> str:
        name = key.hex()
        return os.path.join(self.folder, name[:2], name)

    def get(self, key: bytes) -> bytes | None:
        path = self.file(key)
        if path is None:
            return None
        with open(path, "rb") as handle:
            return handle.read()

    def file(self, key: bytes) -> str | None:
        """The file that holds the value of `key` as it was put, or None."""
        path, known = self.where(key), self.index.get(key)
        if known is not None:
            try:
                info = os.stat(path)
            except OSError:
                info = None
            if info is not None and (info.st_size, info.st_mtime_ns) == known:
                self.used.add(key)
                return path
            self.index.pop(key)
        return self.below.file(key) if self.below is not None else None

    def put(self, key: bytes, data: bytes) -> str:
        """Keep `data` under `key`; the file that holds it. May be called in forked workers, which
        cannot tell this process: it notes what they put with `adopt`."""
        path = self.where(key)
        temp = f"{path}.{os.getpid()}.tmp"
        try:
            handle = open(temp, "wb")
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            handle = open(temp, "wb")
        with handle:
            handle.write(data)
        os.replace(temp, path)
        self._note(key, path)
        return path

    def adopt(self, keys) -> None:
        """Note that these keys were used by other processes (forked workers, which cannot tell
        this one), and what they put under them."""
        for key in keys:
            if key in self.index:
                self.used.add(key)
            elif os.path.exists(self.where(key)):
                self._note(key, self.where(key))

    def forget(self, key: bytes) -> None:
        """Not used by this build after all (what it replaced): deleted when the store closes."""
        self.used.discard(key)

    def _note(self, key: bytes, path: str) -> None:
        info = os.stat(path)
        self.index[key] = (info.st_size, info.st_mtime_ns)
        self.used.add(key)

    def close(self, prune: bool = True) -> None:
        """Save the index; with `prune`, first delete what this build did not use, so the store
        holds one build's worth and does not grow without end."""
        if prune:
            # Every file not used goes, those of other code and killed builds' temporary files too.
            keep = {key.hex() for key in self.used}
            for folder in os.scandir(self.folder) if os.path.isdir(self.folder) else []:
                if folder.is_dir(follow_symlinks=False):
                    for entry in os.scandir(folder.path):
                        if entry.name not in keep:
                            os.unlink(entry.path)
            self.index = {key: self.index[key] for key in self.used if key in self.index}
        save(Path(self.folder) / INDEX, self.index)


FORMAT = f"{GENERATOR}/5"  # the generator and the index's layout: an index of other code is not read


def save(path: Path, value) -> None:
    """A temp file then a rename: a crash mid-write leaves the previous file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "wb") as handle:
        pickle.dump((FORMAT, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)


def load(path: Path):
    """What `save` wrote there, or None when it is missing, damaged or from other code."""
    try:
        with open(path, "rb") as handle:
            version, value = pickle.load(handle)
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None
    return value if version == FORMAT else None
