"""The validators catch what they claim to catch, and pass what is fine."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.validators import atom_errors, link_errors, sitemap_errors, vnu_errors, vnu_jar

# --------------------------------------------------------------------------
# vnu


def _vnu_missing() -> str | None:
    if shutil.which("java") is None:
        return "java is missing, which vnu runs on: `apt install default-jre-headless`"
    if vnu_jar() is None:
        return "vnu.jar is missing from node_modules: run `make test`, which installs it"
    return None


@pytest.fixture(scope="module")
def vnu_installed() -> None:
    """java and vnu.jar: `make test` checks for java and installs vnu.jar, so without them a test fails."""
    if (missing := _vnu_missing()) is not None:
        pytest.fail(missing, pytrace=False)


needs_vnu = pytest.mark.usefixtures("vnu_installed")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page</title>{head}</head>
<body><main><h1>Page</h1>
{body}
</main></body></html>
"""

VNU_SAMPLES = {
    "good.html": PAGE.format(head="", body="<p>Fine.</p>"),
    "broken.html": PAGE.format(head="", body='<p>Open <div>block</p>\n<img src="a.jpg">'),
    "warned.html": PAGE.format(head="", body="<section><p>No heading.</p></section>"),
    "style.html": PAGE.format(head="<style>p { colr: red }</style>", body="<p>x</p>"),
    "site.css": "body { margin: 0; }\nh1 { font-weight: heavy; }\n",
}


@pytest.fixture(scope="module")
def vnu_report(vnu_installed: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """All samples through one vnu run; messages grouped by file name."""
    folder = tmp_path_factory.mktemp("vnu")
    paths = []
    for name, text in VNU_SAMPLES.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    messages = vnu_errors(paths)
    return {name: [m for m in messages if m.startswith(f"{folder / name}:")] for name in VNU_SAMPLES}


@needs_vnu
def test_vnu_passes_a_valid_page(vnu_report: dict[str, list[str]]) -> None:
    assert vnu_report["good.html"] == []


@needs_vnu
def test_vnu_reports_errors_with_file_and_line(vnu_report: dict[str, list[str]]) -> None:
    text = "\n".join(vnu_report["broken.html"])
    assert "broken.html:4: error:" in text  # the stray </p>
    assert "broken.html:5: error:" in text and "alt" in text  # <img> without alt


@needs_vnu
def test_vnu_reports_warnings(vnu_report: dict[str, list[str]]) -> None:
    assert any(": warning: Section lacks heading" in m for m in vnu_report["warned.html"])


@needs_vnu
def test_vnu_checks_css_inline_and_in_files(vnu_report: dict[str, list[str]]) -> None:
    assert any("colr" in m for m in vnu_report["style.html"])
    assert any("site.css:2: error:" in m and "heavy" in m for m in vnu_report["site.css"])


@needs_vnu
def test_vnu_starts_java_once_for_many_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real_run = subprocess.run

    def counting_run(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    paths = []
    for n in range(5):
        paths.append(tmp_path / f"p{n}.html")
        paths[-1].write_text(PAGE.format(head="", body=f"<p>{n}</p>"), encoding="utf-8")
    assert vnu_errors(paths + [tmp_path / "missing.html"]) == [f"{tmp_path / 'missing.html'}:0: error: no such file"]
    assert len(calls) == 1


# --------------------------------------------------------------------------
# Atom

FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>The Policy Wire</title>
  <link rel="self" type="application/atom+xml" href="https://news.example.org/feed.xml"/>
  <link rel="alternate" type="text/html" href="https://news.example.org/"/>
  <id>https://news.example.org/</id>
  <updated>2021-04-02T09:30:00-04:00</updated>
  <author><name>The Policy Wire</name></author>
  <generator uri="https://news.example.org/">newsroom</generator>
  <entry>
    <title>Reinvigorating Diplomacy</title>
    <link rel="alternate" type="text/html" href="https://news.example.org/think-tanks/talks/"/>
    <id>https://news.example.org/think-tanks/talks/</id>
    <published>2021-04-02T09:30:00-04:00</published>
    <updated>2021-04-02T13:30:00.25Z</updated>
    <author><name>Kate Michael</name><uri>https://news.example.org/authors/kate-michael/</uri></author>
    <category term="north-korea" label="North Korea"/>
    <summary type="html">&lt;p&gt;Experts &lt;a href="https://news.example.org/x/"&gt;say&lt;/a&gt;.&lt;/p&gt;</summary>
    <content type="html">&lt;img src="https://news.example.org/images/a.jpg" alt="Hanoi"&gt;</content>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Second <em>story</em></div></title>
    <id>https://news.example.org/health/second/</id>
    <updated>2021-04-01T09:30:00Z</updated>
    {xhtml_content}
  </entry>
</feed>
"""
XHTML_CONTENT = (
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
    '<a href="mailto:a@example.org">Mail</a></div></content>'
)
FEED = FEED.replace("{xhtml_content}", XHTML_CONTENT)
SELF_LINK = '<link rel="self" type="application/atom+xml" href="https://news.example.org/feed.xml"/>'
ENTRY_AUTHOR = "<author><name>Kate Michael</name><uri>https://news.example.org/authors/kate-michael/</uri></author>"


def _atom(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "feed.xml"
    path.write_text(text, encoding="utf-8")
    return atom_errors(path)


def _edit(old: str, new: str, count: int = 1) -> str:
    assert old in FEED
    return FEED.replace(old, new, count)


def test_atom_passes_a_good_feed(tmp_path: Path) -> None:
    assert _atom(tmp_path, FEED) == []


def test_atom_schema_accepts_foreign_extension_elements(tmp_path: Path) -> None:
    text = _edit("<entry>", '<entry><m:thumbnail xmlns:m="http://search.yahoo.com/mrss/" url="https://x.org/a.jpg"/>')
    assert _atom(tmp_path, text) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("<id>https://news.example.org/</id>", "", "feed has 0 <id>"),
        ("<id>https://news.example.org/health/second/</id>", "", "entry has 0 <id>"),
        ("<title>Reinvigorating Diplomacy</title>", "<title>A</title><title>B</title>", "entry has 2 <title>"),
        ("<updated>2021-04-02T09:30:00-04:00</updated>", "", "feed has 0 <updated>"),
        ("<updated>2021-04-01T09:30:00Z</updated>", "<updated>2021-04-01T09:30:00</updated>", "not an RFC 3339"),
        ("<updated>2021-04-01T09:30:00Z</updated>", "<updated>2021-04-01 09:30</updated>", "not an RFC 3339"),
        ("<updated>2021-04-01T09:30:00Z</updated>", "<updated>2021-02-30T09:30:00Z</updated>", "not an RFC 3339"),
        (SELF_LINK, "", 'no <link rel="self">'),
        ("<id>https://news.example.org/health/second/</id>", "<id>/health/second/</id>", "not an absolute http(s) IRI"),
        ('href="https://news.example.org/think-tanks/talks/"', 'href="/think-tanks/talks/"', "not an absolute http"),
        (
            '<link rel="alternate" type="text/html" href="https://news.example.org/"/>',
            '<link href="https://news.example.org/"/><link rel="alternate" href="https://news.example.org/b/"/>',
            "2 alternate links",
        ),
        ('src="https://news.example.org/images/a.jpg"', 'src="/images/a.jpg"', "relative URL '/images/a.jpg'"),
        ('href="https://news.example.org/x/"', 'href="../x/"', "relative URL '../x/'"),
        ('href="mailto:a@example.org"', 'href="#notes"', "relative URL '#notes'"),
        ('<category term="north-korea" label="North Korea"/>', '<category label="North Korea"/>', "category"),
        ('<generator uri="https://news.example.org/">newsroom</generator>', "<tool>newsroom</tool>", "tool"),
        ('<content type="xhtml">', '<content type="xhtml" xml:lang="en_US">', "Element content"),
        ("<feed ", '<feed bogus="1" ', "bogus"),
    ],
)
def test_atom_catches(tmp_path: Path, old: str, new: str, expected: str) -> None:
    errors = _atom(tmp_path, _edit(old, new))
    assert any(expected in e for e in errors), errors
    assert all(e.startswith(f"{tmp_path / 'feed.xml'}:") for e in errors)


def test_atom_needs_an_author_for_every_entry(tmp_path: Path) -> None:
    assert _atom(tmp_path, _edit("<author><name>The Policy Wire</name></author>", "")) == [
        f"{tmp_path / 'feed.xml'}:21: error: entry has no author and neither has the feed"
    ]
    # An author on every entry is enough without one on the feed.
    text = _edit("<author><name>The Policy Wire</name></author>", "").replace(
        "<id>https://news.example.org/health/second/</id>",
        "<id>https://news.example.org/health/second/</id>" + ENTRY_AUTHOR,
    )
    assert _atom(tmp_path, text) == []


def test_atom_entry_needs_an_alternate_link_or_content(tmp_path: Path) -> None:
    text = _edit(XHTML_CONTENT, "")
    assert any("neither an alternate link nor content" in e for e in _atom(tmp_path, text))


def test_atom_reports_malformed_xml(tmp_path: Path) -> None:
    errors = _atom(tmp_path, FEED.replace("</feed>", ""))
    assert len(errors) == 1 and "not well-formed XML" in errors[0]


# --------------------------------------------------------------------------
# Sitemaps

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _urlset(*entries: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS}>\n{"".join(entries)}</urlset>\n'


def _url(loc: str, extra: str = "") -> str:
    return f"<url><loc>{loc}</loc>{extra}</url>\n"


def _sitemap(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "sitemap.xml"
    path.write_text(text, encoding="utf-8")
    return sitemap_errors(path)


def test_sitemap_passes_good_urlset_and_index(tmp_path: Path) -> None:
    good = _urlset(
        _url(
            "https://news.example.org/",
            "<lastmod>2021-04-02T09:30:00-04:00</lastmod><changefreq>daily</changefreq><priority>1.0</priority>",
        ),
        _url("https://news.example.org/health/", "<lastmod>2021-04-02</lastmod>"),
        _url("https://news.example.org/tags/", "<lastmod>2021-04-02T09:30Z</lastmod>"),
        _url(
            "https://news.example.org/a/",
            '<image:image xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
            "<image:loc>https://news.example.org/a.jpg</image:loc></image:image>",
        ),
    )
    assert _sitemap(tmp_path, good) == []
    index = (
        f"<sitemapindex {NS}><sitemap><loc>https://news.example.org/sitemap-1.xml</loc>"
        "<lastmod>2021-04-02</lastmod></sitemap></sitemapindex>"
    )
    assert _sitemap(tmp_path, index) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_urlset(_url("/health/some-story/")), "is not an absolute http(s) URL"),
        (_urlset(_url("health/some-story/index.html")), "is not an absolute http(s) URL"),
        (_urlset(_url("https://news.example.org/a/"), _url("https://news.example.org/a/")), "listed 2 times"),
        (_urlset(_url("https://news.example.org/a/"), _url("https://other.example.org/b/")), "several hosts"),
        (_urlset(_url("https://news.example.org/" + "a" * 2048)), "maxLength"),
        (_urlset(_url("https://news.example.org/", "<lastmod>2021-04-02 09:30</lastmod>")), "tLastmod"),
        (_urlset(_url("https://news.example.org/", "<lastmod>2021-04-02T09:30:00</lastmod>")), "tLastmod"),
        (_urlset(_url("https://news.example.org/", "<changefreq>often</changefreq>")), "enumeration"),
        (_urlset(_url("https://news.example.org/", "<priority>1.5</priority>")), "maxInclusive"),
        (_urlset(_url("https://news.example.org/", "<priority>0.5</priority><lastmod>2021</lastmod>")), "not expected"),
        (_urlset(), "Missing child element"),
        ('<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"/>', "not a sitemaps.org 0.9"),
        (f"<sitemapindex {NS}><sitemap><loc>/sitemap-1.xml</loc></sitemap></sitemapindex>", "not an absolute"),
        (_urlset(_url("https://news.example.org/")).replace("</urlset>", ""), "not well-formed XML"),
    ],
)
def test_sitemap_catches(tmp_path: Path, text: str, expected: str) -> None:
    errors = _sitemap(tmp_path, text)
    assert any(expected in e for e in errors), errors


def test_sitemap_limits_entries_to_50000(tmp_path: Path) -> None:
    urls = [_url(f"https://news.example.org/{n}/") for n in range(50_001)]
    errors = _sitemap(tmp_path, _urlset(*urls))
    assert any("50001 entries, the limit is 50000" in e for e in errors), errors[:3]
    assert _sitemap(tmp_path, _urlset(*urls[:50_000])) == []


# --------------------------------------------------------------------------
# Links


def _site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


GOOD_SITE = {
    "index.html": PAGE.format(
        head='<link rel="stylesheet" href="/static/site.css?v=3">',
        body="""
<a href="#main">Skip</a> <a id="main"></a>
<a href="/health/story/">Story</a> <a href="health/story/#photo">Photo</a>
<a href="/health/story/index.html#caf%C3%A9">Accent</a> <a href="/tags/caf%C3%A9/">Tag</a>
<a href="https://elsewhere.example.com/missing/">Out</a> <a href="mailto:x@example.org">Mail</a>
<a href="//cdn.example.com/x.js">CDN</a> <a href="#top">Top</a> <a href="?page=2">Self</a>
<img src="/images/a.jpg" srcset="/images/a.jpg 1x, images/a@2x.jpg 2x" alt="">
<a href="/feed.xml">Feed</a>""",
    ),
    "health/story/index.html": PAGE.format(
        head="",
        body="""
<figure id="photo"><img src="../../images/a.jpg" alt=""></figure><p id="café">x</p>
<a name="old-anchor"></a><a href="/#main">Home</a><a href="../../">Home</a><a href="#old-anchor">Old</a>""",
    ),
    "tags/café/index.html": PAGE.format(head="", body='<a href="/">Home</a>'),
    "old/index.html": '<!DOCTYPE html><meta http-equiv="refresh" content="0; url=/health/story/"><title>Moved</title>',
    "static/site.css": "body{}",
    "images/a.jpg": "jpg",
    "images/a@2x.jpg": "jpg",
    "feed.xml": "<feed/>",
}


def test_links_pass_a_good_site(tmp_path: Path) -> None:
    assert link_errors(_site(tmp_path, GOOD_SITE)) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<a href="/missing/">x</a>', "broken link '/missing/': no file /missing/index.html"),
        ('<a href="health/nope.html">x</a>', "broken link 'health/nope.html'"),
        ('<img src="/images/b.jpg" alt="">', "broken link '/images/b.jpg'"),
        ('<img src="/images/a.jpg" srcset="/images/a.jpg 1x, /images/a@3x.jpg 3x" alt="">', "'/images/a@3x.jpg'"),
        ('<link rel="stylesheet" href="/static/missing.css">', "'/static/missing.css'"),
        ('<script src="/static/app.js"></script>', "'/static/app.js'"),
        ('<a href="/health/story">x</a>', "points to a folder"),
        ('<a href="/health/story/#nothing">x</a>', "no id 'nothing' on /health/story/index.html"),
        ('<a href="#nowhere">x</a>', "no id 'nowhere' on /page.html"),
        ('<a href="/tags/caf%C3%A8/">x</a>', "broken link '/tags/caf%C3%A8/'"),
        ('<meta http-equiv="refresh" content="0; url=/gone/">', "broken link '/gone/'"),
    ],
)
def test_links_catch(tmp_path: Path, body: str, expected: str) -> None:
    files = GOOD_SITE | {"page.html": PAGE.format(head="", body=body)}
    errors = link_errors(_site(tmp_path, files))
    assert len(errors) == 1, errors
    assert errors[0].startswith("page.html:") and expected in errors[0], errors


def test_links_report_file_and_line(tmp_path: Path) -> None:
    files = GOOD_SITE | {"health/other/index.html": "<p>\n\n<a href='/x/'>x</a>"}
    assert link_errors(_site(tmp_path, files)) == [
        "health/other/index.html:3: error: broken link '/x/': no file /x/index.html",
    ]


def test_links_honour_base_href(tmp_path: Path) -> None:
    files = GOOD_SITE | {"page.html": '<base href="/health/"><a href="story/">x</a><a href="nope/">y</a>'}
    errors = link_errors(_site(tmp_path, files))
    assert errors == ["page.html:1: error: broken link 'nope/': no file /health/nope/index.html"]
