"""Date archives: a listing for each year and month, and /archive/ with counts."""

import re

from tests.conftest import run_cli, write_site

SITE = """
-- config.yaml --
title: Test Wire
base_url: https://test.example.org
timezone: America/New_York
per_page: 2
permalink: {permalink}
-- content/authors/kate.md --
---
name: Kate Michael
---
Kate writes.
"""


def article(slug: str, date: str) -> str:
    return f"-- content/articles/{slug}.md --\n---\ntitle: Story {slug}\ndate: {date}\nauthor: kate\n---\nText.\n"


DATES = {"jan-a": "2021-01-05", "jan-b": "2021-01-20", "jan-c": "2021-01-31 23:30", "apr": "2021-04-02",
         "new-year": "2022-01-01 00:30"}


def built(tmp_path, permalink="/{section}/{slug}/", articles=DATES):
    spec = SITE.replace("{permalink}", permalink) + "".join(article(s, d) for s, d in articles.items())
    site = write_site(tmp_path / "site", spec)
    return site / "output", run_cli("build", str(site))


def titles(page: str) -> list[str]:
    return re.findall(r'class="teaser-title"><a href="[^"]+">Story ([^<]+)', page)


def test_each_year_and_month_lists_its_articles_newest_first_in_pages(tmp_path):
    out, result = built(tmp_path)
    assert result.returncode == 0, result.stderr
    assert titles((out / "2021/01/index.html").read_text()) == ["jan-c", "jan-b"]  # 23:30 in New York
    assert titles((out / "2021/01/page/2/index.html").read_text()) == ["jan-a"]
    assert titles((out / "2021/index.html").read_text()) == ["apr", "jan-c"]
    assert titles((out / "2021/page/2/index.html").read_text()) == ["jan-b", "jan-a"]
    assert titles((out / "2022/01/index.html").read_text()) == ["new-year"]
    assert "<title>January 2021 – Test Wire</title>" in (out / "2021/01/index.html").read_text()
    assert not (out / "2021/02").exists()  # no month without articles


def test_the_archive_counts_articles_by_year_and_month(tmp_path):
    out, _ = built(tmp_path)
    page = (out / "archive/index.html").read_text()
    years = re.findall(r'<h2 class="archive-year"><a href="([^"]+)">(\d+)</a> <span class="count">([^<]+)', page)
    assert years == [("/2022/", "2022", "1 article"), ("/2021/", "2021", "4 articles")]
    months = re.findall(r'<li><a href="(/\d+/\d+/)">(\w+)</a> <span class="count">([^<]+)', page)
    assert months == [("/2022/01/", "January", "1 article"), ("/2021/04/", "April", "1 article"),
                      ("/2021/01/", "January", "3 articles")]
    sitemap = (out / "sitemap.xml").read_text()
    assert all(f"https://test.example.org{url}</loc>" in sitemap for url in ("/archive/", "/2021/", "/2021/01/"))


def test_permalinks_by_date_live_under_the_archives(tmp_path):
    out, result = built(tmp_path, "/{year}/{month}/{slug}/")
    assert result.returncode == 0, result.stderr
    assert (out / "2021/01/jan-a/index.html").is_file() and (out / "2021/01/index.html").is_file()


def test_a_permalink_that_would_be_an_archive_page_is_an_error_at_the_slug(tmp_path):
    _, result = built(tmp_path, "/{year}/{slug}/", {**DATES, "apr": "2021-04-02\nslug: '01'"})
    assert result.returncode == 1
    assert ('content/articles/apr.md:4:1: error: URL /2021/01/ is also the URL of the date archive; '
            'give it another "slug:" in its front matter') in result.stderr
