"""The repository's own site, as writers leave it: content/ changes with every article committed,
so these tests assert only what must always hold (it builds with no error, its pages pass the
validators), never counts or bytes (those come from the frozen copy in tests/sites/example/).

A writer's day is played on a copy: a new article made with `newsroom new` and published, an
article edited, an old one deleted; the copy must pass the same checks."""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.validators import (
    atom_errors,
    html_validate,
    html_validate_errors,
    link_errors,
    sitemap_errors,
    vnu_errors,
    vnu_jar,
)


def copy_of_the_site(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in ("config.yaml", "content", "layouts"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        elif source.is_file():
            shutil.copy2(source, folder / name)
    return folder


def site_problems(out: Path) -> list[str]:
    """What the validators CI runs find in a built site."""
    problems = link_errors(out)
    problems += [e for feed in sorted(out.rglob("feed.xml")) for e in atom_errors(feed)]
    problems += sitemap_errors(out / "sitemap.xml")
    pages = sorted(out.rglob("*.html"))
    if html_validate() is None or vnu_jar() is None or shutil.which("java") is None:  # never checked silently less
        pytest.fail("html-validate, vnu.jar or java is missing: run `make test`, which installs the first two "
                    "and says how to install java", pytrace=False)
    problems += html_validate_errors(pages)
    problems += vnu_errors(pages + sorted(out.rglob("*.css")))
    return problems


def test_the_live_site_builds_with_no_error_and_passes_the_validators(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", ".", "-o", str(out), "--drafts", "--future", clock=True)
    assert result.returncode == 0, result.stderr
    assert ": error:" not in result.stderr and "Traceback" not in result.stderr
    assert site_problems(out) == []


def _unlinked_article(site: Path) -> Path | None:
    """An article no other file names, so that deleting it breaks no link (as an editor would choose)."""
    texts = {p: p.read_text(encoding="utf-8") for p in (site / "content").rglob("*.md")}
    for path in sorted(site.glob("content/articles/**/*.md")):
        if not any(path.name in text for other, text in texts.items() if other != path):
            return path
    return None


def test_a_writers_day_keeps_the_site_valid(tmp_path):
    site = copy_of_the_site(tmp_path / "site")
    authors = sorted(p.stem for p in (site / "content/authors").glob("*.md"))
    if not authors:  # content/ is the writers': a site with no profile yet gets its first reporter
        (site / "content/authors").mkdir(parents=True, exist_ok=True)
        (site / "content/authors/day-reporter.md").write_text("---\nname: Day Reporter\n---\nCovers the day.\n")
        authors = ["day-reporter"]
    title = f"A day in the newsroom {secrets.token_hex(4)}"  # a headline no committed article has
    made = run_cli("new", title, "--author", authors[0], "--site", str(site), clock=True)
    assert made.returncode == 0, made.stderr
    new = site / made.stdout.strip()
    text = new.read_text(encoding="utf-8").replace("draft: true\n", "")
    text = text.replace("Write the article here. Remove `draft: true` to publish it.\n",
                        "Officials said three things:\n- the talks resume Monday\n- the agenda is open\n\n"
                        "## What comes next\n\nMore at https://example.org/talks and [above](#what-comes-next).\n")
    new.write_text(text, encoding="utf-8")
    edited = sorted(site.glob("content/articles/**/*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn editor's note added later.\n", encoding="utf-8")
    old = _unlinked_article(site)
    if old is not None and old != new:
        old.unlink()
    out = tmp_path / "out"
    result = run_cli("build", str(site), "-o", str(out), clock=True)
    assert result.returncode == 0, result.stderr
    assert ": error:" not in result.stderr
    slug = re.search(r"/([^/]+)\.md$", made.stdout.strip()).group(1)
    assert list(out.rglob(f"{slug}/index.html")), "the new article was not published"
    assert site_problems(out) == []
