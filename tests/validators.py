"""Offline validators for a built newsroom site.

The test suite runs these over the output of ``python -m generator build``.
Each ``*_errors`` function returns a list of human-readable problems, one per
line in the form ``file:line: message``; an empty list means all is fine.

- :func:`vnu_errors`: the Nu HTML Checker (npm package ``vnu-jar``, run with
  java) over HTML and CSS files, errors and warnings.
- :func:`atom_errors`: an Atom feed against RFC 4287's RELAX NG schema
  (``schemas/atom.rng``) plus the rules a schema cannot express.
- :func:`sitemap_errors`: a sitemap or sitemap index against the sitemaps.org
  0.9 protocol (``schemas/sitemap.xsd``, ``schemas/siteindex.xsd``).
- :func:`link_errors`: every local link, image and fragment in the HTML of an
  output folder resolves to a file (and an id) in that folder.

Nothing here touches the network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).resolve().parent / "schemas"

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Attributes whose values are URLs (srcset holds a comma-separated list).
URL_ATTRS = ("href", "src", "srcset", "poster")


# --------------------------------------------------------------------------
# Shared helpers


def _is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _has_scheme(url: str) -> bool:
    """True for an absolute URI (any scheme: https:, mailto:, data: ...)."""
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url))


def _srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset attribute ("a.jpg 1x, b.jpg 2x")."""
    return [item.split()[0] for item in value.split(",") if item.strip()]


def _attr_urls(attrs: Iterable[tuple[str, str | None]]) -> Iterator[str]:
    """Every URL in a tag's attributes."""
    for name, value in attrs:
        if name not in URL_ATTRS or value is None:
            continue
        yield from _srcset_urls(value) if name == "srcset" else [value.strip()]


def _schema_errors(schema: etree._Validator, tree: etree._ElementTree, path: Path) -> list[str]:
    """Run an lxml schema and format its error log."""
    if schema.validate(tree):
        return []
    return [f"{path}:{e.line}: error: {e.message}" for e in schema.error_log]


def _parse_xml(path: Path) -> tuple[etree._ElementTree | None, list[str]]:
    """Parse an XML file without network access or entity expansion."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return etree.parse(str(path), parser), []
    except (OSError, etree.XMLSyntaxError) as exc:
        return None, [f"{path}:0: error: not well-formed XML: {exc}"]


# --------------------------------------------------------------------------
# Nu HTML Checker


def vnu_jar() -> Path | None:
    """Where vnu.jar is: $VNU_JAR, else the repo's node_modules (npm install)."""
    candidates = [Path(os.environ["VNU_JAR"])] if os.environ.get("VNU_JAR") else []
    candidates.append(REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
    return next((jar for jar in candidates if jar.is_file()), None)


def _vnu_level(message: dict) -> str | None:
    """'error', 'warning', or None for the info messages we ignore."""
    if message.get("type") in ("error", "non-document-error"):
        return "error"
    if message.get("type") == "info" and message.get("subType") == "warning":
        return "warning"
    return None


def _arg_batches(args: list[str], limit: int = 500_000) -> Iterator[list[str]]:
    """Split file arguments so one command line stays under `limit` bytes.

    A site of a few thousand pages fits in one batch, so java starts once.
    """
    batch: list[str] = []
    size = 0
    for arg in args:
        if batch and size + len(arg) + 1 > limit:
            yield batch
            batch, size = [], 0
        batch.append(arg)
        size += len(arg) + 1
    if batch:
        yield batch


def _run_vnu(java: str, jar: Path, files: list[str]) -> dict:
    """One java run of the checker; its JSON report."""
    cmd = [
        java,
        "-Dstdout.encoding=UTF-8",
        "-Dsun.stdout.encoding=UTF-8",
        "-jar",
        str(jar),
        "--format",
        "json",
        "--also-check-css",
        "--stdout",
        "--exit-zero-always",
        *files,
    ]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    try:
        return json.loads(proc.stdout.decode("utf-8", "replace"))
    except ValueError:
        detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()
        return {"messages": [{"type": "error", "message": f"vnu failed: {detail}"}]}


def vnu_errors(paths: list[Path]) -> list[str]:
    """Errors and warnings of the Nu HTML Checker over HTML (and CSS) files.

    All files go to one java process (it takes a second or two to start).
    Raises RuntimeError when java or vnu.jar is missing.
    """
    java, jar = shutil.which("java"), vnu_jar()
    if java is None or jar is None:
        raise RuntimeError("vnu needs java and vnu.jar (run `npm install` in the repo)")
    errors = [f"{p}:0: error: no such file" for p in paths if not Path(p).is_file()]
    files = [str(p) for p in paths if Path(p).is_file()]
    # vnu names files by absolute file: URL; map them back to the caller's names.
    names = {Path(f).absolute(): f for f in files} | {Path(f).resolve(): f for f in files}
    for batch in _arg_batches(files):
        for message in _run_vnu(java, jar, batch).get("messages", []):
            level = _vnu_level(message)
            if level is None:
                continue
            file = Path(unquote(urlsplit(message.get("url", "")).path))
            line = message.get("firstLine", message.get("lastLine", 0))
            name = names.get(file, str(file) if message.get("url") else "vnu")
            errors.append(f"{name}:{line}: {level}: {message.get('message', '')}")
    return errors


# --------------------------------------------------------------------------
# Atom (RFC 4287)

RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
)


@cache
def _atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))


def _is_rfc3339(value: str) -> bool:
    """A date-time as Atom wants it: RFC 3339, uppercase T and Z, real date."""
    match = RFC3339.fullmatch(value)
    if not match:
        return False
    year, month, day, hour, minute, second = map(int, match.groups())
    try:
        datetime(year, month, day, hour, minute, min(second, 59))  # 60: leap second
    except ValueError:
        return False
    return second <= 60


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return element.findall(ATOM + name)


def _rel(link: etree._Element) -> str:
    return link.get("rel", "alternate")


def _required_once(element: etree._Element, where: str) -> list[str]:
    """Feed and entry need exactly one id, title and updated."""
    return [
        f"{element.sourceline}: error: {where} has {len(found)} <{name}>, needs exactly one"
        for name in ("id", "title", "updated")
        if len(found := _children(element, name)) != 1
    ]


def _alternate_errors(element: etree._Element, where: str) -> list[str]:
    """At most one rel=alternate link per type and hreflang (RFC 4287 4.1.1)."""
    keys = Counter(
        (link.get("type"), link.get("hreflang")) for link in _children(element, "link") if _rel(link) == "alternate"
    )
    return [
        f"{element.sourceline}: error: {where} has {count} alternate links for type={t} hreflang={h}"
        for (t, h), count in keys.items()
        if count > 1
    ]


def _entry_errors(entry: etree._Element, feed_has_author: bool) -> list[str]:
    """The Schematron rules of Appendix B, and the required elements."""
    errors = _required_once(entry, "entry") + _alternate_errors(entry, "entry")
    has_author = bool(_children(entry, "author") or entry.findall(f"{ATOM}source/{ATOM}author"))
    if not (has_author or feed_has_author):
        errors.append(f"{entry.sourceline}: error: entry has no author and neither has the feed")
    has_alternate = any(_rel(link) == "alternate" for link in _children(entry, "link"))
    if not (has_alternate or _children(entry, "content")):
        errors.append(f"{entry.sourceline}: error: entry has neither an alternate link nor content")
    return errors


def _date_errors(root: etree._Element) -> list[str]:
    return [
        f"{el.sourceline}: error: <{etree.QName(el).localname}> {el.text!r} is not an RFC 3339 date-time"
        for el in root.iter(ATOM + "updated", ATOM + "published")
        if not _is_rfc3339(el.text or "")
    ]


def _iri_errors(root: etree._Element) -> list[str]:
    """ids and every URL-valued element or attribute must be absolute http(s)."""
    found = [(el, el.text or "") for el in root.iter(ATOM + "id", ATOM + "icon", ATOM + "logo", ATOM + "uri")]
    found += [(el, el.get("href", "")) for el in root.iter(ATOM + "link")]
    found += [(el, el.get("src")) for el in root.iter(ATOM + "content") if el.get("src") is not None]
    found += [(el, el.get("uri")) for el in root.iter(ATOM + "generator") if el.get("uri") is not None]
    return [
        f"{el.sourceline}: error: <{etree.QName(el).localname}> {value!r} is not an absolute http(s) IRI"
        for el, value in found
        if not _is_web_url(value)
    ]


class _UrlCollector(HTMLParser):
    """Collects every URL-valued attribute of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(_attr_urls(attrs))


def _embedded_urls(element: etree._Element) -> list[str]:
    """URLs in a text construct: escaped HTML (type=html) or inline XHTML."""
    kind = element.get("type", "text")
    if kind == "html":
        collector = _UrlCollector()
        collector.feed(element.text or "")
        collector.close()
        return collector.urls
    if kind == "xhtml":
        return [url for el in element.iter(XHTML + "*") for url in _attr_urls(el.attrib.items())]
    return []


def _relative_url_errors(root: etree._Element) -> list[str]:
    """Feed readers show summaries and content away from the site: no relative URLs."""
    names = ("summary", "content", "title", "subtitle", "rights")
    return [
        f"{el.sourceline}: error: <{etree.QName(el).localname}> has a relative URL {url!r}"
        for el in root.iter(*(ATOM + name for name in names))
        for url in _embedded_urls(el)
        if not _has_scheme(url)
    ]


def _feed_errors(feed: etree._Element) -> list[str]:
    errors = _required_once(feed, "feed") + _alternate_errors(feed, "feed")
    if not any(_rel(link) == "self" for link in _children(feed, "link")):
        errors.append(f'{feed.sourceline}: error: feed has no <link rel="self">')
    feed_has_author = bool(_children(feed, "author"))
    for entry in _children(feed, "entry"):
        errors += _entry_errors(entry, feed_has_author)
    return errors


def atom_errors(path: Path) -> list[str]:
    """Problems of an Atom feed: RELAX NG schema of RFC 4287, then the rest."""
    tree, errors = _parse_xml(path)
    if tree is None:
        return errors
    errors = _schema_errors(_atom_schema(), tree, path)
    root = tree.getroot()
    if root.tag == ATOM + "feed":
        rest = _feed_errors(root)
    elif root.tag == ATOM + "entry":
        rest = _entry_errors(root, feed_has_author=False)
    else:
        rest = [f"{root.sourceline}: error: root element is {root.tag}, not an Atom feed"]
    rest += _date_errors(root) + _iri_errors(root) + _relative_url_errors(root)
    return errors + [f"{path}:{problem}" for problem in rest]


# --------------------------------------------------------------------------
# Sitemaps (sitemaps.org protocol 0.9)

SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


@cache
def _sitemap_schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _loc_errors(path: Path, locs: list[etree._Element]) -> list[str]:
    """Every loc absolute, listed once, and all on one host (as the protocol says)."""
    errors = [
        f"{path}:{loc.sourceline}: error: <loc> {loc.text!r} is not an absolute http(s) URL"
        for loc in locs
        if not _is_web_url(loc.text or "")
    ]
    counts = Counter((loc.text or "").strip() for loc in locs)
    errors += [f"{path}:0: error: <loc> {url!r} is listed {n} times" for url, n in counts.items() if n > 1]
    hosts = sorted({urlsplit(url).netloc for url in counts if _is_web_url(url)})
    if len(hosts) > 1:
        errors.append(f"{path}:0: error: <loc> URLs span several hosts: {', '.join(hosts)}")
    return errors


def sitemap_errors(path: Path) -> list[str]:
    """Problems of a sitemap.xml (urlset) or sitemap index (sitemapindex)."""
    tree, errors = _parse_xml(path)
    if tree is None:
        return errors
    root = tree.getroot()
    schemas = {SITEMAP + "urlset": "sitemap.xsd", SITEMAP + "sitemapindex": "siteindex.xsd"}
    if root.tag not in schemas:
        problem = f"root element {root.tag} is not a sitemaps.org 0.9 urlset or sitemapindex"
        return [f"{path}:{root.sourceline}: error: {problem}"]
    errors = _schema_errors(_sitemap_schema(schemas[root.tag]), tree, path)
    entries = list(root.iterchildren(SITEMAP + "url", SITEMAP + "sitemap"))
    if len(entries) > SITEMAP_MAX_URLS:
        errors.append(f"{path}:0: error: {len(entries)} entries, the limit is {SITEMAP_MAX_URLS}")
    if path.stat().st_size > SITEMAP_MAX_BYTES:
        errors.append(f"{path}:0: error: larger than 50 MiB uncompressed")
    locs = [loc for entry in entries for loc in entry.iterchildren(SITEMAP + "loc")]
    return errors + _loc_errors(path, locs)


# --------------------------------------------------------------------------
# Link checker


class _PageScanner(HTMLParser):
    """One HTML page's fragment targets (ids), local URLs and <base href>."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.ids.update(v for k, v in values.items() if k == "id" or (k == "name" and tag == "a"))
        if tag == "base" and "href" in values and self.base is None:
            self.base = values["href"]
            return
        line = self.getpos()[0]
        self.links.extend((line, url) for url in _attr_urls(attrs))
        refresh = re.search(r"url\s*=\s*['\"]?([^'\"]+)", values.get("content", ""), re.I)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh" and refresh:
            self.links.append((line, refresh.group(1).strip()))


def _scan(page: Path) -> _PageScanner:
    scanner = _PageScanner()
    scanner.feed(page.read_text(encoding="utf-8", errors="replace"))
    scanner.close()
    return scanner


def _tree(root: Path) -> tuple[set[str], set[str]]:
    """All files and folders under root, as relative POSIX paths."""
    files: set[str] = set()
    folders: set[str] = set()
    for folder, subfolders, names in os.walk(root):
        prefix = Path(folder).relative_to(root).as_posix().removeprefix(".").lstrip("/")
        folders.update(f"{prefix}/{name}".lstrip("/") for name in subfolders)
        files.update(f"{prefix}/{name}".lstrip("/") for name in names)
    return files, folders


class _Site:
    """An output folder's files and parsed pages, to resolve URLs against."""

    def __init__(self, root: Path) -> None:
        self.files, self.folders = _tree(root)
        self.pages = {name: _scan(root / name) for name in sorted(self.files) if name.endswith(".html")}
        self._cache: dict[tuple[str, str], str | None] = {}

    def problem(self, base: str, ref: str) -> str | None:
        """Why a URL found on a page does not resolve, or None if it does."""
        if _has_scheme(ref) or ref.startswith("//"):
            return None  # absolute (http:, mailto:, data: ...) or another host
        key = ("/" if ref.startswith("/") else base, ref)  # root-relative: same on every page
        if key not in self._cache:
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    def _resolve(self, base: str, ref: str) -> str | None:
        target = urlsplit(urljoin(base, ref))  # urljoin drops "..", never above "/"
        local = unquote(target.path)
        name = (local + "index.html" if local.endswith("/") else local).lstrip("/")
        if name in self.folders:
            return f"link {ref!r} points to a folder: end it with '/'"
        if name not in self.files:
            return f"broken link {ref!r}: no file /{name}"
        fragment = unquote(target.fragment)
        page = self.pages.get(name)
        if fragment and fragment.lower() != "top" and page is not None and fragment not in page.ids:
            return f"broken link {ref!r}: no id {fragment!r} on /{name}"
        return None


def link_errors(output_dir: Path) -> list[str]:
    """Every local href/src/srcset in the HTML of output_dir resolves.

    Root-relative and relative URLs must name a file in output_dir ("/x/"
    means "/x/index.html"); a #fragment must be an id (or <a name>) on the
    target page. Absolute URLs (any scheme) and //host URLs are not checked.
    """
    site = _Site(output_dir.resolve())
    errors = []
    for name, scanner in site.pages.items():
        base = urljoin("/" + quote(name), scanner.base or "")
        for line, ref in scanner.links:
            problem = site.problem(base, ref)
            if problem:
                errors.append(f"{name}:{line}: error: {problem}")
    return errors


def html_validate() -> Path | None:
    """The html-validate command from the repo's node_modules (npm install), if there."""
    command = REPO / "node_modules" / ".bin" / "html-validate"
    return command if command.is_file() and shutil.which("node") else None


def html_validate_errors(paths: list[Path]) -> list[str]:
    """Problems html-validate finds with the repo's .htmlvalidate.json (its recommended rules)."""
    command = html_validate()
    if command is None:
        raise RuntimeError("html-validate needs node and `npm install` in the repo")
    # The report goes to a file: node cuts a long one short on a pipe when the command exits.
    with tempfile.TemporaryDirectory() as folder:
        found = Path(folder) / "report.json"
        arguments = ["--config", str(REPO / ".htmlvalidate.json"), "--formatter", f"json={found}", *map(str, paths)]
        result = subprocess.run([str(command), *arguments], cwd=REPO, capture_output=True, text=True, timeout=600)
        text = found.read_text() if found.is_file() else ""
    if result.returncode not in (0, 1) or not text.strip():
        return [f"html-validate failed: {result.stderr.strip()[:500]}"] if result.returncode else []
    return [f"{report['filePath']}:{m['line']}: error: {m['message']} ({m['ruleId']})"
            for report in json.loads(text) for m in report["messages"]]
