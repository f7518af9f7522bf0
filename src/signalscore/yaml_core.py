"""Plain YAML scalars read as the YAML 1.2 core schema reads them, on PyYAML's fast C parser.

PyYAML implements YAML 1.1, where `010` is 8, `1:30` is 90, `1_0` is 10, `yes` is true and
`1e3` is text. signalscore reads numbers and booleans as YAML 1.2 does, except that an integer
with a leading zero (`010`), which YAML 1.1 tools read as octal and YAML 1.2 as decimal, is text:
where a number is expected, the message says what to write instead (see docs/format.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

try:  # the C parser is several times faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

TAG = "tag:yaml.org,2002:"
BOOL, INT, FLOAT = TAG + "bool", TAG + "int", TAG + "float"
_INT = r"[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+"
_FLOAT = r"[-+]?(?:(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)"
_SPECIAL = r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
_BOOL = r"true|True|TRUE|false|False|FALSE"
# An explicit tag (!!int 010, !!float 1) takes every form of the YAML 1.2 core schema.
_TAGGED_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_TAGGED_FLOAT = re.compile(rf"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|{_SPECIAL}")
_DROPPED = {BOOL, INT, FLOAT, TAG + "value"}  # `=` is text in YAML 1.2


def core_loader(base: type[Any]) -> type[Any]:
    """A loader class on `base` (the C or the pure-Python safe loader) with the YAML 1.2 core implicit types."""
    resolvers = {
        first: [(tag, rx) for tag, rx in entries if tag not in _DROPPED]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    loader: type[Any] = type("CoreLoader", (base,), {"yaml_implicit_resolvers": resolvers})
    loader.add_implicit_resolver(BOOL, re.compile(rf"^(?:{_BOOL})$"), list("tTfF"))
    loader.add_implicit_resolver(INT, re.compile(rf"^(?:{_INT})$"), list("-+0123456789"))
    loader.add_implicit_resolver(FLOAT, re.compile(rf"^(?:{_FLOAT}|{_SPECIAL})$"), list("-+.0123456789"))
    return loader


CoreLoader = core_loader(_Base)


def _int(text: str) -> int:
    if not _TAGGED_INT.fullmatch(text):
        raise ValueError(text)
    base = {"0o": 8, "0x": 16}.get(text[:2], 10)
    return int(text[2:] if base != 10 else text, base)


def _float(text: str) -> float:
    if not _TAGGED_FLOAT.fullmatch(text):
        raise ValueError(text)
    if text.lower().lstrip("+-") in (".inf", ".nan"):
        sign = -1.0 if text.startswith("-") else 1.0
        return sign * math.inf if "inf" in text.lower() else math.nan
    return float(text)


def _bool(text: str) -> bool:
    return {"true": True, "false": False}[text.lower()]


_READERS: dict[str, Callable[[str], Any]] = {INT: _int, FLOAT: _float, BOOL: _bool}
_CONSTRUCTOR = SafeConstructor()


def construct(node: ScalarNode) -> Any:
    """The value of a scalar with a known tag; ValueError, LookupError and the like for text it cannot read."""
    reader = _READERS.get(node.tag)
    if reader is not None:
        return reader(node.value)
    return _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)


# YAML 1.1 forms that are text here, and how to write the number (or boolean) they meant.
_SEXAGESIMAL = re.compile(r"([-+]?)([0-9][0-9_]*(?::[0-5]?[0-9])+)(\.[0-9_]*)?")
_UNDERSCORED = re.compile(r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?0x[0-9a-fA-F_]+")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_BINARY = re.compile(r"([-+]?)0b([01_]+)")
_WORDS = {"yes": "true", "no": "false", "on": "true", "off": "false", "y": "true", "n": "false"}


def yaml11_reading(text: str, booleans: bool = True) -> str | None:
    """How to write what a YAML 1.1 tool would have read as a number (or boolean), if the text is such a form."""
    form = yaml11_form(text, booleans)
    return f"{form[0]}; write {form[1]}" if form else None


def yaml11_form(text: str, booleans: bool = True) -> tuple[str, str] | None:
    """Why text that a YAML 1.1 tool reads as a number (or boolean) is text here, and what to write instead."""
    if booleans and text.lower() in _WORDS:
        return f"{text} is text in YAML 1.2", _WORDS[text.lower()]
    if _LEADING_ZERO.fullmatch(text):
        return "with a leading zero it is text, not octal or decimal", str(int(text))
    if match := _BINARY.fullmatch(text):
        return "0b numbers are text", f"{match[1]}{int(match[2].replace('_', ''), 2)}"
    if match := _SEXAGESIMAL.fullmatch(text):
        value = 0
        for part in match[2].replace("_", "").split(":"):
            value = value * 60 + int(part)
        fraction = (match[3] or "").replace("_", "")
        return "base-60 numbers are text", f"{match[1]}{value}{fraction}"
    if "_" in text and _UNDERSCORED.fullmatch(text):
        return "numbers with _ are text", text.replace("_", "")
    return None


_READER = CoreLoader("")  # only its resolver is used: how signalscore reads a plain scalar


def plain_reading(text: str) -> Any:
    """What text reads as when written plain (unquoted): a number or a boolean, else None (it stays text)."""
    reader = _READERS.get(_READER.resolve(yaml.ScalarNode, text, (True, False)))
    try:
        return reader(text) if reader else None
    except ValueError:
        return None


class CoreDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting every string that a YAML 1.2 reader would not read back as that string.

    PyYAML quotes by the YAML 1.1 rules, so it writes `1e3` or `0o17` plain, and signalscore, which reads
    YAML 1.2, would read those as numbers: a file it writes would then not validate as written.
    """


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    plain_is_text = _READER.resolve(yaml.ScalarNode, text, (True, False)) == TAG + "str"
    return dumper.represent_scalar(TAG + "str", text, style=None if plain_is_text else '"')


CoreDumper.add_representer(str, _represent_text)


def dump(data: Any, **options: Any) -> str:
    """YAML text that signalscore reads back as the same data."""
    return str(yaml.dump(data, Dumper=CoreDumper, **options))
