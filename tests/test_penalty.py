"""Penalties (DESIGN.md section 9): the worked example of docs/scoring.md, an oracle, and the invariants."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalscore.case import Case
from signalscore.codings import Codings
from signalscore.engine import score_codings
from signalscore.rubric import Feature, Rubric
from signalscore.scores import Scored
from tests.conftest import DATA, Run
from tests.strategies import cases_for, penalty_rubrics, rubrics

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PENALTY = DATA / "valid" / "penalty"


def scored(rubric: Rubric, cases: list[Case]) -> Scored:
    return score_codings(Codings.collect(rubric, cases))


def case(codings: dict[str, Any], rubric_id: str = "prop", case_id: str = "c") -> Case:
    head = {"id": case_id, "rubric": rubric_id, "title": "T", "sender": "A", "recipient": "B"}
    return Case.model_validate({**head, "codings": codings})


# ---- the worked example of docs/scoring.md ("Penalties"), on tests/data/valid/penalty/ ----


def scores_json(cli: Callable[..., Run]) -> dict[str, dict[str, Any]]:
    run = cli("score", "cases", "--rubrics-dir", "rubrics", "-f", "json", cwd=PENALTY)
    assert run.code == 0, run.err
    return {c["id"]: c for c in json.loads(run.out)["rubrics"][0]["cases"]}


def points(data: dict[str, Any]) -> dict[str, float | None]:
    return {f["id"]: f["contribution"] for f in data["features"]}


def test_worked_example_penalty_subtracts(cli: Callable[..., Run]) -> None:
    # words: support (2 * 0.5 + 1 * 1) / 3 = 2/3, distancing 1.5 / 3 * 0.5 = 0.25: 5/12; deeds: (1 + 0) / 2
    case = scores_json(cli)["pd-2010"]
    assert case["score"] == pytest.approx(100 * (0.5 * 5 / 12 + 0.5 * 0.5))
    assert case["dimensions"] == pytest.approx({"words": 100 * 5 / 12, "deeds": 50.0})
    assert points(case) == pytest.approx(
        {"endorse": 50 / 3, "silence": 50 / 3, "distancing": -12.5, "trade": 25.0, "credit": 0.0, "embargo": 0.0}
    )
    assert case["clipped"] is False
    assert sum(points(case).values()) == pytest.approx(case["score"])  # type: ignore[arg-type]


def test_worked_example_clipped_dimension(cli: Callable[..., Run]) -> None:
    # words: no support, distancing at 2 subtracts 0.5: clipped to 0; deeds: 2/2 - 1/2 * 1 = 0.5
    case = scores_json(cli)["pd-2014"]
    assert case["score"] == pytest.approx(25.0)
    assert case["clipped"] is True
    assert case["dimensions"] == pytest.approx({"words": 0.0, "deeds": 50.0})
    assert points(case) == pytest.approx(
        {"endorse": 0.0, "silence": 0.0, "distancing": 0.0, "trade": 25.0, "credit": 25.0, "embargo": -25.0}
    )


def test_worked_example_unknown_penalty_bounds_and_coverage(cli: Callable[..., Run]) -> None:
    # renormalize: the unknown penalty is inactive; score_low: fully present (words 1 - 0.5), credit at 0
    case = scores_json(cli)["pd-2020"]
    assert (case["score"], case["score_low"], case["score_high"]) == pytest.approx((100.0, 50.0, 100.0))
    # base weights: endorse 1/3, silence 1/6, distancing 1/2 * 1.5/3; trade, credit, embargo 1/4 each
    assert case["coverage"] == pytest.approx((1 / 3 + 1 / 6 + 1 / 4 + 1 / 4) / 1.5)
    assert points(case)["distancing"] is None


def test_rubric_without_penalties_has_no_clipped_key(cli: Callable[..., Run]) -> None:
    run = cli("score", "-f", "json")
    assert all("clipped" not in c for r in json.loads(run.out)["rubrics"] for c in r["cases"])


def test_dimension_of_only_penalties_is_an_error(cli: Callable[..., Run], tmp_path: Any) -> None:
    text = (PENALTY / "rubrics" / "penalty-demo.yaml").read_text(encoding="utf-8")
    bad = text.replace(
        "    weight: 1\n    scale: {type: binary}\n  - id: credit",
        "    weight: 1\n    direction: penalty\n    scale: {type: binary}\n  - id: credit",
    )
    bad = bad.replace(
        "  - id: credit\n    label: New credit lines\n    dimension: deeds\n    weight: 1\n",
        "  - id: credit\n    label: New credit lines\n    dimension: deeds\n    weight: 1\n    direction: penalty\n",
    )
    (tmp_path / "r.yaml").write_text(bad, encoding="utf-8")
    run = cli("validate", "r.yaml", cwd=tmp_path)
    assert run.code == 1
    assert "r.yaml:32:16: features.3.direction: dimension 'deeds' has only penalty features" in run.err


def test_rubric_of_only_penalties_is_an_error() -> None:
    from signalscore.rubric import rubric_issues

    only = Rubric.model_validate(
        {
            "id": "p",
            "version": "1",
            "title": "P",
            "features": [{"id": "a", "label": "A", "direction": "penalty", "scale": {"type": "binary"}}],
        }
    )
    [issue] = rubric_issues(only)
    assert issue.loc == ("features", 0, "direction")
    assert "the rubric has only penalty features" in issue.message


# ---- an oracle: section 9 written out feature by feature ----


def _v(feature: Feature, value: Any) -> float:
    from signalscore.engine import normalize

    return float(normalize(feature.scale, np.array([float(value)]))[0])


def oracle(rubric: Rubric, c: Case, fill: float | None, pen_fill: float | None) -> float | None:
    """One evaluation: unknown non-penalty features at `fill`, unknown penalties at `pen_fill` (None: inactive)."""
    dims = [d.id for d in rubric.dimensions] or [None]
    weight = {d.id: d.weight for d in rubric.dimensions} or {None: 1.0}
    sums: dict[Any, float] = {}
    for d in dims:
        support = against = total = 0.0
        active = False
        for f in (f for f in rubric.features if f.dimension == d):
            coding = c.coding(f.id)
            if coding.status == "n/a":
                continue
            if coding.status == "unknown":
                value = fill if f.direction != "penalty" else pen_fill
                if value is None:
                    continue
            else:
                v = _v(f, coding.value)
                value = 1 - v if f.direction == "negative" else v
            active = True
            if f.direction == "penalty":
                against += f.weight * value
            else:
                support += f.weight * value
                total += f.weight
        if active:
            sums[d] = 0.0 if total == 0 else min(max((support - against) / total, 0.0), 1.0)
    if not sums:
        return None
    mean = sum(weight[d] * s for d, s in sums.items()) / sum(weight[d] for d in sums)
    return rubric.scale.min + (rubric.scale.max - rubric.scale.min) * mean


def close(a: float, b: float | None, rubric: Rubric) -> bool:
    span = rubric.scale.max - rubric.scale.min
    return (b is None and np.isnan(a)) or (b is not None and abs(a - b) <= 1e-9 * max(span, abs(b)))


@PROPS
@given(st.data())
def test_oracle_score_and_bounds(data: st.DataObject) -> None:
    rubric = data.draw(penalty_rubrics())
    cases = data.draw(cases_for(rubric))
    got = scored(rubric, cases)
    fill = {"zero": 0.0, "midpoint": 0.5}.get(rubric.missing)
    pen_fill = 0.5 if rubric.missing == "midpoint" else None
    for i, c in enumerate(cases):
        assert close(got.score[i], oracle(rubric, c, fill, pen_fill), rubric)
        assert close(got.score_low[i], oracle(rubric, c, 0.0, 1.0), rubric)
        assert close(got.score_high[i], oracle(rubric, c, 1.0, None if pen_fill is None else 0.0), rubric)
        if not np.isnan(got.score[i]):
            contributions = np.nansum(got.points[i])
            assert abs(rubric.scale.min + contributions - got.score[i]) <= 1e-9 * (rubric.scale.max - rubric.scale.min)


# ---- the invariants of section 9 ----


def extreme(feature: Feature, signal: float) -> Any:
    """A coded value whose signal (or, for a penalty, presence) is `signal` (0 or 1), or n/a if none is."""
    want = 1 - signal if feature.direction == "negative" else signal
    scale = feature.scale
    if scale.type == "binary":
        return bool(want)
    if scale.type == "ordinal":
        assert scale.levels is not None
        hits = [k for k in sorted(scale.levels) if _v(feature, k) == want]
        return hits[0] if hits else "n/a"
    if scale.type == "count":
        return 0 if want == 0 else (scale.thresholds[-1] if scale.thresholds else scale.cap)
    assert scale.min is not None and scale.max is not None
    return scale.min if want == 0 else scale.max


def coded(rubric: Rubric, cases: list[Case], signal: float, penalties: str) -> list[Case]:
    """The cases with every coded or unknown non-penalty feature at `signal`; penalties: keep, absent or full."""
    out = []
    for c in cases:
        codings: dict[str, Any] = {}
        for f in rubric.features:
            status = c.coding(f.id).status
            if f.direction == "penalty":
                codings[f.id] = {"keep": c.coding(f.id).value, "absent": extreme(f, 0.0), "full": extreme(f, 1.0)}[
                    penalties
                ]
            else:
                codings[f.id] = "n/a" if status == "n/a" else extreme(f, signal)
        out.append(case(codings, rubric.id, c.id))
    return out


def at_extremes(data: st.DataObject, signal: float, penalties: str) -> tuple[Rubric, list[Case], Scored]:
    """A drawn rubric, its drawn cases with every non-penalty feature at `signal`, and their scores."""
    rubric = data.draw(penalty_rubrics())
    cases = coded(rubric, data.draw(cases_for(rubric)), signal, penalties)
    return rubric, cases, scored(rubric, cases)


@PROPS
@given(st.data())
def test_no_support_scores_min_whatever_the_penalties(data: st.DataObject) -> None:
    rubric, _, got = at_extremes(data, 0.0, "keep")
    scoreable = ~np.isnan(got.score)
    assert np.all(
        got.score[scoreable] == pytest.approx(rubric.scale.min, abs=1e-9 * (rubric.scale.max - rubric.scale.min))
    )


@PROPS
@given(st.data())
def test_full_support_and_no_penalty_scores_max(data: st.DataObject) -> None:
    rubric, cases, got = at_extremes(data, 1.0, "absent")
    span = rubric.scale.max - rubric.scale.min
    supported = [i for i, c in enumerate(cases) if _every_dimension_supported(rubric, c) and not np.isnan(got.score[i])]
    assert np.allclose(got.score[supported], rubric.scale.max, rtol=0, atol=1e-9 * span)


def _every_dimension_supported(rubric: Rubric, c: Case) -> bool:
    """Every dimension with an active feature has an active non-penalty feature (else it stays at min)."""
    for d in [d.id for d in rubric.dimensions] or [None]:
        members = [f for f in rubric.features if f.dimension == d and c.coding(f.id).status == "coded"]
        if members and all(f.direction == "penalty" for f in members):
            return False
    return True


@PROPS
@given(st.data())
def test_a_penalty_never_raises_a_score(data: st.DataObject) -> None:
    rubric = data.draw(penalty_rubrics())
    cases = data.draw(cases_for(rubric))
    span = rubric.scale.max - rubric.scale.min
    base = scored(rubric, cases)
    full = scored(rubric, [_with_penalties(rubric, c, "full") for c in cases])
    gone = scored(rubric, [_with_penalties(rubric, c, "n/a") for c in cases])
    both = ~np.isnan(base.score)
    assert np.all(full.score[both] <= base.score[both] + 1e-9 * span)
    both &= ~np.isnan(gone.score)  # without its penalties a case may have no active feature left
    assert np.all(base.score[both] <= gone.score[both] + 1e-9 * span)


def _with_penalties(rubric: Rubric, c: Case, how: str) -> Case:
    codings: dict[str, Any] = {f.id: c.coding(f.id).value for f in rubric.features}
    for f in rubric.features:
        if f.direction == "penalty":
            # raise a coded penalty to its most (an unknown one under midpoint already counts half present)
            coded_now = c.coding(f.id).status == "coded"
            codings[f.id] = "n/a" if how == "n/a" else _most(f) if coded_now else c.coding(f.id).value
    return case(codings, rubric.id, c.id)


@PROPS
@given(st.data())
def test_bounds_hold_with_penalties(data: st.DataObject) -> None:
    rubric = data.draw(penalty_rubrics())
    got = scored(rubric, data.draw(cases_for(rubric)))
    tol = 1e-9 * (rubric.scale.max - rubric.scale.min)
    scoreable = ~np.isnan(got.score)
    assert np.all(got.score_low[scoreable] <= got.score[scoreable] + tol)
    assert np.all(got.score[scoreable] <= got.score_high[scoreable] + tol)
    assert np.all((got.coverage >= 0) & (got.coverage <= 1 + 1e-12))


@PROPS
@given(st.data())
def test_penalties_not_applying_change_nothing(data: st.DataObject) -> None:
    # a penalty coded n/a takes no part: the section 3 scores of the rubric without it, to rounding
    plain = data.draw(rubrics())
    cases = data.draw(cases_for(plain))
    dims = [d.id for d in plain.dimensions]
    extra = {"id": "pz", "label": "P", "direction": "penalty", "scale": {"type": "binary"}}
    if dims:
        extra["dimension"] = dims[0]
    dumped = plain.model_dump(exclude_none=True)
    with_penalty = Rubric.model_validate({**dumped, "features": [*dumped["features"], extra]})
    before = scored(plain, cases)
    after = scored(
        with_penalty, [case({**{k: v.value for k, v in c.codings.items()}, "pz": "n/a"}, "prop", c.id) for c in cases]
    )
    span = plain.scale.max - plain.scale.min
    for key in ("score", "score_low", "score_high", "coverage"):
        assert np.allclose(getattr(after, key), getattr(before, key), rtol=0, atol=1e-9 * span, equal_nan=True)


def _most(feature: Feature) -> Any:
    """The coded value of a feature's greatest presence."""
    scale = feature.scale
    if scale.type == "ordinal":
        assert scale.levels is not None
        return max(scale.levels)
    return True if scale.type == "binary" else 1000 if scale.type == "count" else scale.max


@PROPS
@given(st.data())
def test_feature_order_cannot_split_a_tie_with_penalties(data: st.DataObject) -> None:
    # the sums are exact (issue 9 item 15): the rubric's features in reverse order give the same bits
    rubric = data.draw(penalty_rubrics())
    cases = data.draw(cases_for(rubric))
    dumped = rubric.model_dump(exclude_none=True)
    reverse = Rubric.model_validate({**dumped, "features": list(reversed(dumped["features"]))})
    a, b = scored(rubric, cases), scored(reverse, cases)
    for key in ("score", "score_low", "score_high"):
        assert np.array_equal(getattr(a, key), getattr(b, key), equal_nan=True)
