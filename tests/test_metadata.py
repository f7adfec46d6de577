"""Every HTML page's metadata, on the built example site (drafts and scheduled articles
included, as the preview shows them): titles, descriptions, Open Graph, JSON-LD, and the
size of every image."""

import json
import re
from html.parser import HTMLParser

import pytest

from generator.render import routes, views
from tests.conftest import EXAMPLE, run_cli, write_site


class Page(HTMLParser):
    """What a page's <head> says, and every <img>."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.images: list[dict] = []
        self.jsonld: list[dict] = []
        self.title = ""
        self.h1 = ""
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links[attrs.get("rel", "")] = attrs.get("href", "")
        elif tag == "img":
            self.images.append(attrs)
        elif tag in ("title", "h1") or tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in or tag == "script" and self._in == "script":
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data
        elif self._in == "script":
            self.jsonld.append(json.loads(data))


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("meta") / "out"
    result = run_cli("build", EXAMPLE, "-o", str(out), "--drafts", "--future")
    assert result.returncode == 0, result.stderr
    found = {}
    for path in sorted(out.rglob("*.html")):
        text = path.read_text()
        if 'http-equiv="refresh"' not in text:
            found["/" + path.relative_to(out).as_posix().removesuffix("index.html")] = Page(text)
    return found


def test_every_page_has_its_own_whole_title(pages):
    titles = [page.title for page in pages.values()]
    assert len(set(titles)) == len(titles)
    assert pages["/think-tanks/reinvigorating-diplomacy-north-korea/"].title == \
        "Reinvigorating Diplomacy With North Korea May Mean Compromise – The Policy Wire"
    assert pages["/page/2/"].title == "Latest, page 2 – The Policy Wire"
    assert "page 2" in pages["/page/2/"].h1


def test_descriptions_are_short_cut_on_a_word_and_never_start_with_the_dateline(pages):
    for url, page in pages.items():
        for key in ("description", "og:description"):
            (text,) = page.meta[key]
            assert 0 < len(text) <= 160, url
            assert not re.match(r"^[A-Z .]+ [—–] ", text), url
            assert not text.endswith((" …", ",…")), url


def test_every_page_has_an_image_with_its_size_a_locale_and_the_site_name(pages):
    for url, page in pages.items():
        (image,) = page.meta["og:image"]
        assert image.startswith("https://news.example.org/"), url
        assert int(page.meta["og:image:width"][0]) > 0 and int(page.meta["og:image:height"][0]) > 0, url
        assert page.meta["og:locale"] == ["en_US"]
    home = pages["/"]
    assert home.meta["og:image"] == ["https://news.example.org/images/site/site-card.png"]
    assert home.meta["og:image:width"] == ["1200"] and home.meta["og:image:height"] == ["630"]


def test_articles_name_their_authors_and_carry_a_news_article_with_image_and_publisher_logo(pages):
    page = pages["/voting/mail-ballot-rejections-study/"]
    assert page.meta["article:author"] == ["https://news.example.org/authors/alexa-hornbeck/",
                                           "https://news.example.org/authors/daniel-okafor/"]
    news, _ = page.jsonld[0]["@graph"]
    assert news["@type"] == "NewsArticle"
    assert news["image"][0]["url"] == "https://news.example.org/images/2022/mail-ballots.jpg"
    assert news["publisher"]["logo"] == {"@type": "ImageObject", "url": "https://news.example.org/images/site/logo.png",
                                         "width": 600, "height": 120}
    without_photo = pages["/think-tanks/broadband-money-state-by-state/"].jsonld[0]["@graph"][0]
    assert without_photo["image"][0]["url"] == "https://news.example.org/images/site/site-card.png"


def test_listings_are_collection_pages_and_author_pages_profile_pages(pages):
    for url in ["/", "/page/2/", "/health/", "/tags/north-korea/"]:
        assert pages[url].jsonld[0]["@type"] == "CollectionPage", url
    profile = pages["/authors/kate-michael/"].jsonld[0]
    assert profile["@type"] == "ProfilePage"
    assert profile["mainEntity"]["@type"] == "Person" and profile["mainEntity"]["name"] == "Kate Michael"


def test_every_image_has_its_size_and_the_first_of_a_page_loads_at_once(pages):
    for url, page in pages.items():
        for image in page.images:
            assert image.get("width") and image.get("height"), (url, image["src"])
        if page.images:
            first = page.images[0]
            assert "loading" not in first and first.get("fetchpriority") == "high", url
    article = pages["/think-tanks/reinvigorating-diplomacy-north-korea/"]
    assert article.images[0]["fetchpriority"] == "high"


def test_alias_pages_describe_point_and_stay_out_of_search(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", EXAMPLE, "-o", str(out)).returncode == 0
    moved = Page((out / "2021/04/old-north-korea-url/index.html").read_text())
    assert moved.meta["robots"] == ["noindex"]
    assert moved.meta["description"][0].startswith("Experts convened by the Center for American Progress")
    assert moved.links["canonical"] == "https://news.example.org/think-tanks/reinvigorating-diplomacy-north-korea/"
    assert moved.links["icon"] == "/static/favicon.svg"


def test_a_tag_and_a_section_of_the_same_name_have_different_titles(tmp_path):
    write_site(tmp_path, """
-- config.yaml --
title: Test Wire
base_url: https://test.example.org
sections:
  - {slug: health, title: Health}
-- content/authors/kate.md --
---
name: Kate
---
-- content/articles/a.md --
---
title: A story
date: 2021-04-02
author: kate
tags: [Health]
---
Text.
""")
    assert run_cli("build", str(tmp_path)).returncode == 0
    section = Page((tmp_path / "output/health/index.html").read_text())
    tag = Page((tmp_path / "output/tags/health/index.html").read_text())
    assert (section.title, tag.title) == ("Health – Test Wire", "Tag: Health – Test Wire")


@pytest.mark.parametrize(("text", "expected"), [
    ("WASHINGTON — The first sentence.", "The first sentence."),
    ("SÃO PAULO – With Brazil's election near.", "With Brazil's election near."),
    ("Nothing to take away — here.", "Nothing to take away — here."),
    ("word " * 50, ("word " * 32).strip() + "…"),  # 160 characters with the ellipsis
])
def test_describe(text, expected):
    assert views.describe(text) == expected


def test_page_numbers_show_the_ends_and_the_pages_around():
    assert routes.page_numbers(1, 50) == [1, 2, 3, None, 50]
    assert routes.page_numbers(25, 50) == [1, None, 23, 24, 25, 26, 27, None, 50]
    assert routes.page_numbers(4, 7) == [1, 2, 3, 4, 5, 6, 7]  # a gap of one number shows the number
    assert routes.page_numbers(1, 1) == [1]


@pytest.mark.parametrize(("language", "locale"), [("en", "en_US"), ("en-GB", "en_GB"), ("fr", "fr_FR"),
                                                  ("pt", "pt_BR"), ("es-419", "es_419")])
def test_og_locale(language, locale):
    assert views.og_locale(language) == locale
