"""Sums that do not depend on the order of their terms, and effective weights computed column by column.

Equal cases must get equal scores to the last bit whatever the order of their features (issue 9 item 15),
and the columns of a case-by-feature array (stored in Fortran order) are added one at a time with
cache-sized temporaries, not by small matrix products that stall on a busy machine's BLAS threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from signalscore.engine import Weights


def exact_dot(e: np.ndarray, s: np.ndarray, terms: np.ndarray | None = None) -> np.ndarray:
    """sum(e * s) per row, for terms in [0, e] with sum(e) <= 1, the same whatever the order of the features.

    Each term is rounded to a multiple of 2**-52 by adding and taking away 1; every partial sum (below 2)
    of such numbers is exact in float64, so the order of summation cannot matter. The error is at most
    2**-53 per term, of the scale's span. The products e * s, unrounded, are left in `terms` if given.
    Column by column, so temporaries stay in cache.
    """
    total = np.zeros(e.shape[0])
    term = np.empty(e.shape[0])
    for j in range(e.shape[1]):
        np.multiply(e[:, j], s[:, j], out=term)
        if terms is not None:
            terms[:, j] = term
        term += 1.0
        term -= 1.0
        total += term
    return total


def column_sums(a: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Per row, the sum of each group's columns, added one column at a time in the group's order.

    Elementwise on (Fortran-ordered) columns: no small matrix products, which stall on a busy machine's
    BLAS threads, and a fixed order of summation.
    """
    out = np.zeros((a.shape[0], len(groups)), order="F")
    for g, columns in enumerate(groups):
        acc = out[:, g]
        for j in columns:
            acc += a[:, j]
    return out


@dataclass(frozen=True)
class Effective:
    """Effective weights of a mask, and each dimension's sum of the raw weights it makes active.

    The weights themselves (`e`, case by feature) are built only when asked for: the bounds need only
    their sums, which `totals` takes a column at a time without the whole array.
    """

    w: Weights
    active: np.ndarray
    dim_sum: np.ndarray
    factor: np.ndarray

    @classmethod
    def of(cls, w: Weights, groups: list[np.ndarray], active: np.ndarray) -> Effective:
        """Section 3, step 3; dimension sums added column by column in a canonical order (exact under
        reordering of equally weighted features), with cache-sized temporaries."""
        dim_sum = np.zeros((active.shape[0], len(groups)), order="F")
        term = np.empty(active.shape[0])
        for d, columns in enumerate(groups):
            for j in columns:
                np.multiply(active[:, j], w.feature[j], out=term)
                dim_sum[:, d] += term
        present = dim_sum > 0
        dim_w = w.dimension * present
        total = dim_w.sum(axis=1, keepdims=True) if len(groups) > 1 else dim_w
        factor = np.divide(dim_w, dim_sum * total, out=np.zeros_like(dim_sum), where=present)
        return cls(w, active, dim_sum, factor)

    def column(self, j: int, out: np.ndarray) -> np.ndarray:
        """The effective weights of feature j, into `out`."""
        np.multiply(self.active[:, j], self.factor[:, self.w.member[j]], out=out)
        out *= self.w.feature[j]
        return out

    @cached_property
    def e(self) -> np.ndarray:
        """The effective weights, case by feature (Fortran order)."""
        e = np.empty(self.active.shape, order="F")
        for j in range(self.active.shape[1]):
            self.column(j, e[:, j])
        return e

    def total(self, s: np.ndarray, terms: np.ndarray | None = None) -> np.ndarray:
        """sum(e * s) per case (s in [0, 1]), exact under reordering; the products e * s into `terms` if given."""
        return exact_dot(self.e, s, terms)

    def totals(self, *signals: np.ndarray) -> list[np.ndarray]:
        """sum(e * s) per case for each of the signals, exact under reordering, a column of e at a time."""
        n = self.active.shape[0]
        sums = [np.zeros(n) for _ in signals]
        built = vars(self).get("e")
        column, term = np.empty(n), np.empty(n)
        for j in range(self.active.shape[1]):
            e = self.column(j, column) if built is None else built[:, j]
            for total, s in zip(sums, signals, strict=True):
                np.multiply(e, s[:, j], out=term)
                term += 1.0
                term -= 1.0
                total += term
        return sums

    def scored(self, total: np.ndarray, low: float, span: float) -> np.ndarray:
        """min + span * total; NaN where no feature is active."""
        out = low + span * total
        out[~self.dim_sum.any(axis=1)] = np.nan
        return out
