"""Headless Chromium for tests: Debian's chromium (or one `playwright install chromium` downloaded)
driven by Playwright, and a static server for a built site on loopback."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import in_ci

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these, Chromium phones home at start and this machine's closed network refuses it.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


INSTALL_CHROMIUM = ("install it (Debian: `apt install chromium`), or let Playwright download its own: "
                    "`.venv/bin/playwright install chromium`")


def _playwright_chromium() -> str | None:
    """The Chromium `playwright install chromium` downloaded, if it has."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as driver:
        path = driver.chromium.executable_path
    return path if os.path.isfile(path) else None


def require_browser() -> None:
    """Chromium and Playwright. `make test` installs Playwright, so without it a test fails; without
    Chromium it skips, the only skip the suite allows, and only outside CI, where .ci/run installs it."""
    global CHROMIUM
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("the playwright package is missing from .venv: run `make test`, which installs it", pytrace=False)
    CHROMIUM = CHROMIUM or _playwright_chromium()
    if CHROMIUM is None:
        if in_ci():
            pytest.fail(f"Chromium is missing: .ci/run installs it, or {INSTALL_CHROMIUM}", pytrace=False)
        pytest.skip(f"Chromium is not installed: {INSTALL_CHROMIUM}")


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_server(folder: Path):
    """Serve a built site on 127.0.0.1 (a free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
