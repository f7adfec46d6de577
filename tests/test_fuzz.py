"""Arbitrary input, as a fuzzer (and a hostile pull request) writes it: the outcome is always a
clean build or diagnostics, never an exception, and every feed and sitemap a clean build makes
is well-formed XML."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator import build as build_mod
from generator.read import content
from generator.read.markup import Converter
from tests.conftest import MINIMAL, write_site

READER = content.Reader(datetime.now(UTC).astimezone().tzinfo, "content")
EXAMPLES = int(os.environ.get("FUZZ", "150"))  # FUZZ=5000 for a longer search
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# YAML values of every kind a writer (or an attacker) may give a field.
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
                    st.dates(), st.datetimes())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                            max_size=4), max_leaves=12)
FIELDS = ["title", "date", "author", "authors", "section", "tags", "dateline", "summary", "photo", "slug", "updated",
          "draft", "aliases", "extra", "tilte"]
markdown_text = st.text(st.characters(codec="utf-8"), max_size=300) | st.lists(
    st.sampled_from(["- ", "1. ", "## ", "> ", "```", "~~", "[x](", "](y.md)", "<a href=", "#", "*", "_", "\n",
                     "\n\n", "  ", "https://x.org/", "@b.org", "{: .c }", "[^1]", "|", "---", "<div>", "\x00", "\x1b"]),
    max_size=40).map("".join)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused(raw):
    article, problems = READER.article("content/articles/2021/x.md", raw)
    assert article is not None or problems


@SETTINGS
@given(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8), markdown_text)
def test_any_front_matter_and_body_are_read_or_refused(fields, body):
    try:
        front = yaml.safe_dump(fields, allow_unicode=True)
    except yaml.YAMLError:
        return
    READER.article("content/articles/2021/x.md", f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass"))


@SETTINGS
@given(markdown_text)
def test_any_markdown_converts(text):
    html, links = Converter().convert(text, "content/articles/2021/x.md")
    assert isinstance(html, str)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(title=st.text(max_size=30), tags=st.lists(st.text(max_size=12), max_size=3), body=markdown_text,
       summary=st.text(max_size=30))
def test_any_article_builds_cleanly_or_is_reported_and_feeds_stay_xml(tmp_path_factory, title, tags, body, summary):
    root = write_site(tmp_path_factory.mktemp("fuzz") / "site", MINIMAL)
    fields = {"title": title, "date": "2021-05-01", "author": "kate-michael", "tags": tags, "summary": summary}
    (root / "content/articles/2021/fuzzed.md").write_text(
        "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body, encoding="utf-8", errors="replace")
    result = build_mod.build(root, output=root / "output", use_cache=False)
    if not result.ok():
        assert result.report.errors()
        return
    for path in [*Path(root / "output").rglob("*.xml")]:
        etree.fromstring(path.read_bytes())  # raises if not well-formed
