from generator.read import markup


def convert(text, source="content/articles/2021/a.md"):
    return markup.Converter().convert(text, source)


def test_extensions_are_on():
    html, _ = convert('"Quoted" -- text[^1]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: note\n\n'
                      '```\ncode\n```\n\npara\n{: .pull }\n')
    assert "&ldquo;Quoted&rdquo;" in html
    assert "<table>" in html and 'class="footnote"' in html
    assert "<pre><code>code" in html and 'class="pull"' in html


def test_relative_links_become_markers_with_their_target():
    html, links = convert("[earlier](../2020/report.md#part) [out](https://x.org/a.md) [abs](/files/a.txt)")
    assert 'href="@@source:content/articles/2020/report.md@@#part"' in html
    assert links == [("../2020/report.md#part", "content/articles/2020/report.md")]
    assert 'href="https://x.org/a.md"' in html and 'href="/files/a.txt"' in html


def test_summary_prefers_the_more_marker_then_the_first_paragraph():
    html, _ = convert("One *two*.\n\nThree.\n\n<!--more-->\n\nFour.\n")
    assert markup.summary(html) == "One two. Three."
    html, _ = convert("First para[^1].\n\nSecond.\n\n[^1]: n\n")
    assert markup.summary(html) == "First para."


def test_excerpt_cuts_on_a_word_boundary():
    assert markup.excerpt("a " * 60, 50) == ("a " * 50).strip() + "…"
    assert markup.excerpt("short text") == "short text"


def test_dateline_goes_into_the_first_paragraph():
    body = markup.with_dateline("<p>Text.</p>\n<p>More.</p>", "WASHINGTON")
    assert body.startswith('<p><span class="dateline">WASHINGTON —</span> Text.</p>')
    assert body.count("dateline") == 1


def test_links_of_every_form():
    """Only a relative path to a file is looked up; every other kind of link is left as written."""
    html, links = convert(
        "[inline](../2020/report.md) [ref][r] <https://x.org/a> <tips@x.org> [mail](mailto:a@x.org) "
        "[tel](tel:+12025550100) [proto](//cdn.x.org/a.js) [root](/about/) [frag](#methods) "
        "[q](data.csv?v=2#row-3) [pct](my%20file.pdf) [uni](café.md) ![img](chart.png) "
        '<a href="../2020/report.md#part">raw</a> <img src="photos/a b.jpg" alt="x"> '
        "<a href='mailto:b@x.org'>b</a> https://bare.x.org/path www.x.org desk@x.org\n\n"
        "[r]: notes.md\n")
    assert 'href="@@source:content/articles/2020/report.md@@"' in html
    assert 'href="@@source:content/articles/2021/notes.md@@"' in html
    assert 'href="https://x.org/a"' in html and 'href="mailto:tips@x.org">tips@x.org</a>' in html
    assert 'href="mailto:a@x.org"' in html and 'href="tel:+12025550100"' in html
    assert 'href="//cdn.x.org/a.js"' in html and 'href="/about/"' in html and 'href="#methods"' in html
    assert 'href="@@source:content/articles/2021/data.csv@@?v=2#row-3"' in html
    assert 'href="@@source:content/articles/2021/my file.pdf@@"' in html
    assert 'href="@@source:content/articles/2021/café.md@@"' in html
    assert 'src="@@source:content/articles/2021/chart.png@@"' in html
    assert 'href="@@source:content/articles/2020/report.md@@#part"' in html
    assert 'src="@@source:content/articles/2021/photos/a b.jpg@@"' in html
    assert "href='mailto:b@x.org'" in html
    assert 'href="https://bare.x.org/path"' in html and 'href="http://www.x.org"' in html
    assert 'href="mailto:desk@x.org"' in html
    assert "&#" not in html  # no email hidden behind character entities
    assert [target for _, target in links] == [
        "content/articles/2020/report.md", "content/articles/2021/notes.md", "#methods",
        "content/articles/2021/data.csv", "content/articles/2021/my file.pdf", "content/articles/2021/café.md",
        "content/articles/2021/chart.png", "content/articles/2020/report.md", "content/articles/2021/photos/a b.jpg"]


def test_old_anchors_in_html_become_ids():
    html, _ = convert('<a name="top-story"></a>Text and <a href="#top-story" name="x" id="y">link</a>')
    assert '<a id="top-story"></a>' in html and 'name="x" id="y"' in html


def test_tables_markdown_and_raw_sit_in_a_box_that_scrolls():
    html = markup.Converter().convert("| a | b |\n|---|---|\n| 1 | 2 |\n\n<table><tr><td>raw</td></tr></table>\n",
                                      "content/articles/x.md")[0]
    assert html.count('<section aria-label="Table" class="table-scroll" tabindex="0"><table>') == 1  # Markdown's
    assert '<section class="table-scroll" tabindex="0" aria-label="Table"><table><tr><td>raw</td></tr></table>' \
           "</section>" in html


def test_raw_tables_that_do_not_close_are_left_as_written():
    html = markup.Converter().convert("<div><table><tr><td>open</td></tr></div>\n", "content/articles/x.md")[0]
    assert "table-scroll" not in html
