from generator.config import Config
from generator.render.views import absolute_links

CONFIG = Config(title="T", base_url="https://news.example.org")


def test_feed_content_has_only_absolute_links():
    body = ('<a href="/health/x/">a</a> <img src="//cdn.example.net/p.jpg"> <a href="#fn-1">1</a> '
            '<a href="https://other.org/">b</a> <a href="mailto:a@b.org">c</a>')
    assert absolute_links(CONFIG, body, "https://news.example.org/health/y/") == (
        '<a href="https://news.example.org/health/x/">a</a> <img src="https://cdn.example.net/p.jpg"> '
        '<a href="https://news.example.org/health/y/#fn-1">1</a> <a href="https://other.org/">b</a> '
        '<a href="mailto:a@b.org">c</a>')
