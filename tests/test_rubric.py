"""rubric.py: scale rules, coded-value checks and cross-field issues, with their exact messages."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from signalscore.errors import Issue
from signalscore.rubric import Rubric, Scale, rubric_issues


def scale_error(**fields: Any) -> str:
    """The one message a scale is refused with."""
    with pytest.raises(ValidationError) as caught:
        Scale.model_validate(fields)
    errors = caught.value.errors()
    assert len(errors) == 1
    return str(errors[0]["msg"]).removeprefix("Value error, ")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "ordinal", "levels": {0: "none"}}, "an ordinal scale needs at least 2 levels (found 1)"),
        ({"type": "ordinal"}, "an ordinal scale needs at least 2 levels (found 0)"),
        (
            {"type": "ordinal", "levels": {0: {"label": "a", "value": 0}, 1: "b", 2: "c"}},
            "give a value on every level or on none (no value on level 1, 2)",
        ),
        (
            {"type": "ordinal", "levels": {0: {"label": "a", "value": 0.5}, 1: {"label": "b", "value": 0.5}}},
            "level values must increase strictly with the level (found 0: 0.5, 1: 0.5)",
        ),
        ({"type": "count"}, "a count scale needs thresholds (a list of counts) or cap (a count)"),
        ({"type": "count", "thresholds": [1], "cap": 3}, "a count scale takes thresholds or cap, not both"),
        ({"type": "count", "thresholds": []}, "thresholds must not be empty"),
        ({"type": "count", "thresholds": [3, 1]}, "thresholds must increase strictly (found 3, 1)"),
        ({"type": "count", "thresholds": [1, 1]}, "thresholds must increase strictly (found 1, 1)"),
        ({"type": "continuous", "min": 1}, "a continuous scale needs min and max"),
        ({"type": "continuous", "min": 1, "max": 1}, "min (1) must be less than max (1)"),
        ({"type": "continuous", "min": 2.5, "max": 1}, "min (2.5) must be less than max (1)"),
        ({"type": "binary", "levels": {0: "a", 1: "b"}}, "a binary scale does not take levels"),
        ({"type": "count", "cap": 3, "min": 0}, "a count scale does not take min"),
    ],
)
def test_bad_scales(fields: dict[str, Any], message: str) -> None:
    assert scale_error(**fields) == message


@pytest.mark.parametrize(
    ("fields", "good", "bad"),
    [
        ({"type": "binary"}, [True, False, 1, 0], [2, 1.0, "yes", None]),
        ({"type": "ordinal", "levels": {0: "a", 1: "b", 2: "c"}}, [0, 1, 2], [3, -1, 1.0, True, "1"]),
        ({"type": "count", "cap": 5}, [0, 1, 99], [-1, 1.5, True, "3"]),
        ({"type": "continuous", "min": 0, "max": 1}, [0, 0.5, 7, -3], [float("inf"), float("nan"), True, "0.5"]),
    ],
)
def test_value_problem(fields: dict[str, Any], good: list[object], bad: list[object]) -> None:
    scale = Scale.model_validate(fields)
    assert [scale.value_problem(v) for v in good] == [None] * len(good)
    assert all(scale.value_problem(v) for v in bad)


def test_value_problem_messages_name_what_the_scale_takes() -> None:
    assert Scale(type="binary").value_problem(2) == "expected true, false, 1 or 0, n/a or unknown"
    ordinal = Scale.model_validate({"type": "ordinal", "levels": {2: "b", 0: "a"}})
    assert ordinal.value_problem(1) == "expected one of the levels 0, 2, n/a or unknown"
    assert Scale(type="count", cap=3).value_problem(-1) == "expected a whole number from 0 to 1e12, n/a or unknown"
    assert (
        Scale(type="continuous", min=0, max=1).value_problem("x")
        == "expected a number from -1e12 to 1e12, n/a or unknown"
    )


def feature(fid: str, **extra: Any) -> dict[str, Any]:
    return {"id": fid, "label": fid.title(), "scale": {"type": "binary"}, **extra}


def rubric(**fields: Any) -> Rubric:
    return Rubric.model_validate({"id": "r", "version": "1", "title": "R", **fields})


def test_a_clean_rubric_has_no_issues() -> None:
    r = rubric(
        references=[{"id": "ref", "citation": "C"}],
        dimensions=[{"id": "words", "label": "W"}],
        features=[feature("a", dimension="words", references=["ref"])],
    )
    assert rubric_issues(r) == []


def test_duplicate_ids_are_reported_at_each_repeat() -> None:
    r = rubric(
        references=[{"id": "x", "citation": "C"}, {"id": "x", "citation": "D"}],
        dimensions=[{"id": "d", "label": "D"}, {"id": "d", "label": "E"}],
        features=[feature("a", dimension="d"), feature("a", dimension="d"), feature("a", dimension="d")],
    )
    assert rubric_issues(r) == [
        Issue(("features", 1, "id"), "duplicate feature id 'a'"),
        Issue(("features", 2, "id"), "duplicate feature id 'a'"),
        Issue(("dimensions", 1, "id"), "duplicate dimension id 'd'"),
        Issue(("references", 1, "id"), "duplicate reference id 'x'"),
    ]


def test_dimension_links() -> None:
    r = rubric(
        dimensions=[{"id": "words", "label": "W"}, {"id": "deeds", "label": "D"}, {"id": "spare", "label": "S"}],
        features=[
            feature("a", dimension="wrds"),
            feature("b"),
            feature("c", dimension="deeds"),
            feature("d", dimension="zzz"),
        ],
    )
    assert rubric_issues(r) == [
        Issue(("features", 0, "dimension"), "dimension 'wrds' is not declared (did you mean 'words'?)"),
        Issue(
            ("features", 1, "dimension"),
            "feature 'b' needs a dimension: the rubric declares dimensions (words, deeds, spare)",
        ),
        Issue(("features", 3, "dimension"), "dimension 'zzz' is not declared (declared: words, deeds, spare)"),
        Issue(("dimensions", 0, "id"), "dimension 'words' has no feature"),
        Issue(("dimensions", 2, "id"), "dimension 'spare' has no feature"),
    ]


def test_dimension_on_a_feature_without_declared_dimensions() -> None:
    r = rubric(features=[feature("a", dimension="words"), feature("b")])
    assert rubric_issues(r) == [
        Issue(("features", 0, "dimension"), "dimension 'words' is not declared (the rubric declares no dimensions)")
    ]


def test_reference_links() -> None:
    r = rubric(
        references=[{"id": "fearon1997", "citation": "F"}],
        features=[feature("a", references=["fearon1997", "fearon1979", "schelling"])],
    )
    assert rubric_issues(r) == [
        Issue(("features", 0, "references", 1), "reference 'fearon1979' is not declared (did you mean 'fearon1997'?)"),
        Issue(("features", 0, "references", 2), "reference 'schelling' is not declared (declared: fearon1997)"),
    ]
    bare = rubric(features=[feature("a", references=["x"])])
    assert rubric_issues(bare) == [
        Issue(("features", 0, "references", 0), "reference 'x' is not declared (the rubric declares no references)")
    ]


def test_rubric_scale_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match=r"min \(100\) must be less than max \(0\)"):
        rubric(scale={"min": 100, "max": 0}, features=[feature("a")])
