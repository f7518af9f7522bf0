"""What the source lines show about a YAML mistake: a syntax error in words, and a comment that cut a value.

PyYAML says "found character that cannot start any token" for a tab and "did not find expected key"
for an apostrophe inside single quotes; the mark and the line it points into say what the author did.
Each diagnosis is a message `what is wrong: how to fix it`, or None when the error is none of these.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml
from yaml.nodes import ScalarNode

from signalscore.errors import excerpt

_QUOTE_THE_VALUE = "put the whole value in quotes"
_RESERVED = {"@": "'@'", "`": "a backtick (`)", "%": "'%'"}
_INDICATORS = {
    "*": "starts an alias (a reference to an anchor)",
    "&": "starts an anchor (a name for the value)",
    "[": "starts a list",
    "{": "starts a mapping",
    "|": "starts a block of text on the lines below",
    ">": "starts a block of text on the lines below",
    "-": "starts a list item",
    "?": "starts a complex key",
}
_KEY = re.compile(r"^\s*(?:- )?(?:[^\s#'\"][^:#]*|'[^']*'|\"[^\"]*\"):(?: |$)")


class _Spot:
    """Where a syntax error points: its line of text, the column in it, and PyYAML's words."""

    def __init__(self, text: str, exc: yaml.MarkedYAMLError) -> None:
        mark = exc.problem_mark
        assert mark is not None
        lines = text.splitlines() or [""]
        self.line = lines[mark.line] if mark.line < len(lines) else ""
        self.column = mark.column
        self.problem = str(exc.problem or "")
        self.context = str(exc.context or "")
        start = exc.context_mark
        self.started = lines[start.line][start.column :] if start is not None and start.line < len(lines) else ""
        self.opened = f"line {start.line + 1}, column {start.column + 1}" if start is not None else ""

    @property
    def char(self) -> str:
        return self.line[self.column : self.column + 1]

    @property
    def no_key(self) -> bool:
        """A key was expected (libyaml's words, then PyYAML's)."""
        return "expected key" in self.problem or "expected <block end>" in self.problem

    @property
    def before(self) -> str:
        """The line before the mark, trailing spaces removed."""
        return self.line[: self.column].rstrip(" ")


def _tab(spot: _Spot) -> str | None:
    if "tab" in spot.problem or (spot.char == "\t" and "cannot start any token" in spot.problem):
        return "a tab character: YAML indents with spaces only; replace the tab with spaces"
    return None


def _reserved(spot: _Spot) -> str | None:
    if "cannot start any token" in spot.problem and spot.char in _RESERVED:
        return f"a plain value cannot start with {_RESERVED[spot.char]}: {_QUOTE_THE_VALUE}"
    return None


def _indicator(spot: _Spot) -> str | None:
    """A value whose first character YAML reads as structure: *, &, [, {, |, >, - and ?."""
    if spot.context.startswith(
        ("while scanning an alias", "while scanning an anchor", "while scanning a block scalar")
    ):
        first = spot.started[:1]
    elif any(words in spot.problem for words in ("sequence entries are not allowed", "mapping keys are not allowed")):
        first = spot.char
    elif spot.before.endswith(("]", "}")) and spot.no_key:
        first = "[" if spot.before.endswith("]") else "{"
    else:
        return None
    what = _INDICATORS.get(first)
    return f"a value that begins with '{first}' {what}: {_QUOTE_THE_VALUE}" if what else None


def _quoting(spot: _Spot) -> str | None:
    """Text right after a closing quote: an apostrophe inside '...', or a value only partly quoted."""
    if not spot.before.endswith(("'", '"')) or spot.char in ("", "#"):
        return None
    if spot.before.endswith("'") and spot.column == len(spot.before) and spot.char.isalnum():
        word = re.search(r"(\w*)'$", spot.before)[1] + "''" + re.match(r"\w*", spot.line[spot.column :])[0]  # type: ignore[index]
        return (
            f"an apostrophe inside a value in single quotes ends it: write the apostrophe twice ({word}), "
            "or put the value in double quotes"
        )
    return f"text after a closing quote: {_QUOTE_THE_VALUE} (in single quotes if it holds double quotes)"


def _unclosed(spot: _Spot) -> str | None:
    if spot.context.startswith("while scanning a quoted scalar") and "end of stream" in spot.problem:
        quote = spot.started[:1]
        return f"the quote {quote} opened at {spot.opened} is never closed: end the value with {quote}"
    return None


def _colon(spot: _Spot) -> str | None:
    if not spot.problem.startswith("mapping values are not allowed") or spot.char != ":":
        return None
    if _KEY.match(spot.line[: spot.column]):  # a key earlier on the line: the value holds ': '
        return f"': ' (a colon and a space) inside a plain value reads as a new key: {_QUOTE_THE_VALUE}"
    return _indented()


def _indentation(spot: _Spot) -> str | None:
    if spot.no_key and not spot.before.strip():
        return _indented()
    return None


def _indented() -> str:
    return "this line is indented more than the keys above it: indent it as far as the keys of its mapping"


_DIAGNOSES: tuple[Callable[[_Spot], str | None], ...] = (
    _tab,
    _reserved,
    _indicator,
    _quoting,
    _unclosed,
    _colon,
    _indentation,
)


def diagnose(text: str, exc: yaml.MarkedYAMLError) -> str | None:
    """What is wrong at a syntax error and how to fix it, or None when no diagnosis fits."""
    if exc.problem_mark is None:
        return None
    spot = _Spot(text, exc)
    for check in _DIAGNOSES:
        if found := check(spot):
            return found
    return None


# Keys whose values are prose: a ' #' inside a plain value there starts a comment, and the rest of the text is lost.
PROSE = frozenset({"quote", "rationale", "title", "summary", "episode", "note", "label", "description", "guidance"})
_COMMENT = re.compile(r"[ \t]+#")
COMMENT_RULE = "comment-after-value"


def comment_after(lines: list[str], node: ScalarNode, value: object) -> tuple[int, int, str] | None:
    """Line, column of the '#' and a message when a comment follows a plain value on its line
    (`quote: held talks #1 priority` reads 'held talks'); None for a quoted value or no comment."""
    end = node.end_mark
    line = lines[end.line] if end.line < len(lines) else ""
    found = None if node.style else _COMMENT.match(line, end.column)  # plain: None (Python parser), "" (C)
    if found is None:
        return None
    read = "is empty" if value is None else f"reads {excerpt(value)}"
    message = (
        f"the text after ' #' is a comment, so the value {read}: if the '#' belongs to the value,"
        f" put the whole value in quotes ({COMMENT_RULE})"
    )
    return end.line + 1, found.end(), message


ANCHOR_RULE = "anchor-before-value"
_ANCHOR = re.compile(r"&[^ \t\r\n,\[\]{}]*")
# Warnings that text of a value was lost: every command prints them, not only validate.
LOST_TEXT = (COMMENT_RULE, ANCHOR_RULE)


def anchor_before(lines: list[str], node: ScalarNode, value: object) -> tuple[int, int, str] | None:
    """Line, column and a message when a value starts with a YAML anchor (`title: &Co report` reads 'report',
    `&Co` naming it for an alias); None otherwise."""
    start = node.start_mark
    line = lines[start.line] if start.line < len(lines) else ""
    found = _ANCHOR.match(line, start.column)
    if found is None:
        return None
    message = (
        f"{excerpt(found.group())} before the value is a YAML anchor, not text, so the value reads"
        f" {excerpt(value)}: if the '&' belongs to the value, put the whole value in quotes ({ANCHOR_RULE})"
    )
    return start.line + 1, start.column + 1, message
