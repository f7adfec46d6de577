"""End to end through the command line, as CI and writers run it."""

import re
import shutil

import pytest

from tests.conftest import DRAFT_AND_SCHEDULED, EXAMPLE, ROOT, TYPO, run_cli, tree


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example site, built once through the CLI."""
    out = tmp_path_factory.mktemp("example") / "out"
    result = run_cli("build", EXAMPLE, "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_example_site_builds_with_one_success_line(example):
    out, result = example
    assert re.fullmatch(r"built \d+ pages, 16 articles, \d+ tags, 4 authors in [\d.]+ s "
                        r"\(\d+ files written, 0 removed\) -> .*\n", result.stdout)
    assert "left out 1 scheduled article" in result.stderr and "left out 1 draft" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_kind_of_page_is_made(example):
    out, _ = example
    for rel in ["index.html", "think-tanks/reinvigorating-diplomacy-north-korea/index.html", "health/index.html",
                "tags/index.html", "tags/north-korea/index.html", "tags/north-korea/feed.xml", "authors/index.html",
                "authors/kate-michael/index.html", "authors/kate-michael/feed.xml", "health/feed.xml", "feed.xml",
                "about/index.html", "sitemap.xml", "robots.txt", "404.html", "static/style.css",
                "images/2021/hanoi-summit.jpg", "files/north-korea-timeline.txt",
                "2021/04/old-north-korea-url/index.html"]:
        assert (out / rel).is_file(), rel
    assert not list(out.rglob("*chip-shortage*")), "the draft was published"
    assert not list(out.rglob("*former-negotiators*")), "the scheduled article was published"


def test_article_page_has_what_the_spec_lists(example):
    out, _ = example
    page = (out / "think-tanks/reinvigorating-diplomacy-north-korea/index.html").read_text()
    assert page.count("<h1") == 1
    for needle in ['<html lang="en"', '<link rel="canonical" href="https://news.example.org/think-tanks/',
                   '<meta name="description"', 'property="og:title"', 'name="twitter:card"', 'href="#main"',
                   '<main id="main"', '"@type":"NewsArticle"', '"@type":"BreadcrumbList"', "<figure",
                   "<figcaption", "Saul Loeb/AFP/Getty Images", '<span class="dateline">WASHINGTON —</span>',
                   '<time datetime="2021-04-02T00:00:00-04:00"', 'href="/authors/kate-michael/"',
                   'href="/tags/north-korea/"', "Read More", 'href="/in-the-news/blinken-first-trip-asia/"']:
        assert needle in page, needle
    assert "@@source:" not in page


def test_listings_are_paginated_and_link_each_other(tmp_path, site):
    root = site("".join(f"""
-- content/articles/2021/story-{n:02d}.md --
---
title: Story {n}
date: 2021-04-{n:02d}
author: kate-michael
tags: [Diplomacy]
---
Text {n}.
""" for n in range(1, 24)))
    result = run_cli("build", str(root))
    assert result.returncode == 0, result.stderr
    out = root / "output"
    for rel in ["index.html", "page/2/index.html", "page/3/index.html", "tags/diplomacy/page/3/index.html",
                "news/page/3/index.html", "authors/kate-michael/page/3/index.html"]:
        assert (out / rel).is_file(), rel
    assert not (out / "page/4").exists()
    second = (out / "page/2/index.html").read_text()
    assert 'href="/page/3/"' in second and 'href="/"' in second
    assert "Story 13" in second and "Story 14" not in second  # newest first, ten a page
    tags = (out / "tags/index.html").read_text()
    assert "Diplomacy" in tags and "24" in tags


def test_builds_are_deterministic(tmp_path, example):
    out, _ = example
    again = tmp_path / "again"
    assert run_cli("build", EXAMPLE, "-o", str(again)).returncode == 0
    assert tree(again) == tree(out)


def test_a_second_build_writes_nothing(tmp_path):
    out = tmp_path / "out"
    run_cli("build", EXAMPLE, "-o", str(out))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    result = run_cli("build", EXAMPLE, "-o", str(out))
    assert "(0 files written, 0 removed)" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_a_build_after_a_cold_or_warm_one_only_checks(site):
    root = site()
    for _ in ("cold", "warm"):
        assert run_cli("build", str(root)).returncode == 0
        again = run_cli("build", str(root), "--timings")
        assert "(0 files written, 0 removed)" in again.stdout
        assert "reading" not in again.stderr  # nothing changed, so nothing was read
        shutil.rmtree(root / "output")


def test_deleted_sources_leave_the_output(site):
    root = site("""
-- content/articles/2021/second.md --
---
title: Second
date: 2021-05-01
author: kate-michael
---
Gone soon.
""")
    assert run_cli("build", str(root)).returncode == 0
    assert (root / "output/news/second/index.html").exists()
    (root / "content/articles/2021/second.md").unlink()
    result = run_cli("build", str(root))
    assert result.returncode == 0 and not (root / "output/news/second").exists()
    assert "removed)" in result.stdout and ", 0 removed" not in result.stdout


def test_failed_build_leaves_output_exactly_as_it_was(site):
    root = site()
    assert run_cli("build", str(root)).returncode == 0
    before = tree(root / "output")
    (root / "content/articles/2021/first.md").write_text("---\ntitle: [broken\n---\n")
    result = run_cli("build", str(root))
    assert result.returncode == 1
    assert "content/articles/2021/first.md:2:8: error: YAML syntax error" in result.stderr
    assert tree(root / "output") == before


def test_drafts_future_and_base_url_options(site):
    root = site(DRAFT_AND_SCHEDULED)
    result = run_cli("build", str(root), "--drafts", "--future", "--base-url", "https://preview.example.org", "-q")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    out = root / "output"
    assert "Draft" in (out / "news/draft/index.html").read_text()
    page = (out / "news/later/index.html").read_text()
    assert "Scheduled" in page and "https://preview.example.org/news/later/" in page
    assert 'name="robots" content="noindex"' in page


def test_check_writes_nothing(site):
    root = site()
    result = run_cli("check", str(root))
    assert result.returncode == 0 and result.stdout.startswith("checked ")
    assert not (root / "output").exists()


def test_strict_turns_warnings_into_errors(site):
    root = site(TYPO)
    relaxed = run_cli("build", str(root))
    assert relaxed.returncode == 0
    assert 'content/articles/2021/typo.md:3:1: warning: unknown field "tilte" (did you mean "title"?)' \
        in relaxed.stderr
    strict = run_cli("build", str(root), "--strict")
    assert strict.returncode == 1 and "3:1: error: unknown field" in strict.stderr


def test_github_annotations(site):
    root = site("-- content/articles/2021/first.md --\n---\ntitle: no\n---\n")
    result = run_cli("check", str(root), env={"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(root)})
    assert result.returncode == 1
    assert "::error file=content/articles/2021/first.md,line=2,col=1::" in result.stdout


def test_command_line_mistakes_exit_2(tmp_path):
    assert run_cli("build", "--no-such-flag").returncode == 2
    assert run_cli("build", str(tmp_path / "missing")).returncode == 2
    assert run_cli().returncode == 2


def test_new_makes_a_draft_that_builds(site):
    root = site()
    result = run_cli("new", "Experts Weigh a New Approach: Part 2", "--site", str(root), "--author", "kate-michael",
                     "--tags", "Diplomacy, Trade", "--section", "Health")
    assert result.returncode == 0, result.stderr
    path = root / result.stdout.strip()
    text = path.read_text()
    assert path.name == "experts-weigh-a-new-approach-part-2.md"
    assert "title: 'Experts Weigh a New Approach: Part 2'" in text and "draft: true" in text
    assert run_cli("build", str(root), "--drafts").returncode == 0
    again = run_cli("new", "Experts Weigh a New Approach: Part 2", "--site", str(root), "--author", "kate-michael")
    assert again.returncode == 1 and "already exists" in again.stderr
    typo = run_cli("new", "Other", "--site", str(root), "--author", "kate-micheal")
    assert typo.returncode == 1 and 'did you mean "kate-michael"' in typo.stderr


def test_a_site_with_its_own_layout_overrides_one_file(site):
    root = site("""
-- layouts/page.html --
{% extends "base.html" %}{% block content %}<h1>OWN {{ page.title }}</h1>{% endblock %}
-- content/pages/about.md --
---
title: About Us
---
We are.
""")
    assert run_cli("build", str(root)).returncode == 0
    page = (root / "output/about/index.html").read_text()
    assert "<h1>OWN About Us</h1>" in page and "<nav" in page  # the default base.html still wraps it


def test_example_site_folder_is_untouched_by_a_build_elsewhere(tmp_path):
    before = tree(ROOT / EXAMPLE / "content")
    run_cli("build", EXAMPLE, "-o", str(tmp_path / "o"))
    assert tree(ROOT / EXAMPLE / "content") == before
    shutil.rmtree(tmp_path / "o")


def test_the_cache_makes_warm_builds_equal_to_cold_ones(site):
    root = site()
    assert run_cli("build", str(root)).returncode == 0
    assert (root / ".cache/newsroom/manifest.pickle").is_file() and (root / ".cache/newsroom/store").is_dir()
    cold = tree(root / "output")
    shutil.rmtree(root / "output")
    warm = run_cli("build", str(root))
    assert warm.returncode == 0 and tree(root / "output") == cold


def test_a_build_with_nothing_to_do_reports_what_the_last_one_did(site):
    root = site(TYPO)
    first = run_cli("build", str(root))
    again = run_cli("build", str(root))
    assert again.stderr == first.stderr and "did you mean" in again.stderr
    assert again.stdout.split(" in ")[0] == first.stdout.split(" in ")[0]
    assert "(0 files written, 0 removed)" in again.stdout


def test_an_edited_output_file_is_put_back(site):
    root = site()
    run_cli("build", str(root))
    page = root / "output/news/first/index.html"
    good = page.read_bytes()
    page.write_text("tampered")  # in place: the cache's copy shares this file
    assert "(1 file written, 0 removed)" in run_cli("build", str(root)).stdout
    assert page.read_bytes() == good
    shutil.rmtree(root / "output")
    assert run_cli("build", str(root)).returncode == 0 and page.read_bytes() == good


def test_the_cache_keeps_only_the_pages_of_the_last_build(site):
    root = site()
    run_cli("build", str(root))
    stored = {p.name for p in (root / ".cache/newsroom/store").rglob("*") if p.is_file()}
    (root / "content/articles/2021/first.md").write_text(
        (root / "content/articles/2021/first.md").read_text().replace("title: First Story", "title: Renamed Story"))
    run_cli("build", str(root))
    now = {p.name for p in (root / ".cache/newsroom/store").rglob("*") if p.is_file()}
    assert now != stored and len(now) == len(stored)


def test_a_scheduled_article_appears_once_it_is_due(site):
    root = site("""
-- content/articles/2030/later.md --
---
title: Later Story
date: 2030-01-01
author: kate-michael
---
Soon.
""")
    assert run_cli("build", str(root)).returncode == 0
    assert not (root / "output/news/later").exists()
    early = run_cli("build", str(root), env={"SOURCE_DATE_EPOCH": "1893456000"})  # 2029-12-31 19:00 in New York
    assert early.returncode == 0 and not (root / "output/news/later").exists()
    later = run_cli("build", str(root), env={"SOURCE_DATE_EPOCH": "1893500000"})
    assert later.returncode == 0 and (root / "output/news/later/index.html").is_file()


def test_a_damaged_cache_is_ignored(site):
    root = site()
    run_cli("build", str(root))
    built = tree(root / "output")
    for stored in (root / ".cache/newsroom").rglob("*.pickle"):
        stored.write_bytes(b"\x80\x05garbage")
    shutil.rmtree(root / "output")
    assert run_cli("build", str(root)).returncode == 0
    assert tree(root / "output") == built


def test_builds_on_all_cores_match_a_fresh_build_after_an_edit(site, tmp_path):
    """Enough pages for the worker processes to read, render and stage them (small sites do it in-process)."""
    many = "".join(f"""
-- content/articles/2024/story-{n}.md --
---
title: Story number {n}
date: 2024-01-{1 + n % 28:02d}
author: kate-michael
tags: [Topic {n % 7}, Other {n % 3}]
---
Body of story {n}, *with emphasis*, and a [link](story-{(n + 1) % 120}.md).
""" for n in range(120))
    root = site(many)
    assert run_cli("build", str(root)).returncode == 0  # into a new output: a staged tree, renamed
    story = root / "content/articles/2024/story-7.md"
    story.write_text(story.read_text().replace("title: Story number 7", "title: Story seven"))
    again = run_cli("build", str(root))  # into the existing output: only changed files
    assert again.returncode == 0 and " 0 files written" not in again.stdout
    copy = shutil.copytree(root, tmp_path / "copy", ignore=shutil.ignore_patterns(".cache", "output"))
    assert run_cli("build", str(copy)).returncode == 0  # no cache: every page rendered
    assert tree(root / "output") == tree(copy / "output")



LINKS = """
-- content/articles/2021/second.md --
---
title: Second Story
date: 2021-04-03
author: kate-michael
---
Write to <tips@example.org>, call [the desk](tel:+12025550100) or see [the first](first.md#top-story),
[the first again][first], <a href="first.md">in HTML</a>, [the chart](../../files/my%20chart.pdf?v=2),
[the notes](../../files/notes-café.txt) and ![a chart](../../files/chart.png "Turnout").

## Background

As [above](#background), and https://example.org/data for the data.

[first]: first.md
-- content/articles/2021/first.md --
---
title: First Story
date: 2021-04-02 09:30
author: kate-michael
---
## Top story

The first paragraph.
-- content/files/my chart.pdf --
pdf
-- content/files/notes-café.txt --
notes
-- content/files/chart.png --
png
"""


def test_links_of_every_form_resolve(site):
    root = site(LINKS)
    result = run_cli("build", str(root), "--strict")
    assert result.returncode == 0, result.stderr
    page = (root / "output/news/second/index.html").read_text()
    for needle in ['href="mailto:tips@example.org">tips@example.org</a>', 'href="tel:+12025550100"',
                   'href="/news/first/#top-story"', 'href="/news/first/">the first again',
                   '<a href="/news/first/">in HTML', 'href="/files/my%20chart.pdf?v=2"',
                   'href="/files/notes-caf%C3%A9.txt"', 'src="/files/chart.png"', 'href="#background"',
                   '<h2 id="background">', 'href="https://example.org/data"']:
        assert needle in page, needle


def test_a_missing_link_target_is_an_error_at_its_line(site):
    root = site(LINKS.replace("first.md#top-story", "frist.md#top-story").replace("#background)", "#backgrond)"))
    result = run_cli("check", str(root))
    assert result.returncode == 1
    assert 'content/articles/2021/second.md:6:83: error: link to "frist.md#top-story", which does not exist ' \
           '(did you mean "first.md"?)' in result.stderr
    assert 'content/articles/2021/second.md:12:12: warning: link to "#backgrond": this article has no heading or ' \
           'other id "backgrond" (did you mean "#background"?)' in result.stderr


def test_editorial_warnings_fail_a_strict_build(site):
    root = site("""
-- content/articles/2021/second.md --
---
title: Second Story
date: 2021-04-03
author: kate-michael
---
# A second headline

#### Too deep

![](../../images/x.png)
-- content/images/x.png --
png
""")
    result = run_cli("check", str(root))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning:") == 3
    assert run_cli("check", str(root), "--strict").returncode == 1
