"""Series, reading time and tables of contents, through `newsroom build`."""

import re

from tests.conftest import run_cli, write_site

SITE = """
-- config.yaml --
title: Test Wire
base_url: https://test.example.org
toc_headings: 3
-- content/authors/kate.md --
---
name: Kate Michael
---
Kate writes.
-- content/articles/one.md --
---
title: The first part
date: 2021-01-01
author: kate
series: Budget Watch
---
One.
-- content/articles/two.md --
---
title: The second part
date: 2021-02-01
author: kate
series: budget watch
---
{words}
-- content/articles/three.md --
---
title: The third part
date: 2021-03-01
author: kate
series: Budget Watch
---
## Where it began

Text.

## What changed

### In the House

Text.
-- content/articles/alone.md --
---
title: Not in a series
date: 2021-04-01
author: kate
toc: true
---
## Only heading

Text.
-- content/articles/untold.md --
---
title: Headings, but no contents
date: 2021-05-01
author: kate
toc: false
---
## A

## B

## C
"""


def built(tmp_path, words: int = 10):
    site = write_site(tmp_path / "site", SITE.replace("{words}", " ".join(["word"] * words)))
    result = run_cli("build", str(site))
    assert result.returncode == 0, result.stderr
    return site / "output", result


def text(out, url: str) -> str:
    return (out / url.strip("/") / "index.html").read_text()


def test_each_part_says_which_part_it_is_and_links_the_others_in_order(tmp_path):
    out, _ = built(tmp_path)
    second = text(out, "/news/two/")
    assert re.search(r"Part 2 of 3 in the series\s*<a href=\"/series/budget-watch/\">Budget Watch</a>", second)
    box = second.split("series-parts")[1].split("</ol>")[0]
    parts = re.findall(r'<li(?: aria-current="page")?>(?:<a href="([^"]+)">)?([^<]+)', box)
    assert parts == [("/news/one/", "The first part"), ("", "The second part"), ("/news/three/", "The third part")]
    assert '<li aria-current="page">The second part</li>' in second
    assert "series-box" not in text(out, "/news/alone/")


def test_the_series_page_lists_its_parts_oldest_first_and_its_feed_newest_first(tmp_path):
    out, _ = built(tmp_path)
    page = text(out, "/series/budget-watch/")
    assert "<title>Series: Budget Watch – Test Wire</title>" in page
    titles = re.findall(r'class="teaser-title"><a href="[^"]+">([^<]+)', page)
    assert titles == ["The first part", "The second part", "The third part"]
    feed = (out / "series/budget-watch/feed.xml").read_text()
    assert feed.index("The third part") < feed.index("The first part")
    assert "https://test.example.org/series/budget-watch/" in (out / "sitemap.xml").read_text()


def test_two_spellings_of_a_series_are_one_series_with_a_warning(tmp_path):
    _, result = built(tmp_path)
    assert 'series "budget watch" is the same series as "Budget Watch"' in result.stderr


def test_reading_time_is_on_the_article_and_its_teasers(tmp_path):
    out, _ = built(tmp_path, words=1000)  # 1,000 words at 230 a minute: five minutes, rounded up
    assert '<span class="reading-time">5 min read</span>' in text(out, "/news/two/")
    assert '<span class="reading-time">5 min read</span>' in text(out, "/series/budget-watch/")
    assert '<span class="reading-time">1 min read</span>' in text(out, "/news/one/")


def test_contents_appear_from_the_configured_number_of_headings_or_when_asked(tmp_path):
    out, _ = built(tmp_path)
    third = text(out, "/news/three/")
    contents = third.split('<nav class="toc" aria-label="Contents">')[1].split("</nav>")[0]
    assert re.findall(r'<li class="toc-level-(\d)"><a href="#([^"]+)">([^<]+)', contents) == [
        ("2", "where-it-began", "Where it began"), ("2", "what-changed", "What changed"),
        ("3", "in-the-house", "In the House")]
    assert 'id="in-the-house"' in third
    assert 'class="toc"' in text(out, "/news/alone/")  # one heading, but toc: true
    assert 'class="toc"' not in text(out, "/news/untold/")  # three headings, but toc: false
    assert 'class="toc"' not in text(out, "/news/one/")


def test_a_series_without_letters_or_a_toc_that_is_not_yes_or_no_is_an_error(tmp_path):
    site = write_site(tmp_path / "site", SITE.replace("{words}", "w").replace("series: Budget Watch\n---\nOne.",
                                                                              'series: "???"\ntoc: maybe\n---\nOne.'))
    result = run_cli("build", str(site))
    assert result.returncode == 1
    assert 'content/articles/one.md:5:1: error: series "???" needs letters or digits' in result.stderr
    assert "content/articles/one.md:6:1: error: \"toc\" must be true or false, not 'maybe'" in result.stderr
