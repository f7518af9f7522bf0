"""Ranks within each draw, counted per case: the engine's rule (highest first, ties share the lowest rank)."""

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


class RankCounter:
    """counts[i, r]: draws in which case i has rank r + 1, added chunk by chunk while the chunk is in cache.

    Each draw's cells (case * n + rank) are kept as int32 and counted in a few large batches: one
    bincount over many draws is far cheaper than one per chunk over n * n bins. Scores must lie
    in [low, high] (the rubric's scale), which lets one int64 carry a score's tie key and its case.
    """

    def __init__(self, draws: int, n: int, low: float = 0.0, high: float = 100.0) -> None:
        self.n, self.filled = n, 0
        self.flat = np.zeros(n * n, dtype=np.int64)
        rows = min(draws, max(1, CELLS // max(1, n)))
        self.cells = np.empty((rows, n), dtype=np.int64 if n * n >= 2**31 else np.int32)
        self.bits = max(1, (n - 1).bit_length())
        self.top = float(np.rint(high * 10.0**RANK_DECIMALS)) + 1
        self.packable = self.top - np.rint(low * 10.0**RANK_DECIMALS) < 2.0 ** (62 - self.bits)
        self.buffers: tuple[np.ndarray, ...] | None = None

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
        n, rows = self.n, self.cells[self.filled : self.filled + len(scores)]
        order, keys = self._sorted_desc(scores)
        np.multiply(order, n, out=rows, casting="unsafe")
        if (keys[:, 1:] == keys[:, :-1]).any():
            new = np.ones(keys.shape, dtype=bool)
            new[:, 1:] = keys[:, 1:] != keys[:, :-1]
            # Position of the first case of each tie group = the shared ("min") rank, 0-based.
            rows += np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1).astype(rows.dtype)
        else:
            rows += np.arange(n, dtype=rows.dtype)
        self.filled += len(scores)

    def _flush(self) -> None:
        self.flat += np.bincount(self.cells[: self.filled].ravel(), minlength=self.n * self.n)
        self.filled = 0

    def _sorted_desc(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: cases from highest score to lowest, and keys that are equal exactly for tied scores.

        Packs (top - key, case) into one int64 and sorts values: several times faster than argsort.
        """
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

    def counts(self) -> np.ndarray:
        """The counts so far, shape (cases, ranks)."""
        self._flush()
        return self.flat.reshape(self.n, self.n).copy()


def rank_counts(scores: np.ndarray) -> np.ndarray:
    """counts[i, r]: draws in which case i has rank r + 1."""
    return RankCounter.of(scores).counts()
