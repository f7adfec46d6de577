from datetime import datetime

import pytest

from generator import urls
from generator.config import Config


@pytest.mark.parametrize("text, slug", [("Côte d'Ivoire", "cote-divoire"), ("North Korea", "north-korea"),
                                        ("  COVID-19 ", "covid-19"), ("São Paulo", "sao-paulo"),
                                        ("한국", "ud55c-uad6d"), ("Außenpolitik", "aussenpolitik"), ("Łódź", "lodz")])
def test_slugify(text, slug):
    assert urls.slugify(text) == slug


def test_permalink_tokens():
    config = Config(title="t", base_url="https://x.org", permalink="/{year}/{month}/{day}/{slug}/")
    assert urls.article_url(config, "news", "a-b", datetime(2021, 4, 2)) == "/2021/04/02/a-b/"


def test_output_paths():
    assert urls.output_path("/") == "index.html"
    assert urls.output_path("/health/page/2/") == "health/page/2/index.html"
    assert urls.output_path("/feed.xml") == "feed.xml"


@pytest.mark.parametrize("url, safe", [("/a/b/", True), ("/a/../../b/", False), ("/./x/", False),
                                       ("//evil/", False), ("/a\\b/", False)])
def test_unsafe_urls_are_refused(url, safe):
    assert urls.is_safe(url) is safe


def test_aliases_become_folder_urls_unless_html():
    assert urls.alias("2021/04/old") == "/2021/04/old/"
    assert urls.alias("/old.html") == "/old.html"


def test_pagination_urls():
    assert urls.paged("/tags/x/", 1) == "/tags/x/"
    assert urls.paged("/tags/x/", 3) == "/tags/x/page/3/"
