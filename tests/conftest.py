"""Shared fixtures: small sites written inline, the golden switch, the repository's root."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXED_EPOCH = "1795000000"  # 2026-11-19: builds in tests must not depend on the clock
# A frozen copy of the repository's own site (config.yaml and content/): golden output and exact
# counts come from it, so that writers committing articles to content/ never break the tests.
EXAMPLE = "tests/sites/example"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the example site")


# --- Under CI=true no test may skip: every skip is listed with its reason and fails the run. ---


def in_ci() -> bool:
    """CI=true (in any case), as GitHub Actions and .ci/run set it: there every test must run."""
    return os.environ.get("CI", "").strip().lower() == "true"


_skipped: list[tuple[str, str]] = []  # (test id, reason) of this run's skips


def pytest_sessionstart(session):
    _skipped.clear()


def _note_skip(report) -> None:
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):  # an xfail is not a skip
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append((report.nodeid, reason.removeprefix("Skipped: ")))


def pytest_runtest_logreport(report):
    _note_skip(report)


def pytest_collectreport(report):  # a whole module skipped while it is collected
    _note_skip(report)


def pytest_sessionfinish(session):
    if _skipped and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not _skipped:
        return
    terminalreporter.section(f"{len(_skipped)} skipped under CI=true, where every test must run", sep="=", red=True)
    for nodeid, reason in _skipped:
        terminalreporter.line(f"SKIPPED {nodeid}: {reason}", red=True)
    terminalreporter.line("The run fails: install what the reasons name (.ci/run and `make test` install the rest).",
                          red=True)


def write_site(root: Path, spec: str) -> Path:
    """Write files given as `-- path --` sections (the Hugo test style) under root."""
    spec = textwrap.dedent(spec)
    current, lines = None, []
    files = {}
    for line in spec.splitlines(keepends=True):
        if line.startswith("-- ") and line.rstrip().endswith(" --"):
            if current:
                files[current] = "".join(lines)
            current, lines = line.strip()[3:-3].strip(), []
        else:
            lines.append(line)
    if current:
        files[current] = "".join(lines)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


MINIMAL = """
-- config.yaml --
title: Test Wire
base_url: https://test.example.org
timezone: America/New_York
sections:
  - {slug: news, title: News}
  - {slug: health, title: Health}
-- content/authors/kate-michael.md --
---
name: Kate Michael
role: Reporter
---
Kate writes about diplomacy.
-- content/authors/alexa-hornbeck.md --
---
name: Alexa Hornbeck
---
Alexa covers health.
-- content/articles/2021/first.md --
---
title: First Story
date: 2021-04-02 09:30
author: kate-michael
tags: [North Korea, Diplomacy]
---
The first paragraph of the first story.

A second paragraph.
"""


# Extra files for MINIMAL: a draft and an article scheduled far ahead.
DRAFT_AND_SCHEDULED = """
-- content/articles/2021/draft.md --
---
title: Draft Story
date: 2021-05-01
author: kate-michael
draft: true
---
Not yet.
-- content/articles/2099/later.md --
---
title: Later Story
date: 2099-05-01
author: kate-michael
---
Not yet.
"""

# An article with a misspelt field: a warning, an error with --strict.
TYPO = """
-- content/articles/2021/typo.md --
---
title: Typo
tilte: Typo
date: 2021-05-01
author: kate-michael
---
Text.
"""


def tree(root: Path) -> dict[str, bytes]:
    """Every file below root with its bytes: two trees compare equal when byte for byte the same."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path):
    """A factory: site(extra_spec) writes the minimal site plus extra files, returns its folder."""
    def make(extra: str = "", base: str = MINIMAL) -> Path:
        root = tmp_path / "site"
        write_site(root, base)
        write_site(root, extra)
        return root
    return make


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, clock: bool = False) -> subprocess.CompletedProcess:
    """The newsroom command in a subprocess, as CI and writers run it; at a fixed time unless `clock`."""
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI", "SOURCE_DATE_EPOCH")}
    if not clock:
        environment["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=600)
