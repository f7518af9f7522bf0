"""case.py: codings, periods, sources and checks against a rubric, with their exact messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from signalscore.case import Case, Coding, case_issues, coding_issues
from signalscore.errors import Issue
from signalscore.rubric import Rubric

RUBRIC = Rubric.model_validate(
    {
        "id": "r",
        "version": "1",
        "title": "R",
        "features": [
            {"id": "endorsement", "label": "E", "scale": {"type": "ordinal", "levels": {0: "no", 1: "yes", 2: "loud"}}},
            {"id": "summit", "label": "S", "scale": {"type": "binary"}},
            {"id": "deals", "label": "D", "scale": {"type": "count", "cap": 4}},
        ],
    }
)


def case(**fields: Any) -> Case:
    return Case.model_validate({"id": "c", "rubric": "r", "title": "C", "sender": "A", "recipient": "B", **fields})


def test_bare_value_is_a_coding_with_medium_confidence() -> None:
    c = case(codings={"summit": True, "deals": "n/a", "endorsement": {"value": 2, "confidence": "high"}})
    assert c.codings["summit"] == Coding(value=True, confidence="medium")
    assert c.codings["deals"].status == "n/a"
    assert c.coding("endorsement").confidence == "high"
    assert c.coding("not_mentioned").status == "unknown"


@pytest.mark.parametrize("value", [[1], {"a": 1}, None, dt.date(2008, 8, 8), ""])
def test_coding_value_must_be_a_coded_value_or_a_missing_word(value: object) -> None:
    with pytest.raises(ValidationError, match=r"expected a coded value \(a level, a number, true or false\), n/a or"):
        Coding.model_validate({"value": value})


@pytest.mark.parametrize("value", ["maybe", "N/A", "strong", "'2'"])
def test_text_as_a_value_is_left_to_the_scale_which_can_say_what_was_meant(value: str) -> None:
    assert Coding.model_validate({"value": value}).status == "coded"  # then refused by coding_issues


def test_period_start_after_end() -> None:
    with pytest.raises(ValidationError, match=r"start \(2008-10-01\) is after end \(2008-08-01\)"):
        case(period={"start": dt.date(2008, 10, 1), "end": dt.date(2008, 8, 1)})


def test_a_number_is_not_a_date() -> None:
    with pytest.raises(ValidationError, match="expected a date such as 2008-08-28"):
        case(period={"start": 20080801, "end": dt.date(2008, 8, 1)})


def test_duplicate_and_undeclared_sources() -> None:
    c = case(
        sources=[{"id": "s1", "title": "A"}, {"id": "s1", "title": "B"}, {"id": "s2", "title": "C"}],
        codings={"summit": {"value": 1, "evidence": [{"source": "s2", "quote": "q"}, {"source": "s3", "quote": "q"}]}},
    )
    assert case_issues(c) == [
        Issue(("sources", 1, "id"), "duplicate source id 's1'"),
        Issue(("codings", "summit", "evidence", 1, "source"), "source 's3' is not declared in this case's sources"),
    ]


def test_coding_issues_against_the_rubric() -> None:
    c = case(codings={"endorsment": 1, "endorsement": 3, "summit": 2, "deals": -1})
    assert coding_issues(c, RUBRIC) == [
        Issue(("codings", "endorsment"), "rubric 'r' has no feature 'endorsment' (did you mean 'endorsement'?)", True),
        Issue(
            ("codings", "endorsement", "value"),
            "3 is not valid for endorsement (ordinal scale): expected one of the levels 0, 1, 2, n/a or unknown",
        ),
        Issue(
            ("codings", "summit", "value"),
            "2 is not valid for summit (binary scale): expected true, false, 1 or 0, n/a or unknown",
        ),
        Issue(
            ("codings", "deals", "value"),
            "-1 is not valid for deals (count scale): expected a whole number from 0 to 1e12, n/a or unknown",
        ),
    ]


def test_unknown_feature_without_a_close_match_has_no_hint() -> None:
    assert coding_issues(case(codings={"zzz": 1}), RUBRIC) == [
        Issue(("codings", "zzz"), "rubric 'r' has no feature 'zzz'", True)
    ]


def test_under_another_rubric_extra_codings_only_warn() -> None:
    c = case(codings={"endorsement": 1, "military_aid": 2})
    assert coding_issues(c, RUBRIC, override=True) == [
        Issue(("codings", "military_aid"), "rubric 'r' has no feature 'military_aid'; coding ignored", True, "warning")
    ]


def test_missing_fail_names_every_unknown_feature() -> None:
    strict = RUBRIC.model_copy(update={"missing": "fail"})
    assert coding_issues(case(codings={"summit": True, "deals": "unknown"}), strict) == [
        Issue(
            ("codings", "endorsement"),
            "feature 'endorsement' is unknown, and rubric 'r' has missing: fail (code it, or write n/a)",
        ),
        Issue(
            ("codings", "deals"), "feature 'deals' is unknown, and rubric 'r' has missing: fail (code it, or write n/a)"
        ),
    ]
