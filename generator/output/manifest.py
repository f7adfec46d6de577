"""What the last build of a site wrote, kept in its cache: to tell a build with nothing to do, and
which output files still hold the pages they held."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.output.writer import Stat, file_stats
from generator.store import load, save

NAME = "manifest.pickle"


@dataclass
class Manifest:
    inputs: bytes  # keys.inputs_key of that build
    output: str  # the output folder
    outputs: dict[str, Stat]  # output-relative path -> (size, mtime_ns) as written
    pages: dict[str, bytes]  # output-relative path -> the key of the page written there
    due: float | None  # when the next scheduled article becomes due (a timestamp), or None
    summary: dict  # counts, notices and problems, to report again
    reads: list[bytes] | None = None  # the store's keys of what that build read, in shares (read.reads.shares)
    built: float | None = None  # the time that build published as of (a timestamp): `newsroom due` asks

    @classmethod
    def load(cls, folder: Path) -> Manifest | None:
        stored = load(folder / NAME)
        return stored if isinstance(stored, cls) else None

    def save(self, folder: Path) -> None:
        save(folder / NAME, self)

    def still_holds(self, inputs: bytes, output: Path, now: float) -> bool:
        """Whether a build with these inputs, now, would write what the output already holds."""
        if inputs != self.inputs or (self.due is not None and now >= self.due):
            return False
        return self.output == str(output.resolve()) and self.outputs == file_stats(output)
