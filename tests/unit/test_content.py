from zoneinfo import ZoneInfo

import pytest

from generator.diagnostics import ERROR, WARNING
from generator.read import content

NY = ZoneInfo("America/New_York")
PATH = "content/articles/2021/story.md"


def read(text: str, path: str = PATH):
    reader = content.Reader(NY, "content")
    article, problems = reader.article(path, text.encode("utf-8") if isinstance(text, str) else text)
    return article, [(p.line, p.col, p.severity, p.message) for p in problems]


def front(**fields) -> str:
    base = {"title": "A Story", "date": "2021-04-02 09:30", "author": "kate-michael"}
    base.update(fields)
    lines = [f"{k}: {v}" for k, v in base.items() if v is not None]
    return "---\n" + "\n".join(lines) + "\n---\nBody text here.\n"


def test_a_full_article():
    text = """---
title: Reinvigorating Diplomacy
date: 2021-04-02T09:30:00-04:00
authors: [kate-michael, Alexa Hornbeck]
section: Think Tanks
tags: North Korea, Diplomacy
dateline: WASHINGTON
photo:
  src: /images/a.jpg
  alt: Two leaders
  caption: A walk.
  credit: AFP
aliases: [/old/]
extra: {kicker: Analysis}
---
First paragraph.
"""
    article, problems = read(text)
    assert problems == []
    assert article.title == "Reinvigorating Diplomacy"
    assert article.authors == ("kate-michael", "Alexa Hornbeck")
    assert article.tags == ("North Korea", "Diplomacy")
    assert article.photo.src == "/images/a.jpg" and article.photo.local == "content/images/a.jpg"
    assert article.summary == "WASHINGTON — First paragraph."
    assert article.slug == "story" and article.extra == {"kicker": "Analysis"}


def test_date_from_the_file_name():
    article, problems = read(front(date=None), "content/articles/2021/2021-04-02-my-story.md")
    assert problems == []
    assert article.slug == "my-story" and article.date.isoformat() == "2021-04-02T00:00:00-04:00"


@pytest.mark.parametrize("value, words", [("no", "reads no as the yes/no value false"),
                                          ("1.10", "reads 1.10 as the number 1.1"),
                                          ("2021-04-02", "as a date; put it in quotes: title: \"2021-04-02\"")])
def test_title_is_text_not_coerced(value, words):
    article, problems = read(front(title=value))
    assert article.title == ""  # made all the same, so that the site checks its references too
    assert problems[0][:3] == (2, 1, ERROR) and words in problems[0][3]


def test_missing_fields_and_bad_dates_are_all_reported():
    article, problems = read("---\nsection: news\ndate: 2021-02-30\n---\nx\n")
    messages = " | ".join(p[3] for p in problems)
    assert article.date.year == 1970  # a stand-in: the build fails on the errors
    assert '"title" is required' in messages and "not a real date" in messages and "needs an author" in messages


def test_updated_before_date():
    _, problems = read(front(updated="2021-04-01"))
    assert problems == [(5, 1, ERROR, problems[0][3])] and "before the date" in problems[0][3]


def test_unknown_keys_warn_with_a_suggestion():
    article, problems = read(front(tilte="x"))
    assert article is not None
    assert problems == [(5, 1, WARNING, 'unknown field "tilte" (did you mean "title"?)')]


def test_photo_without_alt_warns_and_bare_src_works():
    article, problems = read(front(photo="/images/a.jpg"))
    assert article.photo.src == "/images/a.jpg"
    assert problems[0][2] == WARNING and "alt" in problems[0][3]


@pytest.mark.parametrize("slug", ["../../etc", "a/b"])
def test_slug_cannot_leave_its_folder(slug):
    article, problems = read(front(slug=f'"{slug}"'))
    assert article.slug == "" and "must not contain" in problems[0][3]


@pytest.mark.parametrize("raw, words, line", [
    (b"", "empty", 1),
    (b"no front matter\n", "no front matter", 1),
    (b"---\ntitle: x\nbody\n", "never closed", 1),
    (b"---\n- a\n- b\n---\nx\n", "not a list", 2),
    (b"---\ntitle: caf\xe9\n---\n", "not UTF-8", 2),
    (b"---\ntitle: x\n\tdate: 2021\n---\n", "tab", 3),
])
def test_unreadable_files(raw, words, line):
    article, problems = read(raw)
    assert article is None
    assert len(problems) == 1 and words in problems[0][3] and problems[0][0] == line


def test_drafts_and_duplicate_keys():
    article, problems = read(front(draft="true"))
    assert article.draft is True
    _, problems = read("---\ntitle: a\ntitle: b\ndate: 2021-01-01\nauthor: x\n---\n")
    assert problems == [(3, 1, ERROR, '"title" is given twice')]


def test_link_lines_point_into_the_body():
    article, _ = read(front() + "\nSee [this](../2020/x.md).\n")
    assert article.lines["links"]["content/articles/2020/x.md"] == (8, 12)


def test_author_and_page():
    reader = content.Reader(NY, "content")
    author, problems = reader.author("content/authors/kate.md",
                                     b"---\nname: Kate\nphoto: /images/k.jpg\nlinks: {Site: https://k.org}\n---\nBio.\n")
    assert problems == [] and author.id == "kate" and author.links == (("Site", "https://k.org"),)
    page, problems = reader.page("content/pages/about.md", b"---\ntitle: About\n---\nWe are.\n")
    assert problems == [] and page.slug == "about" and page.summary == "We are."
