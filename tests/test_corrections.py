"""Corrections, clarifications and updates: on the article, in its metadata, on /corrections/ and its feed."""

import json
import re

from tests.conftest import run_cli, write_site

SITE = """
-- config.yaml --
title: Test Wire
base_url: https://test.example.org
-- content/authors/kate.md --
---
name: Kate Michael
---
Kate writes.
-- content/articles/budget.md --
---
title: The budget story
date: 2022-02-15 10:00
updated: 2022-02-15 12:00
author: kate
corrections:
  - date: 2022-02-16 11:00
    kind: correction
    text: An earlier version misstated the deficit. It is <4 percent.
  - {date: 2022-02-20, kind: update, text: The vote is now scheduled.}
---
The body.
-- content/articles/harbor.md --
---
title: The harbor story
date: 2022-01-10
author: kate
corrections:
  - {date: 2022-02-18, kind: clarification, text: The port is run by the city, not the state.}
---
The body.
-- content/articles/plain.md --
---
title: A story never corrected
date: 2022-03-01
author: kate
---
The body.
"""


def built(tmp_path, spec=SITE):
    site = write_site(tmp_path / "site", spec)
    result = run_cli("build", str(site))
    return site / "output", result


def test_notices_stand_below_the_body_oldest_first_with_their_dates(tmp_path):
    out, result = built(tmp_path)
    assert result.returncode == 0, result.stderr
    page = (out / "news/budget/index.html").read_text()
    box = page.split('<div class="corrections" id="corrections">')[1].split("</div>")[0]
    assert re.findall(r'<strong>(\w+)</strong>, <time datetime="([^"]+)">', box) == [
        ("Correction", "2022-02-16T11:00:00+00:00"), ("Update", "2022-02-20T00:00:00+00:00")]
    assert "It is &lt;4 percent." in box
    assert page.index('class="story-body"') < page.index('id="corrections"')
    assert 'id="corrections"' not in (out / "news/plain/index.html").read_text()


def test_a_correction_modifies_the_article_in_json_ld_atom_and_the_sitemap(tmp_path):
    out, _ = built(tmp_path)
    page = (out / "news/budget/index.html").read_text()
    graph = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    news = graph["@graph"][0]
    assert news["dateModified"] == "2022-02-20T00:00:00+00:00"
    assert news["correction"] == [{"@type": "CorrectionComment", "datePublished": "2022-02-16T11:00:00+00:00",
                                   "text": "Correction: An earlier version misstated the deficit. It is <4 percent."}]
    feed = (out / "feed.xml").read_text()
    entry = feed.split("<id>https://test.example.org/news/budget/</id>")[1].split("</entry>")[0]
    assert "<updated>2022-02-20T00:00:00+00:00</updated>" in entry
    assert "<lastmod>2022-02-20T00:00:00+00:00</lastmod>" in (out / "sitemap.xml").read_text()


def test_the_corrections_page_and_feed_list_every_notice_newest_first(tmp_path):
    out, _ = built(tmp_path)
    page = (out / "corrections/index.html").read_text()
    assert re.findall(r'<h2 class="teaser-title"><a href="([^"]+)">', page) == [
        "/news/budget/#corrections", "/news/harbor/#corrections", "/news/budget/#corrections"]
    assert re.findall(r"<strong>(\w+)</strong>", page) == ["Update", "Clarification", "Correction"]
    feed = (out / "corrections/feed.xml").read_text()
    assert re.findall(r"<title>([^<]+)</title>", feed)[1:] == [
        "Update: The budget story", "Clarification: The harbor story", "Correction: The budget story"]
    assert re.findall(r"<id>([^<]+)</id>", feed)[1:] == [
        "https://test.example.org/news/budget/#correction-2", "https://test.example.org/news/harbor/#correction-1",
        "https://test.example.org/news/budget/#correction-1"]
    assert "<updated>2022-02-20T00:00:00+00:00</updated>" in feed.split("<entry>")[0]
    assert "It is &amp;lt;4 percent." in feed  # text, escaped once as HTML and once as XML
    assert '<a href="/corrections/">Corrections</a>' in (out / "index.html").read_text()


def test_a_site_without_corrections_says_so(tmp_path):
    out, result = built(tmp_path, SITE.split("-- content/articles/budget.md --")[0])
    assert result.returncode == 0, result.stderr
    assert "No corrections yet." in (out / "corrections/index.html").read_text()


def test_each_wrong_correction_is_an_error_at_the_field(tmp_path):
    spec = SITE.replace("""  - {date: 2022-02-20, kind: update, text: The vote is now scheduled.}""",
                        """  - {date: 2022-02-20, kind: corection, text: The vote.}
  - {date: 2021-01-01, kind: update, text: Before the story.}
  - {kind: update, text: No date., when: now}
  - {date: 2022-02-30, kind: update, text: No such day.}
  - {date: 2022-02-21, kind: update}
  - just text""")
    out, result = built(tmp_path, spec)
    assert result.returncode == 1
    where = "content/articles/budget.md:6:1:"
    for message in [
        "error: correction 2: kind must be one of correction, clarification, update, not 'corection' "
        '(did you mean "correction"?)',
        "error: correction 3 is dated 2021-01-01T00:00:00+00:00, before the article (2022-02-15T10:00:00+00:00)",
        "error: correction 4 needs the date it was made",
        'warning: correction 4: unknown field "when"',
        "error: correction 5: date:",
        "error: correction 6 needs a text",
        "error: correction 7 must be a mapping",
    ]:
        assert f"{where} {message}" in result.stderr
    assert not out.exists()
