"""Our Markdown against GitHub's own renderer (cmark-gfm, through cmarkgfm), snippet by snippet.

Writers see their articles in GitHub's preview of their pull request, so the site must show what
GitHub shows. Each snippet of tests/gfm/snippets.md is rendered by both and compared as element
trees with their text (whitespace and attribute order aside). A snippet headed `(differs: ...)`
names the differences we keep on purpose (the README lists them for writers); the test checks
that each named difference is really there and that nothing else differs.

GitHub's tag filter (which shows `<iframe>` and `<script>` as text) is left out of the comparison:
writers embed charts and videos, and the site keeps their HTML. Heading ids are compared with
GitHub's rule in test_heading_ids_follow_github (cmark-gfm leaves them to GitHub's web code).
"""

from __future__ import annotations

import re
from pathlib import Path

import cmarkgfm
import lxml.html
import pytest
from cmarkgfm.cmark import Options

from generator.read.gfm import github_slug, unique_ids
from generator.read.markup import Converter

SNIPPETS = Path(__file__).parent / "gfm" / "snippets.md"
KEPT_ATTRIBUTES = {"href", "src", "alt", "title", "start", "type", "checked", "disabled", "align"}
BOOLEAN = {"checked", "disabled"}


def snippets() -> list[tuple[str, list[str], str]]:
    parts = re.split(r"^-- (.+?) --\n", SNIPPETS.read_text(encoding="utf-8"), flags=re.M)[1:]
    found = []
    for header, text in zip(parts[::2], parts[1::2], strict=True):
        named = re.search(r" \(differs: (.+)\)$", header)
        name = header[: named.start()] if named else header
        found.append((name, [d.strip() for d in named.group(1).split(",")] if named else [], text))
    return found


def github(text: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(
        text, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES,
        extensions=["table", "autolink", "strikethrough", "tasklist"])


def ours(text: str) -> str:
    """Our HTML, each table out of the box that scrolls it on a phone (the site's, not Markdown's)."""
    html = Converter().convert(text, "content/articles/2021/story.md")[0]
    return re.sub(r'<section [^>]*class="table-scroll"[^>]*>(<table>.*?</table>)</section>', r"\1", html, flags=re.S)


def tree(html: str) -> tuple:
    """(tag, attributes, children), children being texts (whitespace collapsed) and trees."""
    def walk(element) -> tuple:
        attributes = tuple(sorted((k, "" if k in BOOLEAN else v) for k, v in element.attrib.items()
                                  if k in KEPT_ATTRIBUTES))
        children = [" ".join(element.text.split())] if element.text and element.text.split() else []
        for child in element:
            if isinstance(child.tag, str):
                children.append(walk(child))
            if child.tail and child.tail.split():
                children.append(" ".join(child.tail.split()))
        return (element.tag, attributes, children)
    return walk(lxml.html.fragment_fromstring(html or "", create_parent="div"))


def _texts(node: tuple, change) -> tuple:
    tag, attributes, children = node
    return (tag, attributes, [change(c) if isinstance(c, str) else _texts(c, change) for c in children])


def _nodes(node: tuple, change) -> tuple:
    tag, attributes, children = change(node)
    return (tag, attributes, [c if isinstance(c, str) else _nodes(c, change) for c in children])


SMART = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "–": "--", "—": "---"})


def _footnotes(node: tuple) -> tuple:
    """Python-Markdown's <div class="footnote"><hr><ol> as cmark-gfm's <section><ol>, without the
    back link's title."""
    tag, attributes, children = node
    if tag == "div" and children and children[0] == ("hr", (), []):
        return ("section", attributes, children[1:])
    if tag == "a" and dict(attributes).get("href", "").startswith("#fnref"):
        return (tag, tuple(a for a in attributes if a[0] != "title"), children)
    return node


def _em_strong(node: tuple) -> tuple:
    tag, attributes, children = node
    if tag == "strong" and len(children) == 1 and not isinstance(children[0], str) and children[0][0] == "em":
        return ("em", attributes, [("strong",) + children[0][1:]])
    return node


# Each difference we keep on purpose, as what makes our tree and GitHub's the same again
# (None: the difference is only shown, for the README's list).
DIFFERENCES = {
    # Curly quotes, dashes and ellipses, as a news site prints them; GitHub keeps the typed ones.
    "smart quotes": lambda mine, theirs: (_texts(mine, lambda t: t.translate(SMART)), theirs),
    # Footnote ids (fn-1) match GitHub's; the list sits after a rule in a div, not in a section.
    "footnotes": lambda mine, theirs: (_nodes(mine, _footnotes), theirs),
    # `{: .pullquote }` and `{#id}` set attributes (Python-Markdown's attr_list); GitHub shows them as text.
    "attribute lists": lambda mine, theirs: (mine, _texts(theirs, lambda t: re.sub(r" ?\{[:#.][^}]*\}", "", t))),
    # Column alignment as a class (align-right), which a strict content policy allows; GitHub uses align=.
    "table alignment": lambda mine, theirs: (mine, _nodes(theirs, lambda n: (n[0], tuple(a for a in n[1]
                                                                                 if a[0] != "align"), n[2]))),
    # ***both*** nests as <strong><em>, GitHub's as <em><strong>: the same on the page.
    "emphasis nesting": lambda mine, theirs: (_nodes(mine, _em_strong), theirs),
    # HTML blocks end at their closing tag, not at the first blank line, and Markdown inside is not read.
    "HTML blocks": None,
}


@pytest.mark.parametrize(("name", "differences", "text"), snippets(), ids=[s[0] for s in snippets()])
def test_renders_as_github_does(name, differences, text):
    mine, theirs = tree(ours(text)), tree(github(text))
    for difference in differences:
        assert difference in DIFFERENCES, f"unknown difference {difference!r}: add it to DIFFERENCES"
        same_before = mine == theirs
        normalise = DIFFERENCES[difference]
        if normalise is None:
            assert not same_before, f"{name}: said to differ in {difference}, but renders as GitHub does"
            return
        mine, theirs = normalise(mine, theirs)
        assert not same_before or mine != theirs, f"{name}: said to differ in {difference}, but does not"
    assert mine == theirs


def test_the_corpus_is_large_enough():
    assert len(snippets()) >= 60


def test_heading_ids_follow_github():
    cases = {
        "On fostering teamwork": "on-fostering-teamwork",
        "What’s next for U.S.-China trade?": "whats-next-for-us-china-trade",
        "Côte d'Ivoire and São Tomé": "côte-divoire-and-são-tomé",
        "C++ & Rust": "c--rust",
        "snake_case and kebab-case": "snake_case-and-kebab-case",
        "2020: the year": "2020-the-year",
        "🚀 Launch day": "-launch-day",
    }
    assert {text: github_slug(text) for text in cases} == cases
    assert unique_ids(["Methods", "Methods", "Methods-1", "Methods"], set()) == \
        ["methods", "methods-1", "methods-1-1", "methods-2"]


def test_headings_get_ids_and_keep_given_ones():
    html = ours("## On fostering teamwork\n\n## Methods\n\n## Methods\n\n## Main\n\n## Set {#custom}\n\n"
                "## `code` and \\*stars\\*\n\n<div id=\"charts\"></div>\n\n## Charts\n")
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    # "main" is the layouts' own id (the skip link's target), so the heading takes the next one.
    assert ids == ["on-fostering-teamwork", "methods", "methods-1", "main-1", "custom", "code-and-stars",
                   "charts-1"]
