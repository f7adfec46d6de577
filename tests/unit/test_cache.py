import os

from generator.cache import file_stats


def test_file_stats_gives_every_file_below_by_relative_path(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "top.html").write_bytes(b"12345")
    (tmp_path / "a" / "b" / "index.html").write_bytes(b"x")
    os.symlink(tmp_path / "a", tmp_path / "linked")  # a link to a folder is not followed
    stats = file_stats(tmp_path)
    assert sorted(stats) == ["a/b/index.html", "top.html"]
    info = os.stat(tmp_path / "top.html")
    assert stats["top.html"] == (5, info.st_mtime_ns)


def test_file_stats_of_a_missing_folder_is_empty(tmp_path):
    assert file_stats(tmp_path / "gone") == {}
