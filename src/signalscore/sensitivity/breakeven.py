"""Break-even weights: the exact factor on one weight that makes two cases tie (no sampling).

Multiplying one raw weight by t turns each case's score into a Möbius function of t,
(p + q t) / (r + s t) with r, s >= 0, because the weight enters one dimension's
weighted mean (feature weight) or the mean over dimensions (dimension weight) and
nothing else. Two such functions are equal where a quadratic in t vanishes; its real
positive roots are the break-even factors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signalscore.engine import Weights
from signalscore.penalty import drawn_fraction
from signalscore.rubric import Rubric
from signalscore.sensitivity.cases import CaseSet

# Quadratic coefficients this small, relative to the largest, are float noise.
EPS = 1e-12
# With penalties, the factors searched for a sign change of the gap (then bisected): 1e-6 to 1e6.
GRID = np.geomspace(1e-6, 1e6, 4001)
BISECTIONS = 60


@dataclass(frozen=True)
class Target:
    """One raw weight: a feature's or a dimension's, by its position in the rubric."""

    kind: str
    id: str
    index: int

    @property
    def name(self) -> str:
        """How sentences name it."""
        return f"{self.kind} {self.id}"


def targets(rubric: Rubric) -> list[Target]:
    """Every weight that can matter: each feature's, and each dimension's when there are two or more."""
    feats = [Target("feature", f.id, i) for i, f in enumerate(rubric.features)]
    dims = [Target("dimension", d.id, i) for i, d in enumerate(rubric.dimensions)]
    return feats + (dims if len(dims) > 1 else [])


@dataclass(frozen=True)
class Parts:
    """Per case: dimension sums, weighted sums, shares and the point score as a fraction of the scale."""

    raw: np.ndarray
    signal: np.ndarray
    within: np.ndarray
    weighted: np.ndarray
    mean: np.ndarray
    share: np.ndarray
    total: np.ndarray
    support: np.ndarray
    present: np.ndarray
    clipped: np.ndarray

    @classmethod
    def of(cls, cases: CaseSet) -> Parts:
        """The pieces of section 3's arithmetic that one weight's factor leaves alone.

        With penalties (section 9) a penalty's signal counts negative and its weight stays out of the
        dimension's sum (`support` is each feature's weight in it: w_f, or 0 for a penalty); a dimension's
        mean is clipped to [0, 1], and a clipped dimension is taken to stay clipped under small changes.
        """
        w: Weights = cases.weights
        active, signal = cases.active()
        pen = cases.penalty
        signal = np.where(active, np.nan_to_num(signal), 0.0) * np.where(pen, -1.0, 1.0)
        support = np.where(pen, 0.0, w.feature)
        raw = active * w.feature
        within, weighted = (active * support) @ w.onehot(), (raw * signal) @ w.onehot()
        mean = weighted / np.where(within > 0, within, 1.0)
        present = within > 0
        clipped = np.zeros(mean.shape, dtype=bool)
        if pen.any():
            present |= (active * pen) @ w.onehot() > 0
            clipped = present & (mean < 0)
            mean = np.clip(mean, 0.0, 1.0)
        dim_w = w.dimension * present
        share = dim_w / np.where(dim_w.sum(-1, keepdims=True) > 0, dim_w.sum(-1, keepdims=True), 1.0)
        return cls(raw, signal, within, weighted, mean, share, (share * mean).sum(-1), support, present, clipped)


def mobius(cases: CaseSet, parts: Parts, target: Target) -> np.ndarray:
    """Rows p, q, r, s per case: the score fraction is (p + q t) / (r + s t) when the weight is times t."""
    w = cases.weights
    if target.kind == "feature":
        j, d = target.index, w.member[target.index]
        wj, cj = w.feature[j], parts.support[j]  # cj: w_j, or 0 for a penalty (not in the dimension's sum)
        on = (parts.raw[:, j] > 0) & ~parts.clipped[:, d]
        rest = parts.total - parts.share[:, d] * parts.mean[:, d]
        p = rest * (parts.within[:, d] - cj) + parts.share[:, d] * (parts.weighted[:, d] - wj * parts.signal[:, j])
        q = rest * cj + parts.share[:, d] * wj * parts.signal[:, j]
        r, s = parts.within[:, d] - cj, np.full(len(on), cj)
    else:
        d = target.index
        on = parts.present[:, d]
        dim_w = w.dimension * parts.present
        wd = w.dimension[d]
        p = (dim_w * parts.mean).sum(-1) - wd * parts.mean[:, d]
        q, r, s = wd * parts.mean[:, d], dim_w.sum(-1) - wd, np.full(len(on), wd)
    fixed = np.array([parts.total, np.zeros_like(p), np.ones_like(p), np.zeros_like(p)])
    return np.where(on, np.array([p, q, r, s]), fixed)


def tie_factor(a: np.ndarray, b: np.ndarray) -> float | None:
    """The positive t nearest to 1 (in ratio) where (p+qt)/(r+st) of a and b are equal, or None."""
    pa, qa, ra, sa = a
    pb, qb, rb, sb = b
    coef = np.array([qa * sb - qb * sa, pa * sb + qa * rb - pb * sa - qb * ra, pa * rb - pb * ra])
    scale = np.abs(coef).max()
    if scale == 0:
        return None
    c2, c1, c0 = np.where(np.abs(coef / scale) < EPS, 0.0, coef / scale)
    roots = _quadratic_roots(c2, c1, c0)
    positive = [t for t in roots if t > 0 and np.isfinite(t)]
    return float(min(positive, key=lambda t: abs(np.log(t)))) if positive else None


def _quadratic_roots(a: float, b: float, c: float) -> list[float]:
    """Real roots of a t^2 + b t + c, numerically stable."""
    if a == 0:
        return [] if b == 0 else [-c / b]
    disc = b * b - 4 * a * c
    if disc < -EPS * max(b * b, abs(4 * a * c)):
        return []
    half = -0.5 * (b + np.copysign(np.sqrt(max(disc, 0.0)), b))
    return [half / a] + ([c / half] if half != 0 else [])


@dataclass(frozen=True)
class BreakEven:
    """One pair adjacent in rank, one weight, and the factor on that weight alone that makes them tie."""

    above: str
    below: str
    target: Target
    factor: float | None
    status: str  # swap | never | inactive | tied


def break_even(cases: CaseSet) -> list[BreakEven]:
    """Every weight for every pair adjacent in rank; `cases` must be ranked (CaseSet.ranked)."""
    parts, rank, out = Parts.of(cases), cases.rank(), []
    forms = [(t, mobius(cases, parts, t)) for t in targets(cases.rubric)]
    for i in range(len(cases.ids) - 1):
        for target, form in forms:
            out.append(_entry(cases, i, target, form, bool(rank[i] == rank[i + 1])))
    return out


def _entry(cases: CaseSet, i: int, target: Target, form: np.ndarray, tied: bool) -> BreakEven:
    above, below = cases.ids[i], cases.ids[i + 1]
    if tied:
        return BreakEven(above, below, target, 1.0, "tied")
    if not form[[1, 3], i].any() and not form[[1, 3], i + 1].any():  # the weight moves neither score
        return BreakEven(above, below, target, None, "inactive")
    if cases.rubric.has_penalties:
        factor = penalty_tie_factor(cases, i, target)
    else:
        factor = tie_factor(form[:, i], form[:, i + 1])
    return BreakEven(above, below, target, factor, "never" if factor is None else "swap")


def _gap(cases: CaseSet, i: int, target: Target, factors: np.ndarray) -> np.ndarray:
    """(score(i) - score(i + 1)) / span with one raw weight times each factor, by section 9's arithmetic."""
    active, signal = cases.active()
    w = cases.weights
    feature = np.repeat(w.feature[None], len(factors), axis=0)
    dimension = np.repeat(w.dimension[None], len(factors), axis=0)
    (feature if target.kind == "feature" else dimension)[:, target.index] *= factors
    rows = [i, i + 1]
    drawn = np.broadcast_to(signal[rows][None], (len(factors), *signal[rows].shape))
    fraction = drawn_fraction(w, cases.penalty, active[rows], drawn, feature, dimension)
    return np.asarray(fraction[:, 0] - fraction[:, 1])


def penalty_tie_factor(cases: CaseSet, i: int, target: Target) -> float | None:
    """With penalties a dimension can clip part-way along t, so a score is Möbius in t only piecewise: the
    tie nearest to 1 is found as a sign change of the exact gap on a fine grid (1e-6 to 1e6), then bisected."""
    gaps = _gap(cases, i, target, GRID)
    one = int(np.searchsorted(GRID, 1.0))
    found = []
    below = np.flatnonzero(gaps[:one] <= 0)  # going down from 1: the last grid point that no longer leads
    if below.size:
        found.append(_bisect(cases, i, target, GRID[below[-1]], GRID[below[-1] + 1]))
    above = np.flatnonzero(gaps[one:] <= 0)
    if above.size:
        k = one + above[0]
        found.append(_bisect(cases, i, target, GRID[k], GRID[k - 1] if k > 0 else 1.0))
    return min(found, key=lambda t: abs(np.log(t))) if found else None


def _bisect(cases: CaseSet, i: int, target: Target, tied: float, leads: float) -> float:
    """Narrow [tied, leads] (gap <= 0 at the first, > 0 at the second) to where the gap reaches 0."""
    for _ in range(BISECTIONS):
        middle = float(np.sqrt(tied * leads))
        if _gap(cases, i, target, np.array([middle]))[0] <= 0:
            tied = middle
        else:
            leads = middle
    return tied


def smallest(entries: list[BreakEven]) -> dict[tuple[str, str], BreakEven | None]:
    """Per pair, the weight whose factor is nearest to 1 (None when no single weight can swap them)."""
    best: dict[tuple[str, str], BreakEven | None] = {}
    for e in entries:
        key = (e.above, e.below)
        best.setdefault(key, None)
        current = best[key]
        if e.factor is not None and (current is None or abs(np.log(e.factor)) < abs(np.log(current.factor or 1))):
            best[key] = e
    return best
