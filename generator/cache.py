"""What a build can reuse from an earlier one: files already read, pages already rendered.

Entries are keyed by a digest of everything they depend on (the source's bytes
and the reader's settings; a page's full template context and the layouts), so
a hit is always what a fresh build would make.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__


def digest(*parts: bytes | str) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.digest()


def context_digest(template_key: bytes, template: str, context: dict) -> bytes:
    text = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return digest(template_key, template, text)


def layouts_key(folders: list[Path]) -> bytes:
    """A digest of every template the renderer may load, in lookup order."""
    parts: list[bytes | str] = [__version__]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "static" not in path.relative_to(folder).parts:
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


@dataclass
class Cache:
    """In memory, for the preview's rebuilds."""

    reads: dict[str, tuple[bytes, object]] = field(default_factory=dict)  # path -> (key, (item, problems))
    pages: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # url -> (key, rendered bytes)
    rendered: int = 0  # pages rendered by the last build (the rest came from here)

    @staticmethod
    def get(entries: dict, name: str, key: bytes):
        """The value stored for `name` under `key`, or None."""
        hit = entries.get(name)
        return hit[1] if hit and hit[0] == key else None

    def keep_only(self, paths: set[str], urls: set[str]) -> None:
        """Forget what the site no longer has, so memory does not grow over a long session."""
        self.reads = {p: v for p, v in self.reads.items() if p in paths}
        self.pages = {u: v for u, v in self.pages.items() if u in urls}
