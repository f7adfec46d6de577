import os

import pytest

from generator.writer import write


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_writes_only_changed_files_and_removes_stale_ones(tmp_path):
    out = tmp_path / "out"
    stats = write(out, {"index.html": b"home", "a/index.html": b"a", "old/index.html": b"old"})
    assert stats.written == 3
    os.utime(out / "index.html", (1, 1))
    stats = write(out, {"index.html": b"home", "a/index.html": b"changed"})
    assert (stats.written, stats.unchanged, stats.removed) == (1, 1, 1)
    assert (out / "index.html").stat().st_mtime == 1  # identical bytes are not rewritten
    assert snapshot(out) == {"index.html": b"home", "a/index.html": b"changed"}
    assert not (out / "old").exists()


def test_a_second_write_of_the_same_files_writes_nothing(tmp_path):
    files = {"x.html": b"x", "static/s.css": b"s"}
    write(tmp_path, files)
    stats = write(tmp_path, files)
    assert (stats.written, stats.removed) == (0, 0)


def test_copies_files_and_leaves_no_temp_files(tmp_path):
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8")
    out = tmp_path / "out"
    write(out, {"images/photo.jpg": source})
    assert snapshot(out) == {"images/photo.jpg": b"\xff\xd8"}


def test_a_file_may_become_a_folder(tmp_path):
    write(tmp_path, {"a": b"file"})
    write(tmp_path, {"a/index.html": b"page"})
    assert snapshot(tmp_path) == {"a/index.html": b"page"}


def test_refuses_paths_outside(tmp_path):
    with pytest.raises(ValueError):
        write(tmp_path / "out", {"../escape.html": b"x"})
    assert not (tmp_path / "escape.html").exists()


def test_links_share_the_file_and_fall_back_to_copying(tmp_path, monkeypatch):
    from generator.writer import Link
    source = tmp_path / "cache.html"
    source.write_bytes(b"page")
    out = tmp_path / "out"
    stats = write(out, {"a/index.html": Link(str(source))})
    assert stats.written == 1 and os.path.samefile(source, out / "a/index.html")
    assert write(out, {"a/index.html": Link(str(source))}).written == 0  # already that file

    def no_links(*args):
        raise OSError("cross-device link")

    monkeypatch.setattr(os, "link", no_links)  # another file system
    write(out, {"a/index.html": Link(str(source)), "b.html": Link(str(source))})
    assert (out / "b.html").read_bytes() == b"page" and not os.path.samefile(source, out / "b.html")
