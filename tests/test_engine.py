"""The scoring arithmetic of DESIGN.md section 3: worked examples and properties."""

from __future__ import annotations

import math
import tracemalloc
import warnings
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalscore import blocks
from signalscore.case import Case
from signalscore.codings import Codings
from signalscore.engine import Scores, normalize, ranks, score_codings, score_rubric, signals, tie_ranks
from signalscore.frame import cases_frame, codings_frame
from signalscore.rubric import Rubric, Scale
from tests.strategies import cases_for, rubrics

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(rubric: Rubric, cases: list[Case]) -> Scores:
    return score_rubric(rubric, codings_frame(rubric, cases), cases_frame(rubric, cases))


def rubric(missing: str = "renormalize", dims: bool = True) -> Rubric:
    features: list[dict[str, Any]] = [
        {"id": "a", "label": "A", "weight": 2, "scale": {"type": "ordinal", "levels": {0: "x", 1: "y", 2: "z"}}},
        {"id": "b", "label": "B", "weight": 1, "scale": {"type": "binary"}},
        {"id": "c", "label": "C", "weight": 1, "direction": "negative", "scale": {"type": "count", "cap": 4}},
    ]
    data: dict[str, Any] = {"id": "r", "version": "1", "title": "R", "missing": missing, "features": features}
    if dims:
        data["dimensions"] = [{"id": "d1", "label": "D1", "weight": 3}, {"id": "d2", "label": "D2", "weight": 1}]
        for f, d in zip(features, ["d1", "d1", "d2"], strict=True):
            f["dimension"] = d
    return Rubric.model_validate(data)


def case(cid: str, **codings: Any) -> Case:
    return Case.model_validate(
        {"id": cid, "rubric": "r", "title": cid, "sender": "S", "recipient": "R", "codings": codings}
    )


def row(scores: Scores, cid: str) -> pd.Series:
    return scores.cases.set_index("case").loc[cid]


def test_hierarchical_weights_and_score() -> None:
    # d1 (weight 3/4): a=1 of 0..2 -> 0.5 (w 2/3), b=true -> 1 (w 1/3); d2 (1/4): c=1 of cap 4, negative -> 0.75
    scores = run(rubric(), [case("x", a=1, b=True, c=1)])
    got = row(scores, "x")
    expected = 100 * (0.75 * (2 / 3 * 0.5 + 1 / 3 * 1) + 0.25 * 0.75)
    assert got["score"] == pytest.approx(expected)
    assert (got["score_low"], got["score_high"], got["coverage"]) == (got["score"], got["score"], 1.0)
    weights = scores.features.set_index("feature")["weight"]
    assert weights.to_dict() == pytest.approx({"a": 0.5, "b": 0.25, "c": 0.25})


def test_na_renormalises_and_drops_empty_dimension() -> None:
    scores = run(rubric(), [case("x", a=2, b="n/a", c="n/a")])
    got = row(scores, "x")
    assert got["score"] == pytest.approx(100.0)
    assert got["coverage"] == pytest.approx(1.0)
    dims = scores.dimensions.set_index("dimension")["score"]
    assert dims["d1"] == pytest.approx(100.0) and np.isnan(dims["d2"])


def test_unknown_sets_bounds_and_coverage() -> None:
    got = row(run(rubric(), [case("x", a=2)]), "x")
    assert got["score"] == pytest.approx(100.0)
    # low: b=0, c signal 0 -> d1 = 2/3, d2 = 0; high: everything 1
    assert got["score_low"] == pytest.approx(100 * 0.75 * 2 / 3)
    assert got["score_high"] == pytest.approx(100.0)
    assert got["coverage"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("missing", "expected"), [("zero", 100 * 0.75 * 2 / 3), ("midpoint", 100 * (0.75 * (2 / 3 + 1 / 6) + 0.25 * 0.5))]
)
def test_missing_policies_make_unknown_active(missing: str, expected: float) -> None:
    scores = run(rubric(missing), [case("x", a=2)])
    assert row(scores, "x")["score"] == pytest.approx(expected)
    feats = scores.features.set_index("feature")
    assert feats.loc["b", "status"] == "unknown" and feats.loc["b", "weight"] > 0
    assert pd.isna(feats.loc["b", "value"]) and np.isnan(feats.loc["b", "normalized"])


def test_no_active_feature_has_no_score_and_no_rank() -> None:
    got = row(run(rubric(), [case("x", a="n/a", b="n/a", c="n/a"), case("y", a=1)]), "x")
    assert np.isnan(got["score"]) and pd.isna(got["rank"]) and got["coverage"] == 0


def test_inactive_features_have_null_signal_and_zero_weight() -> None:
    feats = run(rubric(), [case("x", a=1, b="n/a")]).features.set_index("feature")
    for fid in ("b", "c"):
        assert feats.loc[fid, "weight"] == 0
        assert np.isnan(feats.loc[fid, "signal"]) and np.isnan(feats.loc[fid, "contribution"])


def test_without_dimensions_weights_are_flat() -> None:
    got = row(run(rubric(dims=False), [case("x", a=2, b=False, c=0)]), "x")
    assert got["score"] == pytest.approx(100 * (2 * 1 + 0 + 1 * 1) / 4)


def test_ranks_share_the_lowest_rank_and_skip_null() -> None:
    got = ranks(pd.Series([50.0, 70.0, 50.0 + 1e-12, np.nan, 10.0]))
    assert got.tolist() == [2, 1, 2, pd.NA, 4]


@pytest.mark.parametrize(
    ("scale", "x", "v"),
    [
        ({"type": "ordinal", "levels": {1: "a", 3: "b", 5: "c"}}, [1, 3, 5], [0, 0.5, 1]),
        (
            {"type": "ordinal", "levels": {0: {"label": "a", "value": 0.1}, 1: {"label": "b", "value": 0.9}}},
            [0, 1],
            [0.1, 0.9],
        ),
        ({"type": "count", "thresholds": [1, 3, 10]}, [0, 1, 2, 3, 10, 99], [0, 1 / 3, 1 / 3, 2 / 3, 1, 1]),
        ({"type": "count", "cap": 4}, [0, 2, 8], [0, 0.5, 1]),
        ({"type": "continuous", "min": -10, "max": 10}, [-20, 0, 5, 30], [0, 0.5, 0.75, 1]),
        ({"type": "binary"}, [0, 1], [0, 1]),
    ],
)
def test_normalize_follows_the_scale_table(scale: dict[str, Any], x: list[float], v: list[float]) -> None:
    got = normalize(Scale.model_validate(scale), np.array(x, dtype=float))
    assert got.tolist() == pytest.approx(v)
    assert np.isnan(normalize(Scale.model_validate(scale), np.array([np.nan]))).all()


# --- properties (DESIGN.md section 7) ---


@PROPS
@given(st.data())
def test_scores_lie_within_the_scale_and_bounds(data: st.DataObject) -> None:
    r = data.draw(rubrics())
    scores = run(r, data.draw(cases_for(r))).cases.dropna(subset=["score"])
    tol = 1e-9 * (r.scale.max - r.scale.min)
    assert ((scores["score"] >= r.scale.min - tol) & (scores["score"] <= r.scale.max + tol)).all()
    assert ((scores["score_low"] <= scores["score"] + tol) & (scores["score"] <= scores["score_high"] + tol)).all()


@PROPS
@given(st.data())
def test_contributions_add_up_to_score_minus_min(data: st.DataObject) -> None:
    r = data.draw(rubrics())
    scores = run(r, data.draw(cases_for(r)))
    totals = scores.features.groupby("case", sort=False)["contribution"].sum(min_count=1)
    for cid, total in totals.items():
        s = row(scores, str(cid))["score"]
        assert (np.isnan(s) and np.isnan(total)) or total == pytest.approx(
            s - r.scale.min, abs=1e-9 * (r.scale.max - r.scale.min)
        )


@PROPS
@given(st.data())
def test_reordering_cases_changes_no_score(data: st.DataObject) -> None:
    r = data.draw(rubrics())
    cases = data.draw(cases_for(r))
    shuffled = data.draw(st.permutations(cases))
    a = run(r, cases).cases.set_index("case").sort_index()
    b = run(r, shuffled).cases.set_index("case").sort_index()
    pd.testing.assert_frame_equal(
        a[["score", "score_low", "score_high", "coverage", "rank"]],
        b[["score", "score_low", "score_high", "coverage", "rank"]],
    )


@PROPS
@given(st.data(), st.floats(0.001, 1000))
def test_scaling_every_weight_changes_nothing(data: st.DataObject, c: float) -> None:
    r = data.draw(rubrics())
    cases = data.draw(cases_for(r))
    scaled = r.model_copy(
        update={
            "features": tuple(f.model_copy(update={"weight": f.weight * c}) for f in r.features),
            "dimensions": tuple(d.model_copy(update={"weight": d.weight * c}) for d in r.dimensions),
        }
    )
    cols = ["score", "score_low", "score_high", "coverage"]
    a, b = run(r, cases).cases[cols], run(scaled, cases).cases[cols]
    np.testing.assert_allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-9, atol=1e-9)


@PROPS
@given(st.data())
def test_raising_a_positive_feature_never_lowers_the_score(data: st.DataObject) -> None:
    r = data.draw(rubrics())
    (c,) = data.draw(cases_for(r, max_size=1))
    positive = [f for f in r.features if f.direction == "positive" and f.scale.type in ("ordinal", "count", "binary")]
    if not positive:
        return
    f = data.draw(st.sampled_from(positive))
    steps = {"ordinal": sorted(f.scale.levels or {}), "binary": [False, True]}.get(f.scale.type, list(range(0, 31, 3)))
    values = [row(run(r, [recode(c, f.id, v)]), c.id)["score"] for v in steps]
    assert all(b >= a - 1e-9 for a, b in pairwise(values))


def recode(c: Case, fid: str, value: Any) -> Case:
    coding = c.coding(fid).model_copy(update={"value": value})
    return c.model_copy(update={"codings": {**c.codings, fid: coding}})


@PROPS
@given(st.data())
def test_scoring_never_mutates_its_inputs(data: st.DataObject) -> None:
    r = data.draw(rubrics())
    cases = data.draw(cases_for(r))
    codings, info = codings_frame(r, cases), cases_frame(r, cases)
    snapshot = (r.model_dump(), [c.model_dump() for c in cases], codings.copy(), info.copy())
    score_rubric(r, codings, info)
    assert r.model_dump() == snapshot[0] and [c.model_dump() for c in cases] == snapshot[1]
    pd.testing.assert_frame_equal(codings, snapshot[2])
    pd.testing.assert_frame_equal(info, snapshot[3])


def test_numbers_at_their_bounds_score_finitely_and_without_warnings() -> None:
    features: list[dict[str, Any]] = [
        {"id": "a", "label": "A", "dimension": "d1", "weight": 1e-6, "scale": {"type": "binary"}},
        {"id": "b", "label": "B", "dimension": "d1", "weight": 1e6, "scale": {"type": "count", "cap": 1e-300}},
        {
            "id": "c",
            "label": "C",
            "dimension": "d2",
            "weight": 1e-6,
            "scale": {"type": "continuous", "min": 0, "max": 1e-300},
        },
        {
            "id": "e",
            "label": "E",
            "dimension": "d2",
            "scale": {"type": "ordinal", "levels": {-(10**12): "x", 10**12: "y"}},
        },
    ]
    dims = [{"id": "d1", "label": "D1", "weight": 1e-6}, {"id": "d2", "label": "D2", "weight": 1e6}]
    data = {"id": "r", "version": "1", "title": "R", "scale": {"min": -1e12, "max": 1e12}, "dimensions": dims}
    bounded = Rubric.model_validate({**data, "features": features})
    cases = [case("x", a=True, b=10**12, c=1e12, e=10**12), case("y", a=False, b=0, c=-1e12, e=-(10**12)), case("z")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow and invalid-value warnings would reach stderr
        scores = run(bounded, cases)
    assert scores.cases["score"].tolist()[:2] == [1e12, -1e12]
    numbers = scores.cases[["score_low", "score_high", "coverage"]].to_numpy(dtype=float)
    assert np.isfinite(numbers).all()


def _equal_weights(n: int, weight: float, dims: bool) -> Rubric:
    scale = {"type": "continuous", "min": 0, "max": 7}
    features: list[dict[str, Any]] = [
        {"id": f"f{i}", "label": "F", "weight": weight, "scale": scale, **({"dimension": "d"} if dims else {})}
        for i in range(n)
    ]
    data: dict[str, Any] = {"id": "r", "version": "1", "title": "R", "features": features}
    if dims:
        data["dimensions"] = [{"id": "d", "label": "D", "weight": 0.3}]
        features.append({"id": "g", "label": "G", "dimension": "e", "weight": 0.7, "scale": {"type": "binary"}})
        data["dimensions"].append({"id": "e", "label": "E", "weight": 0.7})
    return Rubric.model_validate(data)


@PROPS
@given(
    st.lists(st.one_of(st.floats(0, 7, allow_nan=False), st.sampled_from(["n/a", "unknown"])), min_size=2, max_size=14),
    st.randoms(use_true_random=False),
    st.sampled_from([1.0, 0.1, 3.7, 1e-3]),
    st.booleans(),
)
def test_permuting_equally_weighted_features_changes_nothing(
    values: list[Any], rng: Any, weight: float, dims: bool
) -> None:
    # issue 9 item 15: the same values shuffled over equal-weight features must score exactly the same.
    r = _equal_weights(len(values), weight, dims)
    shuffled = values[:]
    rng.shuffle(shuffled)
    extra = {"g": True} if dims else {}
    cases = [
        case("a", **{f"f{i}": v for i, v in enumerate(values)}, **extra),
        case("b", **{f"f{i}": v for i, v in enumerate(shuffled)}, **extra),
    ]
    got = run(r, cases).cases.set_index("case")
    for column in ("score", "score_low", "score_high", "coverage"):
        a, b = got.loc["a", column], got.loc["b", column]
        assert (np.isnan(a) and np.isnan(b)) or a == b, column
    assert got.loc["a", "rank"] is got.loc["b", "rank"] or got.loc["a", "rank"] == got.loc["b", "rank"]


@PROPS
@given(st.data())
def test_one_pass_outputs_agree_with_the_arrays_built_on_demand(data: st.DataObject) -> None:
    # Contributions, sums and dimension scores come from one pass over the features; the normalised values,
    # signals and weights are built only when first asked for, and must be the ones that pass used.
    r = data.draw(rubrics())
    cases = data.draw(cases_for(r))
    part = score_codings(Codings.collect(r, cases))
    span = r.scale.max - r.scale.min
    np.testing.assert_array_equal(part.contribution, part.weight * part.signal * span)
    v, signal = signals(r, Codings.collect(r, cases).x)
    np.testing.assert_array_equal(part.normalized, v)
    if r.missing == "renormalize" and not r.has_penalties:
        np.testing.assert_array_equal(part.signal, signal)


OUTPUTS = ("score", "score_low", "score_high", "coverage", "rank", "dimensions", "contribution")


@PROPS
@given(st.data())
def test_a_case_scores_the_same_whatever_block_of_cases_it_is_scored_in(data: st.DataObject) -> None:
    # Cases are scored a block of rows at a time: the blocks' edges, and the other cases in a block, must
    # change no bit of a case's outputs (its rank aside, which depends on every score).
    r = data.draw(rubrics())
    cases = data.draw(cases_for(r))
    alone = score_codings(Codings.collect(r, cases))
    rows = data.draw(st.lists(st.integers(0, len(cases) - 1), min_size=150, max_size=300))
    many = Codings.collect(r, cases).take(
        rows, [cases[i].model_copy(update={"id": f"c{k}"}) for k, i in enumerate(rows)]
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "_CELLS", 1)  # blocks of 64 cases
        small = score_codings(many)
    whole = score_codings(many)
    for key in OUTPUTS:
        np.testing.assert_array_equal(getattr(small, key), getattr(whole, key), err_msg=key, strict=True)
        if key != "rank":
            np.testing.assert_array_equal(getattr(whole, key), getattr(alone, key)[rows], err_msg=key, strict=True)


def reference_ranks(score: list[float]) -> list[float]:
    """The rank rule, case by case: 1 + the number of scores higher after rounding to RANK_DECIMALS."""
    keys = [s if math.isnan(s) or math.isinf(s * 1e9) else round(s * 1e9) / 1.0 for s in score]
    return [math.nan if math.isnan(k) else 1.0 + sum(o > k for o in keys if not math.isnan(o)) for k in keys]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([0.0, -0.0, 1e-10, 1.5e-9, 2.5e-9, 50.0, 50.0 + 4e-10, 50.0 + 6e-10, 4.6e6, 1e300]),
        ),
        max_size=40,
    )
)
def test_ranks_follow_the_rank_rule_for_any_scores(score: list[float]) -> None:
    # Keys within 2**52 are sorted with their positions packed into one integer; any others are argsorted.
    got = tie_ranks(np.array(score, dtype=float))
    np.testing.assert_array_equal(got, reference_ranks(score))
    out = np.empty(len(score))
    assert tie_ranks(np.array(score, dtype=float), out=out) is out
    np.testing.assert_array_equal(out, got)


def test_evenly_spread_levels_normalise_exactly_as_interpolation() -> None:
    levels = {-3: "a", 0: "b", 4: "c", 7: "d", 1000: "e"}
    scale = Scale.model_validate({"type": "ordinal", "levels": levels})
    keys = np.array([-3.0, 0.0, 4.0, 7.0, 1000.0, np.nan])
    expected = np.interp(keys, [-3, 0, 4, 7, 1000], [(k + 3) / 1003 for k in (-3, 0, 4, 7, 1000)])
    np.testing.assert_array_equal(normalize(scale, keys), expected)
    count = Scale.model_validate({"type": "count", "thresholds": [1, 3, 3.5]})
    x = np.array([0.0, 1.0, 2.0, 3.0, 3.5, 9.0, np.nan])
    np.testing.assert_array_equal(normalize(count, x), [0, 1 / 3, 1 / 3, 2 / 3, 1, 1, np.nan])


def test_scoring_holds_no_case_by_feature_temporaries() -> None:
    # Beyond its outputs, scoring keeps only a few cache-sized blocks of rows and a few columns: 100,000 cases
    # score without gigabytes of temporaries, and the weights and signals are built only for those who ask.
    features = [
        {"id": f"f{j}", "label": "F", "weight": 1 + j % 3, "dimension": f"d{j % 2}", "scale": {"type": "binary"}}
        for j in range(24)
    ]
    dims = [{"id": "d0", "label": "D", "weight": 2}, {"id": "d1", "label": "E", "weight": 1}]
    r = Rubric.model_validate({"id": "r", "version": "1", "title": "R", "features": features, "dimensions": dims})
    rng = np.random.default_rng(0)
    values = rng.choice(np.array([True, False, "n/a", "unknown"], dtype=object), (500, 24))
    cases = [case(f"c{i}", **{f"f{j}": v for j, v in enumerate(row)}) for i, row in enumerate(values)]
    few = Codings.collect(r, cases)
    many = [np.asfortranarray(np.tile(a, (80, 1))) for a in (few.x, few.status, few.confidence)]
    codings = Codings(r, np.tile(few.ids, 80), *many)  # 40,000 cases: many blocks
    tracemalloc.start()
    part = score_codings(codings)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    array = codings.x.nbytes
    assert peak < 2.5 * array  # the outputs (contributions and a column each), blocks and a few columns
    assert part.weight.shape == part.signal.shape == part.normalized.shape == codings.x.shape
