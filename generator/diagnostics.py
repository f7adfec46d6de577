"""Problems found in a site, kept as values until the command line prints them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str  # relative to the site folder, with forward slashes
    line: int  # 1-based; 0 when the problem is about the whole file
    col: int  # 1-based; 0 when unknown
    severity: str
    message: str

    def format(self) -> str:
        where = printable(self.path or ".")
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.severity}: {printable(self.message)}"

    def annotation(self) -> str:
        """The GitHub Actions workflow command for this problem (its values escaped as GitHub's
        toolkit does, so that no file name or message can end the command or start another)."""
        kind = "error" if self.severity == ERROR else "warning"
        loc = f"file={_property(printable(self.path))}"
        if self.line:
            loc += f",line={self.line}"
            if self.col:
                loc += f",col={self.col}"
        text = printable(self.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} {loc}::{text}"


@dataclass
class Report:
    """Diagnostics gathered over one build, in the order they were found."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, severity: str, path: str, message: str, line: int = 0, col: int = 0) -> None:
        self.items.append(Diagnostic(path, line, col, severity, message))

    def error(self, path: str, message: str, line: int = 0, col: int = 0) -> None:
        self.add(ERROR, path, message, line, col)

    def warning(self, path: str, message: str, line: int = 0, col: int = 0) -> None:
        self.add(WARNING, path, message, line, col)

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    def errors(self, strict: bool = False) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR or strict]

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]

    def sorted(self) -> list[Diagnostic]:
        """Unique diagnostics, by file and line, so output is stable."""
        return sorted(set(self.items))


# Characters that would act on a terminal or a log rather than show: controls (a newline could
# forge a line of CI output, an escape sequence drive the terminal) and the invisible marks that
# reorder text. Messages quote writers' values, so each is shown as its code instead.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to print in a terminal or a CI log: "a\\nb" for a newline, "\\x1b" for an escape."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: {"\n": "\\n", "\r": "\\r"}.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def _property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def rel(path: Path, root: Path) -> str:
    """A path as shown in messages: relative to the site, forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def counted(number: int, noun: str) -> str:
    """"1 article", "0 articles", "2 articles": every count printed to users goes through here,
    so that none reads "1 files". `noun` is the singular; each noun newsroom counts takes an -s."""
    return f"{number} {noun}{'s' * (number != 1)}"
