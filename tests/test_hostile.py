"""Hostile input is normal input: content comes from pull requests and is built in CI beside its
secrets. Each case ends in a clear message, exit code 1, no traceback, and the previous output
exactly as it was (README: "Reliability")."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT, run_cli, write_site


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder` with its bytes and modification time: a rewrite with equal bytes shows."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path):
    """A small site already built once: returns (site, snapshot of its output)."""
    site = write_site(tmp_path / "site", MINIMAL)
    result = run_cli("build", str(site))
    assert result.returncode == 0, result.stderr
    return site, snapshot(site / "output")


def fails_cleanly(site: Path, before: dict, *messages: str, env: dict | None = None) -> str:
    result = run_cli("build", str(site), env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for message in messages:
        assert message in result.stderr, result.stderr
    assert snapshot(site / "output") == before
    return result.stderr


@pytest.mark.parametrize("target", ["/proc/self/environ", "/etc/passwd", "OUTSIDE"])
def test_a_link_to_a_file_outside_the_site_is_an_error(built, tmp_path, target):
    site, before = built
    if target == "OUTSIDE":
        target = str(tmp_path / "secret.txt")
        Path(target).write_text("secret")
    os.symlink(target, site / "content/secret.txt")
    fails_cleanly(site, before, f'content/secret.txt: error: a symbolic link to "{target}", outside the site folder')


def test_links_inside_the_site_stay_allowed(built):
    site, _ = built
    (site / "content/files").mkdir()
    (site / "content/files/report.txt").write_text("report")
    os.symlink("files/report.txt", site / "content/latest.txt")
    os.symlink("files", site / "content/documents")
    result = run_cli("build", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "output/latest.txt").read_text() == "report" == (site / "output/documents/report.txt").read_text()


def test_a_link_to_a_folder_outside_or_to_nothing_is_an_error(built, tmp_path):
    site, before = built
    os.symlink("/etc", site / "content/etc")
    os.symlink("missing.jpg", site / "content/dangling.jpg")
    fails_cleanly(site, before, 'content/etc: error: a symbolic link to "/etc", outside the site folder',
                  'content/dangling.jpg: error: a symbolic link to "missing.jpg", which does not exist')


def test_a_link_as_template_or_config_is_never_read(built):
    site, before = built
    (site / "layouts").mkdir()
    os.symlink("/etc/passwd", site / "layouts/article.html")
    fails_cleanly(site, before, 'layouts/article.html: error: a symbolic link to "/etc/passwd"')
    (site / "layouts/article.html").unlink()
    (site / "config.yaml").rename(site / "real.yaml")
    os.symlink("/etc/hostname", site / "config.yaml")
    fails_cleanly(site, before, 'config.yaml: error: a symbolic link to "/etc/hostname"')


# "Billion laughs": nine levels of nine aliases each, 367 bytes that unfold into 9^9 values.
BOMB = '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"  {c}: &{c} [{','.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def limited_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a runaway would fail, not fill the machine


@pytest.mark.parametrize("where", ["extra", "tags", "author", "config"])
def test_a_yaml_alias_bomb_is_an_error_at_once(built, where):
    site, before = built
    if where == "config":
        (site / "config.yaml").write_text((site / "config.yaml").read_text() + "bomb:\n" + BOMB)
    elif where == "author":
        path = site / "content/authors/kate-michael.md"
        path.write_text(path.read_text().replace("role: Reporter", "role: Reporter\nlinks:\n" + BOMB))
    else:
        path = site / "content/articles/2021/first.md"
        field = "extra:\n" if where == "extra" else "tags:\n  - x\n  - y\nbomb:\n"
        path.write_text(path.read_text().replace("tags: [North Korea, Diplomacy]\n", field + BOMB))
    started = time.perf_counter()
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(site)], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60, preexec_fn=limited_memory)
    assert time.perf_counter() - started < 20  # the whole build, not the bomb: it is refused at once
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "YAML aliases (*name) are not allowed here" in result.stderr
    assert snapshot(site / "output") == before


def test_deeply_nested_front_matter_is_an_error(built):
    site, before = built
    path = site / "content/articles/2021/first.md"
    path.write_text(path.read_text().replace("tags: [North Korea, Diplomacy]", "tags: " + "[" * 990 + "]" * 990))
    fails_cleanly(site, before, "content/articles/2021/first.md:5:", "YAML nested too deeply")


@pytest.mark.parametrize("field, value, at", [
    ("title", '"Bad \\x01 title"', "2:8"),
    ("tags", '["ok", "bad\\u0007"]', "5:14"),
    ("summary", '"null \\0 char"', "3:10"),
    ("body", "raw \x02 byte", "7:5"),
    ("body", "a NUL \x00 here", "7:7"),
])
def test_control_characters_are_errors_at_their_place(built, field, value, at):
    site, before = built
    path = site / "content/articles/2021/first.md"
    text = path.read_text()
    if field == "body":
        text = text.replace("The first paragraph", value + " The first paragraph")
    elif field == "tags":
        text = text.replace("tags: [North Korea, Diplomacy]", f"tags: {value}")
    else:
        text = text.replace("title: First Story", f"title: {value}" if field == "title" else
                            f"title: First Story\nsummary: {value}")
    path.write_text(text)
    stderr = fails_cleanly(site, before, f"content/articles/2021/first.md:{at}: error:", "control character")
    assert "\x00" not in stderr and "\x01" not in stderr


def test_quoted_values_cannot_forge_log_lines_or_drive_the_terminal(built):
    site, before = built
    path = site / "content/articles/2021/first.md"
    path.write_text(path.read_text().replace("author: kate-michael", 'author: "kate\\n::error file=evil.md::forged"'))
    evil = site / "content/articles/2021/evil\x1b[31m.md"
    evil.write_text(path.read_text().replace("First Story", "Evil Story"))
    result = run_cli("build", str(site), env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("::error file=") and ",line=4,col=1::" in line for line in lines)
    assert "\x1b" not in result.stderr + result.stdout
    assert all(not line.startswith("::") for line in result.stderr.splitlines())
    assert 'unknown author "kate\\n::error file=evil.md::forged"' in result.stderr
    assert "content/articles/2021/evil\\u001b[31m.md:4:1: error:" in result.stderr
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("alias", ["/static/style.css", "/images/x.jpg", "/feed.xml"])
def test_an_alias_onto_a_file_is_a_collision(built, tmp_path, alias):
    site, before = built
    (site / "content/images").mkdir()
    (site / "content/images/x.jpg").write_bytes(b"jpeg")
    path = site / "content/articles/2021/first.md"
    path.write_text(path.read_text().replace("author: kate-michael", f"author: kate-michael\naliases: [{alias}]"))
    snapshot_before = snapshot(site / "output")
    fails_cleanly(site, snapshot_before, "content/articles/2021/first.md:5:1: error: URL",
                  f"remove or change the alias {alias}")
    result = run_cli("build", str(site), "-o", str(tmp_path / "empty"))  # into a new output: no traceback either
    assert result.returncode == 1 and "Traceback" not in result.stderr and not (tmp_path / "empty").exists()


def test_a_killed_build_leaves_nothing_the_next_one_keeps(built):
    site, before = built
    (site / "output/.newsroom").read_bytes()
    leftover = site / ".output.staging-99999"  # what a build killed in a new output leaves
    (leftover / "a").mkdir(parents=True)
    (leftover / "a/index.html").write_text("half")
    (site / "content/articles/2021/first.md").write_text(
        (site / "content/articles/2021/first.md").read_text().replace("First Story", "Renamed Story"))
    assert run_cli("build", str(site)).returncode == 0
    assert not leftover.exists()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == [".output.spare"]


def test_script_and_data_urls_are_errors_but_raw_html_stays(built):
    site, before = built
    path = site / "content/articles/2021/first.md"
    path.write_text(path.read_text().replace("The first paragraph", "[click](javascript:alert(document.cookie)) "
                                             "![x](data:image/svg+xml;base64,PHN2Zz4=) [y]( JaVa\tScRiPt:x) "
                                             '<a href="javascript:void(0)">raw HTML is the writer\'s</a> The first'))
    author = site / "content/authors/kate-michael.md"
    author.write_text(author.read_text().replace("role: Reporter", "role: Reporter\nlinks:\n  Site: javascript:x()"))
    other = site / "content/articles/2021/other.md"
    other.write_text("---\ntitle: Other\ndate: 2021-05-01\nauthor: kate-michael\nphoto:\n  src: javascript:x()\n"
                     "  alt: A photo\n---\nText.\n")
    stderr = fails_cleanly(site, before, 'content/articles/2021/first.md:7:9: error: a link to "javascript:alert',
                           'content/articles/2021/first.md:7:49: error: a link to "data:image/svg+xml',
                           'content/authors/kate-michael.md:5:3: error: link "Site" is a script or data URL',
                           'content/articles/2021/other.md:5:1: error: photo "javascript:x()" must be a file')
    assert stderr.count("error:") == 5  # three in the body (the raw HTML one is not), the author's, the photo's
