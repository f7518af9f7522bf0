"""Located input problems and the exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass

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


class InputError(Exception):
    """Raised once with every problem found in the inputs."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
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
