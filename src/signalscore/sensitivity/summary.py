"""What the draws say about each case and pair, tallied block by block in memory linear in cases.

Per case: the mean, the 5/50/95th percentiles and the draws at rank 1 .. RANK_COLUMNS. The whole
rank distribution is kept for every case when there are at most DENSE_CASES, else for the first
`shown` (best) cases only; P(above) and P(tie) only among the `shown` cases. The percentiles need
every draw of every case: kept as float64 up to EXACT_CELLS draw x case cells (the exact values
numpy.percentile gives), as float32 beyond (within 1e-7 of them, relative), half the memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signalscore.sensitivity.ranks import RankCounter, RankStats, tie_keys

PERCENTILES = (5.0, 50.0, 95.0)
RANK_COLUMNS = 5
DENSE_CASES = 1024
EXACT_CELLS = 1 << 24
# Draw x case cells ranked at once: a few tens of MB of work buffers whatever the size.
BLOCK_CELLS = 1 << 18


@dataclass(frozen=True)
class Summary:
    """Mean, percentiles (3, cases), rank counts (rows, cases) of the first rows cases, top (cases, k), pairs."""

    mean: np.ndarray
    percentiles: np.ndarray
    rank_counts: np.ndarray
    top: np.ndarray
    above: np.ndarray
    tie: np.ndarray


def block_rows(n: int, step: int = 1) -> int:
    """Draws per block: about BLOCK_CELLS cells, a whole number of chunks of `step` draws."""
    return max(step, BLOCK_CELLS // max(1, n) // step * step)


def scores_bytes(draws: int, n: int) -> int:
    """Bytes of the kept scores: 8 per draw and case up to EXACT_CELLS cells, 4 beyond."""
    return draws * n * (8 if draws * n <= EXACT_CELLS else 4)


class Tally:
    """Rank counts, pairwise counts and sums of draws fed block by block; optionally every score kept."""

    def __init__(self, n: int, draws: int, shown: int, low: float, high: float, keep: bool = True) -> None:
        self.n, self.draws, self.shown, self.done = n, draws, min(shown, n), 0
        self.ranks = RankStats(n, n if n <= DENSE_CASES else shown, RANK_COLUMNS, low, high)
        self.above = np.zeros((self.shown, self.shown), dtype=np.int64)
        self.tie = np.zeros_like(self.above)
        self.total = np.zeros(n)
        exact = draws * n <= EXACT_CELLS
        self.scores = np.empty((draws, n), dtype=np.float64 if exact else np.float32) if keep else None

    def add(self, block: np.ndarray) -> None:
        """The next draws, shape (draws, cases)."""
        self.ranks.add(block)
        head = tie_keys(block[:, : self.shown])
        self.above += (head[:, :, None] > head[:, None, :]).sum(axis=0)
        self.tie += (head[:, :, None] == head[:, None, :]).sum(axis=0)
        self.total += block.sum(axis=0)
        if self.scores is not None:
            self.scores[self.done : self.done + len(block)] = block
        self.done += len(block)

    def summary(
        self, scores: np.ndarray | None = None, consume: bool = True, ranks: RankCounter | None = None
    ) -> Summary:
        """The summary of every draw added; percentiles of `scores` (default: the kept ones), reordered if consumed."""
        kept = self.scores if scores is None else scores
        assert kept is not None and (self.done == self.draws or not self.n)
        exact = kept.dtype == np.float64
        mean = kept.mean(axis=0) if exact else self.total / max(1, self.draws)
        percentiles = np.percentile(kept, PERCENTILES, axis=0, overwrite_input=consume).astype(float)
        counts = ranks.counts() if ranks is not None else self.ranks.distribution.copy()
        top = counts[:, : self.ranks.k] if ranks is not None else self.ranks.top_counts()
        draws = max(1, self.draws)
        return Summary(mean, percentiles, counts, top, self.above / draws, self.tie / draws)


def summarise(scores: np.ndarray, pairwise: int, ranks: RankCounter | None = None, consume: bool = False) -> Summary:
    """Mean, percentiles, rank counts of every case; P(above) and P(tie) among the first `pairwise` cases.

    With `consume`, the percentiles reorder `scores` in place instead of copying 8 bytes per draw and case.
    """
    draws, n = scores.shape
    finite = scores[np.isfinite(scores)]
    tally = Tally(n, draws, pairwise, float(finite.min(initial=0.0)), float(finite.max(initial=0.0)), keep=False)
    step = block_rows(n)
    for start in range(0, draws, step):
        tally.add(scores[start : start + step])
    return tally.summary(scores, consume, ranks)
