"""Broken sites: every folder under tests/sites/invalid/ is a small complete site
with one defect (named by the folder) and `expected.txt`, the exact stderr that
`newsroom check` prints for it. Adding a case is adding a folder.

A build of each case must fail with exit code 1, print exactly the expected
problems, never a traceback, and write nothing. expected.txt files are written
by running the generator once and then reviewed by hand: each message must name
the file, the line and column, say what is wrong in a writer's words and
suggest the fix. There is deliberately no switch that rewrites them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = REPO / "tests" / "sites" / "invalid"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir()) if CASES_DIR.is_dir() else []

# `path:line:col: error: message`, or `path: error: message` for a whole file; then the count.
PROBLEM = re.compile(r"^[^\s:][^:]*(?::\d+:\d+)?: (error|warning): \S.*$")
COUNT = re.compile(r"^(\d+) errors?, (\d+) warnings?$")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m generator ARGS` from the repository root, as CI runs it but outside CI."""
    environ = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    environ["SOURCE_DATE_EPOCH"] = "1795000000"
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, env=environ,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def site_arg(case: str) -> str:
    return str((CASES_DIR / case).relative_to(REPO))


def expected(case: str) -> str:
    return (CASES_DIR / case / "expected.txt").read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder below `folder`: bytes and modification time, so a rewrite with equal bytes shows."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = (path.read_bytes() if path.is_file() else b"<dir>", path.stat().st_mtime_ns)
    return found


def test_there_are_cases():
    assert len(CASES) >= 25, f"expected the broken-site cases in {CASES_DIR}"


@pytest.mark.parametrize("case", CASES)
def test_case_is_well_formed(case):
    """Each case is a complete site with a reviewed expected.txt in the documented format."""
    folder = CASES_DIR / case
    assert (folder / "expected.txt").is_file(), f"{case}: no expected.txt"
    assert not (folder / "output").exists(), f"{case}: an output/ folder was left in the case"
    if case != "missing-config":
        assert (folder / "config.yaml").is_file()
    lines = expected(case).splitlines()
    assert lines, f"{case}: expected.txt is empty"
    *problems, count = lines
    assert problems, f"{case}: no problem lines"
    for line in problems:
        assert PROBLEM.match(line), f"{case}: not a `path:line:col: error: message` line: {line!r}"
    match = COUNT.match(count)
    assert match, f"{case}: the last line is not the count: {count!r}"
    errors = sum(1 for line in problems if ": error: " in line)
    assert (int(match.group(1)), int(match.group(2))) == (errors, len(problems) - errors)
    assert errors >= 1
    assert problems == sorted(problems, key=lambda p: p.split(":", 1)[0]), f"{case}: problems not sorted by file"
    assert expected(case).endswith("\n")


@pytest.mark.parametrize("case", CASES)
def test_build_fails_with_expected_problems(case, tmp_path):
    out = tmp_path / "out"
    result = run("build", site_arg(case), "-o", str(out))
    stderr = result.stderr.replace(str(out), "<output>").replace(str(tmp_path), "<tmp>")
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1, f"{case}: exit code {result.returncode}\n{result.stderr}"
    assert stderr == expected(case)
    assert result.stdout == ""
    assert not out.exists(), f"{case}: a failed build created its output folder"
    assert not (CASES_DIR / case / "output").exists()


@pytest.mark.parametrize("case", CASES)
def test_check_reports_the_same(case):
    result = run("check", site_arg(case))
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1
    assert result.stderr == expected(case)
    assert not (CASES_DIR / case / "output").exists()


def test_several_errors_are_all_reported_sorted_by_file():
    lines = expected("several-errors").splitlines()
    files = [line.split(":", 1)[0] for line in lines[:-1]]
    assert len(set(files)) == 3 and files == sorted(files)
    assert lines[-1] == "3 errors, 0 warnings"


def test_duplicate_url_names_both_files():
    text = expected("duplicate-url")
    assert "content/articles/2021/budget-talks.md" in text
    assert "content/articles/2022/budget-talks.md" in text


@pytest.mark.parametrize("case", ["unknown-config-key", "unknown-author", "undefined-template-variable"])
def test_failed_build_leaves_previous_output_untouched(case, tmp_path):
    """A failed build, whether it fails reading config.yaml, reading content or
    rendering, leaves an existing output folder exactly as it was."""
    out = tmp_path / "out"
    (out / "news" / "old-story").mkdir(parents=True)
    (out / "index.html").write_bytes(b"<!doctype html><title>previous build</title>\n")
    (out / "news" / "old-story" / "index.html").write_bytes(b"\x00\xffbytes of a previous build\n")
    (out / "stale.txt").write_text("a file the next good build would remove\n")
    (out / ".newsroom").write_text("an earlier build made this folder\n")
    before = snapshot(out)
    result = run("build", site_arg(case), "-o", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_failed_build_leaves_site_output_folder_untouched(tmp_path):
    """The same with the default SITE/output/ folder rather than -o."""
    site = tmp_path / "site"
    shutil.copytree(CASES_DIR / "unknown-section", site)
    (site / "output").mkdir()
    (site / "output" / "index.html").write_bytes(b"previous\n")
    (site / "output" / ".newsroom").write_bytes(b"an earlier build made this folder\n")
    before = snapshot(site / "output")
    result = run("build", str(site))
    assert result.returncode == 1
    assert result.stderr == expected("unknown-section")
    assert snapshot(site / "output") == before


def test_github_actions_annotations(tmp_path):
    result = run("build", site_arg("unknown-author"), "-o", str(tmp_path / "out"), env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert result.stderr == expected("unknown-author")
    assert result.stdout.splitlines() == [
        "::error file=tests/sites/invalid/unknown-author/content/articles/2021/new-approach.md,line=4,col=1::"
        "unknown author \"kate-micheal\" "
        "(did you mean \"kate-michael\"?); authors are the files in content/authors/",
    ]


def test_github_actions_annotation_for_a_whole_file_problem():
    result = run("check", site_arg("impossible-date-in-file-name"), env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    [annotation] = result.stdout.splitlines()
    assert annotation.startswith("::error file=tests/sites/invalid/impossible-date-in-file-name/content/articles/"
                                 "2021/2021-02-30-new-approach.md::")
    assert ",line=" not in annotation


def test_no_annotations_outside_github_actions():
    result = run("check", site_arg("unknown-author"), env={"GITHUB_ACTIONS": "false"})
    assert result.returncode == 1
    assert result.stdout == ""


# --strict: warnings are not errors until --strict makes them so.

ARTICLE_WITH_TYPO = """\
---
title: Think Tanks Weigh a New Approach to Talks
tilte: Think Tanks Weigh a New Approach
date: 2021-04-02 09:30
author: kate-michael
---
Experts said on Friday that a trilateral approach could revive the talks.
"""

WARNING = ('content/articles/new-approach.md:3:1: warning: unknown field "tilte" (did you mean "title"?)\n'
           "0 errors, 1 warning\n")
AS_ERROR = ('content/articles/new-approach.md:3:1: error: unknown field "tilte" (did you mean "title"?)\n'
            "1 error, 0 warnings\n")


@pytest.fixture
def site_with_warning(tmp_path) -> Path:
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "content" / "authors").mkdir()
    (site / "config.yaml").write_text("title: The Test Wire\nbase_url: https://news.example.org\n"
                                      "sections:\n  - {slug: news, title: News}\n")
    (site / "content" / "authors" / "kate-michael.md").write_text("---\nname: Kate Michael\n---\nA reporter.\n")
    (site / "content" / "articles" / "new-approach.md").write_text(ARTICLE_WITH_TYPO)
    return site


def test_warning_without_strict_builds(site_with_warning, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(site_with_warning), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == WARNING
    assert result.stdout.startswith("built ")
    assert (out / "news" / "new-approach" / "index.html").is_file()


def test_strict_turns_the_warning_into_an_error(site_with_warning, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--strict", str(site_with_warning), "-o", str(out))
    assert result.returncode == 1
    assert result.stderr == AS_ERROR
    assert result.stdout == ""
    assert not out.exists()


def test_check_strict(site_with_warning):
    assert run("check", str(site_with_warning)).returncode == 0
    result = run("check", "--strict", str(site_with_warning))
    assert result.returncode == 1
    assert result.stderr == AS_ERROR
    assert not (site_with_warning / "output").exists()
