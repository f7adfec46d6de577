import pytest

from generator import yamldoc


def test_keeps_the_line_of_every_key_and_nested_key():
    doc = yamldoc.parse("title: A\nphoto:\n  src: /a.jpg\n  alt: x\n")
    assert doc.lines["title"] == (1, 1)
    assert doc.lines["photo.alt"] == (4, 3)


def test_dates_stay_text_marked_as_timestamps():
    doc = yamldoc.parse("date: 2021-04-02\ntitle: '2021-04-02'\n")
    assert isinstance(doc.data["date"], yamldoc.Timestamp)
    assert not isinstance(doc.data["title"], yamldoc.Timestamp)


def test_duplicate_keys_are_found():
    doc = yamldoc.parse("title: A\ntitle: B\n")
    assert doc.duplicates == [("title", 2, 1)]


@pytest.mark.parametrize("text, line, words", [
    ("title: A\n\tdate: 2021\n", 2, "tab"),
    ("tags: [a, b\ntitle: x\n", 1, "never closed with ]"),
    ('title: "open\n', 1, "quote is never closed"),
])
def test_syntax_errors_have_a_line_and_a_plain_message(text, line, words):
    with pytest.raises(yamldoc.YamlError) as caught:
        yamldoc.parse(text)
    assert caught.value.line == line
    assert words in caught.value.message


def test_empty_document_is_none():
    assert yamldoc.parse("").data is None
