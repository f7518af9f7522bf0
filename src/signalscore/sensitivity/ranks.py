"""Ranks within each draw: the engine's rule (highest first, ties share the lowest rank).

RankStats keeps what the report shows in memory linear in cases: per case the draws at each of
the first few ranks, and the whole rank distribution only of the first `rows` cases (every case
when there are few). RankCounter keeps the whole cases-by-ranks table, for small sets and tests.
"""

from __future__ import annotations

import numpy as np

from signalscore.engine import RANK_DECIMALS

# Cells (draw x case) buffered between two counts: 16 MB of int32.
CELLS = 1 << 22


def tie_keys(scores: np.ndarray) -> np.ndarray:
    """Numbers that compare like the engine's scores rounded to RANK_DECIMALS (one multiply, one rint)."""
    keys: np.ndarray = np.multiply(scores, 10.0**RANK_DECIMALS)
    np.rint(keys, out=keys)
    return keys


class Ranker:
    """Per draw, cases from highest score to lowest and the 0-based ("min") rank at each position.

    Scores must lie in [low, high] (the rubric's scale), which lets one int64 carry a score's
    tie key and its case: sorting those values is several times faster than argsort.
    """

    def __init__(self, n: int, low: float = 0.0, high: float = 100.0) -> None:
        self.n = n
        self.bits = max(1, (n - 1).bit_length())
        self.top = float(np.rint(high * 10.0**RANK_DECIMALS)) + 1
        self.packable = self.top - np.rint(low * 10.0**RANK_DECIMALS) < 2.0 ** (62 - self.bits)
        self.buffers: tuple[np.ndarray, ...] | None = None

    def __call__(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Order (draws, cases) and the rank at each position (draws, cases), both int64."""
        order, keys = self._sorted_desc(scores)
        n = self.n
        if (keys[:, 1:] == keys[:, :-1]).any():
            new = np.ones(keys.shape, dtype=bool)
            new[:, 1:] = keys[:, 1:] != keys[:, :-1]
            # Position of the first case of each tie group = the shared ("min") rank, 0-based.
            return order, np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1)
        return order, np.broadcast_to(np.arange(n), order.shape)

    def _sorted_desc(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: cases from highest score to lowest, and keys that are equal exactly for tied scores."""
        if not self.packable:
            order = np.argsort(-scores, axis=1)
            return order, tie_keys(np.take_along_axis(scores, order, axis=1))
        if self.buffers is None or len(self.buffers[0]) < len(scores):
            self.buffers = (np.empty(scores.shape), *(np.empty(scores.shape, dtype=np.int64) for _ in range(3)))
        keys, packed, order, tied = (b[: len(scores)] for b in self.buffers)
        np.multiply(scores, -(10.0**RANK_DECIMALS), out=keys)
        keys += self.top
        np.rint(keys, out=keys)
        packed[:] = keys
        packed <<= self.bits
        packed |= np.arange(self.n)
        packed.sort(axis=1)
        np.bitwise_and(packed, (1 << self.bits) - 1, out=order)
        return order, np.right_shift(packed, self.bits, out=tied)


class RankCounter:
    """counts[i, r]: draws in which case i has rank r + 1: n * n counts, for small sets of cases.

    Each draw's cells (case * n + rank) are kept as int32 and counted in a few large batches: one
    bincount over many draws is far cheaper than one per chunk over n * n bins.
    """

    def __init__(self, draws: int, n: int, low: float = 0.0, high: float = 100.0) -> None:
        self.n, self.filled = n, 0
        self.flat = np.zeros(n * n, dtype=np.int64)
        rows = min(draws, max(1, CELLS // max(1, n)))
        self.cells = np.empty((rows, n), dtype=np.int64 if n * n >= 2**31 else np.int32)
        self.ranker = Ranker(n, low, high)

    @classmethod
    def of(cls, scores: np.ndarray) -> RankCounter:
        """The counts of a whole matrix of scores (draws, cases)."""
        finite = scores[np.isfinite(scores)]
        draws, n = scores.shape
        counter = cls(draws, n, float(finite.min(initial=0.0)), float(finite.max(initial=0.0)))
        for start in range(0, len(scores), 256):
            counter.add(scores[start : start + 256])
        return counter

    def add(self, scores: np.ndarray) -> None:
        """Rank the next draws (rows of scores, one column per case)."""
        for start in range(0, len(scores), len(self.cells)):
            self._add(scores[start : start + len(self.cells)])

    def _add(self, scores: np.ndarray) -> None:
        if self.filled + len(scores) > len(self.cells):
            self._flush()
        rows = self.cells[self.filled : self.filled + len(scores)]
        order, rank = self.ranker(scores)
        np.multiply(order, self.n, out=rows, casting="unsafe")
        rows += rank.astype(rows.dtype)
        self.filled += len(scores)

    def _flush(self) -> None:
        self.flat += np.bincount(self.cells[: self.filled].ravel(), minlength=self.n * self.n)
        self.filled = 0

    def counts(self) -> np.ndarray:
        """The counts so far, shape (cases, ranks)."""
        self._flush()
        return self.flat.reshape(self.n, self.n).copy()


def rank_counts(scores: np.ndarray) -> np.ndarray:
    """counts[i, r]: draws in which case i has rank r + 1."""
    return RankCounter.of(scores).counts()


class RankStats:
    """Per case, draws at rank 1 .. `top`; for the first `rows` cases, draws at every rank.

    Memory: cases x (top + rows) counts, never cases x cases unless rows is every case.
    """

    def __init__(self, n: int, rows: int, top: int, low: float = 0.0, high: float = 100.0) -> None:
        self.n, self.rows, self.k = n, min(rows, n), min(top, n)
        self.top = np.zeros((0 if self.rows == n else n, self.k), dtype=np.int64)
        self.distribution = np.zeros((self.rows, n), dtype=np.int64)
        self.ranker = Ranker(n, low, high)

    @property
    def dense(self) -> bool:
        """Whether every case's whole distribution is kept."""
        return self.rows == self.n

    def add(self, scores: np.ndarray) -> None:
        """Rank the next draws (rows of scores, one column per case); best fed many draws at once."""
        if not self.n or not len(scores):
            return
        order, rank = self.ranker(scores)
        if self.dense:  # one bincount over n * n bins: the caller feeds about CELLS cells at a time
            cells = order * self.n + rank
            self.distribution += np.bincount(cells.ravel(), minlength=self.n * self.n).reshape(self.n, self.n)
            return
        near = rank < self.k  # a prefix of each row, as ranks grow along it
        np.add.at(self.top, (order[near], rank[near]), 1)
        if self.rows:
            mine = np.empty_like(order)
            np.put_along_axis(mine, order, rank, axis=1)  # mine[d, case] = rank of case in draw d
            cases = np.broadcast_to(np.arange(self.rows), (len(scores), self.rows))
            np.add.at(self.distribution, (cases, mine[:, : self.rows]), 1)

    def top_counts(self) -> np.ndarray:
        """Draws at rank 1 .. k of every case, shape (cases, k)."""
        return self.distribution[:, : self.k].copy() if self.dense else self.top.copy()
