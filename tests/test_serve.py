"""The preview: over HTTP in-process, the watcher with real files, and in headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator import build as build_mod
from generator.cli import make_preview
from generator.preview.server import make_server
from generator.preview.watch import Changes, watch
from tests.browser import chromium, require_browser
from tests.conftest import DRAFT_AND_SCHEDULED, MINIMAL, ROOT, tree, write_site

ARTICLE = "/news/first/"


@contextmanager
def preview_of(site: Path, watching: bool = False):
    """A running preview of `site` on a free loopback port; yields (preview, base URL)."""
    preview = make_preview(site, quiet=0.05)
    preview.rebuild()
    server = make_server(preview, "127.0.0.1", 0)
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)]
    observer = None
    if watching:
        observer = watch(site, preview.watched, preview.changes)
        threads.append(threading.Thread(target=preview.run_builder, daemon=True))
    for thread in threads:
        thread.start()
    try:
        yield preview, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        preview.close()
        server.shutdown()
        server.server_close()
        if observer:
            observer.stop()
            observer.join()


def get(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def site(tmp_path):
    return write_site(tmp_path / "site", MINIMAL + DRAFT_AND_SCHEDULED + """
-- content/images/p.jpg --
jpeg
""")


def test_serves_the_site_with_drafts_and_scheduled_articles_marked(site):
    with preview_of(site) as (_, base):
        status, headers, body = get(base + ARTICLE)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"First Story" in body and b"/__newsroom/events" in body
        assert b"Draft" in get(base + "/news/draft/")[2]
        assert b"Scheduled" in get(base + "/news/later/")[2]
    assert not (site / "output").exists(), "the preview must never write into output/"


def test_script_only_in_html_and_types_are_right(site):
    with preview_of(site) as (preview, base):
        for path, kind in [("/static/style.css", "text/css; charset=utf-8"), ("/feed.xml", "application/atom+xml"),
                           ("/sitemap.xml", "application/xml"), ("/robots.txt", "text/plain; charset=utf-8"),
                           ("/images/p.jpg", "image/jpeg")]:
            status, headers, body = get(base + path)
            assert status == 200 and headers["Content-Type"] == kind, path
            assert b"__newsroom" not in body, path
        assert b"__newsroom" not in (preview.root / "news/first/index.html").read_bytes()  # files stay as built


def test_unknown_paths_get_the_404_page_and_folders_redirect(site):
    with preview_of(site) as (_, base):
        status, _, body = get(base + "/no/such/page/")
        assert status == 404 and b"<h1" in body and b"__newsroom" in body
        status, headers, _ = get(base + "/news/first?x=1")
        assert status == 301 and headers["Location"] == "/news/first/?x=1"


@pytest.mark.parametrize("path", ["/../config.yaml", "/%2e%2e/config.yaml", "/%2E%2E/%2E%2E/etc/passwd",
                                  "/static/../../config.yaml", "/static/%2e%2e/%2e%2e/config.yaml",
                                  "//etc/passwd", "/..%2fconfig.yaml", "/%00", "/news/%5c..%5c..%5cconfig.yaml",
                                  "/outside/secret.txt"])
def test_nothing_outside_the_built_site_is_served(site, tmp_path, path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    with preview_of(site) as (preview, base):
        (preview.root / "outside").symlink_to(tmp_path)  # a symlink out of the site
        status, _, body = get_raw(base, path)
        assert status in (400, 404) and b"SECRET" not in body and b"base_url" not in body


def get_raw(base: str, path: str) -> tuple[int, dict, bytes]:
    """A request with the path exactly as given (urllib would normalise it)."""
    import http.client
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("GET", path, skip_host=False)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, dict(response.headers), response.read()


def test_requests_during_a_rebuild_wait_for_it(site, monkeypatch):
    with preview_of(site) as (preview, base):
        original = preview.build_site

        def slow_build(changed):
            time.sleep(0.5)
            return original(changed)

        monkeypatch.setattr(preview, "build_site", slow_build)
        path = site / "content/articles/2021/first.md"
        path.write_text(path.read_text().replace("First Story", "Changed Story"))
        builder = threading.Thread(target=preview.rebuild)
        builder.start()
        time.sleep(0.1)
        _, _, body = get(base + ARTICLE)  # asked mid-build: answered after it
        builder.join()
        assert b"Changed Story" in body


def test_a_failed_rebuild_keeps_the_site_and_shows_the_errors_until_fixed(site):
    with preview_of(site) as (preview, base):
        path = site / "content/articles/2021/first.md"
        good = path.read_text()
        path.write_text(good.replace("title: First Story", "title: [First Story"))
        assert preview.rebuild() is False
        status, _, body = get(base + ARTICLE)
        assert status == 200 and b"First Story" in body  # the last good site
        assert b'id="newsroom-errors"' in body and b"content/articles/2021/first.md:2:8" in body
        path.write_text(good)
        assert preview.rebuild() is True
        assert b"newsroom-errors" not in get(base + ARTICLE)[2]


EDITS = [  # (file, old text, new text); None as old text deletes, a path as new text renames
    ("content/articles/2021/first.md", "The first paragraph", "An edited paragraph"),  # body
    ("content/articles/2021/first.md", "title: First Story", "title: Retitled Story"),  # title
    ("content/articles/2021/first.md", "A second paragraph.", "A second paragraph.\n\n<!--more-->\n"),
    ("content/articles/2021/first.md", "tags:", "photo: {src: /images/p.jpg, alt: A photo}\ntags:"),  # photo
    ("content/articles/2021/first.md", "tags: [North Korea, Diplomacy]", "tags: [Trade, north korea]"),  # tags
    ("content/articles/2021/first.md", "author: kate-michael", "author: Alexa Hornbeck"),  # author
    ("content/authors/alexa-hornbeck.md", "name: Alexa Hornbeck", "name: Alexa Hornbeck\nrole: Editor"),
    ("content/articles/2021/draft.md", None, "content/articles/2021/renamed.md"),  # rename
    ("content/articles/2021/first.md", "date: 2021-04-02 09:30", "date: 2021-06-02 09:30"),  # date
    ("content/articles/2099/later.md", None, None),  # delete
    ("layouts/page.html", "", '{% extends "base.html" %}{% block content %}<h1>x</h1>{% endblock %}'),  # layout
    ("config.yaml", "Test Wire", "Other Wire"),  # config
    ("content/articles/2021/renamed.md", "Not yet.", "Not yet, but soon."),  # body again, after full builds
]


def test_after_any_sequence_of_edits_the_preview_equals_a_full_build(site, tmp_path):
    with preview_of(site) as (preview, _):
        revised = 0
        for number, (name, old, new) in enumerate(EDITS):
            path = site / name
            if old is None:
                changed = {str(path)}
                if new is None:
                    path.unlink()
                else:
                    path.rename(site / new)
                    changed.add(str(site / new))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                text = path.read_text() if path.exists() else ""
                path.write_text(text.replace(old, new) if old else new)
                changed = {str(path)}
            assert preview.rebuild(changed), name
            revised += preview.last.revised
            fresh = tmp_path / f"fresh-{number}"
            assert build_mod.build(site, output=fresh, drafts=True, future=True, use_cache=False).ok()
            fresh_files = tree(fresh)
            assert tree(preview.root) == fresh_files, f"after edit {number}: {name}"
        assert revised >= 4  # body, title and summary edits revised the site: routes were kept


def test_unchanged_pages_are_not_rendered_again(site):
    with preview_of(site) as (preview, _):
        path = site / "content/articles/2021/first.md"
        path.write_text(path.read_text() + "\nOne more paragraph.\n")
        preview.rebuild()
        # the article page and the feeds that carry its full text; listings show only the summary
        assert 0 < preview.last.rendered <= 8


# The watcher, with real files


@pytest.fixture
def watched(site):
    changes = Changes(quiet=0.2)
    observer = watch(site, [site / "content", site / "layouts"], changes)
    time.sleep(0.2)
    stop = threading.Event()

    def settle(timeout: float = 5) -> set[str]:
        timer = threading.Timer(timeout, stop.set)
        timer.start()
        try:
            return changes.wait(stop)
        finally:
            timer.cancel()

    yield site, settle
    observer.stop()
    observer.join()


def test_create_edit_delete_and_rename_are_followed(watched):
    site, settle = watched
    new = site / "content/articles/2021/new.md"
    new.write_text("---\ntitle: New\n---\n")
    assert str(new) in settle()
    new.write_text("---\ntitle: Newer\n---\n")
    assert str(new) in settle()
    moved = site / "content/articles/moved.md"
    new.rename(moved)
    assert {str(new), str(moved)} <= settle()
    moved.unlink()
    assert str(moved) in settle()
    (site / "config.yaml").write_text((site / "config.yaml").read_text() + "\n")
    assert str(site / "config.yaml") in settle()


def test_editor_temp_files_and_reads_are_ignored(watched):
    site, settle = watched
    folder = site / "content/articles/2021"
    for name in [".first.md.swp", "first.md~", ".#first.md", "#first.md#", "4913", "x.tmp"]:
        (folder / name).write_text("temp")
    (folder / "first.md").read_text()  # the build's own reads
    (site / "notes.txt").write_text("outside content/ and layouts/")
    assert settle(timeout=1) == set()


def test_a_burst_of_changes_is_one_rebuild(watched):
    site, settle = watched
    for n in range(40):  # like a git checkout
        (site / f"content/articles/2021/burst-{n}.md").write_text("---\ntitle: x\n---\n")
    paths = settle()
    assert len([p for p in paths if "burst-" in p]) == 40


# In headless Chromium


@pytest.fixture
def browser_site(site):
    require_browser()
    with preview_of(site, watching=True) as (preview, base), chromium() as browser:
        page = browser.new_page()
        yield site, base, page, preview
        page.close()


def test_the_open_tab_follows_edits_styles_and_errors(browser_site):
    site, base, page, preview = browser_site
    page.goto(base + ARTICLE)
    page.wait_for_function("() => true")
    assert page.locator("h1").inner_text() == "First Story"
    article = site / "content/articles/2021/first.md"
    good = article.read_text()

    # edit the title on disk: the tab reloads and shows it
    article.write_text(good.replace("title: First Story", "title: Edited On Disk"))
    page.wait_for_function("document.querySelector('h1').innerText === 'Edited On Disk'", timeout=20000)

    # change the stylesheet: it applies without a reload
    page.evaluate("window.notReloaded = true")
    css = site / "layouts/static/style.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text((ROOT / "layouts/static/style.css").read_text() + "\nh1 { color: rgb(255, 0, 0); }\n")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).color === 'rgb(255, 0, 0)'",
                           timeout=20000)
    assert page.evaluate("window.notReloaded === true")

    # break the front matter: the overlay names the file and the line
    article.write_text(good.replace("title: First Story", "title: [Broken"))
    overlay = page.locator("#newsroom-errors")
    overlay.wait_for(timeout=20000)
    assert "content/articles/2021/first.md:2:8" in overlay.inner_text()

    # fix it: the overlay goes by itself
    article.write_text(good)
    overlay.wait_for(state="detached", timeout=20000)
    assert page.locator("h1").inner_text() == "First Story"
    shutil.rmtree(site / "layouts")


# The command, as editors run it


def test_serve_takes_the_next_free_port_and_stops_cleanly_on_ctrl_c(site):
    import signal
    import socket
    import subprocess
    import sys

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(site), "--port", str(port)],
                               cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        while "Previewing" not in line:
            line = process.stderr.readline()
            assert line, "the server ended early"
        assert f"http://127.0.0.1:{port + 1}/" in line
        assert get(f"http://127.0.0.1:{port + 1}{ARTICLE}")[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        taken.close()
    assert not (site / "output").exists()


def test_polling_sees_changes_too(site):
    """--poll, for network and container mounts where native events do not arrive."""
    changes = Changes(quiet=0.2)
    observer = watch(site, [site / "content"], changes, poll=True)
    stop = threading.Event()
    timer = threading.Timer(10, stop.set)
    try:
        time.sleep(0.6)
        path = site / "content/articles/2021/first.md"
        path.write_text(path.read_text() + "\nMore.\n")
        timer.start()
        assert str(path) in changes.wait(stop)
    finally:
        timer.cancel()
        observer.stop()
        observer.join()


def test_an_edit_the_fast_path_cannot_check_goes_through_a_full_build(site):
    with preview_of(site) as (preview, _):
        path = site / "content/articles/2021/first.md"
        path.write_text(path.read_text().replace("tags:", "photo: {src: /images/none.jpg, alt: x}\ntags:"))
        assert preview.rebuild({str(path)}) is False
        assert not preview.last.revised and "none.jpg" in preview.errors[0].message


def raw_request(base: str, text: str, timeout: float = 10) -> bytes:
    """Send `text` as it is (a Host header of our choosing) and return the whole response."""
    import socket
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(text.encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_only_requests_addressed_to_the_preview_are_answered(site):
    with preview_of(site) as (_, base):
        port = base.rsplit(":", 1)[1]
        for host, status in [(f"127.0.0.1:{port}", b"200"), (f"localhost:{port}", b"200"), (f"[::1]:{port}", b"200"),
                             ("evil.example", b"421"), (f"evil.example:{port}", b"421"), (f"localhost:{port}1", b"421"),
                             (f"127.0.0.1.evil.example:{port}", b"421")]:
            response = raw_request(base, f"GET {ARTICLE} HTTP/1.1\r\nHost: {host}\r\n\r\n")
            assert response.split(b" ")[1] == status, host
            assert (b"First Story" in response) == (status == b"200"), host  # nothing of the site otherwise
        assert raw_request(base, f"GET {ARTICLE} HTTP/1.0\r\n\r\n").split(b" ")[1] == b"421"  # no Host at all


def test_a_bad_events_query_is_a_400(site):
    with preview_of(site) as (_, base):
        assert get(base + "/__newsroom/events?since=abc")[0] == 400


def test_idle_connections_do_not_keep_others_out(site):
    import resource
    import socket
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    idle = []
    try:
        with preview_of(site) as (_, base):
            host, port = base.removeprefix("http://").split(":")
            for _ in range(1000):
                idle.append(socket.create_connection((host, int(port)), timeout=10))
            started = threading.active_count()
            status, _, body = get(base + ARTICLE)
            assert status == 200 and b"First Story" in body
            assert threading.active_count() - started < 10  # an idle connection holds no thread
    finally:
        for connection in idle:
            connection.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@contextmanager
def serving(site: Path, *options: str):
    """`newsroom serve` in a subprocess: yields (process, base URL)."""
    import subprocess
    import sys
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(site), *options], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        while not lines or "Previewing" not in lines[-1]:
            lines.append(process.stderr.readline())
            assert lines[-1], "the server ended early: " + "".join(lines)
        address = lines[-1].split(" at ", 1)[1].split("/ ", 1)[0]
        yield process, address, lines
    finally:
        process.kill()
        process.wait()


def test_serving_on_the_network_warns_and_clients_that_leave_are_no_trouble(site):
    import signal
    import socket
    with serving(site, "--host", "0.0.0.0", "--port", "8765") as (process, address, lines):
        assert any("warning: listening on 0.0.0.0: drafts and scheduled articles can be read" in line
                   for line in lines)
        port = int(address.rsplit(":", 1)[1])
        for text in [f"GET /__newsroom/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
                     f"GET {ARTICLE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n", "GET / HT"]:
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(text.encode())
            connection.close()  # gone before the answer
        time.sleep(0.5)
        assert get(f"http://127.0.0.1:{port}{ARTICLE}")[0] == 200
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=10)
    assert "Traceback" not in "".join(lines) + rest


def test_sigterm_cleans_up_as_ctrl_c_does(site):
    import signal
    import tempfile
    before = set(Path(tempfile.gettempdir()).glob("*newsroom-preview-*"))
    with serving(site, "--port", "8766") as (process, _, _):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert set(Path(tempfile.gettempdir()).glob("*newsroom-preview-*")) == before


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(site, port):
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "generator", "serve", str(site), "--port", port], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "is not a port number" in result.stderr and "Traceback" not in result.stderr


def test_the_preview_never_serves_a_file_outside_and_stays_responsive_on_a_yaml_bomb(site):
    from tests.test_hostile import BOMB
    with preview_of(site) as (preview, base):
        os.symlink("/etc/passwd", site / "content/passwd.txt")
        assert not preview.rebuild({str(site / "content/passwd.txt")})
        assert get(base + "/passwd.txt")[0] == 404
        (site / "content/passwd.txt").unlink()
        path = site / "content/articles/2021/first.md"
        path.write_text(path.read_text().replace("tags: [North Korea, Diplomacy]\n", "extra:\n" + BOMB))
        started = time.perf_counter()
        assert not preview.rebuild({str(path)})
        assert time.perf_counter() - started < 10
        status, _, body = get(base + ARTICLE)
        assert status == 200 and b"YAML aliases" in body  # the last good site, with the error over it
