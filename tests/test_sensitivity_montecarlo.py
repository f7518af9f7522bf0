"""Monte Carlo: the fast scorer is the engine's arithmetic, spread 0 is the point score, seeds reproduce."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signalscore.case import Case
from signalscore.engine import Weights, effective_weights, weighted_score
from signalscore.frame import codings_frame
from signalscore.loader import load
from signalscore.sensitivity import ranks as ranks_module
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.montecarlo import Scorer, Settings, simulate, summarise
from signalscore.sensitivity.ranks import RankCounter, rank_counts
from tests.conftest import DATA, DEMO

SENS = DATA / "valid" / "sensitivity"


def loaded(root: Any) -> CaseSet:
    corpus = load([root / "cases"], rubrics_dir=root / "rubrics")
    rubric = next(iter(corpus.rubrics.values()))
    return CaseSet.of(rubric, codings_frame(rubric, corpus.cases)).ranked()


def with_twin(root: Any, case_id: str) -> CaseSet:
    """The workspace's cases plus an exact copy of one of them under another id."""
    corpus = load([root / "cases"], rubrics_dir=root / "rubrics")
    rubric = next(iter(corpus.rubrics.values()))
    twin = next(c for c in corpus.cases if c.id == case_id).model_copy(update={"id": "twin"})
    cases: list[Case] = [*corpus.cases, twin]
    return CaseSet.of(rubric, codings_frame(rubric, cases)).ranked()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_fast_scorer_is_the_engines_effective_weights(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_cases, n_features, n_dims, draws = (int(rng.integers(1, k)) for k in (6, 8, 4, 5))
    member = rng.integers(0, n_dims, n_features)
    w = Weights(rng.uniform(0.1, 5, n_features), rng.uniform(0.1, 5, n_dims), member)
    active = rng.random((n_cases, n_features)) < 0.7
    active[np.arange(n_cases), rng.integers(0, n_features, n_cases)] = True  # every case has a score
    feature = w.feature * rng.uniform(0.2, 1.8, (draws, n_features))
    dimension = w.dimension * rng.uniform(0.2, 1.8, (draws, n_dims))
    signal = np.where(active, rng.random((draws, n_cases, n_features)), 0.0)
    engine = weighted_score(effective_weights(Weights(feature, dimension, member), active), signal, 1.0, 0.0)
    fast = Scorer.of(active, w, draws)(feature, dimension, signal.copy())
    np.testing.assert_allclose(fast, engine, rtol=1e-12, atol=1e-12)


def test_with_spread_zero_and_every_confidence_high_every_percentile_is_the_point_score() -> None:
    cs = loaded(SENS)
    scores = simulate(cs, Settings(draws=500, seed=3, spread=0.0))
    s = summarise(scores, 20)
    for row in (s.mean, *s.percentiles):
        np.testing.assert_allclose(row, cs.point, rtol=0, atol=1e-9)
    assert (s.rank_counts == np.diag([500, 500, 500])).all()


def test_weights_alone_move_scores_when_codings_are_certain() -> None:
    cs = loaded(SENS)
    s = summarise(simulate(cs, Settings(draws=2000, seed=1, spread=0.5)), 20)
    assert (s.percentiles[0] < cs.point).all() and (cs.point < s.percentiles[2]).all()
    assert ((s.percentiles >= cs.low) & (s.percentiles <= cs.low + cs.span)).all()


def test_the_same_seed_reproduces_every_draw_and_another_seed_does_not() -> None:
    cs = loaded(DEMO)
    first = simulate(cs, Settings(draws=3000, seed=7))
    assert np.array_equal(first, simulate(cs, Settings(draws=3000, seed=7)))
    assert not np.array_equal(first, simulate(cs, Settings(draws=3000, seed=8)))


def test_above_below_and_tie_add_up_to_one_for_every_pair() -> None:
    cs = with_twin(DEMO, "alpha-2010")
    s = summarise(simulate(cs, Settings(draws=2000, seed=0)), 20)
    total = s.above + s.above.T + s.tie
    np.testing.assert_allclose(total, np.ones_like(total))


def test_identical_cases_tie_in_every_draw_and_share_the_better_rank() -> None:
    cs = with_twin(SENS, "s-mid")
    assert cs.ids == ("s-high", "s-mid", "twin", "s-low")
    s = summarise(simulate(cs, Settings(draws=1000, seed=0, spread=0.5)), 20)
    assert s.tie[1, 2] == 1.0 and s.above[1, 2] == 0.0 and s.above[2, 1] == 0.0
    assert s.rank_counts[1, 1] == s.rank_counts[2, 1] == 1000  # both rank 2, nobody rank 3
    assert s.rank_counts[:, 2].sum() == 0


def test_ranks_counted_during_the_simulation_equal_ranks_counted_after() -> None:
    cs = with_twin(DEMO, "alpha-2014")
    counter = RankCounter(1500, len(cs.ids), cs.low, cs.low + cs.span)
    scores = simulate(cs, Settings(draws=1500, seed=4), ranks=counter)
    assert (counter.counts() == rank_counts(scores)).all()
    kept = summarise(scores.copy(), 20)
    consumed = summarise(scores, 20, counter, consume=True)
    for name in ("mean", "percentiles", "rank_counts", "above", "tie"):
        assert np.array_equal(getattr(kept, name), getattr(consumed, name)), name


def test_rank_probabilities_add_up_to_one_per_case() -> None:
    cs = loaded(DEMO)
    s = summarise(simulate(cs, Settings(draws=1000, seed=0)), 20)
    assert (s.rank_counts.sum(axis=1) == 1000).all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_rank_counts_follow_the_engines_min_method(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 9))
    scores = rng.integers(0, 4, (50, n)) * 2.5 + rng.choice([0.0, 1e-12], (50, n))  # ties, and float noise
    expected = np.zeros((n, n), dtype=int)
    for row in scores:
        ranks = pd.Series(row).round(9).rank(method="min", ascending=False).astype(int).to_numpy()
        expected[np.arange(n), ranks - 1] += 1
    assert (rank_counts(scores) == expected).all()


def test_rank_counts_survive_many_flushes_of_the_cell_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    scores = np.random.default_rng(5).integers(0, 5, (777, 6)) * 1.0
    expected = rank_counts(scores)
    monkeypatch.setattr(ranks_module, "CELLS", 20)
    assert (rank_counts(scores) == expected).all()


def test_progress_is_reported_per_chunk_up_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    simulate(loaded(DEMO), Settings(draws=2500, seed=0), lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2500, 2500)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_unscored_cases_are_left_out_of_the_simulation() -> None:
    corpus = load([DEMO / "cases"], rubrics_dir=DEMO / "rubrics")
    rubric = corpus.rubrics["demo"]
    every = CaseSet.of(rubric, codings_frame(rubric, corpus.cases))
    assert np.isnan(every.point[every.ids.index("alpha-2020")])
    assert every.ranked().ids == ("alpha-2010", "alpha-2014")


@pytest.mark.parametrize("spread", [0.0, 0.5, 0.99])
def test_scores_stay_on_the_scale(spread: float) -> None:
    cs = loaded(DEMO)
    scores = simulate(cs, Settings(draws=2000, seed=2, spread=spread))
    assert scores.min() >= cs.low and scores.max() <= cs.low + cs.span
