"""The example site in headless Chromium through axe-core: WCAG 2.x A and AA and
axe's best practices, at desktop and phone widths, light and dark, with no request leaving the site."""

import json
import os
import subprocess

import pytest

from tests.browser import chromium, require_browser, static_server
from tests.conftest import EXAMPLE, ROOT, run_cli

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/page/2/", "/think-tanks/reinvigorating-diplomacy-north-korea/", "/health/rural-hospitals-telehealth/",
         "/in-the-news/chip-shortage-industrial-policy/", "/think-tanks/broadband-money-state-by-state/",
         "/think-tanks/", "/tags/", "/tags/north-korea/",
         "/authors/", "/authors/kate-michael/", "/about/", "/404.html", "/2021/04/old-north-korea-url/"]
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    if not AXE.is_file():
        pytest.fail("axe-core is missing from node_modules: run `make test`, which installs it", pytrace=False)
    out = tmp_path_factory.mktemp("a11y") / "out"
    result = run_cli("build", EXAMPLE, "-o", str(out), "--drafts", "--future")
    assert result.returncode == 0, result.stderr
    with static_server(out) as base, chromium() as browser:
        yield base, browser


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("options => axe.run(document, options).then(r => r.violations)",
                          {"runOnly": {"type": "tag", "values": RULES}})
    return [f"{v['id']}: {v['help']} at {json.dumps([n['target'] for n in v['nodes']][:3])}" for v in found]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_pages_have_no_axe_violations(site, width, scheme):
    """Contrast too, in the light theme and the dark one (prefers-color-scheme)."""
    base, browser = site
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    problems = {}
    for path in PAGES:
        page.goto(base + path, wait_until="load")
        if path == "/2021/04/old-north-korea-url/":  # the redirect page lands on the article
            page.wait_for_url("**/reinvigorating-diplomacy-north-korea/")
        found = violations(page)
        if found:
            problems[path] = found
    page.close()
    assert problems == {}
    assert outside == [], "pages must make no external requests"


def test_no_horizontal_scrolling_on_a_phone(site):
    base, browser = site
    page = browser.new_page(viewport={"width": 375, "height": 800})
    for path in PAGES[:4]:
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.close()


LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["accessibility", "best-practices", "seo"]


@pytest.mark.parametrize("path", ["/", "/think-tanks/reinvigorating-diplomacy-north-korea/", "/health/",
                                  "/authors/kate-michael/"])
def test_lighthouse_scores_at_least_0_9(site, path, tmp_path):
    if not LIGHTHOUSE.is_file():
        pytest.fail("lighthouse is missing from node_modules: run `make test`, which installs it", pytrace=False)
    from tests.browser import CHROMIUM, FLAGS
    base, _ = site
    report = tmp_path / "report.json"
    result = subprocess.run(
        [str(LIGHTHOUSE), base + path, f"--only-categories={','.join(CATEGORIES)}", "--output=json",
         f"--output-path={report}", "--quiet", f"--chrome-flags=--headless=new {' '.join(FLAGS)}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(report.read_text())
    scores = {name: data["categories"][name]["score"] for name in CATEGORIES}
    failing = [audit for name in CATEGORIES for ref in data["categories"][name]["auditRefs"]
               if ref["weight"] and (audit := data["audits"][ref["id"]])["score"] is not None and audit["score"] < 1]
    assert all(score >= 0.9 for score in scores.values()), (scores, [a["title"] for a in failing])
