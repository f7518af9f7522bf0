"""Coding uncertainty: the documented probabilities of every scale type, exactly, and the rubric's overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from signalscore.case import Case
from signalscore.frame import codings_frame
from signalscore.loader import load
from signalscore.rubric import Rubric
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import CodingModel
from signalscore.sensitivity.plan import LEVELS, UNIFORM, Plan
from tests.conftest import DATA, DEMO

SENS = DATA / "valid" / "sensitivity"
# Every possible 16-bit draw once: the share of them giving a value is exactly that value's probability.
GRID = np.arange(LEVELS, dtype=UNIFORM)


def sens_rubric() -> Rubric:
    corpus = load([SENS / "cases"], rubrics_dir=SENS / "rubrics")
    return corpus.rubrics["sens"]


def case_set(rubric: Rubric, **codings: Any) -> CaseSet:
    """One case, id 'c', with these codings."""
    case = Case.model_validate({"id": "c", "rubric": rubric.id, "title": "c", "sender": "A", "recipient": "B",
                                "codings": codings})  # fmt: skip
    return CaseSet.of(rubric, codings_frame(rubric, [case]))


def outcomes(rubric: Rubric, feature: str, coding: Any, model: CodingModel | None = None) -> np.ndarray:
    """The feature's signal at every grid point, with every other feature n/a."""
    codings = {f.id: "n/a" for f in rubric.features} | {feature: coding}
    cs = case_set(rubric, **codings)
    plan = Plan.of(cs, model or CodingModel.of(rubric.uncertainty))
    n_lin, n_steps = plan.sizes
    u_lin, u_steps = np.repeat(GRID[:, None], n_lin, axis=1), np.repeat(GRID[:, None], n_steps, axis=1)
    j = [f.id for f in rubric.features].index(feature)
    return plan.signals(u_lin, u_steps)[:, 0, j]


def shares(values: np.ndarray) -> dict[float, float]:
    """Share of all draws giving each value (values rounded to 6 decimals)."""
    keys, counts = np.unique(values.round(6), return_counts=True)
    return {float(k): float(c) / len(values) for k, c in zip(keys, counts, strict=True)}


def expect(probabilities: dict[float, float]) -> Any:
    """The expected shares, keys rounded like `shares`."""
    return pytest.approx({round(k, 6): p for k, p in probabilities.items()}, abs=1 / LEVELS)


def test_defaults_and_the_rubric_overrides() -> None:
    m = CodingModel.of(sens_rubric().uncertainty)
    assert m.level_shift == {"high": 0.0, "medium": 0.25, "low": 0.8}
    # Binary flips default to half the level shift, including an overridden one.
    assert m.binary_flip == {"high": 0.0, "medium": 0.125, "low": 0.4}
    assert m.relative_error == {"high": 0.0, "medium": 0.2, "low": 0.25}
    demo = load([DEMO / "cases"], rubrics_dir=DEMO / "rubrics").rubrics["demo"]
    assert CodingModel.of(demo.uncertainty).relative_error == {"high": 0.0, "medium": 0.1, "low": 0.25}


def test_ordinal_medium_moves_one_level_with_probability_a_quarter() -> None:
    got = shares(outcomes(sens_rubric(), "endorse", {"value": 1, "confidence": "medium"}))
    assert got == expect({0.0: 0.125, 1 / 3: 0.75, 2 / 3: 0.125})


def test_ordinal_moves_are_clipped_at_the_ends_of_the_scale() -> None:
    # low confidence in this rubric: P(move) 0.8, half of it up, which the top level cannot do.
    got = shares(outcomes(sens_rubric(), "endorse", {"value": 3, "confidence": "low"}))
    assert got == expect({2 / 3: 0.4, 1.0: 0.6})


def test_negative_ordinal_moves_its_value_and_the_signal_follows() -> None:
    got = shares(outcomes(sens_rubric(), "distancing", {"value": 1, "confidence": "medium"}))
    assert got == expect({1.0: 0.125, 0.5: 0.75, 0.0: 0.125})


def test_high_confidence_never_moves() -> None:
    rubric = sens_rubric()
    for feature, value in [("endorse", 2), ("framing", True), ("meetings", 3), ("exercises", 3), ("trade", 7.5)]:
        assert len(set(outcomes(rubric, feature, {"value": value, "confidence": "high"}))) == 1


def test_binary_flips_with_half_the_level_shift() -> None:
    rubric = sens_rubric()
    assert shares(outcomes(rubric, "framing", {"value": True, "confidence": "medium"})) == expect(
        {0.0: 0.125, 1.0: 0.875}
    )
    assert shares(outcomes(rubric, "framing", {"value": False, "confidence": "low"})) == expect({0.0: 0.6, 1.0: 0.4})


def test_counts_against_thresholds_vary_by_the_relative_error() -> None:
    # meetings = 2 at medium (±20% here): 1.6 to 2.4, so the threshold at 2 is passed half the time.
    got = shares(outcomes(sens_rubric(), "meetings", {"value": 2, "confidence": "medium"}))
    assert got == expect({1 / 3: 0.5, 2 / 3: 0.5})


def test_capped_counts_and_continuous_values_spread_uniformly_over_the_relative_error() -> None:
    rubric = sens_rubric()
    exercises = outcomes(rubric, "exercises", {"value": 2, "confidence": "low"})  # 1.5 .. 2.5 of cap 4
    assert (exercises.min(), exercises.max()) == pytest.approx((0.375, 0.625), abs=1e-4)
    assert exercises.mean() == pytest.approx(0.5)
    trade = outcomes(rubric, "trade", {"value": 10, "confidence": "medium"})  # 8 .. 12 on -10 .. 30
    assert (trade.min(), trade.max()) == pytest.approx((0.45, 0.55), abs=1e-4)


def test_zero_counts_stay_zero() -> None:
    assert set(outcomes(sens_rubric(), "exercises", {"value": 0, "confidence": "low"})) == {0.0}


def test_unknown_features_are_drawn_uniformly_over_their_scale() -> None:
    rubric = sens_rubric()
    assert shares(outcomes(rubric, "endorse", "unknown")) == expect({k / 3: 0.25 for k in range(4)})
    assert shares(outcomes(rubric, "framing", "unknown")) == expect({0.0: 0.5, 1.0: 0.5})
    assert shares(outcomes(rubric, "meetings", "unknown")) == expect({k / 3: 0.25 for k in range(4)})
    assert shares(outcomes(rubric, "distancing", "unknown")) == expect({0.0: 1 / 3, 0.5: 1 / 3, 1.0: 1 / 3})
    trade = outcomes(rubric, "trade", "unknown")
    assert (trade.min(), trade.max(), trade.mean()) == pytest.approx((0.0, 1.0, 0.5), abs=1e-4)


def test_na_features_are_inactive_and_unknown_ones_active_in_every_draw() -> None:
    rubric = sens_rubric()
    cs = case_set(rubric, endorse="n/a", framing="unknown", meetings=1)
    plan = Plan.of(cs, CodingModel.of(rubric.uncertainty))
    assert plan.active[0].tolist() == [False, True, True, True, True, True]


def test_a_rubric_uncertainty_block_is_validated_with_positions(tmp_path: Path, cli: Any) -> None:
    text = (SENS / "rubrics" / "sens.yaml").read_text().replace("level_shift: {low: 0.8}", "level_shift: {loww: 1.5}")
    (tmp_path / "bad.yaml").write_text(text)
    run = cli("validate", str(tmp_path / "bad.yaml"), cwd=tmp_path)
    assert run.code == 1
    assert "bad.yaml:7:17: uncertainty.level_shift.loww: unknown key 'loww' (did you mean 'low'?)" in run.err
