"""What the read stage read (Reads), and how it is kept in the store between builds."""

from __future__ import annotations

import itertools
import pickle
import zlib
from dataclasses import dataclass, field

from generator.diagnostics import ERROR, Diagnostic


@dataclass
class Reads:
    """What each source file read into: (read key, item or None, problems) by site-relative path."""

    files: dict[str, tuple[bytes | None, object, list[Diagnostic]]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # path -> "article", "author" or "page"
    read: int = 0  # files read (the others came from an earlier Reads)
    settings: tuple = ()  # the reader's: a Reads made with others is of no use

    def items(self, kind: str) -> list:
        return [self.files[p][1] for p, k in self.kinds.items() if k == kind and self.files[p][1] is not None]

    def broken(self) -> frozenset[str]:
        """Files that have errors of their own."""
        return frozenset(path for path in self.files if self.is_broken(path))

    def is_broken(self, path: str) -> bool:
        _, item, problems = self.files[path]
        return item is None or any(d.severity == ERROR for d in problems)

    def problems(self) -> list[Diagnostic]:
        return list(itertools.chain.from_iterable(problems for _, _, problems in self.files.values()))


SHARES = 16  # Reads are kept in this many shares: a build that reads a few files saves only their shares


def shares(reads: Reads) -> dict[int, Reads]:
    """`reads` cut into SHARES parts by path (the same path always in the same part)."""
    parts = {n: Reads(settings=reads.settings) for n in range(SHARES)}
    for path, entry in reads.files.items():
        part = parts[zlib.crc32(path.encode()) % SHARES]
        part.files[path], part.kinds[path] = entry, reads.kinds[path]
    return parts


def joined(parts: list[Reads]) -> Reads | None:
    """The Reads that `shares` cut (None if a part is missing or from other settings)."""
    if not parts or any(p is None or p.settings != parts[0].settings for p in parts):
        return None
    whole = Reads(settings=parts[0].settings)
    for part in parts:
        whole.files.update(part.files)
        whole.kinds.update(part.kinds)
    return whole


def pack(reads: Reads) -> bytes:
    """A Reads as bytes, to keep in the store for the next build."""
    return pickle.dumps(reads, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes | None) -> Reads | None:
    try:
        reads = pickle.loads(data) if data is not None else None
    except (EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None
    return reads if isinstance(reads, Reads) else None
