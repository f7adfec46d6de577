"""The example site's output through the validators the web uses, offline."""

import os

import pytest

from tests.conftest import run_cli
from tests.validators import atom_errors, link_errors, sitemap_errors, vnu_errors, vnu_jar


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    out = tmp_path_factory.mktemp("valid") / "out"
    result = run_cli("build", ".", "-o", str(out), "--drafts", "--future")
    assert result.returncode == 0, result.stderr
    return out


def test_html_and_css_pass_the_nu_checker(output):
    if vnu_jar() is None or not shutil_which("java"):
        if os.environ.get("CI"):
            pytest.fail("the Nu HTML checker is not installed; .ci/run installs it (npm install)")
        pytest.skip("the Nu HTML checker is not installed: run `npm install` (needs java)")
    pages = sorted(output.rglob("*.html")) + sorted(output.rglob("*.css"))
    assert len(pages) > 50
    assert vnu_errors(pages) == []


def test_every_feed_is_valid_atom(output):
    feeds = sorted(output.rglob("feed.xml"))
    assert len(feeds) > 40
    assert [e for feed in feeds for e in atom_errors(feed)] == []


def test_sitemap_is_valid_and_lists_only_indexable_pages(output):
    sitemap = output / "sitemap.xml"
    assert sitemap_errors(sitemap) == []
    text = sitemap.read_text()
    assert "/think-tanks/reinvigorating-diplomacy-north-korea/" in text
    assert "chip-shortage" not in text and "404" not in text and "old-north-korea-url" not in text


def test_no_broken_links(output):
    assert link_errors(output) == []


def shutil_which(name):
    import shutil
    return shutil.which(name)
