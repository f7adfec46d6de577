"""What a build guarantees when things go wrong around it: killed at any moment, run twice at once,
out of disk space, into a read-only folder or a mount point (README: "Reliability")."""

from __future__ import annotations

import errno
import functools
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator import cli
from generator.output import writer
from tests.conftest import FIXED_EPOCH, MINIMAL, ROOT, in_ci, run_cli, tree, write_site

ENV = {**{k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}, "SOURCE_DATE_EPOCH": FIXED_EPOCH}


def many_articles(root: Path, count: int) -> Path:
    write_site(root, MINIMAL)
    for n in range(count):
        path = root / f"content/articles/2021/story-{n:04d}.md"
        path.write_text(f"---\ntitle: Story {n}\ndate: 2021-0{1 + n % 9}-{1 + n % 28:02d}\nauthor: kate-michael\n"
                        f"tags: [Tag {n % 17}, Tag {n % 5}]\n---\n" + f"Paragraph {n} with some words. " * 40 + "\n")
    return root


def build(site: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", str(site), "-q"], cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def retitled(site: Path, title: str) -> None:
    """A change to config.yaml, which every page shows: the next build rewrites them all."""
    config = site / "config.yaml"
    config.write_text("\n".join(f"title: {title}" if line.startswith("title:") else line
                                for line in config.read_text().splitlines()) + "\n")


def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one_whole(tmp_path):
    site = many_articles(tmp_path / "site", 300)
    sites = {}
    for title in ("Old Wire", "New Wire"):
        retitled(site, title)
        assert run_cli("build", str(site)).returncode == 0
        sites[title] = tree(site / "output")
    started = time.perf_counter()
    retitled(site, "Old Wire")
    assert build(site).wait() == 0
    full = time.perf_counter() - started  # a whole rewrite, as the killed builds below attempt it
    random.seed(7)
    outcomes = []
    for attempt in range(16):
        current = "Old Wire" if tree(site / "output") == sites["Old Wire"] else "New Wire"
        retitled(site, "New Wire" if current == "Old Wire" else "Old Wire")
        process = build(site)
        time.sleep(full * random.uniform(0.5, 1.2))  # most kills land while pages are written and committed
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = tree(site / "output")  # right after the kill, before any other build
        assert now in (sites["Old Wire"], sites["New Wire"]), f"attempt {attempt}: a mix of two builds"
        outcomes.append("old" if now == sites[current] else "new")  # both happen, as the kills land
    retitled(site, "New Wire")
    assert run_cli("build", str(site)).returncode == 0  # and the next build, after all those kills, is right
    assert tree(site / "output") == sites["New Wire"]
    assert not list(tmp_path.glob("site/.output.staging-*"))


def test_two_builds_at_once_take_turns(tmp_path):
    site = many_articles(tmp_path / "site", 200)
    first, second = build(site), None
    time.sleep(0.3)
    second = build(site)
    outs = [first.communicate(timeout=300), second.communicate(timeout=300)]
    assert first.returncode == second.returncode == 0, outs
    assert "Traceback" not in outs[0][1] + outs[1][1]
    assert f"newsroom: waiting for another build of this site, pid {first.pid}" in outs[1][1]
    result = run_cli("build", str(site))  # the cache the two left is whole: this build has nothing to do
    assert result.returncode == 0 and "(0 files written, 0 removed)" in result.stdout


# A tmpfs is mounted by root, or by anyone as root of new user and mount namespaces where the kernel
# allows those (most Linux machines). Only where neither works do these tests skip (never in CI: root).
NAMESPACES = ("unshare", "--user", "--map-root-user", "--mount")


@functools.cache
def _mount_with() -> tuple[str, ...] | None:
    """How this machine lets the tests mount a tmpfs: () as they are, NAMESPACES, or None: not at all."""
    with tempfile.TemporaryDirectory() as folder:
        for prefix in ((), NAMESPACES):
            probe = [*prefix, "sh", "-c", 'mount -t tmpfs -o size=1m tmpfs "$0" && umount "$0"', folder]
            if shutil.which(probe[0]) and subprocess.run(probe, capture_output=True).returncode == 0:
                return prefix
    return None


def mounting(test):
    """A test that mounts: run as it is by root; otherwise run again by a pytest in namespaces of its own."""
    @functools.wraps(test)
    def run(tmp_path):
        prefix = _mount_with()
        if prefix == ():
            return test(tmp_path)
        if prefix is None:
            message = ("mounting a tmpfs needs root, or user namespaces (`unshare --user --map-root-user --mount`), "
                       "which this machine does not allow: run the tests as root")
            if in_ci():
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        nodeid = os.environ["PYTEST_CURRENT_TEST"].rsplit(" ", 1)[0]
        done = subprocess.run([*prefix, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               f"--basetemp={tmp_path / 'namespaces'}", nodeid],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout[-5000:] + done.stderr[-2000:]
    return run


@contextmanager
def mounted(folder: Path, *options: str):
    """A small tmpfs at `folder`, in a test marked @mounting."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(["size=2m", *options]), "tmpfs", str(folder)],
                          capture_output=True)
    assert done.returncode == 0, "mounting a tmpfs failed: " + done.stderr.decode().strip()
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@mounting
def test_a_full_disk_is_one_line_and_the_output_stays(tmp_path):
    site = write_site(tmp_path / "site", MINIMAL)
    with mounted(tmp_path / "disk", "size=1200k") as disk:  # the first build takes about 600k
        out = disk / "out"
        assert run_cli("build", str(site), "-o", str(out)).returncode == 0
        before = tree(out)
        (site / "content/files").mkdir()
        (site / "content/files/big.bin").write_bytes(os.urandom(1_500_000))  # more than the disk holds
        result = run_cli("build", str(site), "-o", str(out))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].endswith("error: cannot write the site: No space left on device")
        assert tree(out) == before
        assert sorted(p.name for p in disk.iterdir()) == ["out"]  # neither staging nor a half-made spare


@mounting
def test_a_read_only_output_is_one_line_and_stays(tmp_path):
    site = write_site(tmp_path / "site", MINIMAL)
    with mounted(tmp_path / "disk") as disk:
        assert run_cli("build", str(site), "-o", str(disk / "out")).returncode == 0
        before = tree(disk / "out")
        # The options in /proc/self/mountinfo name uids a user namespace may not map: remount without them.
        subprocess.run(["mount", "--options-source", "disable", "-o", "remount,ro", str(disk)], check=True)
        (site / "content/articles/2021/first.md").write_text(
            (site / "content/articles/2021/first.md").read_text().replace("First Story", "Changed"))
        result = run_cli("build", str(site), "-o", str(disk / "out"))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "error: cannot write the site: Read-only file system" in result.stderr
        assert tree(disk / "out") == before


@mounting
def test_a_mount_point_as_output_folder_works(tmp_path):
    site = write_site(tmp_path / "site", MINIMAL)
    with mounted(site / "output") as out:
        for title in ("First Story", "Changed Story"):
            path = site / "content/articles/2021/first.md"
            path.write_text(path.read_text().replace("First Story", title))
            result = run_cli("build", str(site))
            assert result.returncode == 0, result.stderr
            assert title in (out / "news/first/index.html").read_text()
        assert not (out / writer.JOURNAL).exists() and not (out / writer.INSIDE_STAGING).exists()
        expected = tmp_path / "expected"
        run_cli("build", str(site), "-o", str(expected))
        assert tree(out) == tree(expected)


def test_an_interrupted_commit_in_place_is_finished_first(tmp_path):
    out = tmp_path / "out"
    writer.write(out, {"a.html": b"old a", "gone.html": b"old"})
    staging = out / writer.INSIDE_STAGING
    staging.mkdir()
    (staging / "t1").write_bytes(b"new a")
    (staging / "t2").write_bytes(b"new b")
    journal = [(str(staging / "t1"), "a.html"), (str(staging / "t2"), "b/index.html")], ["gone.html"]
    import pickle
    (out / writer.JOURNAL).write_bytes(pickle.dumps(journal))  # as a build killed mid-commit leaves it
    writer.finish_interrupted(str(out))
    assert tree(out) == {"a.html": b"new a", "b/index.html": b"new b"}


def test_permission_denied_is_one_line_and_the_output_stays(tmp_path, monkeypatch, capsys):
    site = write_site(tmp_path / "site", MINIMAL)
    assert cli.main(["build", str(site), "-q"]) == 0
    before = tree(site / "output")
    (site / "content/articles/2021/first.md").write_text(
        (site / "content/articles/2021/first.md").read_text().replace("First Story", "Changed"))
    real_open = open

    def forbidden(path, mode="r", *args, **kwargs):
        if "w" in mode and ".output.spare" in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    real_link = os.link

    def no_linking(source, target, *args, **kwargs):  # pages are linked from the store
        if ".output.spare" in str(target):
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(writer, "open", forbidden, raising=False)
    monkeypatch.setattr(os, "link", no_linking)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    capsys.readouterr()
    assert cli.main(["build", str(site), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.strip().endswith("error: cannot write the site: Permission denied") and len(err.splitlines()) == 1
    assert tree(site / "output") == before
    assert not (site / ".output.spare").exists()
