"""The words of every input problem: what was expected, what was found, what was probably meant."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel

from signalscore.errors import excerpt, number
from signalscore.syntax_hints import diagnose
from signalscore.yaml_core import plain_reading, yaml11_form, yaml11_reading

if TYPE_CHECKING:
    from signalscore.rubric import Scale

MISSING_WORDS = ("n/a", "unknown")


CLOSE = 0.6  # how alike (difflib's ratio) a known word must be to be suggested
# Case ids share a prefix (sender, recipient, year): 'alpha-1999' is 0.7 like 'alpha-2010', a different case.
CLOSE_CASE = 0.8


def suggestion(name: str, known: Iterable[str], cutoff: float = CLOSE) -> str | None:
    """The known word closest to a mistyped one, if one is close: the one rule behind every 'did you mean'."""
    if not isinstance(name, str):  # a partly valid document may hold anything
        return None
    close = difflib.get_close_matches(name, sorted({k for k in known if isinstance(k, str)}), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """' (did you mean 'X'?)' for the closest known word, else nothing."""
    close = suggestion(name, known)
    return f" (did you mean {close!r}?)" if close else ""


def _step(tp: Any, part: str | int) -> Any:
    """The type one step down a validation path (for suggesting known keys)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _step(typing.get_args(tp)[0], part)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _step(inner[0], part) if len(inner) == 1 else None
    if origin is tuple:
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    if isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
        return tp.model_fields[str(part)].annotation
    return None


def meant(model: type[BaseModel], loc: tuple[str | int, ...]) -> str | None:
    """The known key closest to the unknown key at loc, if one is close."""
    tp: Any = model
    for part in loc[:-1]:
        tp = _step(tp, part)
    known = list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []
    return suggestion(str(loc[-1]), known)


def unknown_key(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """An unknown key, with the known key it probably means."""
    close = meant(model, loc)
    hint = f" (did you mean {close!r}?)" if close else ""
    return f"unknown key {excerpt(loc[-1])}{hint}"


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "tuple_type": "a list",
    "list_type": "a list",
    "invalid_key": "a key that is text",
    "string_too_short": "non-empty text",
}
_SHOWN = 8  # ids listed when none is close
_BOUNDS = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}
_BOUND_WORDS = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
_PATTERNS = {
    "^[a-z0-9][a-z0-9-]*$": "an id of lowercase letters, digits and '-' (such as 'support-signals')",
    "^[a-z][a-z0-9_]*$": "an id of lowercase letters, digits and '_' that starts with a letter (such as 'summit_held')",
}


def found(value: Any) -> str:
    """A value as the YAML author would describe it."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int) and not isinstance(value, bool):
        return excerpt(value) if value != "" else "empty text"
    if isinstance(value, dict | list):
        kind = "mapping" if isinstance(value, dict) else "list"
        return f"a {kind}" if value else f"an empty {kind}"
    return f"the date {value}" if isinstance(value, dt.date) else str(value)


def expected(kind: str, ctx: dict[str, Any]) -> str | None:
    """What a pydantic error type says was expected, in our words; None for our own validators."""
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind in _BOUNDS:
        bound = _BOUNDS[kind]
        return f"a number {_BOUND_WORDS[bound]} {number(ctx[bound])}"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(ctx["pattern"], f"text matching {ctx['pattern']}")
    if kind == "literal_error":
        return str(ctx["expected"])
    if kind == "too_short":
        count = ctx["min_length"]
        return f"at least {count} item{'s' * (count != 1)}"
    return "a date such as 2008-08-28" if kind.startswith("date_") else None


def hint(kind: str, error: Any, wanted: str) -> str:
    """A likely fix: quoting what YAML read as a number, date or boolean; a YAML 1.1 number rewritten; a close word."""
    value = error.get("input")
    numeric = any(word in wanted for word in ("number", "true or false", "coded value"))
    if numeric and isinstance(value, str) and (reading := yaml11_reading(value, "true or false" in wanted)):
        return f" ({reading})"
    if "number" in wanted and isinstance(value, int) and abs(value) > 2**53:
        return " (far too large)"
    if "text" in wanted and isinstance(value, int | float | dt.date):  # bool is an int: yes, no, on, off
        return " (quote it to make it text)"
    if "n/a or unknown" in wanted and isinstance(value, str):
        return did_you_mean(value.lower(), MISSING_WORDS)
    if kind == "literal_error" and isinstance(value, str):
        return did_you_mean(value, re.findall(r"'([^']*)'", str(error["ctx"]["expected"])))
    return ""


def coded_text(text: str, scale: Scale) -> str:
    """What a coder who wrote text as a coded value probably meant: a missing word, the number or boolean
    without quotes, a YAML 1.1 form rewritten, the level whose label it is; said only when that is valid."""
    if close := did_you_mean(text.lower(), MISSING_WORDS):
        return close
    if (reading := plain_reading(text)) is not None and scale.value_problem(reading) is None:
        return f" (in quotes it is text: write {text} without quotes)"
    if form := yaml11_form(text, booleans=scale.type == "binary"):
        valid = scale.value_problem(plain_reading(form[1])) is None
        return f" ({form[0]}; write {form[1]})" if valid else f" ({form[0]})"
    wanted = text.strip().lower()
    for level, named in sorted((scale.levels or {}).items()):
        label = named.label.strip().lower()
        if wanted in (label, label.split(":")[0].strip()):
            return f" ({excerpt(text)} is the label of level {level}: write {level})"
    return ""


def neither(data: Any) -> str:
    """Why a top-level document is neither a rubric nor a case."""
    if data is None:
        return "the document is empty: expected a rubric or a case"
    if not isinstance(data, dict):
        return f"expected a rubric or a case (a mapping of keys to values), found {found(data)}"
    near = [(k, m) for k in data for m in difflib.get_close_matches(str(k), ["features", "rubric", "codings"], 1)]
    hint = f" (found {excerpt(near[0][0])}: did you mean {near[0][1]!r}?)" if near else ""
    return f"neither a rubric nor a case: a rubric has a 'features' key, a case a 'rubric' or 'codings' key{hint}"


def closest(name: str, known: Iterable[str], noun: str = "known", cutoff: float = CLOSE) -> str:
    """'did you mean X?' for the closest known id, else the list of known ids ('known: a, b and 3 more')."""
    ids = sorted(set(known))
    if close := suggestion(name, ids, cutoff):
        return f"did you mean {close!r}?"
    more = f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else ""
    return f"{noun}: {', '.join(ids[:_SHOWN]) or 'none'}{more}"


def unknown_case(name: str, known: Iterable[str]) -> str:
    """After a case id that names no case: the case probably meant, else the cases there are."""
    return closest(name, known, "cases", CLOSE_CASE)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def yaml_syntax(text: str, exc: yaml.YAMLError, too_deep: str) -> tuple[int, int, str]:
    """Line, column and message of a YAML syntax error, in one line, with where its context started."""
    if isinstance(exc, yaml.reader.ReaderError):
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return (*_position(text, exc.position), f"YAML syntax: control character U+{code:04X} is not allowed")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return 1, 1, f"YAML syntax: {exc}".strip()
    mark = exc.problem_mark or exc.context_mark
    at = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if "exceeded maximum nesting depth" in str(exc.problem):
        return (*at, too_deep)
    if (diagnosis := diagnose(text, exc)) is not None:
        return (*at, f"YAML syntax: {diagnosis}")
    message = f"YAML syntax: {exc.problem or exc.context}"
    if message.endswith("found undefined alias") and exc.problem_mark is not None:  # libyaml omits the name
        name = excerpt((text[exc.problem_mark.index :].split(maxsplit=1) or [""])[0].rstrip(",]}")).strip("'\"")
        return (
            *at,
            f"YAML syntax: {name} reads as an alias of an anchor {name.replace('*', '&', 1)} that is not defined:"
            " if it is text, put the whole value in quotes",
        )
    started = exc.context_mark
    if exc.context and exc.problem and exc.problem.startswith("but "):  # "expected one document, but found ..."
        message = f"YAML syntax: {exc.context}, {exc.problem}"
    elif exc.context and exc.problem and started is not None:
        message += f" ({exc.context} at line {started.line + 1}, column {started.column + 1})"
    return (*at, message)
