"""`make bench`: build synthetic sites and print the figures the performance issue names.

    python tests/bench.py [--sizes 1000,10000[,50000]] [--keep DIR]

For each size, ../shared/bench/make_corpus.py writes a site, then one run measures:
the Markdown floor (Python-Markdown alone on every article body, same extensions,
on all cores), a cold build (no cache, no output), a warm build (cache kept, output
deleted), a no-op build, the peak memory of a cold build (all its processes
together, in a build of its own so that sampling it does not slow the timed one),
and, at 10,000 articles and up, how long the preview takes to serve a page after a
body edit and after a title edit. Outputs and caches a measurement needs gone are
moved aside and deleted at the end (see Trash). Each figure is printed with its
goal; nothing fails on a figure (tests never assert on time).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
sys.path.insert(0, str(ROOT))


def _convert(path: str) -> None:
    from generator.read.markup import new_markdown
    converter = getattr(_convert, "md", None) or new_markdown()
    _convert.md = converter
    body = Path(path).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    converter.reset().convert(body)


def markdown_floor(site: Path) -> float:
    """Seconds for Python-Markdown alone to convert every article body, on all cores."""
    from generator.executor import cores
    paths = sorted(str(p) for p in (site / "content" / "articles").rglob("*.md"))
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(cores()) as pool:
        pool.map(_convert, paths, chunksize=64)
    return time.perf_counter() - started


def tree_memory(pid: int) -> int:
    """Memory (bytes) of a process and all its descendants, from /proc: the proportional set size,
    which counts a page shared by forked workers once, split among them (not once per process)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def timed_build(site: Path) -> float:
    """Wall seconds of one `newsroom build`."""
    started = time.perf_counter()
    process = subprocess.run([sys.executable, "-m", "generator", "build", str(site), "-q"], cwd=ROOT,
                             capture_output=True)
    if process.returncode != 0:
        sys.exit(f"build failed:\n{process.stderr.decode()[-2000:]}")
    return time.perf_counter() - started


def add_article(site: Path) -> Path:
    """A new article, as a writer's pull request adds one: the newest, so every listing shifts."""
    path = site / "content" / "articles" / "bench" / f"added-{time.time_ns()}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    authors = sorted(p.stem for p in (site / "content" / "authors").glob("*.md"))
    yesterday = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() - 86400))
    path.write_text(f"---\ntitle: An added story {path.stem}\ndate: {yesterday}\nauthor: {authors[0]}\n"
                    "tags: [Added Stories]\n---\nThe story a writer just added, with [a link](https://example.org/).\n")
    return site


def peak_memory(site: Path) -> int:
    """Peak memory (bytes, all processes) of one `newsroom build`, sampled every 50 ms. A run of
    its own: reading /proc that often takes CPU time the timed builds should not lose."""
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", str(site), "-q"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.05)
    return peak


class Trash:
    """Folders a measurement needs gone, moved aside and deleted only when the bench ends.

    On ext4 without a journal (this machine's disk), for a minute or more after tens of
    thousands of files are deleted, making each new file skips past the freed inodes one by
    one; deleting the last output just before a build would charge that to the build. CI
    builds start from a fresh checkout, with nothing deleted."""

    def __init__(self, work: Path) -> None:
        self.folder = work / "trash"
        self.count = 0

    def discard(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(exist_ok=True)
            self.count += 1
            path.rename(self.folder / f"{self.count}-{os.getpid()}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def preview_latency(site: Path, edits: int = 7) -> tuple[float, float]:
    """Median seconds from saving an edit to the preview serving the new page: body edits, title edits."""
    from generator.cli import make_preview
    from generator.preview.server import make_server
    from generator.preview.watch import watch
    preview = make_preview(site)
    preview.rebuild()
    server = make_server(preview, "127.0.0.1", 0)
    observer = watch(site, preview.watched, preview.changes)
    for target in (server.serve_forever, preview.run_builder):
        threading.Thread(target=target, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    article = sorted((site / "content" / "articles").rglob("*.md"))[len(preview.last.site.articles) // 2]
    source = article.relative_to(site).as_posix()
    url = base + next(a.url for a in preview.last.site.articles if a.source == source)
    results = {"body": [], "title": []}
    try:
        for n in range(edits):
            for kind in results:
                text = article.read_text(encoding="utf-8")
                marker = f"bench{kind}{n}t{time.time_ns()}"
                if kind == "body":
                    text = text.rstrip("\n") + f"\n\nAn added sentence {marker}.\n"
                else:
                    text = text.replace("title: ", f"title: {marker} ", 1)
                started = time.perf_counter()
                article.write_text(text, encoding="utf-8")
                while marker.encode() not in urllib.request.urlopen(url, timeout=60).read():
                    time.sleep(0.005)
                results[kind].append(time.perf_counter() - started)
    finally:
        preview.close()
        server.shutdown()
        observer.stop()
    return statistics.median(results["body"]), statistics.median(results["title"])


def bench(size: int, work: Path, trash: Trash) -> None:
    site = work / f"site-{size}"
    if not site.exists():
        subprocess.run([sys.executable, str(CORPUS), str(site), "--articles", str(size)], check=True,
                       capture_output=True)

    def clear(*names: str) -> None:
        for name in names:
            trash.discard(site / name)

    clear("output", ".cache")
    peak = peak_memory(site)
    clear("output", ".cache")
    floor = markdown_floor(site)
    cold = timed_build(site)
    clear("output")
    warm = timed_build(site)
    noop = timed_build(site)
    added = timed_build(add_article(site))
    goal = 1.5 if size <= 1000 else 1.3  # at the size most newsrooms have, fixed costs weigh more
    print(f"\n{size:,} articles")
    print(f"  markdown floor (all cores)  {floor:7.2f} s")
    print(f"  cold build                  {cold:7.2f} s   {cold / floor:5.2f}x floor    (goal: at most {goal}x)")
    print(f"  warm build                  {warm:7.2f} s   {warm / cold:6.1%} of cold  (goal: at most 25%)")
    print(f"  no-op build                 {noop:7.2f} s   {noop / cold:6.1%} of cold  (goal: at most 10%)")
    print(f"  one article added (CI)      {added:7.2f} s   .cache/ and output/ kept"
          + ("  (goal: at most 1.5 s)" if size >= 10_000 else ""))
    print(f"  cold build peak memory      {peak / 2**20:7.0f} MiB (all processes; goal: at most 1024 MiB at 10,000)")
    print(f"  per 1,000 articles          {cold / size * 1000:7.2f} s cold, {peak / 2**20 / size * 1000:5.0f} MiB")
    if size >= 10_000:
        body, title = preview_latency(site)
        print(f"  preview, body edit          {body * 1000:7.0f} ms  median (goal: at most 150 ms)")
        print(f"  preview, title edit         {title * 1000:7.0f} ms  median (goal: at most 500 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--keep", type=Path, help="keep the generated sites in this folder")
    args = parser.parse_args()
    if not CORPUS.is_file():
        sys.exit(f"the corpus writer is missing: {CORPUS}")
    print(f"newsroom bench: {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as temp:
        work = args.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        trash = Trash(work)
        try:
            for size in (int(s) for s in args.sizes.split(",")):
                bench(size, work, trash)
        finally:
            trash.empty()


if __name__ == "__main__":
    main()
