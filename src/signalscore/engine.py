"""Scoring arithmetic (DESIGN.md section 3), vectorised over cases and, for analyses, over draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from signalscore.rubric import Rubric, Scale

CODED, NA, UNKNOWN = 0, 1, 2
STATUS = {"coded": CODED, "n/a": NA, "unknown": UNKNOWN}
POLICY_SIGNAL = {"zero": 0.0, "midpoint": 0.5}
# Scores that differ by less than this are ties: float noise must not split equal cases.
RANK_DECIMALS = 9


@dataclass(frozen=True)
class Weights:
    """Raw feature and dimension weights; leading axes, if any, are draws."""

    feature: np.ndarray
    dimension: np.ndarray
    member: np.ndarray

    @classmethod
    def of(cls, rubric: Rubric) -> Weights:
        """The rubric's weights; a rubric without dimensions has one implicit dimension."""
        dims: list[str | None] = [d.id for d in rubric.dimensions] or [None]
        return cls(
            feature=np.array([f.weight for f in rubric.features], dtype=float),
            dimension=np.array([d.weight for d in rubric.dimensions] or [1.0], dtype=float),
            member=np.array([dims.index(f.dimension) for f in rubric.features]),
        )

    def onehot(self) -> np.ndarray:
        """Feature-by-dimension membership matrix."""
        onehot: np.ndarray = np.eye(self.dimension.shape[-1])[self.member]
        return onehot


def normalize(scale: Scale, x: np.ndarray) -> np.ndarray:
    """Coded values to normalised values in [0, 1] (NaN stays NaN)."""
    if scale.type == "ordinal":
        assert scale.levels is not None
        keys = sorted(scale.levels)
        values = [scale.levels[k].value for k in keys]
        ys = [(k - keys[0]) / (keys[-1] - keys[0]) if v is None else v for k, v in zip(keys, values, strict=True)]
        return np.asarray(np.interp(x, keys, ys), dtype=float)
    if scale.type == "count" and scale.thresholds is not None:
        steps = np.searchsorted(np.array(scale.thresholds), x, side="right")
        return np.where(np.isnan(x), np.nan, steps / len(scale.thresholds))
    lo, hi = (scale.min, scale.max) if scale.type == "continuous" else (0.0, scale.cap or 1.0)
    assert lo is not None and hi is not None
    with np.errstate(over="ignore"):  # a range of 1e-300 sends far values to inf, which the clip makes 1
        return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def effective_weights(w: Weights, active: np.ndarray) -> np.ndarray:
    """Hierarchically renormalised weights of the active features (section 3, step 3)."""
    raw = active * w.feature[..., None, :]
    dim_sum = raw @ w.onehot()
    present = dim_sum > 0
    dim_w = w.dimension[..., None, :] * present
    total = dim_w.sum(-1, keepdims=True)
    # e_f = w_f / (sum of active w in f's dimension) * W_d / (sum of W over dimensions with an active feature)
    factor = np.divide(dim_w, dim_sum * np.where(total > 0, total, 1.0), out=np.zeros_like(dim_sum), where=present)
    e: np.ndarray = raw * factor[..., w.member]
    return e


def base_weights(w: Weights) -> np.ndarray:
    """Weights with every feature active (section 3, step 1)."""
    return effective_weights(w, np.ones((1, w.member.shape[0]), dtype=bool))[..., 0, :]


def weighted_score(e: np.ndarray, s: np.ndarray, span: float, low: float) -> np.ndarray:
    """min + span * sum(e * s), with s finite (0 where inactive); NaN where no feature is active."""
    total = np.einsum("...f,...f->...", e, s)
    return np.asarray(np.where(e.sum(-1) > 0, low + span * total, np.nan))


@dataclass(frozen=True)
class Matrices:
    """A rubric's codings as case-by-feature arrays."""

    status: np.ndarray
    signal: np.ndarray
    normalized: np.ndarray
    x: np.ndarray

    @classmethod
    def of(cls, rubric: Rubric, codings: pd.DataFrame) -> Matrices:
        """Reshape the tidy codings (case-major, rubric feature order) and compute signals."""
        n_features = len(rubric.features)
        x = codings["x"].to_numpy(dtype=float).reshape(-1, n_features)
        # A coded value is always a number, so only the NaN cells need their status word read.
        status = np.full(x.shape, CODED, dtype=np.int8)
        missing = np.isnan(x)
        words = codings["status"].to_numpy().reshape(x.shape)[missing]
        status[missing] = np.where(words == "n/a", NA, UNKNOWN)
        v = np.column_stack([normalize(f.scale, x[:, j]) for j, f in enumerate(rubric.features)]) if len(x) else x
        negative = np.array([f.direction == "negative" for f in rubric.features])
        return cls(status=status, signal=np.where(negative, 1.0 - v, v), normalized=v, x=x)

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


@dataclass(frozen=True)
class Scores:
    """Scored cases, their dimension scores and every feature's part in them."""

    cases: pd.DataFrame
    dimensions: pd.DataFrame
    features: pd.DataFrame


def ranks(score: pd.Series) -> pd.Series:
    """1-based ranks, highest first; ties share the lowest rank; no score, no rank."""
    return score.round(RANK_DECIMALS).rank(method="min", ascending=False).astype("Int64")


def _coverage(w: Weights, status: np.ndarray) -> np.ndarray:
    b = base_weights(w)
    coded = (status == CODED) @ b
    known = (status != NA) @ b
    return np.where(coded > 0, coded / np.where(known > 0, known, 1.0), 0.0)


def _dimension_frame(rubric: Rubric, cases: pd.Series, e: np.ndarray, s: np.ndarray, w: Weights) -> pd.DataFrame:
    """Dimension scores, one row per case and declared dimension (case-major)."""
    onehot = w.onehot()
    dim_sum = e @ onehot
    mean = np.divide((e * s) @ onehot, dim_sum, out=np.full_like(dim_sum, np.nan), where=dim_sum > 0)
    ids = [d.id for d in rubric.dimensions]
    values = rubric.scale.min + (rubric.scale.max - rubric.scale.min) * mean[:, : len(ids)]
    return pd.DataFrame(
        {
            "rubric": rubric.id,
            "case": np.repeat(cases.to_numpy(), len(ids)),
            "dimension": np.tile(np.array(ids, dtype=object), len(cases)),
            "score": values.ravel(),
        }
    )


def _feature_frame(codings: pd.DataFrame, m: Matrices, e: np.ndarray, s: np.ndarray, span: float) -> pd.DataFrame:
    active = e > 0
    computed = {
        "normalized": m.normalized.ravel(),
        "signal": np.where(active, s, np.nan).ravel(),
        "weight": e.ravel(),
        "contribution": np.where(active, span * e * s, np.nan).ravel(),
    }
    # Copy-on-write: the new frame shares the codings' columns until someone writes to them.
    return codings.drop(columns=["x"]).assign(**computed)


def score_rubric(rubric: Rubric, codings: pd.DataFrame, cases: pd.DataFrame) -> Scores:
    """Score every case of one rubric: scores, bounds, coverage, ranks, dimensions, contributions."""
    w = Weights.of(rubric)
    m = Matrices.of(rubric, codings)
    low, span = rubric.scale.min, rubric.scale.max - rubric.scale.min
    active, s = m.active(rubric.missing)
    e = effective_weights(w, active)
    out = cases.copy()
    out["score"] = weighted_score(e, s, span, low)
    for name, fill in (("score_low", 0.0), ("score_high", 1.0)):
        mask, signal = m.bound(fill)
        out[name] = weighted_score(effective_weights(w, mask), signal, span, low)
    out["coverage"] = _coverage(w, m.status)
    out["rank"] = ranks(out["score"])
    dims = _dimension_frame(rubric, cases["case"], e, s, w)
    return Scores(out, dims, _feature_frame(codings, m, e, s, span))
