"""Break-even weights: every factor is checked by rescoring with the real engine."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signalscore.case import Case
from signalscore.engine import Matrices, Weights, effective_weights, score_rubric, weighted_score
from signalscore.frame import cases_frame, codings_frame
from signalscore.loader import load
from signalscore.penalty import drawn_fraction, penalty_columns
from signalscore.rubric import Rubric
from signalscore.sensitivity.breakeven import BreakEven, Target, break_even, smallest, targets
from signalscore.sensitivity.cases import CaseSet
from tests.conftest import DATA, DEMO, ROOT

SENS = DATA / "valid" / "sensitivity"
WORKSPACES = [DEMO, SENS, ROOT]
# A log grid of factors on which a "never" must show no change of sign.
FACTORS = np.geomspace(1e-6, 1e6, 2001)


def corpus_of(root: Path) -> tuple[Rubric, list[Case]]:
    corpus = load([root / "cases"], rubrics_dir=root / "rubrics").scored()  # one coding per id, as commands score
    return next(iter(corpus.rubrics.values())), corpus.cases


def scaled(rubric: Rubric, target: Target, factor: float) -> Rubric:
    """The rubric with one weight multiplied by a factor."""
    group = "features" if target.kind == "feature" else "dimensions"
    items = list(getattr(rubric, group))
    items[target.index] = items[target.index].model_copy(update={"weight": items[target.index].weight * factor})
    return rubric.model_copy(update={group: tuple(items)})


def gap(rubric: Rubric, cases: list[Case], e: BreakEven, factor: float) -> float:
    """score(above) - score(below) recomputed by score_rubric with the weight times the factor."""
    r = scaled(rubric, e.target, factor)
    scored = score_rubric(r, codings_frame(r, cases), cases_frame(r, cases)).cases.set_index("case")["score"]
    return float(scored[e.above] - scored[e.below])


def gaps(rubric: Rubric, cases: list[Case], e: BreakEven, factors: np.ndarray) -> np.ndarray:
    """The same gap for many factors at once, through the engine's batched effective_weights."""
    m = Matrices.of(rubric, codings_frame(rubric, cases))
    ids = [c.id for c in cases]
    rows = [ids.index(e.above), ids.index(e.below)]
    active, signal = m.active(rubric.missing)
    w = Weights.of(rubric)
    feature = np.repeat(w.feature[None], len(factors), axis=0)
    dimension = np.repeat(w.dimension[None], len(factors), axis=0)
    (feature if e.target.kind == "feature" else dimension)[:, e.target.index] *= factors
    pen = penalty_columns(rubric)
    if pen.any():  # section 9: penalties subtract, dimensions clip (the bundled rubric has two)
        drawn = np.broadcast_to(signal[rows][None], (len(factors), *signal[rows].shape))
        fraction = drawn_fraction(w, pen, active[rows], drawn, feature, dimension)
        return np.asarray((fraction[:, 0] - fraction[:, 1]) * (rubric.scale.max - rubric.scale.min))
    e_f = effective_weights(Weights(feature, dimension, w.member), active[rows])
    scores = weighted_score(e_f, signal[rows], rubric.scale.max - rubric.scale.min, rubric.scale.min)
    return np.asarray(scores[:, 0] - scores[:, 1])


def check(rubric: Rubric, cases: list[Case]) -> list[BreakEven]:
    """Every entry agrees with brute-force recomputation; returns them."""
    entries = break_even(CaseSet.of(rubric, codings_frame(rubric, cases)).ranked())
    for e in entries:
        if e.status == "swap":
            assert e.factor is not None and e.factor > 0
            assert gap(rubric, cases, e, e.factor) == pytest.approx(0.0, abs=1e-9), e
            # The nearest tie: no change of sign between 1 and the factor.
            assert (gaps(rubric, cases, e, np.geomspace(1.0, e.factor, 200)[1:-1]) > 0).all(), e
        elif e.status in ("never", "inactive"):
            assert (gaps(rubric, cases, e, FACTORS) > 0).all(), e
    return entries


@pytest.mark.parametrize("root", WORKSPACES, ids=["demo", "sens", "bundled"])
def test_break_even_factors_match_brute_force_recomputation(root: Path) -> None:
    rubric, cases = corpus_of(root)
    entries = check(rubric, cases)
    scored = CaseSet.of(rubric, codings_frame(rubric, cases)).ranked().ids
    assert len(entries) == len(targets(rubric)) * (len(scored) - 1)
    assert [(e.above, e.below) for e in entries[:: len(targets(rubric))]] == list(pairwise(scored))


def test_the_demo_pair_and_its_smallest_factor() -> None:
    rubric, cases = corpus_of(DEMO)
    entries = check(rubric, cases)
    found = {(e.target.kind, e.target.id): (e.status, e.factor) for e in entries}
    assert found[("feature", "aid")][0] == "swap"
    # alpha-2010 leads by aid (true vs false): shrinking the aid weight to 5/31.4 of itself brings them level.
    assert found[("feature", "aid")][1] == pytest.approx(0.15923566878980888)
    best = smallest(entries)[("alpha-2010", "alpha-2014")]
    assert best is not None and best.target.id == "aid"


def test_a_weight_inactive_for_both_cases_says_so() -> None:
    rubric, _ = corpus_of(SENS)
    base = {"rubric": "sens", "sender": "A", "recipient": "B"}
    cases = [
        Case.model_validate(
            {**base, "id": "a", "title": "a", "codings": {"endorse": 3, "framing": True, "trade": "n/a"}}
        ),
        Case.model_validate(
            {**base, "id": "b", "title": "b", "codings": {"endorse": 1, "framing": True, "trade": "n/a"}}
        ),
    ]
    entries = {(e.target.kind, e.target.id): e.status for e in check(rubric, cases)}
    assert entries[("feature", "trade")] == "inactive"
    assert entries[("feature", "meetings")] == "inactive"  # unknown in both, renormalised away
    assert entries[("dimension", "deeds")] == "inactive"  # no active feature in it for either case
    assert entries[("feature", "endorse")] == "never"


def test_tied_cases_are_reported_tied() -> None:
    rubric, cases = corpus_of(SENS)
    twin = next(c for c in cases if c.id == "s-mid").model_copy(update={"id": "twin"})
    entries = break_even(CaseSet.of(rubric, codings_frame(rubric, [*cases, twin])).ranked())
    assert {e.status for e in entries if {e.above, e.below} == {"s-mid", "twin"}} == {"tied"}


def test_only_rubrics_with_two_dimensions_or_more_vary_dimension_weights() -> None:
    rubric, _ = corpus_of(SENS)
    assert [t.name for t in targets(rubric)][-2:] == ["dimension words", "dimension deeds"]
    flat = rubric.model_copy(
        update={"dimensions": (), "features": tuple(f.model_copy(update={"dimension": None}) for f in rubric.features)}
    )
    assert all(t.kind == "feature" for t in targets(flat))


@settings(max_examples=25, deadline=None)
@given(
    weights=st.lists(st.floats(0.1, 10), min_size=8, max_size=8),
    levels=st.lists(
        st.tuples(st.integers(0, 3), st.booleans(), st.integers(0, 6), st.integers(0, 2)), min_size=3, max_size=3
    ),
)
def test_random_weights_and_codings_agree_with_the_engine(
    weights: list[float], levels: list[tuple[int, bool, int, int]]
) -> None:
    rubric, _ = corpus_of(SENS)
    feats = tuple(f.model_copy(update={"weight": w}) for f, w in zip(rubric.features, weights, strict=False))
    dims = tuple(d.model_copy(update={"weight": w}) for d, w in zip(rubric.dimensions, weights[6:], strict=True))
    rubric = rubric.model_copy(update={"features": feats, "dimensions": dims})
    base = {"rubric": "sens", "sender": "A", "recipient": "B"}
    cases = [
        Case.model_validate({**base, "id": f"c{i}", "title": "c", "codings": {
            "endorse": e, "framing": b, "meetings": m, "distancing": d, "exercises": "n/a" if i == 0 else m % 5,
            "trade": "unknown" if i == 1 else float(m * 3)}})
        for i, (e, b, m, d) in enumerate(levels)
    ]  # fmt: skip
    check(rubric, cases)
