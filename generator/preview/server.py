"""`newsroom serve`: the editors' preview. Serves the folder its rebuild callable builds
(cli.make_preview: a temporary one, never output/), rebuilds after every change, and tells
open tabs to reload.

One thread builds; request threads wait while it does, so a half-built site is
never served. A failed rebuild keeps the last good site and lays its errors
over every page until the next good build.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import json
import mimetypes
import signal
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from generator.diagnostics import Diagnostic, counted
from generator.preview.connections import GONE, BoundedServer
from generator.preview.watch import Changes, watch

EVENTS = "/__newsroom/events"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".xml": "application/xml",
         ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".js": "text/javascript; charset=utf-8",
         ".json": "application/json", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
FEED_TYPE = "application/atom+xml"

# Added to HTML responses only (the built files stay as `build` makes them). It
# listens for rebuilds: a stylesheet change swaps the stylesheet, anything else reloads.
SCRIPT = """<script>/* newsroom preview */(function () {
  var seen = %d, source = new EventSource("%s?since=" + seen);
  source.onmessage = function (event) {
    var change = JSON.parse(event.data);
    if (change.generation <= seen) return;
    seen = change.generation;
    if (change.kind !== "css") { location.reload(); return; }
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      if (change.css.indexOf(url.pathname) < 0) return;
      url.searchParams.set("v", seen);
      link.href = url.toString();
    });
  };
})();</script>"""

OVERLAY = """<div id="newsroom-errors" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;\
background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem">\
<p style="font:bold 1.25rem system-ui,sans-serif;margin:0 0 1rem">The last rebuild failed; this is the last good \
version of the site. Fix these and the page reloads by itself:</p>\
<ul style="margin:0;padding-left:1.2rem">%s</ul></div>"""


class Preview:
    """The built site in a folder, the state of its builds, and the watcher's changes that drive them.

    `rebuild(changed)` builds the site into `root`: `changed` is the set of files changed since the
    last build, or None when unknown. It returns the build's result, of which the preview reads
    `report.errors()` and `stats.changed` (the files written and removed; stats is None when
    nothing was written). The preview knows nothing else of how a site is built.
    """

    def __init__(self, rebuild: Callable, root: Path, watched: list[Path], *, quiet: float = 0.05,
                 cleanup: Callable[[], None] = lambda: None) -> None:
        self.build_site, self.root, self.watched, self.cleanup = rebuild, root, watched, cleanup
        self.changes = Changes(quiet=quiet)
        self.ready = threading.Condition()
        self.building = False
        self.generation = 0  # counts finished builds, good or bad
        self.errors: list[Diagnostic] = []
        self.last_change = {"kind": "reload", "css": []}
        self.stop = threading.Event()
        self.builds = 0
        self.last = None  # the last build's result

    def rebuild(self, changed: set[str] | None = None) -> bool:
        """Rebuild; the last good site stays when it fails."""
        with self.ready:
            self.building = True
        started = time.perf_counter()
        try:
            self.last = self.build_site(changed)
            errors, stats = self.last.report.errors(), self.last.stats
        except Exception as exc:  # noqa: BLE001 - a bug must not take the preview down with it
            errors, stats = [Diagnostic("", 0, 0, "error", f"internal error: {exc!r}")], None
        with self.ready:
            self.building = False
            self.builds += 1
            self.generation += 1
            # Only a good build after a good one may swap stylesheets: the overlay needs a reload to come and go.
            self.last_change = _change_kind(stats.changed if stats and not self.errors else [])
            self.errors = errors
            self.ready.notify_all()
        _print_build(time.perf_counter() - started, stats, errors)
        return not errors

    def wait_until_built(self, timeout: float = 600) -> None:
        with self.ready:
            self.ready.wait_for(lambda: not self.building, timeout)

    def wait_for_generation(self, since: int, timeout: float) -> int:
        with self.ready:
            self.ready.wait_for(lambda: self.generation > since or self.stop.is_set(), timeout)
            return self.generation

    def run_builder(self) -> None:
        """The build thread: one rebuild per settled burst of changes."""
        while not self.stop.is_set():
            changed = self.changes.wait(self.stop)
            if changed:
                self.rebuild(changed)

    def close(self) -> None:
        self.stop.set()
        with self.ready:
            self.ready.notify_all()
        self.cleanup()


def _change_kind(changed: list[str]) -> dict:
    css = [f"/{quote(p)}" for p in changed if p.endswith(".css")]
    if changed and len(css) == len(changed):
        return {"kind": "css", "css": css}
    return {"kind": "reload", "css": []}


def _print_build(seconds: float, stats, errors: list[Diagnostic]) -> None:
    stamp = time.strftime("%H:%M:%S")
    if errors:
        for item in errors:
            print(item.format(), file=sys.stderr)
        print(f"[{stamp}] rebuild failed: {len(errors)} error{'s' * (len(errors) != 1)}; "
              "still serving the last good site", file=sys.stderr)
    elif stats is not None:
        print(f"[{stamp}] rebuilt in {seconds:.2f} s: {counted(len(stats.changed), 'file')} changed", file=sys.stderr)


LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def allowed_host(header: str | None, port: int, listening: str) -> bool:
    """Whether a request's Host names this server: a loopback name, the --host given, or (when
    listening on every address) an IP address. A page elsewhere can make a browser send requests
    here under its own domain name, which resolves to 127.0.0.1 (DNS rebinding), and read drafts:
    the name in Host is how such requests are told apart."""
    if not header:
        return False
    parts = urlsplit(f"//{header}")
    try:
        name, given = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    if given not in (None, port):
        return False
    if name in LOOPBACK_NAMES or name == listening.lower().strip("[]"):
        return True
    if listening in ("0.0.0.0", "::", ""):
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            return False
    return False


class Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made by make_server
    protocol_version = "HTTP/1.1"
    timeout = 5  # seconds a request may take to arrive once it has begun: a slow client cannot hold a thread

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for build results and errors

    def handle(self) -> None:
        try:
            super().handle()
        except GONE:
            self.close_connection = True

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        host, port = self.server.server_address[:2]
        if not allowed_host(self.headers.get("Host"), port, host):
            return self.send(HTTPStatus.MISDIRECTED_REQUEST, b"This preview answers only to its own address.\n",
                             "text/plain; charset=utf-8", head)
        parts = urlsplit(self.path)
        if parts.path == EVENTS:
            return self.events(parts.query)
        self.preview.wait_until_built()
        target = self.resolve(parts.path)
        if target is None:
            return self.not_found(head)
        if target.is_dir():
            if not parts.path.endswith("/"):
                location = parts.path + "/" + (f"?{parts.query}" if parts.query else "")
                return self.send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head, {"Location": location})
            target = target / "index.html"
            if not target.is_file():
                return self.not_found(head)
        self.send(HTTPStatus.OK, target.read_bytes(), content_type(target), head)

    def resolve(self, url_path: str) -> Path | None:
        """The file for a URL path, or None: nothing outside the built site, whatever the encoding."""
        path = unquote(url_path)
        if "\x00" in path or "\\" in path or not path.startswith("/"):
            return None
        segments = [s for s in path.split("/") if s not in ("", ".")]
        if ".." in segments:
            return None
        root = self.preview.root.resolve()
        target = root.joinpath(*segments)
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return real if real == root or root in real.parents else None

    def not_found(self, head: bool) -> None:
        page = self.preview.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
        self.send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", head)

    def send(self, status: int, body: bytes, kind: str, head: bool, headers: dict | None = None) -> None:
        if kind.startswith("text/html"):
            body = self.decorate(body)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")  # a connection waits for its next request outside a thread
        self.close_connection = True
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def decorate(self, body: bytes) -> bytes:
        """The reload script, and the error overlay while the last rebuild has failed."""
        with self.preview.ready:
            generation, errors = self.preview.generation, list(self.preview.errors)
        extra = SCRIPT % (generation, EVENTS)
        if errors:
            items = "".join(f"<li>{html.escape(e.format())}</li>" for e in errors)
            extra = OVERLAY % items + extra
        data = extra.encode("utf-8")
        at = body.rfind(b"</body>")
        return body[:at] + data + body[at:] if at >= 0 else body + data

    def events(self, query: str) -> None:
        """Server-sent events: one message per finished build after `since`."""
        given = parse_qs(query).get("since", [None])[0]
        if given is not None and not given.isdigit():
            return self.send(HTTPStatus.BAD_REQUEST, b"since must be a number\n", "text/plain; charset=utf-8", False)
        since = int(given) if given is not None else self.preview.generation
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            while not self.preview.stop.is_set():
                generation = self.preview.wait_for_generation(since, timeout=15)
                if generation > since:
                    since = generation
                    message = {"generation": generation, **self.preview.last_change}
                    self.wfile.write(f"data: {json.dumps(message)}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")  # also notices a closed tab
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def content_type(path: Path) -> str:
    if path.name == "feed.xml":
        return FEED_TYPE
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def make_server(preview: Preview, host: str, port: int, tries: int = 20) -> BoundedServer:
    """Listen on host:port, or the next free port when it is taken."""
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    for candidate in range(port, port + tries) if port else [0]:
        try:
            return BoundedServer((host, candidate), handler)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    raise OSError(errno.EADDRINUSE, f"ports {port} to {port + tries - 1} are all taken")


def serve(preview: Preview, site: Path, host: str, port: int, poll: bool) -> int:
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"newsroom serve: warning: listening on {host}: drafts and scheduled articles can be read by "
              "anyone who can reach this machine", file=sys.stderr)
    signal.signal(signal.SIGTERM, _stop)  # stopped by a process manager: clean up as for Ctrl-C
    preview.rebuild()
    try:
        server = make_server(preview, host, port)
    except OSError as exc:
        print(f"newsroom serve: error: {exc.strerror or exc}", file=sys.stderr)
        preview.close()
        return 1
    observer = watch(site, preview.watched, preview.changes, poll)
    builder = threading.Thread(target=preview.run_builder, name="builder", daemon=True)
    builder.start()
    address = server.server_address
    print(f"Previewing {site} at http://{address[0]}:{address[1]}/ (drafts and scheduled articles shown; "
          "Ctrl-C stops)", file=sys.stderr)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
    finally:
        preview.close()
        observer.stop()
        server.server_close()
        observer.join(timeout=5)
    return 0
