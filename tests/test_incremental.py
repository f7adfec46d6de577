"""The incremental proof, as a property: after any sequence of edits, a preview rebuild and an
incremental `build` (cache and output kept) each equal a fresh full build, byte for byte."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.cli import make_preview
from tests.conftest import FIXED_EPOCH, tree, write_site

EXAMPLES = int(os.environ.get("FUZZ", "12"))
ARTICLES = 4
SITE = """
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
-- content/images/p.jpg --
jpeg
"""
WORDS = ["Budget", "Summit", "Vaccine", "Treaty", "Harbor"]
DATES = ["2021-04-02 09:30", "2021-06-10", "2022-01-15 18:00", "2099-05-01"]  # the last is scheduled
TAGS = [[], ["Trade"], ["Trade", "Health Policy"], ["north korea", "Diplomacy"]]
BODIES = ["The first paragraph.\n\nA second one.", "A [link](../../authors/kate-michael.md) to Kate.",
          "## A heading\n\nText.", "A photo: ![x](/images/p.jpg)"]


def article(number: int, fields: dict) -> str:
    lines = [f"title: {fields['title']} story {number}", f"date: {fields['date']}", f"author: {fields['author']}",
             f"section: {fields['section']}", f"tags: [{', '.join(fields['tags'])}]"]
    if fields["draft"]:
        lines.append("draft: true")
    lines += [f"{key}: {fields[key]}" for key in ("series", "toc") if fields[key]]
    return "---\n" + "\n".join(lines) + "\n---\n" + fields["body"] + "\n"


EDITS = st.one_of(
    st.tuples(st.just("body"), st.integers(0, ARTICLES - 1), st.sampled_from(BODIES)),
    st.tuples(st.just("title"), st.integers(0, ARTICLES - 1), st.sampled_from(WORDS)),
    st.tuples(st.just("tags"), st.integers(0, ARTICLES - 1), st.sampled_from(TAGS)),
    st.tuples(st.just("author"), st.integers(0, ARTICLES - 1), st.sampled_from(["kate-michael", "alexa-hornbeck"])),
    st.tuples(st.just("section"), st.integers(0, ARTICLES - 1), st.sampled_from(["news", "health"])),
    st.tuples(st.just("date"), st.integers(0, ARTICLES - 1), st.sampled_from(DATES)),
    st.tuples(st.just("draft"), st.integers(0, ARTICLES - 1), st.booleans()),
    st.tuples(st.just("series"), st.integers(0, ARTICLES - 1), st.sampled_from(["", "Budget Watch", "Harbor Files"])),
    st.tuples(st.just("toc"), st.integers(0, ARTICLES - 1), st.sampled_from(["", "true", "false"])),
    st.tuples(st.just("delete"), st.integers(0, ARTICLES - 1), st.none()),  # or create again, when deleted
    st.tuples(st.just("rename"), st.integers(0, ARTICLES - 1), st.none()),
    st.tuples(st.just("layout"), st.none(), st.sampled_from(["", "<p>{{ page.title }}</p>", "<h1>x</h1>"])),
    st.tuples(st.just("config"), st.none(), st.sampled_from(["Test Wire", "Other Wire"])),
    st.tuples(st.just("static"), st.none(), st.sampled_from([b"jpeg", b"another jpeg"])),
)


class Site:
    """A small site on disk, edited as writers and designers do."""

    def __init__(self, root: Path) -> None:
        self.root = write_site(root, SITE)
        self.fields = [{"title": WORDS[n], "date": DATES[n % 3], "author": "kate-michael", "section": "news",
                        "tags": TAGS[n], "draft": False, "body": BODIES[n],
                        "series": "", "toc": ""} for n in range(ARTICLES)]
        self.names = [f"a{n}" for n in range(ARTICLES)]
        self.alive = [True] * ARTICLES
        self.path(0).parent.mkdir(parents=True)
        for n in range(ARTICLES):
            self.path(n).write_text(article(n, self.fields[n]))

    def path(self, number: int) -> Path:
        return self.root / f"content/articles/2021/{self.names[number]}.md"

    def edit(self, kind: str, number: int | None, value) -> set[str]:
        """Apply one edit; the files it changed."""
        if kind == "layout":
            path = self.root / "layouts/page.html"
            path.parent.mkdir(exist_ok=True)
            path.write_text('{% extends "base.html" %}{% block content %}' + value + "{% endblock %}")
            return {str(path)}
        if kind == "config":
            path = self.root / "config.yaml"
            path.write_text(path.read_text().replace("Test Wire", value).replace("Other Wire", value))
            return {str(path)}
        if kind == "static":
            path = self.root / "content/images/p.jpg"
            path.write_bytes(value)
            return {str(path)}
        old = self.path(number)
        if kind == "rename":
            self.names[number] += "r"
            if self.alive[number]:
                old.rename(self.path(number))
            return {str(old), str(self.path(number))}
        if kind == "delete":
            self.alive[number] = not self.alive[number]
            if not self.alive[number]:
                old.unlink()
                return {str(old)}
        else:
            self.fields[number][kind] = value
        if self.alive[number]:
            old.write_text(article(number, self.fields[number]))
        return {str(old)}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDITS, min_size=1, max_size=5))
def test_incremental_builds_equal_fresh_ones_after_any_edits(edits):
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    work = Path(tempfile.mkdtemp(prefix="newsroom-incremental-"))
    preview = None
    try:
        site = Site(work / "site")
        preview = make_preview(site.root)
        assert preview.rebuild() and build(site.root).ok()
        for number, edit in enumerate(edits):
            changed = site.edit(*edit)
            assert preview.rebuild(changed), edit
            assert build(site.root).ok(), edit
            shown = build(site.root, output=work / f"fresh-preview-{number}", drafts=True, future=True,
                          use_cache=False)
            published = build(site.root, output=work / f"fresh-{number}", use_cache=False)
            assert shown.ok() and published.ok()
            assert tree(preview.root) == tree(work / f"fresh-preview-{number}"), f"preview after {edits[:number + 1]}"
            assert tree(site.root / "output") == tree(work / f"fresh-{number}"), f"build after {edits[:number + 1]}"
    finally:
        if preview is not None:
            preview.close()
        shutil.rmtree(work, ignore_errors=True)
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
