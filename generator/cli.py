"""The `newsroom` command line: build, check, serve, new, due and init."""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import threading
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from generator import __version__
from generator import build as build_mod
from generator import config as config_mod
from generator.diagnostics import ERROR, Diagnostic, Report, counted, printable, rel
from generator.output.lock import site_lock

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="newsroom", description="A static site generator for a newsroom.")
    top.add_argument("--version", action="version", version=f"newsroom {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                  help="what to do; `newsroom COMMAND --help` tells more")

    build = commands.add_parser("build", help="build the site into its output folder")
    build.add_argument("site", nargs="?", default=".", help="the site folder (default: here)")
    build.add_argument("-o", "--output", help="output folder (default: SITE/output)")
    build.add_argument("--drafts", action="store_true", help="include drafts")
    build.add_argument("--future", action="store_true", help="include articles dated after now")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--base-url", help="override base_url from config.yaml")
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    build.add_argument("--timings", action="store_true", help="print how long each stage took")

    check = commands.add_parser("check", help="check the site as build does, without writing")
    check.add_argument("site", nargs="?", default=".", help="the site folder (default: here)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    serve = commands.add_parser("serve", help="preview the site, rebuilding on every change")
    serve.add_argument("site", nargs="?", default=".", help="the site folder (default: here)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this "
                       "machine only; 0.0.0.0 shows drafts to the whole network)")
    serve.add_argument("--port", type=port_number, default=8000, help="port to listen on (default 8000; "
                       "the next free one if it is taken)")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network and container mounts)")

    new = commands.add_parser("new", help="start a new article (a draft)")
    new.add_argument("title", help='the headline, in quotes: "Headline"')
    new.add_argument("--site", default=".", help="the site folder (default: here)")
    new.add_argument("--author", help="the author's id (from content/authors/)")
    new.add_argument("--section", help="a section slug or title from config.yaml")
    new.add_argument("--tags", help="comma-separated tags")

    due = commands.add_parser("due", help="whether a build now would publish or take down an article that the "
                              "last build did not (exit 0 and the list; exit 1 when nothing is due)")
    due.add_argument("site", nargs="?", default=".", help="the site folder (default: here)")
    due.add_argument("--next", action="store_true", help="print when the next article is due or expires "
                     "(ISO 8601 with offset), or nothing")

    init = commands.add_parser("init", help="write a minimal site that builds at once")
    init.add_argument("dir", nargs="?", default=".", metavar="DIR",
                      help="the folder to write it in, made if missing (default: here); "
                      "it must not hold a site already")
    return top


def port_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "init":  # the one command whose folder need not exist, nor be a site
        from generator import starter
        return starter.init_site(Path(args.dir), args.dir)
    site = Path(getattr(args, "site", ".")).resolve()
    if not site.is_dir():
        print(f"newsroom: error: site folder {site} does not exist", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command in ("build", "check"):
            return run_build(args, site)
        if args.command == "new":
            from generator import scaffold
            return scaffold.new_article(site, args.title, args.author, args.section, args.tags)
        if args.command == "due":
            from generator import due
            report = Report()
            answer = due.due(site, args.next, report)
            print_report(report, False, site)
            return answer
        from generator.preview import server  # only the preview needs the HTTP server and the watcher
        return server.serve(make_preview(site), site, args.host, args.port, args.poll)
    except KeyboardInterrupt:
        print("\nnewsroom: stopped", file=sys.stderr)
        return 130


def make_preview(site: Path, quiet: float = 0.05):
    """The preview of a site: one pipeline session that builds it, drafts and scheduled articles
    included, into a temporary folder (never output/), with a store of its own there that reads
    what `build` stored (a large site's first preview is warm)."""
    from generator.executor import Serial, best
    from generator.pipeline import Options, Session
    from generator.preview.server import Preview
    from generator.store import Store

    work = Path(tempfile.mkdtemp(prefix="newsroom-preview-"))
    root = work / "site"
    saved = site / build_mod.CACHE / build_mod.STORE
    store = Store(work / "store", below=Store(saved) if saved.is_dir() else None)
    # Forked workers for the first build, which runs before the server's threads start; one
    # process after that, since forking a process that runs threads is unsafe.
    first = best() if threading.active_count() == 1 else Serial()
    session = Session(site, Options(output=root, drafts=True, future=True, private=True), store, first,
                      reads=build_mod.saved_reads(site, store))

    def rebuild(changed: set[str] | None):
        result = session.run(changed)
        session.executor = Serial()
        return result

    config = config_mod.load(site, Report())
    names = (config.content_dir, config.layouts_dir) if config else ("content", "layouts")
    return Preview(rebuild, root, [site / name for name in names], quiet=quiet,
                   cleanup=lambda: shutil.rmtree(work, ignore_errors=True))


def run_build(args, site: Path) -> int:
    # A build makes hundreds of thousands of objects that live to its end (the site, its views):
    # Python's cycle collector, run every 700 new objects by default, would walk them all again
    # and again (a tenth of a warm build's time at 10,000 articles, measured). Less often is enough.
    gc.set_threshold(50_000, 20, 100)
    writing = args.command == "build"
    quiet = getattr(args, "quiet", False)
    output = Path(args.output).resolve() if getattr(args, "output", None) else None
    options = dict(output=output, drafts=getattr(args, "drafts", False), future=getattr(args, "future", False),
                   strict=args.strict, base_url=getattr(args, "base_url", None), write_files=writing,
                   progress=None if quiet else terminal_progress())
    try:
        with site_lock(site / build_mod.CACHE, lambda text: print(f"newsroom: {text}", file=sys.stderr)) if writing \
                else nullcontext():
            result = build_mod.build(site, **options)
    except OSError as exc:  # a full disk, a read-only or forbidden folder: the output is as it was
        clear_progress()
        where = rel(Path(exc.filename), site) if exc.filename else "."
        print(f"{printable(where)}: error: cannot write the site: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERRORS
    clear_progress()
    if getattr(args, "timings", False):
        for stage, seconds in result.timings.items():
            print(f"{stage:>20}: {seconds:6.2f} s", file=sys.stderr)
    print_report(result.report, args.strict, site)
    if writing and os.environ.get("GITHUB_ACTIONS") == "true" and os.environ.get("GITHUB_STEP_SUMMARY"):
        write_step_summary(result, args.strict, site, Path(os.environ["GITHUB_STEP_SUMMARY"]))
    if not result.ok(args.strict):
        return EXIT_ERRORS
    if not quiet:
        for notice in result.notices:
            print(f"note: {printable(notice)}", file=sys.stderr)
        print(printable(summary_line(result, writing)))
    return EXIT_OK


def summary_line(result, writing: bool) -> str:
    n = result.counts
    counts = ", ".join(counted(n[key], key[:-1]) for key in ("pages", "articles", "tags", "authors"))
    if not writing:
        return f"checked {counts}: no errors"
    stats = result.stats
    return (f"built {counts} in {result.seconds:.2f} s "
            f"({counted(stats.written, 'file')} written, {stats.removed} removed) -> {result.output}")


def print_report(report: Report, strict: bool, site: Path) -> None:
    items = report.sorted()
    if strict:
        items = [Diagnostic(d.path, d.line, d.col, ERROR, d.message) for d in items]
    for item in items:
        print(item.format(), file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for item in items:
            print(replace(item, path=repository_path(site, item.path)).annotation())
    errors = sum(1 for d in items if d.severity == ERROR)
    warnings = len(items) - errors
    if items:
        print(f"{counted(errors, 'error')}, {counted(warnings, 'warning')}", file=sys.stderr)


def repository_path(site: Path, path: str) -> str:
    """A site-relative path from the repository's root, as GitHub wants it (the site may be a folder
    inside the repository)."""
    root = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    return Path(os.path.relpath(site / path, root)).as_posix() if path else path


def write_step_summary(result, strict: bool, site: Path, summary: Path) -> None:
    """Append the build's report to GitHub's step summary; problems link to their lines."""
    from generator import summary as summary_mod
    server, repository = os.environ.get("GITHUB_SERVER_URL", "https://github.com"), os.environ.get("GITHUB_REPOSITORY")
    commit = os.environ.get("GITHUB_SHA")

    def link(problem: Diagnostic) -> str | None:
        if not (repository and commit and problem.path):
            return None
        where = quote(repository_path(site, problem.path))
        return f"{server}/{repository}/blob/{commit}/{where}" + (f"#L{problem.line}" if problem.line else "")

    try:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(summary_mod.markdown(result, strict, link) + "\n")
    except OSError as exc:
        print(f"newsroom: warning: cannot write the step summary {summary}: {exc.strerror or exc}", file=sys.stderr)


_progress_shown = False


def terminal_progress():
    """Progress on a terminal only: CI logs stay clean."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    last = {"stage": None, "percent": -1}

    def show(stage: str, done: int, total: int) -> None:
        global _progress_shown
        percent = done * 100 // max(total, 1)
        if (stage, percent) != (last["stage"], last["percent"]):
            last.update(stage=stage, percent=percent)
            sys.stderr.write(f"\r\x1b[K{stage}: {done}/{total}")
            sys.stderr.flush()
            _progress_shown = True

    return show


def clear_progress() -> None:
    if _progress_shown:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()



