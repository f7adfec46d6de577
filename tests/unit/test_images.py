"""images.size on tiny images made here byte by byte, and on hostile files; <img> sizes in built bodies."""

from __future__ import annotations

import os
import random
import shutil
import struct
import tempfile
import zlib
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator import images
from generator.build import build
from generator.diagnostics import Report
from generator.model import Article, StaticFile
from generator.read.markup import Converter
from generator.site import links

# --- Tiny images, from the formats' specifications. ---


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A whole valid PNG (8-bit greyscale), so that browsers and the site test can use it too."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height)) if width * height < 10_000 else b""
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) \
        + _chunk(b"IEND", b"")


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b";"


def segment(marker: int, data: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data


JFIF = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")


def sof(width: int, height: int, marker: int = 0xC0) -> bytes:
    components = b"".join(bytes([n, 0x11, 0]) for n in (1, 2, 3))
    return segment(marker, struct.pack(">BHHB", 8, height, width, 3) + components)


def jpeg(width: int, height: int, *before: bytes, marker: int = 0xC0) -> bytes:
    return b"\xff\xd8" + JFIF + b"".join(before) + sof(width, height, marker) + b"\xff\xd9"


def exif(orientation: int, order: str = "<") -> bytes:
    """APP1 with a TIFF header and one directory entry: Orientation, a SHORT."""
    mark = b"II*\x00" if order == "<" else b"MM\x00*"
    entries = struct.pack(f"{order}HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff = mark + struct.pack(f"{order}I", 8) + struct.pack(f"{order}H", 1) + entries + b"\x00" * 4
    return segment(0xE1, b"Exif\x00\x00" + tiff)


def riff(chunk: bytes, data: bytes) -> bytes:
    body = b"WEBP" + chunk + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def vp8(width: int, height: int) -> bytes:
    return riff(b"VP8 ", b"\x50\x01\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 8)


def vp8l(width: int, height: int) -> bytes:
    bits = (width - 1) | (height - 1) << 14
    return riff(b"VP8L", b"\x2f" + struct.pack("<I", bits) + b"\x00" * 4)


def vp8x(width: int, height: int) -> bytes:
    return riff(b"VP8X", b"\x00" * 4 + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


@pytest.fixture
def sized(tmp_path):
    """size() of a file holding these bytes."""
    def measure(data: bytes | str, name: str = "image") -> tuple[int, int] | None:
        path = tmp_path / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return images.size(path)
    return measure


# --- Each format. ---


def test_png_gif_and_webp(sized):
    assert sized(png(3, 2)) == (3, 2)
    assert sized(gif(640, 480)) == (640, 480)
    assert sized(b"GIF87a" + gif(5, 7)[6:]) == (5, 7)
    assert sized(vp8(1024, 768)) == (1024, 768)
    assert sized(vp8(1024 | 0x4000, 768 | 0xC000)) == (1024, 768)  # the 2 scale bits are not the size
    assert sized(vp8l(16384, 1)) == (16384, 1)
    assert sized(vp8x(100000, 3)) == (100000, 3)


def test_jpeg_frame_after_other_segments(sized):
    assert sized(jpeg(800, 600)) == (800, 600)
    others = [segment(0xDB, b"\x00" + b"\x01" * 64), segment(0xC4, b"\x00" * 20), segment(0xFE, b"a comment"),
              segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x/>"), segment(0xE2, b"ICC_PROFILE\x00" + b"\x00" * 900)]
    assert sized(jpeg(800, 600, *others)) == (800, 600)
    assert sized(jpeg(800, 600, marker=0xC2)) == (800, 600)  # progressive
    assert sized(jpeg(800, 600, b"\xff\xff\xff")) == (800, 600)  # fill bytes before a marker


def test_jpeg_exif_orientation_turned_a_quarter_swaps_the_sides(sized):
    assert sized(jpeg(800, 600, exif(1))) == (800, 600)
    assert sized(jpeg(800, 600, exif(3))) == (800, 600)  # upside down: the same box
    assert sized(jpeg(800, 600, exif(6))) == (600, 800)
    assert sized(jpeg(800, 600, exif(8, ">"))) == (600, 800)
    assert sized(jpeg(800, 600, segment(0xE1, b"Exif\x00\x00MM\x00*\xff\xff\xff\xff"))) == (800, 600)  # bad offset


def test_jpeg_whose_frame_is_past_the_first_read(sized):
    thumbnail = segment(0xE1, b"Exif\x00\x00" + b"\x00" * 60_000)  # Exif with a thumbnail: common
    assert sized(jpeg(4000, 3000, thumbnail, thumbnail)) == (4000, 3000)


def test_svg_width_and_height(sized):
    assert sized('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"/>') == (120, 80)
    assert sized("<svg width='120px' height=' 80.4px ' viewBox='0 0 1 1'></svg>") == (120, 80)
    assert sized('<svg\n  width="1.2e2"\n  height="+80">') == (120, 80)
    assert sized('<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="5" height="6"/>') == (5, 6)


def test_svg_view_box_when_the_size_is_missing_or_relative(sized):
    assert sized('<svg viewBox="0 0 300 150"/>') == (300, 150)
    assert sized('<svg viewBox="-10,-10, 30.5,20" width="100%" height="100%"/>') == (30, 20)  # 30.5: rounded
    assert sized('<svg width="2em" height="1em" viewBox="0 0 64 32"/>') == (64, 32)
    assert sized('<svg width="200" viewBox="0 0 100 50"/>') == (200, 100)  # the other side from the proportions
    assert sized('<svg height="10%" width="50" viewBox="0 0 100 50"/>') == (50, 25)


def test_svg_absolute_units_in_css_pixels(sized):
    assert sized('<svg width="72pt" height="1in"/>') == (96, 96)
    assert sized('<svg width="2.54cm" height="6pc"/>') == (96, 96)


def test_svg_prolog_is_skipped_and_entities_never_expanded(sized):
    prolog = ('\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- a <svg width="1" height="1"> in a comment -->\n'
              '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n'
              '  <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!-- ] > -->\n'
              '  <!ENTITY w "<svg width=\'9\'>">\n]>\n<?stylesheet href="x.css"?>\n')
    assert sized(prolog + '<svg width="40" height="30"><text>&b;</text></svg>') == (40, 30)
    assert sized(prolog + '<svg width="&w;" height="&w;" viewBox="0 0 4 3"/>') == (4, 3)
    assert sized('<svg width="20" height="10"/>'.encode("utf-16")) == (20, 10)


def test_files_that_are_not_images(sized):
    for data in [b"", b"hello", b"<html><svg width='1' height='1'/></html>", b"<svg>", b"<svg width='1'",
                 b"<svg width='1' height='1' <", b"<svgx width='1' height='1'/>", b"<!DOCTYPE svg [ <svg/>",
                 b"<!-- <svg width='1' height='1'/>", b"\x1f\x8b\x08\x00 svgz", b"RIFF\x00\x00\x00\x00WAVEfmt "]:
        assert sized(data) is None, data


# --- Hostile files: each None, none an exception. ---


def test_truncated_images(sized):
    for image in [png(3, 2), gif(3, 2), jpeg(3, 2), jpeg(3, 2, exif(6)), vp8(3, 2), vp8l(3, 2), vp8x(3, 2),
                  b'<svg width="3" height="2"/>']:
        whole = sized(image)
        assert whole in ((3, 2), (2, 3))  # (2, 3): the Exif one, turned
        assert {sized(image[:cut]) for cut in range(len(image))} <= {None, whole}
        assert sized(image[:len(image) // 3]) is None


def test_mangled_images_never_raise(sized):
    """Bytes flipped at random in each format (seeded: the same each run): a size in bounds, or None."""
    chance = random.Random(1795)
    for image in [png(3, 2), gif(3, 2), jpeg(3, 2, exif(6)), vp8(3, 2), vp8l(3, 2), vp8x(3, 2),
                  b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg width="3" viewBox="0 0 3 2"/>']:
        for _ in range(150):
            mangled = bytearray(image)
            for _ in range(chance.randint(1, 4)):
                mangled[chance.randrange(4 if image[:1] == b"<" else 2, len(mangled))] = chance.randrange(256)
            found = sized(bytes(mangled))
            assert found is None or all(0 < side <= images.MAX_SIDE for side in found)


def test_zero_sizes(sized):
    for image in [png(0, 2), png(3, 0), gif(0, 0), vp8(0, 2), jpeg(0, 2), jpeg(3, 0),
                  '<svg width="0" height="2"/>', '<svg width="-3" height="2"/>', '<svg viewBox="0 0 0 10"/>',
                  '<svg width="0.2" height="0.2"/>']:
        assert sized(image) is None, image


def test_absurd_sizes(sized):
    assert sized(png(100_000, 1)) == (100_000, 1)
    for image in [png(100_001, 1), png(1, 2**32 - 1), vp8x(2**24, 1), vp8x(1, 100_001),
                  '<svg width="1e999" height="1"/>', '<svg width="100001" height="1"/>',
                  '<svg viewBox="0 0 1e308 1e308"/>', '<svg width="1e308in" height="1"/>']:
        assert sized(image) is None, image[:40]


def test_broken_headers(sized):
    assert sized(b"\x89PNG\r\n\x1a\n" + _chunk(b"tEXt", b"x" * 13)) is None  # IHDR must come first
    assert sized(riff(b"VP8 ", b"\x51\x01\x00\x9d\x01\x2a" + b"\x10" * 12)) is None  # not a key frame
    assert sized(riff(b"VP8 ", b"\x50\x01\x00\x00\x00\x00" + b"\x10" * 12)) is None  # no start code
    assert sized(riff(b"VP8L", b"\x2e" + b"\x00" * 8)) is None
    assert sized(riff(b"VP8L", b"\x2f\x00\x00\x00\x20" + b"\x00" * 4)) is None  # version 1
    assert sized(riff(b"ALPH", b"\x00" * 20)) is None


def test_jpeg_segments_that_lie(sized):
    soi = b"\xff\xd8"
    assert sized(soi + b"\xff\xe0\xff\xf0" + b"\x00" * 100 + sof(3, 2)) is None  # a length past the end
    assert sized(soi + b"\xff\xe0\x00\x01" + sof(3, 2)) is None  # a length shorter than itself
    assert sized(soi + b"\xff\xe0\x00\x00" * 3000) is None
    assert sized(soi + JFIF + b"\x00\x00" + sof(3, 2)) is None  # no marker where one must be
    assert sized(soi + JFIF + segment(0xDA, b"\x00" * 10) + sof(3, 2)) is None  # the scan before any frame
    assert sized(soi + JFIF + b"\xff\xd9" + sof(3, 2)) is None
    assert sized(soi + JFIF + segment(0xC0, b"\x08\x00")) is None  # a frame header too short
    assert sized(soi + b"\xff" * 300_000) is None
    assert sized(soi + JFIF + sof(3, 2)[:-3]) is None


def test_reads_a_bounded_number_of_bytes(sized, monkeypatch):
    """A JPEG whose frame lies past the limit: not found, and never read that far."""
    filler = segment(0xE2, b"\x00" * 65_000)
    read = []
    real = os.read
    monkeypatch.setattr(images.os, "read", lambda fd, n: read.append(n) or real(fd, n))
    assert sized(jpeg(3, 2, *[filler] * 10)) is None
    assert sum(read) <= 256 * 1024
    read.clear()
    assert sized(b"<!--" + b" " * 10_000_000 + b'--><svg width="1" height="1"/>') is None
    assert sum(read) <= 64 * 1024
    read.clear()
    assert sized(png(3, 2) + b"\x00" * 1_000_000) == (3, 2)
    assert sum(read) <= 4096


def test_what_is_not_a_regular_file(tmp_path):
    image = tmp_path / "real.png"
    image.write_bytes(png(3, 2))
    assert images.size(image) == (3, 2) and images.size(str(image)) == (3, 2)
    (tmp_path / "link.png").symlink_to(image)
    assert images.size(tmp_path / "link.png") is None
    (tmp_path / "folder.png").mkdir()
    assert images.size(tmp_path / "folder.png") is None
    assert images.size(tmp_path / "missing.png") is None
    assert images.size(str(tmp_path / "nul\x00.png")) is None
    assert images.size("/dev/zero") is None
    os.mkfifo(tmp_path / "pipe.png")  # opening a pipe to read would wait for a writer forever
    assert images.size(tmp_path / "pipe.png") is None


def test_a_file_that_cannot_be_opened(tmp_path, monkeypatch):
    """What an unreadable file does when tests run as root, who may read anything."""
    image = tmp_path / "locked.png"
    image.write_bytes(png(3, 2))

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(images.os, "open", refuse)
    assert images.size(image) is None


@contextmanager
def as_nobody():
    """Root's file access as nobody's (Debian's 65534) for a moment: root may read any file."""
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_unreadable_file(tmp_path):
    """A file its mode forbids reading. Root reads any file (and CI runs as root), so as root the file
    is read as nobody, from a folder of its own that nobody may pass through."""
    root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="unreadable-")) if root else tmp_path  # pytest's are root's alone
    folder.chmod(0o711)
    image = folder / "locked.png"
    image.write_bytes(png(3, 2))
    image.chmod(0)
    try:
        with as_nobody() if root else nullcontext():
            assert images.size(image) is None
    finally:
        image.chmod(0o644)
        if root:
            shutil.rmtree(folder)


# --- Bodies: an <img> of a file of the site gets its size, read once per build. ---


def body_of(markdown: str, source: str = "content/articles/a.md") -> Article:
    html, _ = Converter().convert(markdown, source)
    return Article(source, "A", datetime(2021, 1, 1, tzinfo=UTC), (), None, (), "a", html, "")


def test_imgs_of_site_files_get_their_size_once_per_file(tmp_path, monkeypatch):
    (tmp_path / "p.png").write_bytes(png(3, 2))
    static = [StaticFile("content/p.png", "/p.png", str(tmp_path / "p.png")),
              StaticFile("content/gone.png", "/gone.png", str(tmp_path / "gone.png")),
              StaticFile("content/notes.txt", "/notes.txt", str(tmp_path / "notes.txt"))]
    targets = {f.source: f.url for f in static}
    measured = []
    real = images.size
    monkeypatch.setattr(links.images, "size", lambda path: measured.append(path) or real(path))
    sizes = links.ImageSizes(static)
    article = body_of('![P](../p.png) ![again](../p.png?v=2 "t") ![gone](../gone.png) ![t](../notes.txt)\n\n'
                      '<IMG alt="width=1" src="../p.png"> <img src="../p.png" height="9"> <img src=../p.png WIDTH=1>'
                      '\n\n![remote](https://example.org/r.png) [not an image](../p.png)')
    body = links.resolve_links(article.body, article, targets, {}, Report(), sizes=sizes)
    assert body.count('width="3" height="2"') == 3
    assert '<img alt="P" src="/p.png" width="3" height="2">' in body
    assert '<img alt="again" src="/p.png?v=2" width="3" height="2" title="t">' in body
    assert '<IMG alt="width=1" src="/p.png" width="3" height="2">' in body
    assert '<img src="/p.png" height="9">' in body and '<img src="/p.png" WIDTH=1>' in body
    assert '<img alt="gone" src="/gone.png">' in body and '<img alt="t" src="/notes.txt">' in body
    assert '<img alt="remote" src="https://example.org/r.png">' in body and '<a href="/p.png">' in body
    links.resolve_links(article.body, article, targets, {}, Report(), sizes=sizes)
    assert sorted(measured) == sorted(str(tmp_path / name) for name in ("p.png", "gone.png", "notes.txt"))


def test_a_built_site_sizes_its_bodies_images(site):
    root = site("""
-- content/articles/2021/pictures.md --
---
title: Pictures
date: 2021-04-03
author: kate-michael
---
A chart: ![A chart](../../images/chart.png) and a map: ![A map](map.svg "The map").

<p><img src="../../images/chart.png" width=10 alt="Small"></p>

![Remote](https://example.org/remote.png)
-- content/articles/2021/map.svg --
<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"><rect width="640" height="360"/></svg>
-- content/pages/about.md --
---
title: About
---
![Our chart](../images/chart.png)
""")
    (root / "content/images").mkdir()
    (root / "content/images/chart.png").write_bytes(png(30, 20))
    result = build(root, output=root / "output", use_cache=False)
    assert not result.report.items, result.report.items
    page = next((root / "output").rglob("pictures/index.html")).read_text()
    assert '<img alt="A chart" src="/images/chart.png" width="30" height="20">' in page
    assert '<img alt="A map" src="/articles/2021/map.svg" width="640" height="360" title="The map">' in page
    assert '<img src="/images/chart.png" width=10 alt="Small">' in page  # the writer's own size wins
    assert '<img alt="Remote" src="https://example.org/remote.png">' in page
    about = (root / "output/about/index.html").read_text()
    assert '<img alt="Our chart" src="/images/chart.png" width="30" height="20">' in about
