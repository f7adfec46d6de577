from generator import markup


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
