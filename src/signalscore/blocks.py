"""Section 3 for a rubric without penalties, a block of cases at a time, every temporary small enough for a cache.

Every output but the ranks is a function of one case's codings, so the cases are scored in blocks of rows:
a few case-by-feature temporaries of about a megabyte, reused from block to block, in place of passes over
whole arrays (or of a Python loop over the features), and the outputs share one allocation. Each element
goes through the same floating-point operations as when the engine took one feature's column at a time
over all the cases, so every bit of every output is the same: each dimension's active weights added in its
canonical order (Weights.groups), score terms rounded to multiples of 2**-52 (whose sums are exact in any
order), dimension sums in rubric order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from signalscore.codings import CODED, NA, UNKNOWN
from signalscore.exact import dimension_sums, exact_row_sums, factors

if TYPE_CHECKING:
    from signalscore.codings import Codings
    from signalscore.engine import Weights
    from signalscore.rubric import Rubric, Scale

T = TypeVar("T")

_CELLS = 1 << 17  # cases x features in one block: each float temporary 1 MB, within a core's share of cache


@dataclass(frozen=True)
class Plan:
    """What every block needs of the rubric: weights, each feature's linear map to [0, 1] or its own scale."""

    w: Weights
    groups: list[np.ndarray]
    lo: np.ndarray
    width: np.ndarray
    other: tuple[tuple[int, Scale], ...]
    negative: tuple[tuple[int, int], ...]
    fill: float | None
    low: float
    span: float
    n_dims: int
    runs: tuple[tuple[int, int, int], ...]

    @classmethod
    def of(cls, rubric: Rubric, w: Weights, fill: float | None) -> Plan:
        """The rubric's plan: engine.normalize's (x - lo) / (hi - lo), clipped, wherever that is the scale's."""
        lo, width, other = [], [], []
        for j, f in enumerate(rubric.features):
            bounds = _linear(f.scale)
            if bounds is None:
                other.append((j, f.scale))
            lo.append(0.0 if bounds is None else bounds[0])
            width.append(1.0 if bounds is None else bounds[1] - bounds[0])
        return cls(
            w=w,
            groups=w.groups(),
            lo=np.array(lo, dtype=float),
            width=np.array(width, dtype=float),
            other=tuple(other),
            negative=tuple((a, b) for a, b, neg in _runs([f.direction == "negative" for f in rubric.features]) if neg),
            fill=fill,
            low=rubric.scale.min,
            span=rubric.scale.max - rubric.scale.min,
            n_dims=len(rubric.dimensions),
            runs=tuple((a, b, int(d)) for a, b, d in _runs(list(w.member))),
        )

    def signals(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """engine.feature_signal of every feature of a block: negative features reversed, 0 where not coded."""
        from signalscore.engine import normalize

        np.subtract(x, self.lo, out=out)
        with np.errstate(over="ignore"):
            out /= self.width
        np.maximum(out, 0.0, out=out)
        np.minimum(out, 1.0, out=out)
        for j, scale in self.other:
            out[:, j] = normalize(scale, x[:, j])
        for start, stop in self.negative:
            np.subtract(1.0, out[:, start:stop], out=out[:, start:stop])
        np.fmax(out, 0.0, out=out)
        return out

    def effective(self, active: np.ndarray, scratch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """exact.Effective.of for a block: each dimension's active raw weights, and the weights' factors."""
        dim_sum = dimension_sums(self.w, self.groups, active, scratch)
        return dim_sum, factors(self.w, dim_sum)

    def weights(self, factor: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Effective weights wherever the factors' mask is active, and where it is not, what they would be
        (inactive features have a signal of 0, so their products with these are 0 as with a weight of 0)."""
        for start, stop, d in self.runs:
            np.multiply(factor[:, d : d + 1], self.w.feature[start:stop], out=out[:, start:stop])
        return out


def _runs(values: list[T]) -> list[tuple[int, int, T]]:
    """Runs of equal consecutive values: (start, stop, value)."""
    starts = [0, *(j for j in range(1, len(values)) if values[j] != values[j - 1])]
    stops = [*starts[1:], len(values)]
    return [(a, b, values[a]) for a, b in zip(starts, stops, strict=True)]


def _linear(scale: Scale) -> tuple[float, float] | None:
    """(lo, hi) if engine.normalize maps the scale by (x - lo) / (hi - lo) clipped to [0, 1], else None."""
    if scale.type == "ordinal":
        assert scale.levels is not None
        keys = sorted(scale.levels)
        return (keys[0], keys[-1]) if all(scale.levels[k].value is None for k in keys) else None
    if scale.type == "count" and scale.thresholds is not None:
        return None
    lo, hi = (scale.min, scale.max) if scale.type == "continuous" else (0.0, scale.cap or 1.0)
    assert lo is not None and hi is not None
    return lo, hi


@dataclass(frozen=True)
class Scratch:
    """A block's case-by-feature temporaries, allocated once per scoring and reused by every block."""

    signal: np.ndarray
    filled: np.ndarray
    weight: np.ndarray
    term: np.ndarray
    coded: np.ndarray
    known: np.ndarray
    unknown: np.ndarray

    @classmethod
    def of(cls, rows: int, n_features: int) -> Scratch:
        """Room for a block of `rows` cases."""
        shape = (rows, n_features)
        floats = (np.empty(shape, order="F") for _ in range(4))
        masks = (np.empty(shape, dtype=bool, order="F") for _ in range(3))
        return cls(*floats, *masks)

    def rows(self, n: int) -> Scratch:
        """The first n rows (the last block may be short)."""
        return Scratch(*(a[:n] for a in vars(self).values()))


def block_rows(n_features: int) -> int:
    """Cases per block."""
    return max(64, _CELLS // max(n_features, 1))


# The columns of score_blocks's array after the contributions (one per feature) and before the dimension scores.
SCORE, SCORE_LOW, SCORE_HIGH, COVERAGE, RANK = range(5)


def score_blocks(codings: Codings, plan: Plan) -> np.ndarray:
    """Every output of score_codings in one array, a row per case, a block of cases at a time: a column per
    feature's contribution, then the score, score_low, score_high, coverage and rank (left to the caller:
    ranks need every score), then a column per dimension score."""
    n, m = codings.x.shape
    out = np.empty((n, m + 5 + plan.n_dims), order="F")
    rows = block_rows(m)
    scratch = Scratch.of(min(rows, n), m)
    for start in range(0, n, rows):
        at = slice(start, min(start + rows, n))
        _block(codings, plan, at, out[at], scratch.rows(at.stop - at.start))
    return out


def _block(codings: Codings, plan: Plan, at: slice, out: np.ndarray, t: Scratch) -> None:
    """Score the cases of rows `at` into their rows of score_blocks's array, `out`: all but the ranks."""
    m = codings.x.shape[1]
    unknown = _masks(codings.status[at], t)
    plan.signals(codings.x[at], t.signal)
    known_sum, known_factor = plan.effective(t.known, t.term)
    coded_sum, coded_factor = plan.effective(t.coded, t.term) if unknown else (known_sum, known_factor)
    if plan.fill is None:
        s, eff_sum, eff_factor = t.signal, coded_sum, coded_factor
    else:  # unknown features active at the fill signal
        np.multiply(t.unknown, plan.fill, out=t.term)
        s, eff_sum, eff_factor = np.add(t.signal, t.term, out=t.filled), known_sum, known_factor
    total = _score_terms(plan, plan.weights(eff_factor, t.weight), s, t.term, out[:, :m])
    if plan.n_dims:
        _dimensions(plan, s, eff_sum, t.term, out[:, m + 5 :])
    low, high = _bound_totals(plan, known_factor, total, unknown, t)
    _scored(total, eff_sum, plan, out[:, m + SCORE])
    _scored(low, known_sum, plan, out[:, m + SCORE_LOW])
    _scored(high, known_sum, plan, out[:, m + SCORE_HIGH])
    from signalscore.engine import coverage

    out[:, m + COVERAGE] = coverage(plan.w, coded_sum, known_sum)


def _masks(status: np.ndarray, t: Scratch) -> bool:
    """The block's coded, known (not n/a) and unknown masks; whether any feature is unknown."""
    np.equal(status, CODED, out=t.coded)
    np.not_equal(status, NA, out=t.known)
    np.equal(status, UNKNOWN, out=t.unknown)
    return bool(t.unknown.any())


def _bound_totals(
    plan: Plan, known_factor: np.ndarray, total: np.ndarray, unknown: bool, t: Scratch
) -> tuple[np.ndarray, np.ndarray]:
    """The exact sums of score_low and score_high: every unknown feature active at signal 0, and at 1."""
    if plan.fill is None and not unknown:
        return total, total  # every active feature is coded, with the score's weights
    # Under a fill policy the score's weights are the known mask's, still in t.weight.
    e = t.weight if plan.fill is not None else plan.weights(known_factor, t.weight)
    low = exact_row_sums(np.multiply(e, t.signal, out=t.term))
    if not unknown:
        return low, low
    return low, low + exact_row_sums(np.multiply(e, t.unknown, out=t.term))


def _score_terms(plan: Plan, e: np.ndarray, s: np.ndarray, term: np.ndarray, contribution: np.ndarray) -> np.ndarray:
    """The contributions, e * s * span, into `contribution`; returns the exact sum of e * s per case."""
    np.multiply(e, s, out=term)
    np.multiply(term, plan.span, out=contribution)
    return exact_row_sums(term)


def _dimensions(plan: Plan, s: np.ndarray, dim_sum: np.ndarray, scratch: np.ndarray, out: np.ndarray) -> None:
    """Each declared dimension's score: its signals weighted by raw weight, added in rubric order, over the
    dimension's active raw weight."""
    np.multiply(s, plan.w.feature, out=scratch)
    sums = np.zeros(out.shape, order="F")
    for j, d in enumerate(plan.w.member):
        sums[:, d] += scratch[:, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        sums /= dim_sum[:, : plan.n_dims]
    sums *= plan.span
    np.add(sums, plan.low, out=out)


def _scored(total: np.ndarray, dim_sum: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """min + span * total into `out`; NaN where no feature is active."""
    np.multiply(total, plan.span, out=out)
    out += plan.low
    out[~dim_sum.any(axis=1)] = np.nan
