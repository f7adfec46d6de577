import os
from unittest.mock import ANY

import pytest

from generator.output.writer import Link, Transaction, write


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
    from generator.output.writer import Link
    source = tmp_path / "cache.html"
    source.write_bytes(b"page")
    out = tmp_path / "out"
    stats = write(out, {"a/index.html": Link(str(source))})
    assert stats.written == 1 and os.path.samefile(source, out / "a/index.html")
    info = os.stat(source)
    assert stats.files["a/index.html"] == (4, info.st_mtime_ns)
    known = write(tmp_path / "out2", {"a/index.html": Link(str(source), (4, info.st_mtime_ns))})
    assert known.files == stats.files  # the stat the cache knows is the link's: not asked again
    assert write(out, {"a/index.html": Link(str(source))}).written == 0  # already that file

    def no_links(*args):
        raise OSError("cross-device link")

    monkeypatch.setattr(os, "link", no_links)  # another file system
    write(out, {"a/index.html": Link(str(source)), "b.html": Link(str(source))})
    assert (out / "b.html").read_bytes() == b"page" and not os.path.samefile(source, out / "b.html")


def test_a_new_output_is_staged_whole_and_renamed_into_place(tmp_path):
    out = tmp_path / "out"
    transaction = Transaction(out)
    transaction.stage("a/index.html", b"a")
    assert not out.exists() and transaction.fresh
    stats = transaction.commit()
    assert snapshot(out) == {"a/index.html": b"a"} and stats.written == 1
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left (and no spare yet)


def test_an_aborted_transaction_leaves_nothing(tmp_path):
    write(tmp_path / "out", {"a.html": b"a"})
    transaction = Transaction(tmp_path / "out")
    transaction.stage("a.html", b"changed")
    transaction.abort()
    assert snapshot(tmp_path / "out") == {"a.html": b"a"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]
    assert write(tmp_path / "out", {"a.html": b"a", "b.html": b"b"}).changed == ["b.html"]  # the spare is tidied
    assert snapshot(tmp_path / ".out.spare") == {"a.html": b"a", ".newsroom-spare": ANY}


def test_stale_files_go_with_the_folders_they_leave_empty_and_links_to_folders_stay(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    write(out, {"keep.html": b"k", "a/keep.html": b"k", "a/old.html": b"o", "gone/deep/old.html": b"o"})
    elsewhere.mkdir()
    (elsewhere / "theirs.txt").write_text("x")
    os.symlink(elsewhere, out / "linked-folder")
    os.symlink(elsewhere / "theirs.txt", out / "linked-file")
    stats = write(out, {"keep.html": b"k", "a/keep.html": b"k"})
    assert sorted(stats.changed) == ["a/old.html", "gone/deep/old.html", "linked-file"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "a", "a/keep.html", "keep.html", "linked-folder"]
    assert (elsewhere / "theirs.txt").read_text() == "x"


def test_a_page_linked_back_from_the_store_leaves_no_temporary_file(tmp_path):
    """A spare may already hold the very file (a link to the same stored page) that a build stages
    there: renaming one link onto another of the same file does nothing, and the temporary link must
    not be left behind to be published."""
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("old page")
    new.write_text("new page")
    out = tmp_path / "out"
    for page in (old, new, old, new):
        transaction = Transaction(out)
        transaction.stage("index.html", Link(str(page)))
        transaction.commit()
        assert sorted(p.name for p in out.rglob("*")) == ["index.html"]
        assert (out / "index.html").read_text() == page.read_text()
