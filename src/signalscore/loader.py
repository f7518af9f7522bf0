"""Files to validated models: discovery, classification, validation and rubric resolution."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from signalscore.case import Case, case_issues, coding_issues
from signalscore.document import Document, parse_file
from signalscore.errors import InputError, Issue, Problem, UsageError
from signalscore.rubric import Rubric, rubric_issues

M = TypeVar("M", bound=BaseModel)


@dataclass
class Corpus:
    """Cases and the rubric each is scored with."""

    rubrics: dict[str, Rubric] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    rubric_of: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def rubric_for(self, case: Case) -> Rubric:
        """The rubric a case is scored with."""
        return self.rubrics[self.rubric_of[case.id]]


def yaml_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Every YAML file named or found below the paths, each once, in a stable order."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), 1, 1, "", "no such file or folder"))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return [Path(_display(p)) for p in unique], problems


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def kind_of(data: Any) -> str | None:
    """'rubric', 'case' or None for a top-level document."""
    if not isinstance(data, dict):
        return None
    if "features" in data:
        return "rubric"
    return "case" if "rubric" in data or "codings" in data else None


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


def _unknown_key(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    tp: Any = model
    for part in loc[:-1]:
        tp = _step(tp, part)
    known = list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []
    close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {loc[-1]!r}{hint}"


def _message(model: type[BaseModel], error: Any) -> Issue:
    loc = tuple(part for part in error["loc"] if part != "[key]")
    if error["type"] == "extra_forbidden":
        return Issue(loc, _unknown_key(model, loc), at_key=True)
    if error["type"] == "missing":
        return Issue(loc, f"missing required key {loc[-1]!r}")
    message = str(error["msg"]).removeprefix("Value error, ")
    return Issue(loc, message[:1].lower() + message[1:])


def validate_model(model: type[M], doc: Document) -> tuple[M | None, list[Problem]]:
    """Validate a document's data against a model; every error located."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [doc.problem(_message(model, e)) for e in exc.errors(include_url=False)]


@dataclass
class _Parsed:
    rubrics: list[tuple[Rubric, Document]] = field(default_factory=list)
    cases: list[tuple[Case, Document]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    read: list[Path] = field(default_factory=list)


def _read(files: Sequence[Path], parsed: _Parsed) -> None:
    for path in files:
        parsed.read.append(path)
        doc, problems = parse_file(path)
        parsed.problems += problems
        if problems:
            continue
        kind = kind_of(doc.data)
        if kind is None:
            what = "a mapping" if isinstance(doc.data, dict) else f"a {type(doc.data).__name__}"
            message = f"not a rubric (no 'features' key) or a case (no 'rubric' or 'codings' key): found {what}"
            parsed.problems.append(Problem(doc.path, 1, 1, "", message))
        elif kind == "rubric":
            _add(Rubric, doc, parsed.rubrics, parsed.problems, rubric_issues)
        else:
            _add(Case, doc, parsed.cases, parsed.problems, case_issues)


def _add(model: type[M], doc: Document, into: list[tuple[M, Document]], problems: list[Problem], check: Any) -> None:
    item, found = validate_model(model, doc)
    if item is not None:
        found = [doc.problem(issue) for issue in check(item)]
        into.append((item, doc))
    problems += found


def _unique_ids(items: Sequence[tuple[Any, Document]], noun: str) -> list[Problem]:
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for item, doc in items:
        if item.id in first:
            message = f"duplicate {noun} id {item.id!r} (first in {first[item.id]})"
            problems.append(doc.problem(Issue(("id",), message)))
        first.setdefault(item.id, doc.path)
    return problems


def _library(rubrics_dir: Path, known: set[str], parsed: _Parsed) -> None:
    """Add the rubrics of the rubrics folder (files not already read)."""
    if not rubrics_dir.is_dir():
        return
    files, _ = yaml_files([rubrics_dir])
    extra = _Parsed()
    _read([f for f in files if str(f) not in known], extra)
    parsed.rubrics += extra.rubrics
    parsed.problems += extra.problems
    parsed.read += extra.read


def _override(rubric: str, rubrics: dict[str, Rubric], parsed: _Parsed, rubrics_dir: Path) -> Rubric:
    path = Path(rubric)
    if path.is_file():
        found = _Parsed()
        _read([path], found)
        if found.problems:
            raise InputError(found.problems)
        if not found.rubrics:
            raise UsageError(f"rubric {rubric}: the file is not a rubric")
        # The override stands apart from the rubrics folder: a copy of a rubric there is no duplicate.
        parsed.read.append(path)
        return found.rubrics[0][0]
    if rubric in rubrics:
        return rubrics[rubric]
    known = ", ".join(sorted(rubrics)) or "none"
    raise UsageError(f"rubric {rubric!r}: no such file, and no rubric with that id in {rubrics_dir}/ (known: {known})")


def _assign(case: Case, doc: Document, corpus: Corpus, override: Rubric | None, rubrics_dir: Path) -> list[Problem]:
    rubric = override or corpus.rubrics.get(case.rubric)
    if rubric is None:
        known = ", ".join(sorted(corpus.rubrics)) or "none"
        message = f"rubric {case.rubric!r} not found in the paths given or in {rubrics_dir}/ (known: {known})"
        return [doc.problem(Issue(("rubric",), message))]
    corpus.rubrics.setdefault(rubric.id, rubric)
    corpus.rubric_of[case.id] = rubric.id
    corpus.cases.append(case)
    corpus.files[case.id] = Path(doc.path)
    differs = override is not None and override.id != case.rubric
    return [doc.problem(issue) for issue in coding_issues(case, rubric, override=differs)]


def load(paths: Sequence[Path], rubric: str | None = None, rubrics_dir: Path = Path("rubrics")) -> Corpus:
    """Load every rubric and case under the paths; raise InputError with every problem."""
    files, missing = yaml_files(paths)
    parsed = _Parsed(problems=missing)
    _read(files, parsed)
    _library(rubrics_dir, {str(f) for f in files}, parsed)
    rubrics = {item.id: item for item, _ in reversed(parsed.rubrics)}
    override = _override(rubric, rubrics, parsed, rubrics_dir) if rubric else None
    corpus = Corpus(rubrics={override.id: override} if override else dict(rubrics), inputs=parsed.read)
    problems = parsed.problems + _unique_ids(parsed.rubrics, "rubric") + _unique_ids(parsed.cases, "case")
    for case, doc in parsed.cases:
        problems += _assign(case, doc, corpus, override, rubrics_dir)
    corpus.warnings = [p for p in problems if p.severity == "warning"]
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    if override is None:
        used = set(corpus.rubric_of.values()) | {item.id for item, doc in parsed.rubrics if doc.path in map(str, files)}
        corpus.rubrics = {k: v for k, v in corpus.rubrics.items() if k in used}
    return corpus
