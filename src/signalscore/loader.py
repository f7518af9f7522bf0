"""Files to validated models: discovery, classification, validation and rubric resolution."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from signalscore.cache import FIELDS, RACY_NS, Cache, Stored, decode, encode, wanted
from signalscore.cache import key_of as key_of_file
from signalscore.case import Case, CodingCheck, case_issues
from signalscore.coders import Key, choose, group_issues, key_of
from signalscore.document import Document, parse_file
from signalscore.errors import IN_ORDER, InputError, Issue, Loc, Problem, UsageError, excerpt
from signalscore.inputs import Scope
from signalscore.inputs import yaml_files as yaml_files
from signalscore.lint import lint_case
from signalscore.mapping import Mapping, mapping_issues
from signalscore.mapping import rubric_issues as mapping_rubric_issues
from signalscore.messages import closest, expected, found, hint, meant, neither, unknown_key
from signalscore.parallel import Clean, Parsed, jobs, parse_files
from signalscore.partial import partial
from signalscore.rubric import Rubric, rubric_issues
from signalscore.syntax_hints import LOST_TEXT

if TYPE_CHECKING:
    from signalscore.codings import Codings

M = TypeVar("M", bound=BaseModel)
LOST_ENDINGS = tuple(f"({rule})" for rule in LOST_TEXT)  # how the warnings that text was lost end


@dataclass
class Corpus:
    """Cases and the rubric each is scored with; several coders' files of one id are told apart by coder."""

    rubrics: dict[str, Rubric] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    rubric_of: dict[Key, str] = field(default_factory=dict)  # by (id, coder): signalscore.coders.key_of
    files: dict[Key, Path] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rubrics_dir: Path = Path("rubrics")
    lints: dict[Key, list[Problem]] = field(default_factory=dict)  # when loaded with lint or cache
    # With lint="text": the warnings of each clean case file a parsing worker read, as validate prints them,
    # by file name (then in `lints` only if one of them is a value cut short: see signalscore.lint.lint_text).
    said: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the choice of codings warns about (see scored)
    whose: dict[str, str] = field(default_factory=dict)  # row label -> whose coding, for ids coded several times
    source: Corpus | None = None  # the loaded corpus a scored one was chosen from (every coder's coding)
    # Each rubric's codings as arrays (signalscore.codings), collected once while loading: see `codings`.
    collected: dict[str, Codings] = field(default_factory=dict, repr=False, compare=False)
    mappings: list[Mapping] = field(default_factory=list)  # event-data mappings (section 10), checked

    def rubric_for(self, case: Case) -> Rubric:
        """The rubric a case is scored with."""
        return self.rubrics[self.rubric_of[key_of(case)]]

    def file_of(self, case: Case) -> Path:
        """The file a case was loaded from."""
        return self.files[key_of(case)]

    def grouped(self) -> dict[str, list[Case]]:
        """The cases of each rubric, in corpus order (no empty groups)."""
        if len(self.rubrics) == 1 and set(self.rubric_of.values()) <= set(self.rubrics):
            return {next(iter(self.rubrics)): self.cases} if self.cases else {}
        grouped: dict[str, list[Case]] = {rid: [] for rid in self.rubrics}
        for case in self.cases:
            grouped[self.rubric_for(case).id].append(case)
        return {rid: cases for rid, cases in grouped.items() if cases}

    def collect(self) -> None:
        """Collect each rubric's codings into arrays now (loading does), so that scoring need not."""
        from signalscore.codings import Codings

        for rid, cases in self.grouped().items():
            self.collected[rid] = Codings.collect(self.rubrics[rid], cases)

    def codings(self, rubric: Rubric, cases: Sequence[Case]) -> Codings:
        """The cases' codings as arrays: those collected while loading while the rubric and cases stay the same."""
        from signalscore.codings import Codings

        found = self.collected.get(rubric.id)
        if found is None or found.rubric is not rubric or found.cases != tuple(cases):
            found = self.collected[rubric.id] = Codings.collect(rubric, cases)
        return found

    def scored(self, coder: str | None = None) -> Corpus:
        """The corpus a scoring command scores: one coding per id, or each as its own ID@CODER row (section 8)."""
        choice = choose(self.cases, coder)
        corpus = Corpus(self.rubrics, inputs=self.inputs, warnings=self.warnings, rubrics_dir=self.rubrics_dir)
        corpus.notes, corpus.whose, corpus.source = choice.warnings, choice.whose, self
        if not choice.whose:  # no id coded more than once: every case as loaded, in order, with its arrays
            corpus.cases, corpus.rubric_of, corpus.files = choice.cases, dict(self.rubric_of), dict(self.files)
            corpus.collected = dict(self.collected)
            return corpus
        for case in choice.cases:
            source = key_of(choice.sources[case.id])
            corpus.cases.append(case)
            corpus.rubric_of[key_of(case)] = self.rubric_of[source]
            corpus.files[key_of(case)] = self.files[source]
        corpus.collected = _taken(self, corpus, choice.sources)
        return corpus

    def only(self, patterns: Sequence[str]) -> Corpus:
        """The cases whose id matches a shell-style pattern (`cn-ru-*`), every coder's file of them; a usage
        error names each pattern that matches no case id."""
        ids = {c.id for c in self.cases}
        missed = [p for p in patterns if not any(fnmatchcase(i, p) for i in ids)]
        if missed:
            said = "; ".join(f"--case {p!r} matches no case id: {closest(p, ids)}" for p in missed)
            raise UsageError(said)
        keep = [c for c in self.cases if any(fnmatchcase(c.id, p) for p in patterns)]
        return replace(self, cases=keep, collected=dict(self.collected))  # rows are taken from the full arrays


def _taken(loaded: Corpus, scored: Corpus, sources: dict[str, Case]) -> dict[str, Codings]:
    """The scored corpus's codings, as rows of those collected while loading (no second pass over the cases)."""
    taken = {}
    for rid, cases in scored.grouped().items():
        found = loaded.collected.get(rid)
        if found is None:
            continue
        row = {id(case): i for i, case in enumerate(found.cases)}
        rows = [row.get(id(sources[case.id]), -1) for case in cases]
        if -1 not in rows:
            taken[rid] = found.take(rows, cases)
    return taken


def kind_of(data: Any) -> str | None:
    """'rubric', 'case', 'mapping' or None for a top-level document."""
    if not isinstance(data, dict):
        return None
    if "features" in data:
        return "mapping" if _mapping_like(data) else "rubric"
    return "case" if "rubric" in data or "codings" in data else None


def _mapping_like(data: dict[Any, Any]) -> bool:
    """A mapping names the rubric whose features it codes, and keys its rules by feature id (section 10)."""
    return "rubric" in data and ("format" in data or isinstance(data["features"], dict))


def _message(model: type[BaseModel], error: Any) -> Issue:
    """One pydantic error in our words, the single place where messages are phrased."""
    at_key = "[key]" in error["loc"]
    loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    if kind == "extra_forbidden":
        return Issue(loc, unknown_key(model, loc), at_key=True)
    if kind == "missing":
        return Issue(loc, f"missing required key {loc[-1]!r}")
    wanted = expected(kind, error.get("ctx") or {})
    if wanted is None:  # our own validators' messages, and pydantic's for anything unforeseen
        message = str(error["msg"]).removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        if not message.startswith("expected "):
            return Issue(loc, message, at_key=at_key)
        wanted = message.removeprefix("expected ")
    return Issue(loc, f"expected {wanted}, found {found(error.get('input'))}{hint(kind, error, wanted)}", at_key=at_key)


def _shadowed(error: Any, errors: list[Any]) -> bool:
    """A list's 'too short' that only counts items already reported as invalid."""
    loc = error["loc"]
    return error["type"] == "too_short" and any(e["loc"][: len(loc)] == loc and e is not error for e in errors)


def _structural(model: type[M], doc: Document) -> tuple[M | None, list[Issue], list[Loc]]:
    """The model, or the issues that stop it and the places of every error (said or not)."""
    try:
        return model.model_validate(doc.data), [], list(doc.damaged)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    typos = {(*e["loc"][:-1], meant(model, e["loc"])) for e in errors if e["type"] == "extra_forbidden"}
    # A missing key that an unknown key probably means is said once, by the unknown key's hint.
    issues = [_message(model, e) for e in errors if not _shadowed(e, errors) and e["loc"] not in typos]
    places = [tuple(p for p in e["loc"] if p != "[key]") for e in errors] + doc.damaged
    return None, [i for i in issues if not _under(i.loc, doc.damaged)], places


def _under(loc: Loc, places: Iterable[Loc]) -> bool:
    """Whether loc is at or below one of the places."""
    return any(loc[: len(place)] == place for place in places)


def validate_model(model: type[M], doc: Document) -> tuple[M | None, list[Problem]]:
    """Validate a document's data against a model; every error located."""
    item, issues, _ = _structural(model, doc)
    return item, [doc.problem(issue) for issue in issues]


@dataclass
class _Checked(Generic[M]):
    """A validated model, or a partial one with the places of its structural errors."""

    item: M
    doc: Document
    errors: list[Loc]
    lints: list[Problem] | None = None  # lint warnings, located, of a clean case when asked for
    said: str | None = None  # those warnings as validate prints them, if a parsing worker wrote them out

    @property
    def valid(self) -> bool:
        return not self.errors

    def located(self, issues: Iterable[Issue]) -> list[Problem]:
        """Located cross-check issues, except those at or under a structural error (already reported)."""
        return [self.doc.problem(issue) for issue in issues if not _under(issue.loc, self.errors)]


def _check(model: type[M], doc: Document, cross: Callable[[M], list[Issue]]) -> tuple[_Checked[M], list[Problem]]:
    """Validate, then cross-check what is valid, so one run reports both kinds of problem."""
    item, issues, places = _structural(model, doc)
    checked = _Checked(item or partial(model, doc.data), doc, places)
    return checked, [doc.problem(issue) for issue in issues] + checked.located(cross(checked.item))


@dataclass
class _Parsed:
    rubrics: list[_Checked[Rubric]] = field(default_factory=list)
    cases: list[_Checked[Case]] = field(default_factory=list)
    mappings: list[_Checked[Mapping]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    read: list[Path] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)  # the files read, by name (see _assign)
    cache: Cache | None = None
    lint: bool | Literal["text"] = False
    parallel: bool = False
    checks: dict[tuple[int, bool], CodingCheck] = field(default_factory=dict)  # by rubric (its id()), override


def _clean(case: _Checked[Case], parsed: _Parsed, noted: list[Problem]) -> None:
    """A case file without any error of its own: lint it if asked or if parsing noted a warning, and keep it
    in the cache (the parser's warnings, such as a comment after a value, are kept and shown with the lints)."""
    if parsed.lint or parsed.cache or noted:
        case.lints = noted + [case.doc.problem(issue) for issue in lint_case(case.item)]
    if parsed.cache:
        parsed.cache.put(case.item, case.doc, case.lints or [])


def _take(doc: Document, problems: list[Problem], parsed: _Parsed) -> None:
    """Classify one parsed document and check it as a rubric or a case."""
    if not doc.built or () in doc.damaged:
        parsed.problems += problems
        return
    kind = kind_of(doc.data)
    if kind == "rubric":
        rubric, found = _check(Rubric, doc, rubric_issues)
        parsed.rubrics.append(rubric)
    elif kind == "case":
        case, found = _check(Case, doc, case_issues)
        parsed.cases.append(case)
        if case.valid and not found and all(p.severity == "warning" for p in problems):
            _clean(case, parsed, problems)
            return
    elif kind == "mapping":
        mapping, found = _check(Mapping, doc, mapping_issues)
        parsed.mappings.append(mapping)
    else:
        found = [doc.first_line(neither(doc.data))]
    parsed.problems += problems + found


def inspect_file(path: str, said: bool = False) -> Parsed | Clean:
    """What a parsing worker sends for a file: a case file without any problem of its own as its cache entry,
    validated and linted, whether the cache may keep it (unchanged while read, and not racy) and, if `said`,
    its warnings as `validate` prints them; any other file as its document and problems, for the loader to
    check in order."""
    key, started = key_of_file(path), time.time_ns()
    doc, problems = parse_file(Path(path))
    if key is None or not doc.built or () in doc.damaged or kind_of(doc.data) != "case":
        return doc, problems
    case, found = _check(Case, doc, case_issues)
    if not case.valid or found or any(p.severity != "warning" for p in problems):
        return doc, problems
    lints = problems + [doc.problem(issue) for issue in lint_case(case.item)]
    keep = key_of_file(path) == key and max(key[3], key[4]) <= started - RACY_NS
    text = "".join(f"{p}\n" for p in sorted(set(lints), key=IN_ORDER)) if said else None
    return encode(path, key, case.item, lints), keep, text


def _entry(path: Path, entry: bytes, keep: bool, said: str | None, parsed: _Parsed) -> None:
    """A clean case file as a worker sent it (see inspect_file): its warnings read back from the entry only
    if they are wanted as problems, or if one is a value cut short (which every command reports)."""
    lint = parsed.lint is True or (parsed.lint == "text" and said is None)
    stored = decode(entry.rstrip(b"\n").split(b"\t", FIELDS)[1:], None, str(path), lint=lint)
    assert stored is not None  # made by this build a moment ago
    parsed.cases.append(_Checked(stored.case, stored.doc, [], stored.lints, said))
    if parsed.cache and keep:
        parsed.cache.adopt(str(path), entry)


def _read(files: Sequence[Path], parsed: _Parsed) -> None:
    """Check every file in order: from the cache where it holds the file as it is, else parsed (in parallel)."""
    cache = parsed.cache
    stored: list[Stored | None] = [None] * len(files)
    if cache:
        stored = cache.get_many([str(path) for path in files], lint=bool(parsed.lint))
    misses = [path for path, hit in zip(files, stored, strict=True) if hit is None]
    fresh = iter(parse_files(misses, jobs(len(misses)) if parsed.parallel else 1, said=parsed.lint == "text"))
    for path, hit in zip(files, stored, strict=True):
        parsed.read.append(path)
        parsed.paths[str(path)] = path
        if hit is not None:
            parsed.cases.append(_Checked(hit.case, hit.doc, [], hit.lints))
        elif isinstance(got := next(fresh), tuple) and isinstance(got[0], bytes):
            _entry(path, *got, parsed)
        else:
            _take(*got, parsed)
    next(fresh, None)  # past the last file: a pool of workers, if any, closes here
    if cache:
        cache.flush()


def _unique_ids(items: Sequence[_Checked[Any]], noun: str) -> list[Problem]:
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for checked in items:
        ident = checked.item.id
        if not isinstance(ident, str):
            continue
        if ident in first:
            problems += checked.located(
                [Issue(("id",), f"duplicate {noun} id {excerpt(ident)} (first in {first[ident]})")]
            )
        first.setdefault(ident, checked.doc.path)
    return problems


def _shared_ids(items: Sequence[_Checked[Case]]) -> list[Problem]:
    """Files that share a case id: duplicates, and adjudication that names what is not there."""
    found = group_issues([c.item for c in items], [c.doc.path for c in items])
    return [problem for i, issue in found for problem in items[i].located([issue])]


def _library(rubrics_dir: Path, known: set[str], parsed: _Parsed, scope: Scope) -> None:
    """Add the rubrics of the rubrics folder (files not already read)."""
    if not rubrics_dir.is_dir():
        return
    files, refused = yaml_files([rubrics_dir], scope)
    extra = _Parsed(problems=refused)
    _read([f for f in files if str(f) not in known], extra)
    parsed.rubrics += extra.rubrics
    parsed.problems += extra.problems
    parsed.read += extra.read


def _override_file(path: Path, parsed: _Parsed, scope: Scope) -> Rubric:
    if why := scope.refusal(str(path)):
        raise InputError([Problem(str(path), 1, 1, "", why)])
    doc, problems = parse_file(path)
    if doc.built and kind_of(doc.data) != "rubric":
        raise UsageError(f"rubric {path}: the file is not a rubric (a rubric has a 'features' key)")
    found = _Parsed()
    _take(doc, problems, found)
    if found.problems:
        raise InputError(found.problems)
    # The override stands apart from the rubrics folder: a copy of a rubric there is no duplicate.
    parsed.read.append(path)
    return found.rubrics[0].item


def _override(rubric: str, parsed: _Parsed, rubrics_dir: Path, scope: Scope) -> Rubric:
    if Path(rubric).is_file():
        return _override_file(Path(rubric), parsed, scope)
    for checked in parsed.rubrics:
        if checked.item.id == rubric and checked.valid:
            return checked.item
        if checked.item.id == rubric:
            raise InputError(parsed.problems)
    known = closest(rubric, _ids(parsed.rubrics))
    raise UsageError(f"rubric {rubric!r}: no such file, and no rubric with that id in {rubrics_dir}/ ({known})")


def _ids(rubrics: Iterable[_Checked[Rubric]]) -> set[str]:
    return {c.item.id for c in rubrics if isinstance(c.item.id, str)}


def _assign(checked: _Checked[Case], corpus: Corpus, parsed: _Parsed, override: Rubric | None) -> list[Problem]:
    """Find a case's rubric, add a valid case to the corpus, and check its codings against the rubric."""
    case = checked.item
    rubric = override or corpus.rubrics.get(case.rubric)
    if rubric is None and not isinstance(case.rubric, str):  # no rubric named: already reported
        return []
    if rubric is None:
        if case.rubric in _ids(parsed.rubrics):  # found but invalid: its own problems say why
            return []
        message = f"rubric {excerpt(case.rubric)} not found in the paths given or in {corpus.rubrics_dir}/"
        message += f" ({closest(case.rubric, _ids(parsed.rubrics))})"
        return checked.located([Issue(("rubric",), message)])
    if checked.valid:
        corpus.rubrics.setdefault(rubric.id, rubric)
        corpus.rubric_of[key_of(case)] = rubric.id
        corpus.cases.append(case)
        corpus.files[key_of(case)] = parsed.paths.get(checked.doc.path) or Path(checked.doc.path)
        if checked.lints is not None:
            corpus.lints[key_of(case)] = checked.lints
        if checked.said is not None:
            corpus.said[checked.doc.path] = checked.said
    differs = override is not None and override.id != case.rubric
    cut = [p for p in checked.lints or [] if p.message.endswith(LOST_ENDINGS)]  # text lost: every command says so
    check = parsed.checks.get((id(rubric), differs))
    if check is None:
        check = parsed.checks[id(rubric), differs] = CodingCheck(rubric, override=differs)
    return checked.located(check(case)) + cut


def _map(checked: _Checked[Mapping], valid: dict[str, Rubric], corpus: Corpus, parsed: _Parsed) -> list[Problem]:
    """Check a mapping against the rubric it names; a valid one joins the corpus with its rubric."""
    mapping = checked.item
    if not isinstance(mapping.rubric, str):  # no rubric named: already reported
        return []
    rubric = valid.get(mapping.rubric)
    if rubric is None:
        if mapping.rubric in _ids(parsed.rubrics):  # found but invalid: its own problems say why
            return []
        message = f"rubric {excerpt(mapping.rubric)} not found in the paths given or in {corpus.rubrics_dir}/"
        return checked.located([Issue(("rubric",), f"{message} ({closest(mapping.rubric, _ids(parsed.rubrics))})")])
    damaged = {str(loc[1]) for loc in checked.errors if len(loc) > 2 and loc[0] == "features"}  # already said
    found = (
        checked.located(mapping_rubric_issues(mapping, rubric, damaged)) if isinstance(mapping.features, dict) else []
    )
    if checked.valid and not found:
        corpus.rubrics.setdefault(rubric.id, rubric)
        corpus.mappings.append(mapping)
    return found


def load(
    paths: Sequence[Path],
    rubric: str | None = None,
    rubrics_dir: Path = Path("rubrics"),
    *,
    follow_links: bool = False,
    cache: bool = False,
    lint: bool | Literal["text"] = False,
    parallel: bool = False,
) -> Corpus:
    """Load every rubric and case under the paths; raise InputError with every problem.

    follow_links: read symbolic links that lead out of the paths, the rubrics folder and the folder
    of a rubric file given (otherwise a problem says each is not read);
    cache: use the workspace's cache (see signalscore.cache) unless SIGNALSCORE_NO_CACHE is set;
    lint: also find every lint warning (Corpus.lints, read by signalscore.lint.lint); "text": as validate
    prints them, where parsing workers can write them out (Corpus.said, read by signalscore.lint.lint_text);
    parallel: parse many files in a pool of processes (see signalscore.parallel).
    """
    # Loading builds millions of small objects and no cycles worth collecting: the cyclic
    # collector would walk them again and again (30-40% of load time in the benchmark).
    paused = gc.isenabled()
    gc.disable()
    try:
        named = [Path(rubric)] if rubric and Path(rubric).is_file() else []
        scope = Scope.of([*paths, rubrics_dir, *named], follow_links)
        parsed = _Parsed(cache=Cache.open() if cache and wanted() else None, lint=lint, parallel=parallel)
        return _load(paths, rubric, rubrics_dir, parsed, scope)
    finally:
        # What is loaded lives as long as the command: the collector need never walk it again.
        gc.freeze()
        if paused:
            gc.enable()


def _load(paths: Sequence[Path], rubric: str | None, rubrics_dir: Path, parsed: _Parsed, scope: Scope) -> Corpus:
    files, missing = yaml_files(paths, scope)
    parsed.problems += missing
    _read(files, parsed)
    _library(rubrics_dir, {str(f) for f in files}, parsed, scope)
    valid = {c.item.id: c.item for c in reversed(parsed.rubrics) if c.valid}
    override = _override(rubric, parsed, rubrics_dir, scope) if rubric else None
    rubrics = {override.id: override} if override else valid
    corpus = Corpus(rubrics=rubrics, inputs=parsed.read, rubrics_dir=rubrics_dir)
    problems = parsed.problems + _unique_ids(parsed.rubrics, "rubric") + _shared_ids(parsed.cases)
    problems += _unique_ids(parsed.mappings, "mapping")
    for case in parsed.cases:
        problems += _assign(case, corpus, parsed, override)
    for mapping in parsed.mappings:
        problems += _map(mapping, valid, corpus, parsed)
    corpus.warnings = [p for p in problems if p.severity == "warning"]
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    if override is None:
        given = {str(f) for f in files}
        used = set(corpus.rubric_of.values()) | {c.item.id for c in parsed.rubrics if c.doc.path in given}
        used |= {m.rubric for m in corpus.mappings}
        corpus.rubrics = {k: v for k, v in corpus.rubrics.items() if k in used}
    if not parsed.lint:  # a command that scores: the codings as arrays, while the cases are fresh in memory
        corpus.collect()
    return corpus
