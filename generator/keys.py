"""Every digest a build keys by, computed here and nowhere else.

A key says everything its value was made from: a source file's reading by the
file's bytes and the reader's settings, a page by its template and what its
template receives. Every key starts from the generator's own code, so nothing
made by other code is ever used.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from generator import __version__
from generator.paths import walk


def digest(*parts: bytes | str) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.digest()


def code_key(packages: list[Path]) -> str:
    """The generator's version and a digest of the code that makes its output: its own and that of
    the libraries it renders with. Keyed by this, nothing made by other code is used, even where no
    version number was raised (between commits, or a library upgraded under a cache kept in CI)."""
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


def read_key(config, kind: str, path: str, raw: bytes) -> bytes:
    """What a file's reading depends on: its path (its slug and date may come from its name), its
    bytes, how it is read, and the reader's settings."""
    return digest(kind, GENERATOR, config.timezone, config.content_dir, path, raw)


def layouts_key(folders: list[Path], site: Path) -> bytes:
    """Every template the renderer may load, in lookup order (links that lead out of the site are
    left out: the build reports them, and never reads what they point at)."""
    parts: list[bytes | str] = [GENERATOR]
    for folder in folders:
        parts.append(str(folder))
        for rel in walk(folder, site if site in folder.parents else folder):
            if not rel.startswith("static/"):
                parts += [rel, (folder / rel).read_bytes()]
    return digest(*parts)


def page_key(shared: bytes, template: str, received: bytes) -> bytes:
    """A page's key: what every page receives (with the layouts), its template, and a digest of
    what else that template receives."""
    return digest(shared, template, received)


def inputs_key(options: tuple, site: Path, stats: list[tuple[str, dict[str, tuple[int, int]]]]) -> bytes:
    """The build's options and every input file's path, size and modification time (`stats`: each
    input folder's name and its files' (size, mtime)), and config.yaml's bytes."""
    parts: list[bytes | str] = [GENERATOR, repr(options)]
    for name, files in stats:
        parts += [f"{name}/{path}:{size}:{mtime}" for path, (size, mtime) in sorted(files.items())]
    config = site / "config.yaml"
    parts.append(config.read_bytes() if config.is_file() else b"")
    return digest(*parts)
