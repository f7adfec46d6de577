from generator.diagnostics import Diagnostic, Report, did_you_mean


def test_format_and_annotation():
    item = Diagnostic("content/a.md", 3, 1, "error", "bad 100%")
    assert item.format() == "content/a.md:3:1: error: bad 100%"
    assert item.annotation() == "::error file=content/a.md,line=3,col=1::bad 100%25"


def test_whole_file_problems_have_no_line():
    assert Diagnostic("x.md", 0, 0, "warning", "w").format() == "x.md: warning: w"


def test_report_sorts_and_dedupes():
    report = Report()
    report.error("b.md", "two", 1)
    report.error("a.md", "one", 5)
    report.error("b.md", "two", 1)
    assert [d.path for d in report.sorted()] == ["a.md", "b.md"]
    assert report.errors() and not report.warnings()


def test_did_you_mean():
    assert did_you_mean("tilte", ["title", "date"]) == ' (did you mean "title"?)'
    assert did_you_mean("zzz", ["title"]) == ""
