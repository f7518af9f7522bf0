"""YAML text to plain data with the position of every key and value, safely."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from signalscore.errors import Issue, Loc, Problem

try:  # the C parser is several times faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONSTRUCTOR = SafeConstructor()


@dataclass
class Document:
    """One parsed YAML file: its data and where each part of it stands."""

    path: str
    data: Any = None
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def problem(self, issue: Issue) -> Problem:
        """Turn an issue located by path into one located by line and column."""
        loc = issue.loc
        table = self.keys if issue.at_key and loc in self.keys else self.values
        while loc and loc not in table:
            loc, table = loc[:-1], self.values
        line, column = table.get(loc, (1, 1))
        where = ".".join(str(part) for part in issue.loc)
        return Problem(self.path, line, column, where, issue.message, issue.severity)


class _Refused(Exception):
    """A structure we will not build, at a node."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node = node


class _Builder:
    """Builds plain data from a node tree, recording positions and bounding alias expansion."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.expanded = 0

    def build(self, node: Node, loc: Loc) -> Any:
        self.doc.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(loc) > MAX_DEPTH:
            raise _Refused(node, f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in self.open:
            raise _Refused(node, "an alias refers to the node that contains it")
        if id(node) in self.seen:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_NODES:
                raise _Refused(node, f"aliases expand to more than {MAX_ALIAS_NODES} nodes")
        self.seen.add(id(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode) and node.tag == _TAG + "map":
                return self._mapping(node, loc)
            raise _Refused(node, f"unsupported YAML tag {node.tag!r}")
        finally:
            self.open.discard(id(node))

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise _Refused(node, f"unsupported YAML tag {node.tag!r}")
        return _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                raise _Refused(key_node, "merge keys (<<) are not supported")
            if not isinstance(key_node, ScalarNode):
                raise _Refused(key_node, "a mapping key must be a plain value")
            key = self._scalar(key_node)
            if key in result:
                raise _Refused(key_node, f"duplicate key {key!r}")
            self.doc.keys[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*loc, key))
        return result


def _located(path: str, mark: Any, message: str) -> Problem:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(path, line, column, "", message)


def _decode(path: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _Failed(Problem(path, line, column, "", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")) from None


class _Failed(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _compose(path: str, text: str) -> Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise _Failed(_located(path, mark, f"YAML syntax: {message}")) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise _Failed(_located(path, None, f"YAML syntax: {exc}".strip())) from None
    finally:
        loader.dispose()


def parse_text(path: str, text: str) -> tuple[Document, list[Problem]]:
    """Parse YAML text into a document; problems instead of exceptions."""
    doc = Document(path)
    try:
        node = _compose(path, text)
        if node is None:
            return doc, [Problem(path, 1, 1, "", "the file is empty")]
        doc.data = _Builder(doc).build(node, ())
    except _Failed as exc:
        return doc, [exc.problem]
    except _Refused as exc:
        return doc, [_located(path, exc.node.start_mark, exc.args[0])]
    except (ValueError, OverflowError, yaml.YAMLError) as exc:  # e.g. a timestamp out of range
        return doc, [_located(path, None, f"YAML value: {exc}")]
    return doc, []


def parse_file(path: Path) -> tuple[Document, list[Problem]]:
    """Read and parse one YAML file within the size limit."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Document(name), [Problem(name, 1, 1, "", f"file is {size} bytes; the limit is {MAX_BYTES}")]
        raw = path.read_bytes()
        return parse_text(name, _decode(name, raw))
    except _Failed as exc:
        return Document(name), [exc.problem]
    except OSError as exc:
        return Document(name), [Problem(name, 1, 1, "", f"cannot read: {exc.strerror or exc}")]
