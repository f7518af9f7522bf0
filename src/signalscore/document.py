"""YAML text to plain data with the position of every key and value, safely."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from signalscore.errors import EXCERPT, Issue, Loc, Problem, excerpt
from signalscore.inputs import MAX_BYTES as MAX_BYTES
from signalscore.inputs import Unreadable, read_limited
from signalscore.messages import yaml_syntax
from signalscore.syntax_hints import PROSE, anchor_before, comment_after
from signalscore.yaml_core import CoreLoader as _Loader
from signalscore.yaml_core import construct

MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
# What a scalar constructor of PyYAML may raise on text it cannot read (e.g. `!!bool maybe`, 2008-13-45).
_BAD_SCALAR = (ValueError, OverflowError, TypeError, LookupError, yaml.YAMLError)
_KINDS = {_TAG + "timestamp": "date", _TAG + "int": "whole number", _TAG + "float": "number", _TAG + "bool": "boolean"}
_WORD = re.compile(r"[\w/-]+")
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"


@dataclass
class Document:
    """One parsed YAML file: its data, where each part of it stands, and what could not be read."""

    path: str
    data: Any = None
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    built: bool = False
    damaged: list[Loc] = field(default_factory=list)

    def problem(self, issue: Issue) -> Problem:
        """Turn an issue located by path into one located by line and column."""
        loc = issue.loc
        table = self.keys if issue.at_key and loc in self.keys else self.values
        while loc and loc not in table:
            loc, table = loc[:-1], self.values
        line, column = table.get(loc, (1, 1))
        return Problem(self.path, line, column, dotted(issue.loc), issue.message, issue.severity)

    def first_line(self, message: str) -> Problem:
        """A problem of the whole document, at its first key or value."""
        line, column = self.values.get((), (1, 1))
        return Problem(self.path, line, column, "", message)


class _Refused(Exception):
    """A structure we will not build at all (too deep, too many aliases), at a position."""

    def __init__(self, at: tuple[int, int], message: str, where: str = "") -> None:
        super().__init__(message)
        self.at = at
        self.where = where


def dotted(loc: Loc) -> str:
    """A location as `features.3.weight`; a key that is not a plain word is quoted (and cut), so output stays one line."""
    return ".".join(_part(part) for part in loc)


def _part(part: str | int) -> str:
    word = isinstance(part, str) and len(part) <= EXCERPT and _WORD.fullmatch(part)
    return part if word else excerpt(part)  # type: ignore[return-value]


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Builds plain data from a node tree: records positions, bounds alias expansion, refuses tags."""

    def __init__(self, doc: Document, lines: list[str]) -> None:
        self.doc = doc
        self.lines = lines
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.expanded = 0
        self.alias: Loc | None = None  # where the outermost alias being expanded is used
        self.problems: list[Problem] = []

    def build(self, node: Node, loc: Loc) -> Any:
        self.doc.values[loc] = _mark(node)
        outermost = self._bound(node, loc)
        try:
            return self._node(node, loc)
        finally:
            if outermost:
                self.alias = None

    def _node(self, node: Node, loc: Loc) -> Any:
        if isinstance(node, ScalarNode):
            return self._scalar(node, loc)
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode) and node.tag == _TAG + "map":
                return self._mapping(node, loc)
            return self._damaged(node, loc, f"unsupported YAML tag {_tag_name(node.tag)}")
        finally:
            self.open.discard(id(node))

    def _bound(self, node: Node, loc: Loc) -> bool:
        """Refuse too deep a node, a recursive alias, or one alias too many; True at an outermost alias."""
        if len(loc) > MAX_DEPTH:
            raise _Refused(_mark(node), _TOO_DEEP)
        if id(node) in self.open:
            raise _Refused(_mark(node), "an alias refers to the node that contains it (a recursive alias)")
        if id(node) not in self.seen:  # the first time: a node in its place, not an alias
            self.seen.add(id(node))
            return False
        self.expanded += 1
        if self.expanded > MAX_ALIAS_NODES:
            alias = self.alias if self.alias is not None else loc
            at = self.doc.keys.get(alias) or self.doc.values.get(alias[:-1], (1, 1))
            message = f"aliases expand to more than {MAX_ALIAS_NODES} values (a 'billion laughs' file?)"
            raise _Refused(at, message, dotted(alias))
        outermost = self.alias is None
        self.alias = self.alias if self.alias is not None else loc
        return outermost

    def _report(self, node: Node, loc: Loc, message: str) -> None:
        self.problems.append(Problem(self.doc.path, *_mark(node), dotted(loc), message))

    def _damaged(self, node: Node, loc: Loc, message: str) -> None:
        """Record a part we will not read; it becomes None and is not validated further."""
        self._report(node, loc, message)
        self.doc.damaged.append(loc)

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        value, refusal = _construct(node)
        if refusal:
            return self._damaged(node, loc, refusal)
        if loc and loc[-1] in PROSE and self.alias is None:  # (once, where the value is written, not at aliases)
            for lost in (comment_after(self.lines, node, value), anchor_before(self.lines, node, value)):
                if lost:
                    line, column, message = lost
                    self.problems.append(Problem(self.doc.path, line, column, dotted(loc), message, "warning"))
        return value

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first: dict[Any, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, loc)
            if key is _SKIP:
                continue
            if key in first:  # the first value stands and is validated
                line, column = first[key]
                self._report(
                    key_node, (*loc, key), f"duplicate key {excerpt(key)} (first at line {line}, column {column})"
                )
                continue
            first[key] = _mark(key_node)
            self.doc.keys[(*loc, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _key(self, node: Node, loc: Loc) -> Any:
        """A mapping key, or _SKIP (reported) for one we will not read; only that entry is dropped."""
        if node.tag == _TAG + "merge":  # the mapping lacks the merged keys: checking it would only say so
            self.doc.damaged.append(loc)
            refusal: str | None = "merge keys (<<) are not supported; write the keys out"
        elif not isinstance(node, ScalarNode):
            refusal = "a mapping key must be a plain value, not a list or mapping"
        else:
            key, refusal = _construct(node)
        if refusal:
            self._report(node, loc, refusal)
            return _SKIP
        return key


def _construct(node: ScalarNode) -> tuple[Any, str | None]:
    """A scalar's value, or why we refuse it."""
    if node.tag not in _SCALAR_TAGS:
        return None, f"unsupported YAML tag {_tag_name(node.tag)}"
    try:
        return construct(node), None
    except _BAD_SCALAR as exc:
        kind = _KINDS.get(node.tag, "value")
        why = f": {exc}" if kind == "date" else ""  # Python's words help only for dates (month must be in 1..12)
        return None, f"{excerpt(node.value)} is not a valid {kind}{why}"


_SKIP = object()


def _located(path: str, mark: Any, message: str) -> Problem:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(path, line, column, "", message)


class _Failed(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _decode(path: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", errors="replace")) + 1
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise _Failed(Problem(path, line, column, "", message)) from None


def _compose(path: str, text: str) -> Node | None:
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    except yaml.YAMLError as exc:
        line, column, message = yaml_syntax(text, exc, _TOO_DEEP)
        raise _Failed(Problem(path, line, column, "", message)) from None
    except RecursionError:  # only the pure-Python parser recurses; the C one stops at depth 1000
        raise _Failed(_located(path, None, _TOO_DEEP)) from None
    finally:
        loader.dispose()


def parse_text(path: str, text: str) -> tuple[Document, list[Problem]]:
    """Parse YAML text into a document; problems instead of exceptions."""
    doc = Document(path)
    try:
        node = _compose(path, text)
        if node is None:
            return doc, [Problem(path, 1, 1, "", "the file is empty (nothing but blank lines or comments)")]
        builder = _Builder(doc, text.splitlines())
        doc.data = builder.build(node, ())
    except _Failed as exc:
        return Document(path), [exc.problem]
    except _Refused as exc:
        return Document(path), [Problem(path, *exc.at, exc.where, exc.args[0])]
    doc.built = True
    return doc, builder.problems


def parse_file(path: Path) -> tuple[Document, list[Problem]]:
    """Read and parse one YAML file: a regular file within the size limit, or a problem saying why not."""
    name = str(path)
    try:
        return parse_text(name, _decode(name, read_limited(path, MAX_BYTES)))
    except _Failed as exc:
        return Document(name), [exc.problem]
    except Unreadable as exc:
        return Document(name), [Problem(name, 1, 1, "", str(exc))]
    except OSError as exc:
        return Document(name), [Problem(name, 1, 1, "", f"cannot read: {exc.strerror or exc}")]
