"""A build's report as Markdown, for the summary GitHub Actions shows on a run's page
($GITHUB_STEP_SUMMARY): the counts, every problem with a link to its line, and the pages this
build added, changed and removed, so that a reviewer sees what a pull request changes on the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.diagnostics import ERROR, Diagnostic, counted, printable

LISTED = 100  # pages listed under each heading; past it, how many more
MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def markdown(result, strict: bool, link: Callable[[Diagnostic], str | None]) -> str:
    """The report of `result` (a pipeline Result); `link(problem)`: the web address of the line it
    is about, or None."""
    problems = result.report.sorted()
    errors = [d for d in problems if d.severity == ERROR or strict]
    lines = [f"## newsroom: {_outcome(result, errors)}", ""]
    if result.counts:
        n = result.counts
        lines += [", ".join(counted(n[key], key[:-1]) for key in ("pages", "articles", "tags", "authors")), ""]
    if problems:
        lines += [f"### {counted(len(errors), 'error')}, {counted(len(problems) - len(errors), 'warning')}", ""]
        lines += [_problem(d, d in errors, link(d)) for d in problems] + [""]
    lines += [f"- {_escape(notice)}" for notice in result.notices]
    stats = result.stats
    if stats is not None and stats.changed:
        gone, added = set(stats.gone), set(stats.added)
        updated = [p for p in stats.changed if p not in added and p not in gone]
        lines += ["", f"### Pages: {len(added)} added, {len(updated)} changed, {len(gone)} removed"]
        for title, paths in (("Added", stats.added), ("Changed", updated), ("Removed", stats.gone)):
            lines += _listed(title, sorted(paths))
    elif stats is not None:
        lines += ["", "No page changed: the output is as the last build left it."]
    return "\n".join(lines).rstrip() + "\n"


def _outcome(result, errors: list) -> str:
    if errors:
        return "the build failed; the site was not written"
    return "built" if result.stats is not None else "checked"


def _problem(problem: Diagnostic, is_error: bool, address: str | None) -> str:
    where = printable(problem.path or ".") + (f":{problem.line}" if problem.line else "")
    place = f"[{_escape(where)}]({address})" if address else _escape(where)
    return f"- {'❌ error' if is_error else '⚠️ warning'}: {place}: {_escape(problem.message)}"


def _listed(title: str, paths: list[str]) -> list[str]:
    if not paths:
        return []
    shown = [f"- {_escape(_page(path))}" for path in paths[:LISTED]]
    if len(paths) > LISTED:
        shown.append(f"- … and {len(paths) - LISTED} more")
    return ["", f"<details><summary>{title} ({len(paths)})</summary>", "", *shown, "", "</details>"]


def _page(path: str) -> str:
    """An output file as the URL readers see: content/x/index.html is /x/."""
    return "/" + path.removesuffix("index.html")


def _escape(text: str) -> str:
    """Text that GitHub shows as it is: no Markdown, no HTML, one line (a writer's file name or
    title is in it, and a pull request may come from anyone)."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN.sub(r"\\\1", " ".join(text.split()))
