from generator import urls
from generator.build import build
from generator.render import routes
from tests.conftest import ROOT
from tests.validators import sitemap_errors


def example_routes():
    result = build(ROOT, write_files=False)
    assert result.ok(), result.report.sorted()
    return result


def test_every_url_is_unique_and_every_listing_has_a_feed():
    result = example_routes()
    paths = list(result.files)
    assert len(paths) == len(set(paths))
    listings = ["index.html", "health/index.html", "tags/north-korea/index.html", "authors/kate-michael/index.html"]
    for listing in listings:
        assert listing.replace("index.html", "feed.xml") in result.files


def test_past_the_limit_the_sitemap_becomes_an_index(monkeypatch, tmp_path):
    monkeypatch.setattr(routes, "SITEMAP_LIMIT", 10)
    result = build(ROOT, output=tmp_path / "out")
    assert result.ok()
    out = tmp_path / "out"
    assert "<sitemapindex" in (out / "sitemap.xml").read_text()
    parts = sorted(out.glob("sitemap-*.xml"))
    assert len(parts) > 3
    assert all(sitemap_errors(path) == [] for path in [out / "sitemap.xml", *parts])
    assert all(p.read_text().count("<url>") <= 10 for p in parts)


def test_urls_that_need_each_other_as_folders_clash(tmp_path):
    from generator.diagnostics import Report
    report = Report()
    made = [routes.Route("/news/", "listing.html", 'section "News" (config.yaml)'),
            routes.Route("/news", None, "content/news", fix="rename or move the file")]
    kept = routes._unique(made, report)
    assert [r.url for r in kept] == ["/news/"]
    assert report.sorted()[0].format() == ("content/news: error: URL /news and /news/ (from section \"News\" "
                                           "(config.yaml)) cannot both exist: one would be a folder; "
                                           "rename or move the file")
    assert urls.output_path("/news/") == "news/index.html"
