"""`make bench`: build synthetic sites and print the figures the performance issue names.

    python tests/bench.py [--sizes 1000,10000] [--keep DIR]

Uses ../shared/bench/make_corpus.py (beside the repository) to write each site,
then times, in one run: the Markdown floor (Python-Markdown alone on every body,
on all cores), a cold build, a no-op build, and the peak memory of the cold
build. Prints each figure with its goal; never fails on a figure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"


def markdown_floor(site: Path) -> float:
    """Seconds for Python-Markdown alone to convert every article body, on all cores."""
    paths = sorted(str(p) for p in (site / "content" / "articles").rglob("*.md"))
    started = time.perf_counter()
    with multiprocessing.Pool() as pool:
        pool.map(_convert, paths, chunksize=64)
    return time.perf_counter() - started


def _convert(path: str) -> None:
    import markdown

    from generator.markup import EXTENSIONS
    converter = getattr(_convert, "md", None) or markdown.Markdown(extensions=EXTENSIONS)
    _convert.md = converter
    text = Path(path).read_text(encoding="utf-8")
    converter.reset().convert(text.split("\n---\n", 1)[1])


def timed_build(site: Path, *extra: str) -> tuple[float, int, str]:
    """Wall seconds, peak memory (KiB) and the summary line of one `newsroom build`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", "build", str(site), "-q", *extra],
                            capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before), result.stdout


def bench(size: int, work: Path) -> None:
    site = work / f"site-{size}"
    if not site.exists():
        subprocess.run([sys.executable, str(CORPUS), str(site), "--articles", str(size)], check=True,
                       capture_output=True)
    floor = markdown_floor(site)
    cold, peak, _ = timed_build(site)
    noop, _, _ = timed_build(site)
    print(f"\n{size:,} articles")
    print(f"  markdown floor (2 cores)  {floor:7.2f} s")
    print(f"  cold build                {cold:7.2f} s   {cold / floor:5.2f}x floor   (goal: at most 1.3x)")
    print(f"  no-op build               {noop:7.2f} s   {noop / cold:5.1%} of cold  (goal: at most 10%)")
    print(f"  peak memory (largest process so far) {peak / 1024:7.0f} MiB  (goal: at most 1024 MiB at 10,000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--keep", type=Path, help="keep the generated sites in this folder")
    args = parser.parse_args()
    if not CORPUS.is_file():
        sys.exit(f"the corpus writer is missing: {CORPUS}")
    with tempfile.TemporaryDirectory() as temp:
        work = args.keep or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            bench(size, work)


if __name__ == "__main__":
    main()
