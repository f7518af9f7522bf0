"""Located input problems and the exception that carries them."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from operator import attrgetter

from signalscore.safe_text import one_line


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one input file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    where: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        """The problem on one line, control and bidi characters of file names and values shown escaped."""
        where = self.where or "(document)"
        prefix = "warning: " if self.severity == "warning" else ""
        return one_line(f"{self.path}:{self.line}:{self.column}: {where}: {prefix}{self.message}")


# The order of problems (path, line, column, ...) as a key: sorting by it is the dataclass's order, and many
# times faster than its generated comparisons (validate sorts tens of thousands of warnings).
IN_ORDER = attrgetter(*(f.name for f in fields(Problem)))


class InputError(Exception):
    """Raised once with every problem found in the inputs."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=IN_ORDER)
        super().__init__("\n".join(str(p) for p in self.problems))


Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """A problem located by its path inside one document, before positions are known."""

    loc: Loc
    message: str
    at_key: bool = False
    severity: str = "error"


class UsageError(Exception):
    """A command-line argument that names nothing usable (exit status 2)."""


EXCERPT = 40  # characters of an input value a message may quote


def excerpt(value: object) -> str:
    """An input value as a message may quote it: short, quoted if text, every invisible character escaped.

    Text is cut to EXCERPT characters (an ellipsis marks the cut) before escaping, and repr escapes
    control and format characters (ESC, newlines, U+202E) visibly, so a message stays one short line
    whatever the file holds; a secret in a file read by mistake is never printed whole.
    """
    if isinstance(value, str):
        if len(value) <= EXCERPT:
            return repr(value)
        shown = repr(value[: EXCERPT - 1])
        return shown[:-1] + "…" + shown[-1]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**EXCERPT:
        try:
            return f"a whole number of {len(str(abs(value)))} digits"
        except ValueError:  # more digits than Python converts to text
            return "a whole number of thousands of digits"
    return str(value)


def number(value: float) -> str:
    """A bound as a person writes it: 0, 0.5, 1e6, -1e12."""
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", f"{value:g}")
