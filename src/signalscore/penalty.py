"""Penalties (DESIGN.md section 9): counter-signals that subtract from their dimension and never earn points.

A rubric with no penalty feature is scored by section 3 alone (engine.score_codings); this module scores
the others. Per case and dimension d, with A the active non-penalty features and P the active penalties:

    S_d = clip(sum_{f in A} (w_f / W_A) s_f - sum_{p in P} (w_p / W_A) v_p, 0, 1),   W_A = sum_{f in A} w_f

and score = min + span * sum_d share_d S_d, share_d = W_d / (sum of W over the dimensions with an active
feature). A dimension whose only active features are penalties stays in with S_d = 0. Every sum is of
terms rounded to multiples of 2**-52 (as in exact.py), so equal cases tie exactly whatever the feature order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from signalscore.codings import CODED, NA, UNKNOWN
from signalscore.scores import Parts, Scored

if TYPE_CHECKING:
    from signalscore.codings import Codings
    from signalscore.engine import Weights
    from signalscore.rubric import Rubric

# An unknown penalty's presence under each policy; None: inactive (section 9: absent under zero,
# half present under midpoint, inactive under renormalize; fully present in score_low, absent in score_high,
# where it stays active at v = 0 if the policy made it active: a dimension it holds at the minimum in the
# score must not drop out of score_high, or score_high could fall below the score).
PENALTY_FILL: dict[str, float | None] = {"zero": None, "midpoint": 0.5, "renormalize": None, "low": 1.0}


def penalty_columns(rubric: Rubric) -> np.ndarray:
    """Which features are penalties (a boolean per feature)."""
    return np.array([f.direction == "penalty" for f in rubric.features], dtype=bool)


_CAP = 1.5  # partial sums of multiples of 2**-52 stay exact below 2


def _quantum(a: np.ndarray) -> np.ndarray:
    """Round terms in [0, 1] to multiples of 2**-52, whose sums below 2 are exact in any order."""
    return (a + 1.0) - 1.0


@dataclass(frozen=True)
class Penalized:
    """One evaluation (the score, or a bound) of every case: effective weights, dimension sums, clipping.

    `e` holds each active feature's effective weight: share_d * w_f / W_A for non-penalty and penalty
    features alike (for a penalty in a dimension with no active non-penalty feature, W_A is the sum of all
    the dimension's non-penalty weights; it then subtracts nothing, the dimension being at 0 already).
    """

    e: np.ndarray
    dim_sum: np.ndarray
    present: np.ndarray
    signal_sum: np.ndarray
    clipped: np.ndarray
    total: np.ndarray
    terms: np.ndarray

    @classmethod
    def of(cls, w: Weights, pen: np.ndarray, active: np.ndarray, s: np.ndarray) -> Penalized:
        """Evaluate: `active` per case and feature, `s` the signal (non-penalty) or presence v (penalty)."""
        dim_sum, present, full = _dimension_sums(w, pen, active)
        dim_w = w.dimension * present
        total_w = dim_w.sum(axis=1, keepdims=True)
        share = np.divide(dim_w, total_w, out=np.zeros_like(dim_w), where=total_w > 0)
        within = np.where(dim_sum > 0, dim_sum, full)
        e, raw, support, against = _within(w, pen, active, s, within)
        e *= share[:, w.member]
        support = np.where(dim_sum > 0, support, 0.0)
        signal_sum = np.maximum(support - against, 0.0)
        clipped = present & (support - against < 0)
        total = _quantum(share * signal_sum).sum(axis=1)  # terms and partial sums below 2: exact in any order
        terms = _terms(w, pen, share, raw, support)
        return cls(e, dim_sum, present, signal_sum, clipped, total, terms)

    def scored(self, low: float, span: float) -> np.ndarray:
        """min + span * total; NaN where no feature is active."""
        out = low + span * self.total
        out[~self.present.any(axis=1)] = np.nan
        return out


def _dimension_sums(w: Weights, pen: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case and dimension: the active non-penalty weights (in a canonical order) and whether the
    dimension has any active feature; per dimension, the sum of all its non-penalty weights."""
    n, n_dims = active.shape[0], w.dimension.shape[-1]
    dim_sum, present, full = np.zeros((n, n_dims)), np.zeros((n, n_dims), dtype=bool), np.zeros(n_dims)
    for d, columns in enumerate(w.groups()):
        for j in columns:
            present[:, d] |= active[:, j]
            if not pen[j]:
                dim_sum[:, d] += active[:, j] * w.feature[j]
                full[d] += w.feature[j]
    return dim_sum, present, full


def _within(
    w: Weights, pen: np.ndarray, active: np.ndarray, s: np.ndarray, within: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Within-dimension weights w_f / W_A and terms (unrounded), and each dimension's exact sums of the
    support and penalty terms; a penalty's sum stops at 1.5 (past 1, the most support can be, the exact
    size no longer matters), so partial sums stay below 2 and exact."""
    weights, raw = np.zeros(active.shape), np.zeros(active.shape)
    support, against = np.zeros(within.shape), np.zeros(within.shape)
    for d, columns in enumerate(w.groups()):
        for j in columns:
            np.divide(active[:, j] * w.feature[j], within[:, d], out=weights[:, j], where=within[:, d] > 0)
            raw[:, j] = weights[:, j] * s[:, j]
            if pen[j]:
                against[:, d] = np.minimum(against[:, d] + _quantum(np.minimum(raw[:, j], _CAP)), _CAP)
            else:
                support[:, d] += _quantum(raw[:, j])
    return weights, raw, support, against


def _terms(w: Weights, pen: np.ndarray, share: np.ndarray, raw: np.ndarray, support: np.ndarray) -> np.ndarray:
    """Each feature's share of sum_d share_d S_d: penalties negative; in a clipped dimension the penalties
    are scaled down together so that they cancel its support exactly (the contributions still add up)."""
    against = np.zeros(support.shape)
    for j, d in enumerate(w.member):
        if pen[j]:
            against[:, d] += raw[:, j]
    clipped = against > support
    scale = np.divide(support, against, out=np.ones_like(support), where=clipped)
    terms = np.empty(raw.shape, order="F")
    for j, d in enumerate(w.member):
        if pen[j]:
            terms[:, j] = -raw[:, j] * scale[:, d] * share[:, d] + 0.0  # + 0.0: no -0.0
        else:
            terms[:, j] = raw[:, j] * share[:, d]
    return terms


def evaluation(
    status: np.ndarray, signal: np.ndarray, pen: np.ndarray, fill: float | None, pen_fill: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Active mask and signals of one evaluation: unknown non-penalty features at `fill` (None: inactive),
    unknown penalties at `pen_fill` (None: inactive); n/a never active."""
    unknown = status == UNKNOWN
    active = status == CODED
    s = np.where(active, signal, 0.0)
    for flag, value in ((~pen, fill), (pen, pen_fill)):
        if value is not None:
            cells = unknown & flag
            active = active | cells
            s = np.where(cells, value, s)
    return active & (status != NA), s


def score_penalized(codings: Codings) -> Scored:
    """engine.score_codings for a rubric with penalties: the score under the missing policy, and the bounds."""
    from signalscore.engine import POLICY_SIGNAL, Weights, coverage, scaled, signals, tie_ranks

    rubric = codings.rubric
    w, pen, status = scaled(Weights.of(rubric)), penalty_columns(rubric), codings.status
    low, span = rubric.scale.min, rubric.scale.max - rubric.scale.min
    v, signal = signals(rubric, codings.x)
    policy = rubric.missing if rubric.missing in POLICY_SIGNAL else "renormalize"
    fill = POLICY_SIGNAL.get(policy)
    point = Penalized.of(w, pen, *evaluation(status, signal, pen, fill, PENALTY_FILL[policy]))
    bound_low = Penalized.of(w, pen, *evaluation(status, signal, pen, 0.0, PENALTY_FILL["low"]))
    absent = None if PENALTY_FILL[policy] is None else 0.0
    bound_high = Penalized.of(w, pen, *evaluation(status, signal, pen, 1.0, absent))
    _, s = evaluation(status, signal, pen, fill, PENALTY_FILL[policy])
    score = point.scored(low, span)
    coded, known = _weight_sums(w, status == CODED), _weight_sums(w, status != NA)
    dimensions = np.where(point.present, low + span * point.signal_sum, np.nan)[:, : len(rubric.dimensions)]
    return Scored(
        codings=codings,
        parts=Parts(v, s, point.e),
        contribution=point.terms * span,
        score=score,
        score_low=bound_low.scored(low, span),
        score_high=bound_high.scored(low, span),
        coverage=coverage(w, coded, known, _supported(w, pen)),
        rank=tie_ranks(score),
        dimensions=dimensions,
        clipped=point.clipped,
    )


def _weight_sums(w: Weights, mask: np.ndarray) -> np.ndarray:
    """Per case and dimension, the raw weights of the masked features (penalties included)."""
    out = np.zeros((mask.shape[0], w.dimension.shape[-1]))
    for j, d in enumerate(w.member):
        out[:, d] += mask[:, j] * w.feature[j]
    return out


def _supported(w: Weights, pen: np.ndarray) -> np.ndarray:
    """Each dimension's sum of non-penalty weights: a penalty's base weight is w_f over it (section 9)."""
    return np.bincount(w.member[~pen], weights=w.feature[~pen], minlength=w.dimension.shape[-1])


def drawn_fraction(
    w: Weights, pen: np.ndarray, active: np.ndarray, signal: np.ndarray, feature: np.ndarray, dimension: np.ndarray
) -> np.ndarray:
    """(score - min) / span of each case under drawn weights, with penalties (for sensitivity analyses).

    `active` (cases, features) and `signal` (draws, cases, features: presence for penalties) as in the
    engine; `feature` (draws, features) and `dimension` (draws, dimensions) are raw weights. Which
    dimensions are present does not depend on the (positive) weights.
    """
    onehot = w.onehot()
    support_w = feature * ~pen  # (draws, features)
    within = np.einsum("cf,df,fk->dck", active, support_w, onehot)
    signed = np.where(pen, -1.0, 1.0) * feature
    weighted = np.einsum("dcf,cf,df,fk->dck", signal, active, signed, onehot)
    mean = np.divide(weighted, within, out=np.zeros_like(weighted), where=within > 0)
    np.clip(mean, 0.0, 1.0, out=mean)
    present = ((active * ~pen) @ onehot > 0) | ((active * pen) @ onehot > 0)  # (cases, dimensions)
    dim_w = dimension[:, None, :] * present
    total = dim_w.sum(-1)
    out: np.ndarray = np.divide((dim_w * mean).sum(-1), total, out=np.full(total.shape, np.nan), where=total > 0)
    return out
