from generator.read import editorial
from generator.read.markup import Converter


def warnings(markdown: str) -> list[str]:
    html, _ = Converter().convert(markdown, "content/articles/2021/a.md")
    return [f"{d.line}:{d.col}: {d.message}" for d in editorial.check("content/articles/2021/a.md", markdown, 6, html)]


def test_clean_body_has_no_warnings():
    assert warnings("Text.\n\n## Part\n\n### Detail\n\n![A chart](c.png)\n\n- a list\n- of items\n") == []


def test_first_level_heading_in_a_body():
    assert warnings("Intro.\n\n# Second headline\n") == [
        '8:1: "Second headline" is a first-level heading, but the headline is the page\'s only one: '
        'make it "## Second headline"']


def test_skipped_heading_levels():
    found = warnings("### Too deep at first\n\n## Fine\n\n#### Skips three\n")
    assert [w.split(": ", 1)[0] for w in found] == ["6:1", "10:1"]
    assert "(h1 to h3)" in found[0] and "(h2 to h4)" in found[1] and '"### Skips three"' in found[1]


def test_images_without_alt_text():
    found = warnings('![](charts/turnout.png)\n\n<img src="/images/map.jpg">\n\n<img src="a.png" alt="A map">\n')
    assert [w.split(": ", 1)[0] for w in found] == ["6:5", "8:11"]
    assert 'the image "charts/turnout.png" has no alt text' in found[0]


def test_a_paragraph_that_looks_like_a_list():
    found = warnings("The year was bad, and in\n1986. it was worse.\n\n-not a list\n")
    assert found == ['7:1: this line starts with "1986." but is not a list item: put a blank line before the list']


def test_a_web_address_broken_across_lines():
    found = warnings("See https://example.org/reports/\n2021/summary.pdf for more.\n\n"
                     "Ends a sentence at https://example.org/\nNext sentence.\n\n```\nhttps://example.org/a/\nb\n```\n")
    assert len(found) == 2 and found[0].startswith("6:5: the web address \"https://example.org/reports/\"")
    assert found[1].startswith("9:20:")  # a real break: the next line goes on without a space
