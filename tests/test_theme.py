"""The default theme in headless Chromium: nothing wider than a phone, the related rail as the
reference page has it, numbered pagination, the phone header, print, and the front page's
hierarchy. The site is written here: forty articles by two writers, one of them with a wide
table, a long line of code and a long URL, as writers paste them."""

import re

import pytest

from tests.browser import chromium, require_browser, static_server
from tests.conftest import run_cli, write_site

WIDE = """
A story with what breaks layouts on phones.

| State | Allocation | Committed | Obligated | Unserved locations | Covered by contracts | Cost per home | Providers |
|---|--:|--:|--:|--:|--:|--:|--:|
| Virginia | 1,480,000,000 | 912,000,000 | 301,000,000 | 213,000 | 61% | 4,280 | 14 |

The data is in `state_broadband_grant_awards_by_county_and_provider_2022_q1_revised_final_v2.csv`.

<table><tr><th>A writer's own table</th><th>in raw HTML</th><th>as archives have them</th><th>wide</th></tr>
<tr><td>1,480,000,000</td><td>912,000,000</td><td>301,000,000</td><td>213,000,000</td></tr></table>

<iframe title="A map" src="https://maps.example.org/embed" width="600" height="300"></iframe>

The method is at
https://research.example.org/broadband/tracker/2022/first-quarter/methodology-and-sources-appendix-with-notes.html
and a word like Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt.
"""


def _site(root):
    spec = ["""
-- config.yaml --
title: Test Wire
base_url: https://test.example.org
timezone: America/New_York
per_page: 2
sections:
  - {slug: news, title: News}
  - {slug: health, title: Health}
-- content/authors/kate-michael.md --
---
name: Kate Michael
---
Kate writes about diplomacy.
-- content/authors/alexa-hornbeck.md --
---
name: Alexa Hornbeck
---
Alexa covers health.
-- content/images/lead.svg --
<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800"><rect width="1200" height="800" fill="#468"/></svg>
"""]
    for n in range(40):
        day = f"2022-{1 + n // 28:02d}-{1 + n % 28:02d}"
        body = WIDE if n == 0 else " ".join(["A sentence of the story, long enough to read."] * (10 + 12 * (n % 5)))
        photo = "photo: {src: /images/lead.svg, alt: A blue square}\n" if n % 3 != 1 else ""
        author = "kate-michael" if n % 2 else "alexa-hornbeck"
        spec.append(f"""
-- content/articles/story-{n:02d}.md --
---
title: Story number {n} about the budget
date: {day} 09:00
author: {author}
tags: [Budget, Congress]
{photo}---
{body}
""")
    return write_site(root, "".join(spec))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    root = _site(tmp_path_factory.mktemp("theme"))
    result = run_cli("build", str(root), "-o", str(root / "out"))
    assert result.returncode == 0, result.stderr
    with static_server(root / "out") as base, chromium() as browser:
        yield base, browser


NEWEST = "/news/story-39/"  # the newest story; story-00 is the one with the wide table


@pytest.mark.parametrize("path", ["/", "/news/story-00/", NEWEST, "/tags/budget/", "/authors/kate-michael/",
                                  "/page/2/", "/404.html"])
def test_nothing_is_wider_than_a_320_px_phone(site, path):
    base, browser = site
    page = browser.new_page(viewport={"width": 320, "height": 700})
    page.goto(base + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.close()


def test_a_wide_table_scrolls_in_its_own_box(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 320, "height": 700})
    page.goto(base + "/news/story-00/")
    boxes = page.locator(".story-body .table-scroll")
    assert boxes.count() == 2  # Markdown's table and the writer's raw HTML one
    for n in range(2):
        assert boxes.nth(n).evaluate("b => b.scrollWidth > b.clientWidth")  # wider than the screen: it scrolls
        assert boxes.nth(n).get_attribute("tabindex") == "0"  # keyboard users can scroll it too
    page.close()


def test_the_phone_header_is_one_row_of_sections_under_80_px(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 320, "height": 700})
    page.goto(base + "/")
    assert page.locator(".site-header").bounding_box()["height"] < 80
    tops = page.locator(".site-nav li").evaluate_all("items => items.map(i => i.getBoundingClientRect().top)")
    assert len(set(tops)) == 1
    page.close()


def test_the_rail_as_the_reference_has_it(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(base + NEWEST)
    items = page.locator(".related-list > li")
    assert 1 <= items.count() <= 6
    for n in range(items.count()):
        item = items.nth(n)
        meta, byline = item.locator(".teaser-meta"), item.locator(".byline")
        # the date, then "by" the author on a line of its own
        assert meta.locator("time").bounding_box()["y"] < byline.bounding_box()["y"]
        assert byline.inner_text().startswith("by ")
        # one link per item besides the author's
        links = item.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        headline = item.locator("h3 a").get_attribute("href")
        assert [href for href in links if not href.startswith("/authors/")] == [headline]
        excerpt = item.locator(".excerpt").inner_text()
        assert excerpt.endswith("… Read More") and len(excerpt.split()) <= 24
        # the headline is the strongest text of the item
        size = {part: item.locator(part).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
                for part in ("h3", ".excerpt", ".teaser-meta")}
        assert size["h3"] > max(size[".excerpt"], size[".teaser-meta"])
    story, rail = page.locator(".story").bounding_box(), page.locator(".related").bounding_box()
    assert rail["height"] <= story["height"]
    page.close()


def test_the_rail_is_never_longer_than_a_short_story(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    for path in ["/news/story-00/", "/news/story-05/", "/news/story-10/"]:  # the shortest bodies
        page.goto(base + path)
        story, rail = page.locator(".story").bounding_box(), page.locator(".related").bounding_box()
        assert rail["height"] <= story["height"], path
    page.close()


def test_numbered_pagination_marks_the_current_page(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(base + "/page/10/")
    numbers = page.locator(".pagination li").all_inner_texts()
    assert [re.sub(r"\s+", " ", n).strip() for n in numbers] == [
        "← Newer", "Page 1", "…", "Page 8", "Page 9", "Page 10", "Page 11", "Page 12", "…", "Page 20", "Older →"]
    current = page.locator('.pagination a[aria-current="page"]')
    assert current.count() == 1 and current.get_attribute("href") == "/page/10/"
    assert "page 10" in page.locator("h1").inner_text()
    assert page.title() == "Latest, page 10 – Test Wire"
    page.close()


def test_the_front_page_leads_with_one_story_then_thumbnails_beside_the_text(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(base + "/")
    assert page.locator(".lead .lead-photo").count() == 1
    assert page.locator(".lead-photo").get_attribute("fetchpriority") == "high"
    teaser = page.locator(".teaser.has-photo").first
    photo, text = teaser.locator(".teaser-photo").bounding_box(), teaser.locator(".teaser-text").bounding_box()
    assert photo["x"] > text["x"] and photo["y"] < text["y"] + text["height"]  # beside it, not above
    assert photo["width"] < 390 / 3
    page.close()


def test_print_shows_the_masthead_and_the_address_without_navigation(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(base + NEWEST)
    page.emulate_media(media="print")
    assert page.locator(".site-title").is_visible()
    assert page.locator(".print-only").inner_text() == "https://test.example.org" + NEWEST
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".related").is_visible()
    page.close()


def test_dark_mode_changes_the_colours(site):
    base, browser = site
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto(base + NEWEST)
        colours[scheme] = page.evaluate("[getComputedStyle(document.body).backgroundColor,"
                                        " getComputedStyle(document.body).color]")
        page.close()
    assert colours["light"] == ["rgb(255, 255, 255)", "rgb(27, 27, 27)"]
    assert colours["dark"] != colours["light"]  # tests/test_accessibility.py checks its contrast with axe


def test_the_404_page_offers_the_latest_stories(site):
    base, browser = site
    page = browser.new_page()
    page.goto(base + "/404.html")
    assert page.locator(".not-found .teaser-title a").first.get_attribute("href") == NEWEST
    page.close()
