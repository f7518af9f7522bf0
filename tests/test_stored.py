"""A case read back from a cache entry (or sent by a parsing worker) is the case read from its file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from signalscore.case import Case
from signalscore.stored import StoredCase, head_json
from tests.conftest import ROOT
from tests.strategies import cases_for, rubrics

BUNDLED = sorted((ROOT / "cases").rglob("*.yaml"))


def read(path: Path) -> Case:
    return Case.model_validate(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader))


def stored(case: Case) -> StoredCase:
    return StoredCase.of(head_json(case), case.model_dump_json(exclude_unset=True).encode())


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT / "cases")))
def test_a_stored_case_is_the_case_it_was_made_from(path: Path) -> None:
    case = read(path)
    kept = stored(case)
    assert kept.cells() == case.cells()
    assert "codings" not in kept.__dict__ and "sources" not in kept.__dict__  # scoring reads nothing else
    assert (kept.id, kept.title, kept.period, kept.coder, kept.adjudicates) == (
        case.id,
        case.title,
        case.period,
        case.coder,
        case.adjudicates,
    )
    assert kept.sources == case.sources  # read from the whole case's JSON when first asked for
    assert kept == case and case == kept
    assert kept.model_dump() == case.model_dump()
    assert kept.model_dump(exclude_unset=True) == case.model_dump(exclude_unset=True)
    assert kept.model_fields_set == case.model_fields_set


def test_a_copy_under_a_new_id_keeps_it_when_the_rest_is_read() -> None:
    case = read(ROOT / "cases" / "cn-ru-2014-crimea.yaml")
    renamed = stored(case).model_copy(update={"id": "cn-ru-2014-crimea@a"})
    assert renamed.codings == case.codings  # the rest read after the copy
    assert renamed.id == "cn-ru-2014-crimea@a"
    assert renamed.model_dump(exclude_unset=True) == case.model_dump(exclude_unset=True) | {"id": renamed.id}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_valid_case_round_trips(data: st.DataObject) -> None:
    rubric = data.draw(rubrics())
    for case in data.draw(cases_for(rubric)):
        kept = stored(case)
        assert kept.cells() == case.cells()
        assert [type(v) for v, _ in kept.cells().values()] == [type(v) for v, _ in case.cells().values()]
        assert kept == case


@pytest.mark.parametrize(
    ("index", "bad"),
    [
        (0, 7),
        (2, None),
        (5, 3),
        (6, ["2014-13-01", "2014-12-31"]),
        (8, []),
        (8, [1]),
        (9, [["f"], [[]], ["high"]]),
        (9, [["f"], [1, 2], ["high"]]),
    ],
)
def test_a_head_of_the_wrong_shape_is_refused(index: int, bad: object) -> None:
    case = read(ROOT / "cases" / "cn-ru-2014-crimea.yaml")
    row = json.loads(head_json(case))
    row[index] = bad
    with pytest.raises((ValueError, TypeError)):
        StoredCase.of(json.dumps(row).encode(), b"{}")


def test_a_head_with_an_unknown_confidence_is_refused() -> None:
    case = read(ROOT / "cases" / "cn-ru-2014-crimea.yaml")
    row = json.loads(head_json(case))
    row[9][2][0] = "certain"
    with pytest.raises(ValueError, match="bad cell"):
        StoredCase.of(json.dumps(row).encode(), b"{}")
