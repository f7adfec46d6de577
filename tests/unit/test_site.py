from datetime import UTC, datetime

from generator import config as config_mod
from generator.config import Config, Section
from generator.diagnostics import Report
from generator.executor import Serial
from generator.model import StaticFile
from generator.read import content
from generator.site import assemble as site_mod

CONFIG = Config(title="T", base_url="https://x.org", timezone="America/New_York", default_section="news",
                sections=(Section("news", "News"), Section("health", "Health")), related=3)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def article(name, **fields):
    body = fields.pop("body", "Text.")
    base = {"title": name.title(), "date": "2021-04-02 09:30", "author": "kate"}
    if "authors" in fields:
        del base["author"]
    base.update(fields)
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in base.items()) + "---\n" + body + "\n"
    item, problems = content.Reader(CONFIG.tz, "content").article(f"content/articles/{name}.md", text.encode())
    assert item is not None, problems
    return item


def author(ident, name):
    item, _ = content.Reader(CONFIG.tz, "content").author(f"content/authors/{ident}.md",
                                                          f"---\nname: {name}\n---\nBio.\n".encode())
    return item


AUTHORS = [author("kate", "Kate Michael"), author("alexa", "Alexa Hornbeck")]


def assemble(articles, static=(), broken=frozenset(), **options):
    report = Report()
    built = site_mod.assemble(CONFIG, list(articles), AUTHORS, [], list(static),
                              site_mod.Options(NOW, **options), report, broken, Serial())
    return built, [d.format() for d in report.sorted()]


def test_authors_by_id_or_name_and_sections_by_slug_or_title():
    built, problems = assemble([article("a", authors="[KATE, alexa hornbeck]", section="Health")])
    assert problems == []
    assert built.articles[0].authors == ("kate", "alexa")
    assert built.articles[0].url == "/health/a/"
    assert built.by_author == {"alexa": [0], "kate": [0]}


def test_unknown_author_and_section_suggest_the_closest():
    _, problems = assemble([article("a", author="kat", section="helth")])
    assert problems == [
        'content/articles/a.md:4:1: error: unknown author "kat" (did you mean "kate"?); '
        "authors are the files in content/authors/",
        'content/articles/a.md:5:1: error: unknown section "helth" (did you mean "health"?); '
        "sections are declared in config.yaml",
    ]


def test_tags_keep_one_spelling_and_warn_about_others():
    built, problems = assemble([article("a", tags="[North Korea]"), article("b", tags="[north korea]"),
                                article("c", tags="[North Korea]")])
    assert built.tag_names == {"north-korea": "North Korea"}
    assert built.by_tag["north-korea"] == [0, 1, 2] or len(built.by_tag["north-korea"]) == 3
    assert problems == ['content/articles/b.md:5:1: warning: tag "north korea" is the same tag as '
                        '"North Korea"; it is shown as "North Korea"']


def test_drafts_and_scheduled_are_left_out_with_a_notice():
    items = [article("a"), article("d", draft="true"), article("s", date="2030-01-01")]
    built, _ = assemble(items)
    assert [a.source for a in built.articles] == ["content/articles/a.md"]
    assert "left out 1 scheduled article (next: content/articles/s.md on 2030-01-01 00:00)" in built.notices[0]
    built, _ = assemble(items, drafts=True, future=True)
    assert sorted(a.status for a in built.articles) == ["draft", "published", "scheduled"]


def test_links_to_sources_become_urls_and_missing_ones_are_errors():
    items = [article("a", body="See [b](b.md#x) and [gone](gone.md) and ![p](../images/p.jpg)"),
             article("b", body="## X\n\nText.")]
    static = [StaticFile("content/images/p.jpg", "/images/p.jpg", "/dev/null")]
    built, problems = assemble(items, static)
    body = next(a.body for a in built.articles if a.slug == "a")
    assert 'href="/news/b/#x"' in body and 'src="/images/p.jpg"' in body
    assert problems == ['content/articles/a.md:6:28: error: link to "gone.md", which does not exist']


def test_fragments_must_name_an_id_on_their_page():
    items = [article("a", body="[b](b.md#methods), [b](b.md#method), [here](#results), [gone](#result)\n\n"
                                "## Results\n\nSee[^1].\n\n[^1]: A note; [back](#fnref-1), [top](#top)."),
             article("b", body="## Methods\n\nText.")]
    _, problems = assemble(items)
    assert problems == [
        'content/articles/a.md:6:24: warning: link to "b.md#method": that file has no heading or other id "method"'
        ' (did you mean "#methods"?)',
        'content/articles/a.md:6:63: warning: link to "#result": this article has no heading or other id "result"'
        ' (did you mean "#results"?)']


def test_a_file_with_errors_still_has_its_references_checked():
    broken = article("a", body="[gone](gone.md)", section="helth", author="kathe")
    _, problems = assemble([broken], broken=frozenset({broken.source}))
    assert [p.split(": ", 2)[2][:20] for p in problems] == ['unknown author "kath', 'unknown section "hel',
                                                           'link to "gone.md", w']


def test_missing_photo():
    _, problems = assemble([article("a", photo="{src: /images/nope.jpg, alt: x}")],
                           [StaticFile("content/images/nope.jpeg", "/images/nope.jpeg", "/dev/null")])
    assert problems == ['content/articles/a.md:5:9: error: photo "/images/nope.jpg" does not exist: there is no file '
                        'content/images/nope.jpg (did you mean "/images/nope.jpeg"?)']


def test_related_prefers_rare_shared_tags_then_authors_then_section_and_never_itself():
    items = [
        article("base", tags="[Rare, Common]", date="2021-01-01"),
        article("rare", tags="[Rare]", date="2021-01-02", author="alexa", section="health"),
        article("common", tags="[Common]", date="2021-01-03", author="alexa", section="health"),
        article("author", date="2021-01-04", section="health"),
        article("section", date="2021-01-05", author="alexa"),
        article("c2", tags="[Common]", date="2021-01-06", author="alexa", section="health"),
        article("other", date="2021-01-07", author="alexa", section="health"),
    ]
    built, _ = assemble(items)
    index = next(i for i, a in enumerate(built.articles) if a.slug == "base")
    names = [built.articles[i].slug for i in built.related[index]]
    assert names == ["rare", "c2", "common"]
    assert len(built.related[index]) == CONFIG.related


def test_related_fills_from_the_section_when_nothing_is_shared():
    built, _ = assemble([article("a", date="2021-01-01"), article("b", date="2021-01-02", author="alexa"),
                         article("c", date="2021-01-03", author="alexa", section="health")])
    index = next(i for i, a in enumerate(built.articles) if a.slug == "a")
    assert [built.articles[i].slug for i in built.related[index]] == ["b"]


def test_config_module_is_the_one_used():
    assert site_mod.Config is config_mod.Config


def test_links_to_drafts_say_so():
    items = [article("a", body="See [d](d.md)."), article("d", draft="true")]
    _, problems = assemble(items)
    assert problems == ['content/articles/a.md:6:9: error: link to "d.md", which is a draft and is not published '
                        "in this build"]
