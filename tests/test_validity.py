"""Built sites through the validators the web uses, offline: the example site
(drafts and scheduled articles included, as the preview shows them) and a site
full of real-world quirks (CRLF, a BOM, Unicode file names, odd YAML)."""

import shutil

import pytest

from tests.conftest import EXAMPLE, ROOT, run_cli
from tests.validators import (
    atom_errors,
    html_validate,
    html_validate_errors,
    link_errors,
    sitemap_errors,
    vnu_errors,
    vnu_jar,
)

SITES = {"example": (EXAMPLE, "--drafts", "--future"), "quirks": ("tests/sites/quirks",)}
# The repository's own site is checked as it stands in tests/test_live_site.py.


@pytest.fixture(scope="module", params=sorted(SITES))
def output(request, tmp_path_factory):
    site, *flags = SITES[request.param]
    out = tmp_path_factory.mktemp(request.param) / "out"
    result = run_cli("build", site, "-o", str(out), *flags)
    assert result.returncode == 0, result.stderr
    return out


def test_html_and_css_pass_the_nu_checker(output):
    if shutil.which("java") is None:
        pytest.fail("java is missing, which the Nu HTML checker runs on: `apt install default-jre-headless`",
                    pytrace=False)
    if vnu_jar() is None:
        pytest.fail("vnu.jar (the Nu HTML checker) is missing: run `make test`, which installs it", pytrace=False)
    pages = sorted(output.rglob("*.html")) + sorted(output.rglob("*.css"))
    assert len(pages) > 20
    assert vnu_errors(pages) == []


def test_html_passes_html_validate(output):
    if html_validate() is None:
        pytest.fail("html-validate is missing (or node is): run `make test`, which installs it", pytrace=False)
    assert html_validate_errors(sorted(output.rglob("*.html"))) == []


def test_every_feed_is_valid_atom(output):
    feeds = sorted(output.rglob("feed.xml"))
    assert len(feeds) >= 10
    assert [e for feed in feeds for e in atom_errors(feed)] == []


def test_sitemap_is_valid(output):
    assert sitemap_errors(output / "sitemap.xml") == []


def test_no_broken_links(output):
    assert link_errors(output) == []


def test_sitemap_lists_only_indexable_pages(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", EXAMPLE, "-o", str(out)).returncode == 0
    text = (out / "sitemap.xml").read_text()
    assert "/think-tanks/reinvigorating-diplomacy-north-korea/" in text
    assert "chip-shortage" not in text and "404" not in text and "old-north-korea-url" not in text


def test_the_quirks_site_reads_as_writers_meant(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", str(ROOT / "tests/sites/quirks"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "welt/gipfel/index.html").read_text()
    assert 'src="/images/Gipfel%20Foto%20%281%29.JPG"' in page and (out / "images/Gipfel Foto (1).JPG").is_file()
    assert 'href="/kultur/kultur-bericht/"' in page and 'href="/uber-uns/"' in page
    assert 'href="/tags/aussenpolitik/">Außenpolitik' in page.replace(' rel="tag"', "")
    assert '<time datetime="2021-04-02T09:30:00+02:00">' in page
    assert (out / "welt/meldung-nummer-5/index.html").is_file()
    assert 'tag "außenpolitik" is the same tag as "Außenpolitik"' in result.stderr
