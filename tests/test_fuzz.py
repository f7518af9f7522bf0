"""Fuzzing the loader: whatever the input, the result is models or located problems, never another exception."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from signalscore.api import score
from signalscore.document import parse_text
from signalscore.errors import InputError, Problem, UsageError
from signalscore.loader import Corpus, load
from tests.conftest import DATA

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RUBRIC = yaml.safe_load((DATA / "valid" / "tiny-loader-rubric.yaml").read_text(encoding="utf-8"))
CASE = yaml.safe_load((DATA / "valid" / "tiny-loader-case.yaml").read_text(encoding="utf-8"))
YAMLISH = "-:{}[],&*!|>'\"#?%@` \n\t.aex01yn~<"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["n/a", "unknown", "ordinal", "binary", "count", "continuous", "high", "words", "summit"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
keys = st.one_of(st.text(max_size=12), st.integers(-5, 5), st.sampled_from(list(RUBRIC) + list(CASE)))
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


def typo(draw: st.DrawFn, key: Any) -> Any:
    """A near miss of a key: a letter dropped, doubled or changed; or some other key altogether."""
    text = str(key)
    if not text or draw(st.booleans()):
        return draw(keys)
    i = draw(st.integers(0, len(text) - 1))
    how = draw(st.sampled_from(["drop", "double", "change", "case"]))
    if how == "drop":
        return text[:i] + text[i + 1 :]
    if how == "double":
        return text[: i + 1] + text[i:]
    if how == "change":
        return text[:i] + draw(st.sampled_from("aeiouxyz_-")) + text[i + 1 :]
    return text.upper()


def changed(draw: st.DrawFn, node: Any) -> Any:
    """One change to a node: its type, its value, or (for mappings and lists) its entries."""
    if isinstance(node, dict) and node and draw(st.booleans()):
        node = dict(node)
        key = draw(st.sampled_from(list(node)))
        how = draw(st.sampled_from(["delete", "rename", "add"]))
        value = node.pop(key) if how != "add" else None
        if how == "rename":
            node[typo(draw, key)] = value
        if how == "add":
            node[draw(keys)] = draw(structures)
        return node
    if isinstance(node, list) and node and draw(st.booleans()):
        i = draw(st.integers(0, len(node) - 1))
        how = draw(st.sampled_from(["drop", "repeat", "reverse", "empty"]))
        return {
            "drop": node[:i] + node[i + 1 :],
            "repeat": [*node[: i + 1], copy.deepcopy(node[i]), *node[i + 1 :]],
            "reverse": node[::-1],
            "empty": [],
        }[how]
    how = draw(st.sampled_from(["replace", "wrap", "map", "text", "nudge"]))
    if how == "wrap":
        return [node]
    if how == "map":
        return {draw(keys): node}
    if how == "text":
        return str(node)
    if how == "nudge" and isinstance(node, int | float):
        return draw(st.sampled_from([0, -node, node * 1000, 0.5, -1, float("inf"), float("nan")]))
    return draw(structures)


def mutate(draw: st.DrawFn, node: Any) -> Any:
    """A copy of a tree with one change somewhere in it: the deeper, the likelier."""
    if isinstance(node, dict) and node and draw(st.integers(0, 3)) > 0:
        node = dict(node)
        key = draw(st.sampled_from(list(node)))
        node[key] = mutate(draw, node[key])
        return node
    if isinstance(node, list) and node and draw(st.integers(0, 3)) > 0:
        node = list(node)
        i = draw(st.integers(0, len(node) - 1))
        node[i] = mutate(draw, node[i])
        return node
    return changed(draw, node)


@st.composite
def almost(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """A valid rubric or case with one to four changes."""
    tree = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        tree = mutate(draw, tree)
    return tree


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def outcome(files: dict[str, str | bytes], rubric: str | None = None) -> Corpus | list[Problem]:
    """Load the files from a fresh folder: the corpus, or the problems; anything else fails the test."""
    names = set(files) | ({Path(rubric).name} if rubric else set())
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (root / name).write_bytes(data)
        try:
            corpus = load([root], rubric=str(root / rubric) if rubric else None, rubrics_dir=root / "none")
        except InputError as exc:
            assert_located(exc.problems, names)
            event("problems" if len(exc.problems) > 1 else "one problem")
            return exc.problems
    event("loaded, warnings" if corpus.warnings else "loaded")
    if corpus.warnings:
        assert_located(corpus.warnings, names)
    return corpus


def assert_located(problems: list[Problem], names: set[str]) -> None:
    assert problems
    for problem in problems:
        assert Path(problem.path).name in names
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message and "\n" not in str(problem)
        assert problem.severity in ("error", "warning")


def assert_scores(corpus: Corpus | list[Problem]) -> None:
    """A corpus that loads is one the engine can score."""
    if isinstance(corpus, Corpus) and corpus.cases:
        scores = score(corpus)
        assert list(scores.cases["case"]) == [c.id for c in corpus.cases]


@FUZZ
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    outcome({"any.yaml": text})


@FUZZ
@given(st.text(alphabet=YAMLISH, max_size=200))
def test_yaml_punctuation(text: str) -> None:
    outcome({"punct.yaml": text})


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes(raw: bytes) -> None:
    outcome({"bytes.yaml": raw})


@FUZZ
@given(structures)
def test_any_structure(data: Any) -> None:
    outcome({"data.yaml": dump(data)})


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(set(RUBRIC) | set(CASE))), structures, max_size=8))
def test_any_values_under_known_keys(data: dict[str, Any]) -> None:
    outcome({"known.yaml": dump(data)})


@FUZZ
@given(almost(RUBRIC), st.booleans())
def test_almost_valid_rubric(rubric: Any, with_case: bool) -> None:
    files: dict[str, str | bytes] = {"rubric.yaml": dump(rubric)}
    if with_case:
        files["case.yaml"] = dump(CASE)
    assert_scores(outcome(files))


@FUZZ
@given(almost(CASE))
def test_almost_valid_case(case: Any) -> None:
    assert_scores(outcome({"rubric.yaml": dump(RUBRIC), "case.yaml": dump(case)}))


@FUZZ
@given(almost(RUBRIC), almost(CASE))
def test_almost_valid_rubric_as_override(rubric: Any, case: Any) -> None:
    """--rubric with a broken rubric file: problems or a usage error, never a crash."""
    files: dict[str, str | bytes] = {"rubric.yaml": dump(RUBRIC), "case.yaml": dump(case)}
    try:
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "other.yaml").write_text(dump(rubric), encoding="utf-8")
            assert_scores(outcome(files, rubric=str(Path(folder) / "other.yaml")))
    except UsageError as exc:
        assert str(exc).startswith("rubric ")


@FUZZ
@given(st.text(alphabet=YAMLISH, max_size=120))
def test_parse_text_never_raises(text: str) -> None:
    doc, problems = parse_text("f.yaml", text)
    assert doc.built or problems
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1
