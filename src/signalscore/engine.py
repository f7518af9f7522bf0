"""Scoring arithmetic (DESIGN.md section 3), on case-by-feature arrays; for analyses, also over draws."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from signalscore.blocks import COVERAGE, RANK, SCORE, SCORE_HIGH, SCORE_LOW, Plan, score_blocks
from signalscore.codings import CODED, NA, STATUS, UNKNOWN, Codings
from signalscore.exact import Effective
from signalscore.penalty import score_penalized
from signalscore.rubric import Feature, Rubric, Scale
from signalscore.scores import Parts, Scored, Scores

if TYPE_CHECKING:  # (imported where a frame is made: scoring collected codings never needs pandas)
    import pandas as pd

__all__ = ["CODED", "NA", "STATUS", "UNKNOWN", "Scored", "Scores", "score_codings", "score_rubric"]

POLICY_SIGNAL = {"zero": 0.0, "midpoint": 0.5}
# Scores are ranked by their value rounded to this many decimals (sensitivity.ranks.tie_keys does the same);
# the sums themselves are exact under reordering, so equal cases never differ by float noise.
RANK_DECIMALS = 9
# Terms of a score (each in [0, 1]) are summed as integer multiples of 2**-52: exact, in any order.
_QUANTA = 2.0**52


@dataclass(frozen=True)
class Weights:
    """Raw feature and dimension weights; leading axes, if any, are draws."""

    feature: np.ndarray
    dimension: np.ndarray
    member: np.ndarray

    @classmethod
    def of(cls, rubric: Rubric) -> Weights:
        """The rubric's weights; a rubric without dimensions has one implicit dimension."""
        dims = {d.id: i for i, d in enumerate(rubric.dimensions)}
        return cls(
            feature=np.array([f.weight for f in rubric.features], dtype=float),
            dimension=np.array([d.weight for d in rubric.dimensions] or [1.0], dtype=float),
            member=np.array([dims.get(f.dimension, 0) if f.dimension else 0 for f in rubric.features], dtype=np.intp),
        )

    def onehot(self) -> np.ndarray:
        """Feature-by-dimension membership matrix."""
        onehot: np.ndarray = np.eye(self.dimension.shape[-1])[self.member]
        return onehot

    def groups(self) -> list[np.ndarray]:
        """Each dimension's feature columns, lightest first (a canonical order for exact sums)."""
        order = np.lexsort((self.feature, self.member))
        members = self.member[order]
        return [order[members == d] for d in range(self.dimension.shape[-1])]


def normalize(scale: Scale, x: np.ndarray) -> np.ndarray:
    """Coded values to normalised values in [0, 1] (NaN stays NaN)."""
    if scale.type == "ordinal":
        assert scale.levels is not None
        keys = sorted(scale.levels)
        if all(scale.levels[k].value is None for k in keys):  # evenly spread: (k - first) / (last - first)
            return _unit(x, keys[0], keys[-1])
        values = [scale.levels[k].value for k in keys]
        ys = [(k - keys[0]) / (keys[-1] - keys[0]) if v is None else v for k, v in zip(keys, values, strict=True)]
        return np.asarray(np.interp(x, keys, ys), dtype=float)
    if scale.type == "count" and scale.thresholds is not None:
        return _steps(x, scale.thresholds)
    lo, hi = (scale.min, scale.max) if scale.type == "continuous" else (0.0, scale.cap or 1.0)
    assert lo is not None and hi is not None
    with np.errstate(over="ignore"):  # a range of 1e-300 sends far values to inf, which the clip makes 1
        return _unit(x, lo, hi)


def _unit(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """(x - lo) / (hi - lo) clipped to [0, 1], NaN kept; in place on one temporary (np.clip is ten times slower)."""
    out: np.ndarray = np.subtract(x, lo)
    out /= hi - lo
    np.maximum(out, 0.0, out=out)
    np.minimum(out, 1.0, out=out)
    return out


def _steps(x: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """The share of thresholds at or below x (NaN stays NaN): a comparison per threshold, no search."""
    if len(thresholds) > 8:
        steps = np.searchsorted(np.array(thresholds), x, side="right")
        return np.where(np.isnan(x), np.nan, steps / len(thresholds))
    out = np.zeros(x.shape)
    for threshold in thresholds:
        out += x >= threshold
    out /= len(thresholds)
    out[np.isnan(x)] = np.nan
    return out


def effective_weights(w: Weights, active: np.ndarray) -> np.ndarray:
    """Hierarchically renormalised weights of the active features (section 3, step 3); batched over draws."""
    raw = active * w.feature[..., None, :]
    dim_sum = raw @ w.onehot()
    present = dim_sum > 0
    dim_w = w.dimension[..., None, :] * present
    total = dim_w.sum(-1, keepdims=True)
    # e_f = w_f / (sum of active w in f's dimension) * W_d / (sum of W over dimensions with an active feature)
    factor = np.divide(dim_w, dim_sum * np.where(total > 0, total, 1.0), out=np.zeros_like(dim_sum), where=present)
    e: np.ndarray = raw * factor[..., w.member]
    return e


def base_weights(w: Weights, penalty: np.ndarray | None = None) -> np.ndarray:
    """Weights with every feature active (section 3, step 1); a penalty's (given a mask of the penalties):
    its dimension's share times w_f over the sum of the dimension's non-penalty weights (section 9)."""
    if penalty is None or not penalty.any():
        return effective_weights(w, np.ones((1, w.member.shape[0]), dtype=bool))[..., 0, :]
    support = effective_weights(w, ~penalty[None, :])[..., 0, :]
    full = np.bincount(w.member[~penalty], weights=w.feature[~penalty], minlength=w.dimension.shape[-1])
    share = w.dimension / w.dimension.sum()
    against = share[w.member] * w.feature / full[w.member]
    return np.where(penalty, against, support)


def weighted_score(e: np.ndarray, s: np.ndarray, span: float, low: float) -> np.ndarray:
    """min + span * sum(e * s), with s finite (0 where inactive); NaN where no feature is active."""
    total = np.einsum("...f,...f->...", e, s)
    return np.asarray(np.where(e.sum(-1) > 0, low + span * total, np.nan))


def signals(rubric: Rubric, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalised values (NaN where not coded) and signals (negative features reversed; 0 where not coded)."""
    v = np.empty(x.shape, order="F")
    signal = np.empty(x.shape, order="F")
    for j, f in enumerate(rubric.features):
        feature_signal(f, x[:, j], v[:, j], signal[:, j])
    return v, signal


def feature_signal(f: Feature, x: np.ndarray, v: np.ndarray, signal: np.ndarray) -> np.ndarray:
    """One feature's normalised values into v and signals into `signal` (0 where not coded); returns signal."""
    v[...] = normalize(f.scale, x)
    if f.direction == "negative":
        np.subtract(1.0, v, out=signal)
    else:
        signal[...] = v
    np.fmax(signal, 0.0, out=signal)
    return signal


@dataclass(frozen=True)
class Matrices:
    """A rubric's codings as case-by-feature arrays, with their signals."""

    status: np.ndarray
    signal: np.ndarray
    normalized: np.ndarray
    x: np.ndarray

    @classmethod
    def of(cls, rubric: Rubric, codings: pd.DataFrame) -> Matrices:
        """The arrays of the tidy codings (case-major, rubric feature order)."""
        return cls.of_codings(Codings.from_frame(rubric, codings))

    @classmethod
    def of_codings(cls, codings: Codings) -> Matrices:
        """Signals of collected codings."""
        v, signal = signals(codings.rubric, codings.x)
        signal = np.where(codings.status == CODED, signal, np.nan)
        return cls(status=codings.status, signal=signal, normalized=v, x=codings.x)

    def active(self, policy: str) -> tuple[np.ndarray, np.ndarray]:
        """Active mask and signals (0 where inactive) under a missing-value policy (step 2)."""
        if policy in POLICY_SIGNAL:
            return self.bound(POLICY_SIGNAL[policy])
        coded = self.status == CODED
        return coded, np.where(coded, self.signal, 0.0)

    def bound(self, fill: float) -> tuple[np.ndarray, np.ndarray]:
        """Every unknown feature active with the given signal (step 7); signals 0 where inactive."""
        signal = np.where(self.status == UNKNOWN, fill, self.signal)
        return self.status != NA, np.where(self.status == NA, 0.0, signal)


def tie_ranks(score: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """1-based ranks, highest first, by the score rounded to RANK_DECIMALS; ties share the lowest; NaN: none
    (into `out` if given)."""
    with np.errstate(over="ignore", invalid="ignore"):
        keys = np.rint(score * 10.0**RANK_DECIMALS)
    if not np.isfinite(keys[~np.isnan(keys)]).all():
        keys = np.where(np.isfinite(keys), keys, score)
    scored = ~np.isnan(keys)
    valid = None if scored.all() else np.flatnonzero(scored)
    keys = keys if valid is None else keys[valid]
    order, ordered = _sorted_keys(keys)
    first = np.arange(1.0, len(order) + 1.0)
    first[1:][ordered[1:] == ordered[:-1]] = 0.0  # a tie keeps the rank where its run of ties began
    np.maximum.accumulate(first, out=first)
    out = np.full(score.shape, np.nan) if out is None else out
    if valid is not None:
        out[...] = np.nan
    out[order if valid is None else valid[order]] = first
    return out


def _sorted_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order of the keys, highest first, and in that order, values equal exactly where the keys are.

    Whole-number keys of a modest range are sorted with their positions packed into the low bits of one
    int64 each: a plain sort of numbers, four times quicker than an argsort. Any others are argsorted.
    """
    bits = max(len(keys) - 1, 1).bit_length()
    low, high = (keys.min(), keys.max()) if len(keys) else (0.0, 0.0)
    if max(-low, high) >= 2.0**52 or high - low >= 2.0 ** (62 - bits):  # (finite keys are whole numbers)
        negated = np.negative(keys)
        order = np.argsort(negated)
        return order, negated[order]
    packed = np.subtract(high, keys).astype(np.int64)  # whole numbers below 2**52: exact, and equal where the keys are
    packed <<= bits
    packed |= np.arange(len(keys), dtype=np.int64)
    packed.sort()
    order = packed & ((1 << bits) - 1)
    packed >>= bits
    return order, packed


def ranks(score: pd.Series) -> pd.Series:
    """1-based ranks, highest first; ties share the lowest rank; no score, no rank."""
    import pandas as pd

    got = tie_ranks(score.to_numpy(dtype=float, na_value=np.nan))
    return pd.Series(pd.array(got, dtype="Int64"), index=score.index)


def scaled(w: Weights) -> Weights:
    """Weights divided by the largest: the same effective weights, and no overflow for huge ones."""
    return Weights(w.feature / w.feature.max(), w.dimension / w.dimension.max(), w.member)


def coverage(w: Weights, coded: np.ndarray, known: np.ndarray, full: np.ndarray | None = None) -> np.ndarray:
    """Section 3, step 6, from each dimension's sums of coded and of known raw weights (n x dimensions);
    `full`: each dimension's sum of the weights that base weights divide by (default: all its features)."""
    if full is None:
        full = np.bincount(w.member, weights=w.feature, minlength=w.dimension.shape[0])
    share = w.dimension / w.dimension.sum() / full
    coded_b, known_b = np.zeros(coded.shape[0]), np.zeros(coded.shape[0])
    for d, part in enumerate(share):
        coded_b += coded[:, d] * part
        known_b += known[:, d] * part
    out: np.ndarray = np.divide(coded_b, known_b, out=np.zeros_like(coded_b), where=coded_b > 0)
    return out


def score_codings(codings: Codings) -> Scored:
    """Score every case of one rubric: scores, bounds, coverage, ranks, dimension scores, contributions
    (and, built when first asked for, the normalised values, signals and effective weights)."""
    rubric = codings.rubric
    if rubric.has_penalties:
        return score_penalized(codings)
    w = scaled(Weights.of(rubric))
    fill = POLICY_SIGNAL.get(rubric.missing)
    out = score_blocks(codings, Plan.of(rubric, w, fill))
    m = len(rubric.features)
    score, score_low, score_high, cover, rank = (out[:, m + k] for k in (SCORE, SCORE_LOW, SCORE_HIGH, COVERAGE, RANK))
    tie_ranks(score, out=rank)
    return Scored(
        codings=codings,
        parts=lambda: _parts(codings, w, fill),
        contribution=out[:, :m],
        score=score,
        score_low=score_low,
        score_high=score_high,
        coverage=cover,
        rank=rank,
        dimensions=out[:, m + 5 :],
    )


def _parts(codings: Codings, w: Weights, fill: float | None) -> Parts:
    """The normalised values, signals and effective weights that score_codings scored with."""
    eff = Effective.of(w, codings.status == CODED if fill is None else codings.status != NA)
    v, signal = signals(codings.rubric, codings.x)
    s = signal if fill is None else signal + fill * (codings.status == UNKNOWN)
    return Parts(v, s, eff.e)


def score_rubric(rubric: Rubric, codings: pd.DataFrame | Codings, cases: pd.DataFrame | None = None) -> Scores:
    """Score the cases of one rubric, from collected codings or a tidy codings frame (frame.codings_frame)."""
    if not isinstance(codings, Codings):
        codings = Codings.from_frame(rubric, codings, cases)
    return Scores((score_codings(codings),))
