import os

from generator import keys
from generator.keys import code_key
from generator.output.writer import file_stats


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


def test_code_key_follows_the_code_not_the_files_dates(tmp_path):
    """What keys every cache entry: a library upgraded (or our code changed) under a kept cache
    gives other keys; the same code installed again (as in each CI run) gives the same."""
    def package(name: str, files: dict[str, str]):
        folder = tmp_path / name
        for path, text in files.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text)
        return folder

    first = package("one/markdown", {"__init__.py": "x = 1", "extensions/smarty.py": "y = 2", "data.txt": "a"})
    again = package("two/markdown", {"__init__.py": "x = 1", "extensions/smarty.py": "y = 2", "data.txt": "b"})
    assert code_key([first]) == code_key([again])
    (again / "extensions" / "smarty.py").write_text("y = 3")
    assert code_key([first]) != code_key([again])
    assert keys.GENERATOR.startswith(keys.__version__ + "-")
    assert [p.name for p in keys._packages()] == ["generator", "markdown", "jinja2", "markupsafe", "yaml"]
