"""The pixel size of a local image, read from its file's header: pages give every <img> its width and
height, so that the browser keeps the image's room before it loads and nothing moves as it does.

Written from the formats' specifications (PNG, GIF89a, JFIF/JPEG and Exif, WebP's RIFF container,
SVG) and for hostile files: a pull request may add any bytes under an image's name. `size` reads
at most a few hundred KB of a regular file, and answers None for anything it cannot vouch for.
"""

from __future__ import annotations

import math
import os
import re
import stat

MAX_SIDE = 100_000  # px: larger is a broken or hostile header, not a picture for a web page
FIRST = 4096  # enough for PNG, GIF and WebP, and for most JPEG and SVG headers
LIMITS = {"jpeg": 256 * 1024, "svg": 64 * 1024}  # the most read when the first bytes are not enough

Size = tuple[int, int]
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)  # the flags some systems lack count as none


def size(path: str | os.PathLike) -> Size | None:
    """(width, height) in CSS pixels as the image is shown, or None: not a regular file (a folder,
    a symbolic link, a device), unreadable, not PNG, JPEG, GIF, WebP or SVG, or a header that is
    truncated, zero, absurdly large or otherwise wrong. Never raises for what a file holds."""
    try:
        fd = _open(path)
    except (OSError, ValueError):  # ValueError: a path with a NUL byte in it
        return None
    if fd is None:
        return None
    try:
        data = _read(fd, FIRST)
        kind = _kind(data)
        if kind is None:
            return None
        found = PARSERS[kind](data)
        if found is None and kind in LIMITS and len(data) == FIRST:  # its header may go on further
            found = PARSERS[kind](data + _read(fd, LIMITS[kind] - FIRST))
    except OSError:
        return None
    finally:
        os.close(fd)
    return _sane(found)


def _open(path: str | os.PathLike) -> int | None:
    """A descriptor for a regular file, never following a link at the last step; non-blocking, so that
    a named pipe put where an image was expected cannot hang the build."""
    if os.path.islink(path):  # for systems without O_NOFOLLOW; the flag closes the race where it exists
        return None
    fd = os.open(path, OPEN_FLAGS)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _read(fd: int, count: int) -> bytes:
    """Up to `count` bytes from where the descriptor is (a read may return fewer than asked)."""
    chunks, left = [], count
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _sane(found: tuple[float, float] | None) -> Size | None:
    if found is None:
        return None
    width, height = found
    if not (math.isfinite(width) and math.isfinite(height)):
        return None
    width, height = round(width), round(height)
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return None
    return width, height


def _kind(data: bytes) -> str | None:
    """The format by its signature; SVG, which has none, by a first character that may start XML."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")[:1] == b"<":  # after a byte order mark, UTF-8 or UTF-16
        return "svg"
    return None


# --- PNG: the signature, then IHDR, which must come first: length 13, width and height big-endian. ---

def _png(data: bytes) -> Size | None:
    if len(data) < 24 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# --- GIF: the logical screen's width and height, little-endian, right after the signature. ---

def _gif(data: bytes) -> Size | None:
    if len(data) < 10:
        return None
    return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")


# --- WebP: a RIFF file whose first chunk is a lossy (VP8), lossless (VP8L) or extended (VP8X) header. ---

def _webp(data: bytes) -> Size | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        # A key frame (bit 0 of the frame tag clear), its start code, then 14-bit sides (2 bits of scale above).
        if data[20] & 1 or data[23:26] != b"\x9d\x01\x2a":
            return None
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        if data[20] != 0x2F:  # the lossless signature byte
            return None
        bits = int.from_bytes(data[21:25], "little")  # 14 bits width - 1, 14 bits height - 1, alpha, version
        if bits >> 29:  # version 0 is the only one
            return None
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        # Flags and 3 reserved bytes, then the canvas's width - 1 and height - 1 in 24 bits each.
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


# --- JPEG: segments after SOI, each a marker and (mostly) a length, up to the frame header (SOFn). ---

# SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range without being frame headers.
FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
STANDALONE = frozenset([0x01, *range(0xD0, 0xD8)])  # TEM and RST0-7: markers without a length
TURNED = frozenset([5, 6, 7, 8])  # Exif orientations a quarter turn away: the picture is shown on its side


def _jpeg(data: bytes) -> Size | None:
    """The frame's size, sides swapped when Exif says the picture is turned (browsers show it turned).
    Each step moves on by at least two bytes and only within `data`: the scan is bounded by its length."""
    position, turned = 2, False
    while position < len(data):
        if data[position] != 0xFF:
            return None  # not a marker where one must be: corrupt
        while position < len(data) and data[position] == 0xFF:  # any number of 0xFF may pad a marker
            position += 1
        if position + 2 >= len(data):
            return None
        marker = data[position]
        position += 1
        if marker in STANDALONE:
            continue
        if marker in (0xD8, 0xD9, 0xDA, 0x00):  # SOI again, the end, or the scan's data before any frame
            return None
        length = int.from_bytes(data[position:position + 2], "big")  # it counts its own two bytes
        end = position + length
        if length < 2 or end > len(data):
            return None  # a length that runs past what was read: truncated, or a lie
        segment = data[position + 2:end]
        if marker in FRAMES:
            if len(segment) < 6:
                return None
            height, width = int.from_bytes(segment[1:3], "big"), int.from_bytes(segment[3:5], "big")
            return (height, width) if turned else (width, height)
        if marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            turned = _exif_orientation(segment[6:]) in TURNED
        position = end
    return None


def _exif_orientation(tiff: bytes) -> int | None:
    """The Orientation tag (0x0112) of Exif's first image directory, or None: a TIFF header naming its
    byte order, the directory's offset, then 12-byte entries (tag, type, count, value)."""
    order = {b"II*\x00": "little", b"MM\x00*": "big"}.get(tiff[:4])
    if order is None or len(tiff) < 8:
        return None
    directory = int.from_bytes(tiff[4:8], order)
    if directory + 2 > len(tiff):
        return None
    count = int.from_bytes(tiff[directory:directory + 2], order)
    for start in range(directory + 2, min(directory + 2 + 12 * count, len(tiff) - 11), 12):
        tag, kind = int.from_bytes(tiff[start:start + 2], order), int.from_bytes(tiff[start + 2:start + 4], order)
        if tag == 0x0112:
            return int.from_bytes(tiff[start + 8:start + 10], order) if kind == 3 else None  # a SHORT
    return None


# --- SVG: the width, height and viewBox of the root element's start tag, read as text. ---
# No XML parser: one would expand the entities a DOCTYPE declares (a billion laughs). Only the
# prolog is skipped (declaration, comments, processing instructions, DOCTYPE), then the first
# element must be <svg>; entities in its attributes are not expanded, and such a value is not a size.

ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?svg(?=[\s/>])")
ATTRIBUTE = re.compile(r"""\s+([^\s=/>"']+)\s*=\s*("[^"]*"|'[^']*')""")
TAG_END = re.compile(r"\s*/?>")
SPACE = re.compile("[ \t\r\n]*")
DOCTYPE_PART = re.compile(r"""["'\[\]>]|<!--""")
NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
LENGTH = re.compile(rf"\s*({NUMBER})\s*([a-zA-Z%]*)\s*")
# Absolute units in CSS pixels; relative ones (%, em, ex...) depend on where the image is shown.
UNITS = {"": 1.0, "px": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6, "pt": 4 / 3,
         "pc": 16.0}
SEPARATORS = re.compile(r"[\s,]+")


def _svg(data: bytes) -> Size | None:
    attributes = _root_attributes(_text(data))
    if attributes is None:
        return None
    width, height = _length(attributes.get("width")), _length(attributes.get("height"))
    box = _view_box(attributes.get("viewBox"))
    if width and height:
        return width, height
    if box and width:  # one side given: the other follows the viewBox's proportions, as browsers do
        return width, width * box[1] / box[0]
    if box and height:
        return height * box[0] / box[1], height
    return box


def _text(data: bytes) -> str:
    """The bytes as text; only ASCII matters here, so UTF-8 is read byte for byte (Latin-1 never fails)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # which drops the byte order mark
    return data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def _root_attributes(text: str) -> dict[str, str] | None:
    """The attributes of the first element when it is <svg> (a prefix allowed: <svg:svg>), else None."""
    position = 0
    while True:  # each turn moves past one part of the prolog, or ends
        position = SPACE.match(text, position).end()
        if text.startswith("<?", position):
            position = _after(text, "?>", position + 2)
        elif text.startswith("<!--", position):
            position = _after(text, "-->", position + 4)
        elif text.startswith("<!DOCTYPE", position):
            position = _after_doctype(text, position + 9)
        else:
            break
        if position < 0:
            return None
    root = ROOT.match(text, position)
    if root is None:
        return None
    attributes, position = {}, root.end()
    while not TAG_END.match(text, position):
        attribute = ATTRIBUTE.match(text, position)
        if attribute is None:
            return None  # malformed, or cut off before the tag ends
        attributes.setdefault(attribute.group(1), attribute.group(2)[1:-1])
        position = attribute.end()
    return attributes


def _after(text: str, end: str, start: int) -> int:
    found = text.find(end, start)
    return found + len(end) if found >= 0 else -1


def _after_doctype(text: str, position: int) -> int:
    """Past a DOCTYPE, whose internal subset ([...]) may hold '>' in declarations, strings and comments."""
    in_subset = False
    while (part := DOCTYPE_PART.search(text, position)) is not None:
        token, position = part.group(0), part.end()
        if token in "\"'":
            position = _after(text, token, position)
        elif token == "<!--":
            position = _after(text, "-->", position)
        elif token in "[]":
            in_subset = token == "["
        elif not in_subset:
            return position
        if position < 0:
            return -1
    return -1


def _length(value: str | None) -> float | None:
    """A width or height in CSS pixels; None when missing, relative (%, em) or not a length."""
    found = LENGTH.fullmatch(value) if value is not None else None
    unit = UNITS.get(found.group(2).lower()) if found else None
    if unit is None:
        return None
    number = float(found.group(1)) * unit
    return number if math.isfinite(number) and number > 0 else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    """The viewBox's width and height (min-x, min-y, width, height), when both are positive."""
    parts = SEPARATORS.split(value.strip()) if value is not None else []
    if len(parts) != 4 or not all(re.fullmatch(NUMBER, part) for part in parts):
        return None
    width, height = float(parts[2]), float(parts[3])
    finite = math.isfinite(width) and math.isfinite(height)
    return (width, height) if finite and width > 0 and height > 0 else None


PARSERS = {"png": _png, "gif": _gif, "jpeg": _jpeg, "webp": _webp, "svg": _svg}
