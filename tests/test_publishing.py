"""Articles that go live and come down on time, through the command line: `newsroom due`, its
`--next`, `expires:`, and the step summary a build writes under GitHub Actions. The clock is
SOURCE_DATE_EPOCH, moved across a scheduled time, an expiry and a daylight-saving change."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from generator.model import Article
from generator.site.schedule import EXPIRED, PUBLISHED, changes, next_change
from tests.conftest import MINIMAL, run_cli, write_site

NEW_YORK = ZoneInfo("America/New_York")


def epoch(text: str) -> dict:
    """The environment of a run at `text`, a time in New York (the MINIMAL site's timezone)."""
    moment = datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)
    return {"SOURCE_DATE_EPOCH": str(int(moment.timestamp()))}


SCHEDULED = """
-- content/articles/2026/election-night.md --
---
title: Election Night Results
date: 2026-11-01 09:00
author: kate-michael
tags: [Diplomacy]
---
The results, as they come in.
"""

EXPIRING = """
-- content/articles/2026/embargoed-offer.md --
---
title: A Limited-Time Briefing Offer
date: 2026-10-01 09:00
expires: 2026-11-01 09:00
author: kate-michael
tags: [Diplomacy]
---
Register by the end of October.
"""


def build(site, at: str):
    result = run_cli("build", str(site), env=epoch(at))
    assert result.returncode == 0, result.stderr
    return result


def due(site, at: str, *flags: str):
    return run_cli("due", str(site), *flags, env=epoch(at))


def test_a_scheduled_article_appears_once_due_says_its_time_has_come(tmp_path):
    site = write_site(tmp_path, MINIMAL + SCHEDULED)
    page = site / "output/news/election-night/index.html"
    # The day before the clocks go back: 2026-10-31 is EDT (-04:00), the article's time EST (-05:00).
    build(site, "2026-10-31T12:00")
    assert not page.exists()
    before = due(site, "2026-11-01T08:59")
    assert before.returncode == 1 and before.stdout == ""
    assert "nothing is due" in before.stderr
    assert due(site, "2026-10-31T12:00", "--next").stdout == "2026-11-01T09:00:00-05:00\n"
    after = due(site, "2026-11-01T09:00")
    assert after.returncode == 0
    assert after.stdout.split() == ["due", "2026-11-01", "09:00", "EST", "content/articles/2026/election-night.md",
                                    "Election", "Night", "Results"]
    build(site, "2026-11-01T09:00")
    assert "Election Night Results" in page.read_text()
    assert "/news/election-night/" in (site / "output/index.html").read_text()
    assert due(site, "2026-11-01T09:15").returncode == 1  # published: nothing new is due
    assert due(site, "2026-11-01T09:15", "--next").stdout == ""  # and nothing is scheduled


def test_an_article_expires_out_of_every_page_and_due_counts_it(tmp_path):
    site = write_site(tmp_path, MINIMAL + EXPIRING)
    build(site, "2026-10-20T12:00")
    feeds = site / "output/feed.xml"
    assert "/news/embargoed-offer/" in feeds.read_text()
    assert "/news/embargoed-offer/" in (site / "output/news/first/index.html").read_text()  # in the related rail
    assert due(site, "2026-10-20T12:00", "--next").stdout == "2026-11-01T09:00:00-05:00\n"
    assert due(site, "2026-11-01T08:00").returncode == 1
    gone = due(site, "2026-11-01T09:30")
    assert gone.returncode == 0 and gone.stdout.startswith("expired  2026-11-01 09:00 EST  content/articles/2026/")
    result = build(site, "2026-11-01T09:30")
    assert "left out 1 expired article (latest: content/articles/2026/embargoed-offer.md, expired 2026-11-01 09:00)" \
        in result.stderr
    assert not (site / "output/news/embargoed-offer").exists()
    for page in ["index.html", "feed.xml", "sitemap.xml", "news/first/index.html", "tags/diplomacy/index.html",
                 "authors/kate-michael/index.html"]:
        assert "embargoed-offer" not in (site / "output" / page).read_text(), page
    assert due(site, "2026-11-01T10:00").returncode == 1


def test_the_preview_leaves_an_expired_article_out_too(tmp_path):
    site = write_site(tmp_path, MINIMAL + EXPIRING)
    result = run_cli("build", str(site), "--drafts", "--future", env=epoch("2026-12-01T00:00"))
    assert result.returncode == 0 and not (site / "output/news/embargoed-offer").exists()


def test_with_no_record_of_a_build_due_says_build(tmp_path):
    site = write_site(tmp_path, MINIMAL)
    result = due(site, "2026-11-01T09:00")
    assert result.returncode == 0 and "no record of a last build" in result.stdout


def test_due_on_a_broken_config_is_an_error_not_an_answer(tmp_path):
    site = write_site(tmp_path, MINIMAL.replace("timezone: America/New_York", "timezone: Mars/Olympus"))
    result = due(site, "2026-11-01T09:00")
    assert result.returncode == 2 and 'unknown timezone "Mars/Olympus"' in result.stderr


def test_an_expiry_before_the_date_is_an_error_at_its_line(tmp_path):
    site = write_site(tmp_path, MINIMAL + EXPIRING.replace("expires: 2026-11-01 09:00", "expires: 2026-09-01"))
    result = run_cli("check", str(site))
    assert result.returncode == 1
    assert "content/articles/2026/embargoed-offer.md:4:1: error: expires (2026-09-01T00:00:00-04:00) is not " \
           "after the date (2026-10-01T09:00:00-04:00), so the article would never be published" in result.stderr


def test_a_link_to_an_expired_article_is_a_warning_so_the_takedown_still_builds(tmp_path):
    site = write_site(tmp_path, MINIMAL + EXPIRING + """
-- content/articles/2026/linking.md --
---
title: Linking Story
date: 2026-10-02 09:00
author: kate-michael
---
See [the offer](embargoed-offer.md).
""")
    result = run_cli("build", str(site), env=epoch("2026-11-02T00:00"))
    assert result.returncode == 0, result.stderr
    assert 'linking.md:6:17: warning: link to "embargoed-offer.md", which is expired since 2026-11-01 09:00 and is ' \
           "not published in this build" in result.stderr


def test_under_github_actions_a_build_writes_a_step_summary_of_pages_and_problems(tmp_path):
    site = write_site(tmp_path / "repo" / "site", MINIMAL)
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_REPOSITORY": "newsroom/site",
           "GITHUB_SHA": "0123abc", "GITHUB_WORKSPACE": str(tmp_path / "repo"), "GITHUB_SERVER_URL": "https://github.com"}
    assert run_cli("build", str(site), env=env).returncode == 0
    first = summary.read_text()
    assert "15 pages, 1 article, 2 tags, 2 authors" in first
    assert "<details><summary>Added (" in first and "- /news/first/" in first
    # A new article and a removed one: each list says what happened to which page.
    (site / "content/articles/2021/first.md").unlink()
    (site / "content/articles/2021/second.md").write_text(
        "---\ntitle: Second <script>x</script> Story\ndate: 2021-05-01\nauthor: kate-mihcael\n---\nText.\n")
    result = run_cli("build", str(site), env=env)
    assert result.returncode == 1
    failed = summary.read_text()[len(first):]
    assert "## newsroom: the build failed; the site was not written" in failed
    assert ("[content/articles/2021/second\\.md:4](https://github.com/newsroom/site/blob/0123abc/"
            "site/content/articles/2021/second.md#L4): unknown author \"kate\\-mihcael\"") in failed
    (site / "content/articles/2021/second.md").write_text(
        "---\ntitle: Second Story\ndate: 2021-05-01\nauthor: kate-michael\n---\nText.\n")
    assert run_cli("build", str(site), env=env).returncode == 0
    third = summary.read_text()[len(first) + len(failed):]
    assert "### Pages: 3 added" in third and "removed" in third  # the article, its month and the feed
    added, changed, removed = (third.split(f"<summary>{name}")[1].split("</details>")[0]
                               for name in ("Added", "Changed", "Removed"))
    assert "- /news/second/" in added and "- /2021/05/" in added and "- /news/first/" in removed
    assert "- /\n" in changed


def test_a_build_outside_github_actions_writes_no_summary(tmp_path):
    site = write_site(tmp_path, MINIMAL)
    summary = tmp_path / "summary.md"
    assert run_cli("build", str(site), env={"GITHUB_STEP_SUMMARY": str(summary)}).returncode == 0
    assert not summary.exists()


def _article(source: str, date: str, expires: str | None = None, draft: bool = False) -> Article:
    parse = lambda text: datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)  # noqa: E731
    return Article(source=source, title=source, date=parse(date), authors=("a",), section=None, tags=(), slug=source,
                   body="", summary="", expires=parse(expires) if expires else None, draft=draft)


@pytest.mark.parametrize(("since", "until", "expected"), [
    ("2026-01-01", "2026-01-31", [("b", PUBLISHED)]),
    ("2026-01-15", "2026-03-01", [("b", EXPIRED), ("a", EXPIRED)]),
    ("2026-01-01", "2026-03-01", [("a", EXPIRED)]),  # b came and went between the two builds: no change
    ("2026-02-01", "2026-02-02", []),
])
def test_changes_between_two_builds(since, until, expected):
    articles = [_article("a", "2025-12-01", expires="2026-02-15"), _article("b", "2026-01-10", expires="2026-02-01"),
                _article("d", "2026-01-10", draft=True)]
    found = changes(articles, datetime.fromisoformat(since).replace(tzinfo=NEW_YORK),
                    datetime.fromisoformat(until).replace(tzinfo=NEW_YORK))
    assert [(c.article.source, c.kind) for c in found] == expected


def test_next_change_is_the_first_publication_or_expiry_after_now():
    articles = [_article("a", "2025-12-01", expires="2026-02-15"), _article("b", "2026-03-01"),
                _article("d", "2026-01-10", draft=True)]
    now = datetime(2026, 1, 1, tzinfo=NEW_YORK)
    assert next_change(articles, now) == datetime(2026, 2, 15, tzinfo=NEW_YORK)
    assert next_change(articles, datetime(2026, 3, 2, tzinfo=NEW_YORK)) is None
