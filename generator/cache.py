"""What a build can reuse from an earlier one: files already read, pages already rendered.

Entries are keyed by a digest of everything they depend on (the source's bytes
and the reader's settings; a page's full template context and the layouts), so
a hit is always what a fresh build would make.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import threading
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path

from . import __version__
from .model import Article
from .sources import walk
from .writer import Link, file_stats


def digest(*parts: bytes | str) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.digest()


def code_key(packages: list[Path]) -> str:
    """The generator's version and a digest of the code that makes its output: its own and that of
    the libraries it renders with. Everything cached is keyed by this, so that nothing made by other
    code is used, even where no version number was raised (between commits, or a library upgraded
    under an unchanged cache in CI)."""
    parts: list[bytes | str] = []
    for folder in packages:
        parts += [folder.name, *(p.read_bytes() for p in sorted(folder.rglob("*.py")))]
    return f"{__version__}-{digest(*parts).hex()[:16]}"


def _packages() -> list[Path]:
    """Our package and the libraries' (found without importing them: a build with nothing to do does not)."""
    found = [Path(__file__).parent]
    for name in ("markdown", "jinja2", "markupsafe", "yaml"):
        spec = importlib.util.find_spec(name)
        if spec and spec.origin:
            found.append(Path(spec.origin).parent)
    return found


GENERATOR = code_key(_packages())


def read_key(config, kind: str, raw: bytes) -> bytes:
    """What a file's reading depends on: its bytes, how it is read, and the reader's settings."""
    return digest(kind, GENERATOR, config.timezone, config.content_dir, raw)


def common_key(site, layouts: bytes) -> bytes:
    """What every page's context shares: the generator, the layouts, the config and the site view."""
    from .views import site_view
    newest = max((a.updated or a.date for a in site.articles), default=None)
    return digest(GENERATOR, layouts, repr(site.config), repr(site_view(site)), repr(newest))


# Listings and related rails show an article without its body: a body edit leaves them be.
TEASER_FIELDS = [f.name for f in fields(Article) if f.name not in ("body", "lines")]


def article_fingerprints(site) -> tuple[list[bytes], list[bytes]]:
    """Two digests per article of everything a page showing it may use: the whole of it, and all
    but its body. Both take in its authors' names and roles and its tags' spellings."""
    from .parallel import each  # not at the top: a build with nothing to do does not need it
    prints = each(partial(article_fingerprint, site), len(site.articles))
    return [whole for whole, _ in prints], [teaser for _, teaser in prints]


def article_fingerprint(site, index: int) -> tuple[bytes, bytes]:
    article = site.articles[index]
    authors = [(i, site.authors[i].name, site.authors[i].role) for i in article.authors]
    tags = [site.tag_names[s] for s in site.tags_of[index]]
    teaser = digest(repr([getattr(article, name) for name in TEASER_FIELDS]), repr(authors), repr(tags))
    return digest(teaser, article.body), teaser


def route_key(route, prints: tuple[list[bytes], list[bytes]], common: bytes) -> bytes:
    """A page's key: its template, URL, own values and the articles it shows, on top of what all share."""
    whole, teaser = prints
    return digest(common, route.url, route.template or "", repr(route.own), *(whole[i] for i in route.deps),
                  b"|", *(teaser[i] for i in route.shows))


def layouts_key(folders: list[Path], site: Path) -> bytes:
    """A digest of every template the renderer may load, in lookup order (links that lead out of
    the site are left out: the build reports them, and never reads what they point at)."""
    parts: list[bytes | str] = [GENERATOR]
    for folder in folders:
        for rel in walk(folder, site if site in folder.parents else folder):
            if not rel.startswith("static/"):
                parts += [rel, (folder / rel).read_bytes()]
    return digest(*parts)


FOLDER = ".cache/newsroom"  # in the site; keep it between CI runs to make builds warm
FORMAT = f"{GENERATOR}/4"  # the generator (see code_key) and this file's layout: anything else is not read


@dataclass
class Cache:
    """Files read and pages rendered, in memory (the preview) or saved in the site's .cache/."""

    reads: dict[str, tuple[bytes, object]] = field(default_factory=dict)  # path -> (key, (item, problems))
    # url -> (key, the rendered bytes), or (key, the (size, mtime) of its copy in the store)
    pages: dict[str, tuple[bytes, bytes | tuple[int, int]]] = field(default_factory=dict)
    rendered: int = 0  # pages rendered by the last build (the rest came from here)
    read: int = 0  # files read by the last build
    dropped: bool = False  # entries were forgotten since the cache was saved
    saver: int = 0  # the process saving the files read, when one does
    output: str = ""  # the output folder last written with this cache...
    outputs: dict[str, tuple[int, int]] = field(default_factory=dict)  # ...and each file's (size, mtime) then
    # A saved cache keeps the pages' bytes in files named after their keys, hard links to the
    # output's files where it can, not in its pickle: a warm build links them back into place.
    store: Path | None = None

    @classmethod
    def load(cls, folder: Path) -> Cache:
        """The saved cache, or an empty one when there is none or it is unreadable or from another version."""
        cache = cls(store=folder / "pages")
        for name in ("reads", "pages"):
            stored = _load(folder / f"{name}.pickle")
            if isinstance(stored, dict):
                setattr(cache, name, stored)
        return cache

    @staticmethod
    def get(entries: dict, name: str, key: bytes):
        """The value stored for `name` under `key`, or None."""
        hit = entries.get(name)
        return hit[1] if hit and hit[0] == key else None

    def stored(self, key: bytes) -> str | None:
        """Where the store keeps (or will keep) the page with this key."""
        if self.store is None:
            return None
        name = key.hex()
        return f"{self.store}/{name[:2]}/{name}"

    def page(self, url: str, key: bytes) -> bytes | Link | None:
        """A page's bytes (or the store's copy of them) when its key is unchanged."""
        hit = self.pages.get(url)
        if not hit or hit[0] != key:
            return None
        if isinstance(hit[1], bytes):
            return hit[1]
        copy = self.stored(key)
        if copy is None or hit[1] is None:  # None: kept by this build, its stat not yet recorded
            return None
        try:
            info = os.stat(copy)
        except OSError:
            return None
        # The copy may share its file with the output: it must still be as the build that made it left it.
        if (info.st_size, info.st_mtime_ns) != hit[1]:
            Path(copy).unlink(missing_ok=True)  # written to through the output: rendered and kept again
            return None
        return Link(copy, hit[1])

    def keep_only(self, paths: set[str], urls: set[str]) -> None:
        """Forget what the site no longer has, so the cache does not grow without end."""
        sizes = len(self.reads), len(self.pages)
        self.reads = {p: v for p, v in self.reads.items() if p in paths}
        self.pages = {u: v for u, v in self.pages.items() if u in urls}
        self.dropped = self.dropped or sizes != (len(self.reads), len(self.pages))

    def save_reads_aside(self, folder: Path, paths: set[str]) -> None:
        """Save the files read (those of `paths`), if any were read, in a forked process while this one
        goes on: assembling the site keeps one core busy and leaves the other idle. `save` waits for it."""
        kept = {p: v for p, v in self.reads.items() if p in paths}
        if not (self.read or len(kept) != len(self.reads)):
            return
        self.reads = kept
        if not hasattr(os, "fork") or threading.active_count() > 1:  # forking is unsafe beside threads
            _save(folder / "reads.pickle", self.reads)
            return
        self.saver = os.fork()
        if self.saver == 0:  # the child: save, and leave without running anything of the parent's
            try:
                _save(folder / "reads.pickle", self.reads)
            finally:
                os._exit(0)

    def saved_aside(self) -> bool:
        """Whether save_reads_aside saved the files read (waiting for it to finish)."""
        if not self.saver:
            return False
        os.waitpid(self.saver, 0)
        self.saver = 0
        return True

    def save(self, folder: Path, kept: dict[str, tuple[int, int]]) -> None:
        """Write what changed. The pages' bytes are in the store already; `kept` has each stored copy's
        (size, mtime) by url. Copies no page uses any more are deleted."""
        if not self.saved_aside():
            if self.read or self.dropped:
                _save(folder / "reads.pickle", self.reads)
        if self.rendered or self.dropped:
            pages = {url: (key, kept[url] if url in kept else value) for url, (key, value) in self.pages.items()
                     if url in kept or isinstance(value, tuple)}
            _save(folder / "pages.pickle", pages)
            self._prune({key.hex() for key, _ in pages.values()})
        self.dropped = False

    def _prune(self, names: set[str]) -> None:
        for folder in os.scandir(self.store) if self.store and self.store.is_dir() else []:
            for entry in os.scandir(folder.path):
                if entry.name not in names:
                    os.unlink(entry.path)


def _load(path: Path):
    try:
        with open(path, "rb") as handle:
            version, value = pickle.load(handle)
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None
    return value if version == FORMAT else None


def _save(path: Path, value) -> None:
    """A temp file then a rename: a crash mid-write leaves the previous cache, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "wb") as handle:
        pickle.dump((FORMAT, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)


@dataclass
class Manifest:
    """What the last successful build of a site read and wrote, to recognise a build with nothing to do."""

    inputs: bytes  # digest of the options and of every input file's name, size and modification time
    output: str  # the output folder
    outputs: dict[str, tuple[int, int]]  # output-relative path -> (size, mtime_ns) as written
    due: float | None  # when the next scheduled article becomes due (a timestamp), or None
    summary: dict  # counts, notices and problems to report again

    @classmethod
    def load(cls, folder: Path) -> Manifest | None:
        stored = _load(folder / "manifest.pickle")
        return stored if isinstance(stored, cls) else None

    def save(self, folder: Path) -> None:
        _save(folder / "manifest.pickle", self)

    def still_holds(self, inputs: bytes, output: Path, now: float) -> bool:
        if inputs != self.inputs or (self.due is not None and now >= self.due):
            return False
        return self.outputs == file_stats(output)


def inputs_key(options: tuple, site: Path, folders: list[Path]) -> bytes:
    """A digest of the build's options and every input file's path, size and modification time."""
    parts: list[bytes | str] = [GENERATOR, repr(options)]
    for folder in folders:
        name = folder.relative_to(site) if site in folder.parents else folder
        for path, (size, mtime) in sorted(file_stats(folder).items()):
            parts.append(f"{name}/{path}:{size}:{mtime}")
    config = site / "config.yaml"
    parts.append(config.read_bytes() if config.is_file() else b"")
    return digest(*parts)
