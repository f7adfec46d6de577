"""What a build is asked for (Options) and what it gives back (Result), and what the output holds
after it (Written): plain values, which the command line reads without loading the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Report
from generator.output.writer import Stat, WriteStats

if TYPE_CHECKING:
    from generator.site.assemble import Site


@dataclass(frozen=True)
class Options:
    """What a build is asked for."""

    output: Path | None = None  # default: the config's output folder
    drafts: bool = False
    future: bool = False
    strict: bool = False  # warnings fail the build
    base_url: str | None = None
    write_files: bool = True  # false: check only
    private: bool = False  # nobody else reads or writes the output (the preview's): written in place


@dataclass
class Result:
    report: Report
    site: Site | None = None  # None when the build stopped early, or had nothing to do
    files: dict[str, str | Path] = field(default_factory=dict)  # output path -> the file it gets
    stats: WriteStats | None = None  # None when nothing was written
    seconds: float = 0.0
    output: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)  # pages, articles, tags, authors
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for `build --timings`
    read: int = 0  # files read (the others came from the store or the session)
    rendered: int = 0  # pages rendered (the others came from the store)
    revised: bool = False  # the site was revised from the session's last one, not assembled

    def ok(self, strict: bool = False) -> bool:
        return not self.report.errors(strict)


@dataclass(frozen=True)
class Written:
    """What the output held after the last commit: each file's (size, mtime) and each page's key."""

    output: str = ""
    files: dict[str, Stat] = field(default_factory=dict)
    pages: dict[str, bytes] = field(default_factory=dict)
