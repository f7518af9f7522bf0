"""Monte Carlo over weights and codings: score draws, then percentiles, rank and pairwise probabilities."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from signalscore.engine import Weights
from signalscore.penalty import drawn_fraction
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import CodingModel
from signalscore.sensitivity.plan import Plan, Scratch
from signalscore.sensitivity.ranks import RankCounter
from signalscore.sensitivity.summary import PERCENTILES, Summary, Tally, block_rows, summarise

__all__ = ["PERCENTILES", "Settings", "Summary", "chunk_size", "chunks", "monte_carlo", "simulate", "summarise"]

# Entries (draws x cases x features) per chunk: bounds memory at a few tens of MB whatever the size.
CHUNK_ENTRIES = 1 << 18
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Settings:
    """What to draw: how many, from which seed, how far weights spread, which coding model."""

    draws: int = 10_000
    seed: int = 0
    spread: float = 0.5
    model: CodingModel | None = None


def chunk_size(cases: int, features: int) -> int:
    """Draws per chunk: a function of the problem's size only, so a seed gives the same stream."""
    return max(1, CHUNK_ENTRIES // max(1, cases * features))


def chunks(cases: CaseSet, settings: Settings, progress: Progress | None = None) -> Iterator[np.ndarray]:
    """Scores of consecutive chunks of draws, shape (draws in the chunk, cases), on the rubric's scale.

    Each chunk is a view of one reused buffer: use it before asking for the next.
    """
    if not cases.ids or not settings.draws:
        return
    plan = Plan.of(cases, settings.model or CodingModel.of(cases.rubric.uncertainty))
    rng = np.random.default_rng(settings.seed)
    step = chunk_size(*plan.fixed.shape)
    draw = Drawer(plan, cases.weights, step, settings.spread)
    buffer = np.empty((min(step, settings.draws), len(cases.ids)))
    for start in range(0, settings.draws, step):
        n = min(step, settings.draws - start)
        rows = np.multiply(draw(rng, n), cases.span, out=buffer[:n])
        rows += cases.low
        yield rows
        if progress:
            progress(start + n, settings.draws)


def simulate(
    cases: CaseSet, settings: Settings, progress: Progress | None = None, ranks: RankCounter | None = None
) -> np.ndarray:
    """Scores of every case in every draw, shape (draws, cases), on the rubric's scale; ranks counted on the way."""
    out = np.empty((settings.draws, len(cases.ids)))
    done = 0
    for rows in chunks(cases, settings, progress):
        out[done : done + len(rows)] = rows
        if ranks is not None:
            ranks.add(rows)
        done += len(rows)
    return out


def monte_carlo(cases: CaseSet, settings: Settings, shown: int, progress: Progress | None = None) -> Summary:
    """The summary of `settings.draws` draws, tallied in blocks: memory linear in cases (see summary.py)."""
    n, high = len(cases.ids), cases.low + cases.span
    tally = Tally(n, settings.draws, shown, cases.low, high)
    # A whole number of chunks per block (the last chunk of all may be short).
    block = np.empty((min(settings.draws, block_rows(n, chunk_size(n, len(cases.rubric.features)))), n))
    filled = 0
    for rows in chunks(cases, settings, progress):
        block[filled : filled + len(rows)] = rows
        filled += len(rows)
        if filled == len(block):
            tally.add(block)
            filled = 0
    tally.add(block[:filled])
    return tally.summary()


class Drawer:
    """One chunk of draws at a time, in buffers allocated once."""

    def __init__(self, plan: Plan, w: Weights, step: int, spread: float) -> None:
        self.plan, self.spread, self.w = plan, spread, w
        self.scratch = Scratch.of(plan, step)
        self.scorer = Scorer.of(plan.active, w, step) if not plan.penalty.any() else PenaltyScorer(plan, w)

    def __call__(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Σ e_f s_f of n draws: weights first, then codings, from one generator in a fixed order."""
        lo, hi = 1 - self.spread, 1 + self.spread
        w = self.w
        feature = w.feature * rng.uniform(lo, hi, (n, w.feature.size))
        dimension = w.dimension * rng.uniform(lo, hi, (n, w.dimension.size))
        n_linear, n_steps = self.plan.sizes
        k = draw_16_bits(rng, n * (n_linear + n_steps)).reshape(n, -1)
        return self.scorer(feature, dimension, self.plan.signals(k[:, :n_linear], k[:, n_linear:], self.scratch))


def draw_16_bits(rng: np.random.Generator, size: int) -> np.ndarray:
    """Uniform 16-bit integers: the generator's raw 64-bit output cut in four (the cheapest draw numpy has).

    Read little-endian whatever the machine, so that a seed gives the same draws everywhere.
    """
    raw = rng.bit_generator.random_raw(-(-size // 4))
    bits: np.ndarray = np.asarray(raw, dtype="<u8").view("<u2")[:size]
    return bits


@dataclass(frozen=True)
class PenaltyScorer:
    """Scores of drawn weights and signals for a rubric with penalties (DESIGN.md section 9)."""

    plan: Plan
    w: Weights

    def __call__(self, feature: np.ndarray, dimension: np.ndarray, signal: np.ndarray) -> np.ndarray:
        """(score - min) / span per draw and case."""
        return drawn_fraction(self.w, self.plan.penalty, self.plan.active, signal, feature, dimension)


@dataclass(frozen=True)
class Scorer:
    """Section 3, step 3 for drawn weights, summed per dimension so that no per-entry weight array is built.

    Which dimensions a case has active does not depend on the weights (they stay positive), so
    the masks are computed once; a dimension with no active feature gets a denominator of 1 and
    a numerator of 0, and its weight is left out of the case's total. Terms are laid out feature
    by feature, features sorted by dimension, so each dimension's sum adds whole planes (numpy,
    not BLAS: BLAS threads cost more than they give at these sizes and stall on a busy machine).
    """

    order: np.ndarray
    segments: tuple[tuple[int, int], ...]
    dims: np.ndarray
    active: np.ndarray
    absent: np.ndarray
    present: np.ndarray
    buffers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

    @classmethod
    def of(cls, active: np.ndarray, w: Weights, step: int) -> Scorer:
        """Features by dimension, masks of the cases' active features and dimensions, buffers for `step` draws."""
        order = np.argsort(w.member, kind="stable")
        member = w.member[order]
        starts = np.flatnonzero(np.diff(member, prepend=-1))  # each dimension that has a feature
        segments = tuple(zip(starts.tolist(), [*starts[1:].tolist(), member.size], strict=True))
        mask = active.T[order].astype(float)[:, None, :]  # (features, 1, cases)
        present = np.add.reduceat(mask, starts, axis=0) > 0
        entries, sums = step * active.size, step * active.shape[0] * len(segments)
        buffers = (np.empty(entries), np.empty(entries), np.empty(sums), np.empty(sums))
        return cls(order, segments, member[starts], mask, (~present).astype(float), present.astype(float), buffers)

    def __call__(self, feature: np.ndarray, dimension: np.ndarray, signal: np.ndarray) -> np.ndarray:
        """Σ e_f s_f per draw and case, from weights (draws, ·) and signals (draws, cases, features)."""
        draws, cases, n_features = signal.shape
        planes, dims = (n_features, draws, cases), (len(self.segments), draws, cases)
        moved, work = (b[: signal.size].reshape(planes) for b in self.buffers[:2])
        within, weighted = (b[: draws * cases * dims[0]].reshape(dims) for b in self.buffers[2:])
        np.take(signal.transpose(2, 0, 1), self.order, axis=0, out=moved)
        by_feature = feature[:, self.order].T[:, :, None]
        self._sum(np.multiply(self.active, by_feature, out=work), within)
        within += self.absent
        self._sum(np.multiply(moved, by_feature, out=work), weighted)
        weighted /= within
        by_dimension = dimension[:, self.dims].T[:, :, None]
        weighted *= by_dimension
        total: np.ndarray = weighted.sum(axis=0)
        total /= (self.present * by_dimension).sum(axis=0)
        return total

    def _sum(self, terms: np.ndarray, out: np.ndarray) -> None:
        """Per dimension, the sum of its features' planes of terms."""
        for k, (a, b) in enumerate(self.segments):
            np.add.reduce(terms[a:b], axis=0, out=out[k])
