from generator import config as config_mod
from generator.diagnostics import Report


def load(tmp_path, text):
    (tmp_path / "config.yaml").write_text(text)
    report = Report()
    return config_mod.load(tmp_path, report), [d.format() for d in report.sorted()]


def test_defaults(tmp_path):
    config, problems = load(tmp_path, "title: T\nbase_url: https://x.org/\n")
    assert problems == []
    assert config.base_url == "https://x.org" and config.per_page == 10 and config.default_section == "news"


def test_unknown_keys_and_bad_values_are_all_reported(tmp_path):
    config, problems = load(tmp_path, "titel: T\nbase_url: x.org\nper_page: ten\ntimezone: Mars/Base\n")
    assert config is None
    assert problems == [
        'config.yaml:1:1: error: unknown setting "titel" (did you mean "title"?)',
        'config.yaml:2:1: error: base_url must be an absolute http(s) URL of the site root, '
        'like https://news.example.org (got "x.org")',
        "config.yaml:3:1: error: \"per_page\" must be a whole number of at least 1, not 'ten'",
        'config.yaml:4:1: error: unknown timezone "Mars/Base"; use an IANA name like America/New_York',
    ]


def test_sections_and_default_section(tmp_path):
    config, problems = load(tmp_path, "title: T\nbase_url: https://x.org\ndefault_section: helth\n"
                                      "sections:\n  - {slug: health, title: Health}\n")
    assert config is None
    assert problems == ['config.yaml:3:1: error: default_section "helth" is not a declared section '
                        '(did you mean "health"?); the sections are: health']


def test_permalink_tokens_are_checked(tmp_path):
    _, problems = load(tmp_path, "title: T\nbase_url: https://x.org\npermalink: /{sectoin}/{slug}/\n")
    assert "unknown permalink token {sectoin} (did you mean" in problems[0]


def test_missing_and_broken_files(tmp_path):
    report = Report()
    assert config_mod.load(tmp_path, report) is None
    _, problems = load(tmp_path, "title: [T\n")
    assert problems[0].startswith("config.yaml:1:8: error: YAML syntax error")


def test_base_url_override(tmp_path):
    (tmp_path / "config.yaml").write_text("title: T\nbase_url: https://x.org\n")
    assert config_mod.load(tmp_path, Report(), "https://preview.org").base_url == "https://preview.org"


def test_folders_must_stay_inside_the_site(tmp_path):
    _, problems = load(tmp_path, "title: T\nbase_url: https://x.org\ncontent_dir: ../../\nlayouts_dir: /etc\n")
    assert [p.split(": error: ")[1][:41] for p in problems] == ['"content_dir" must be a folder inside the',
                                                                 '"layouts_dir" must be a folder inside the']
