"""Sums that do not depend on the order of their terms, and effective weights computed column by column.

Equal cases must get equal scores to the last bit whatever the order of their features (issue 9 item 15),
and the columns of a case-by-feature array (stored in Fortran order) are added one at a time, not by small
matrix products that stall on a busy machine's BLAS threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from signalscore.engine import Weights


def exact_row_sums(terms: np.ndarray) -> np.ndarray:
    """sum(terms) per row, for terms in [0, 1] summing to at most 1, the same whatever the order of the columns.

    Each term is rounded (in place) to a multiple of 2**-52 by adding and taking away 1; every partial sum
    (below 2) of such numbers is exact in float64, so the order of summation cannot matter. The error is at
    most 2**-53 per term, of the scale's span.
    """
    terms += 1.0
    terms -= 1.0
    total: np.ndarray = terms.sum(axis=1)
    return total


def dimension_sums(w: Weights, groups: list[np.ndarray], active: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Per row, each dimension's sum of the raw weights of its active features, added one column at a time in
    the group's canonical order (exact under reordering of equally weighted features); `scratch` is a
    float array of active's shape."""
    np.multiply(active, w.feature, out=scratch)
    dim_sum = np.zeros((active.shape[0], len(groups)), order="F")
    for d, columns in enumerate(groups):
        acc = dim_sum[:, d]
        for j in columns:
            acc += scratch[:, j]
    return dim_sum


def factors(w: Weights, dim_sum: np.ndarray) -> np.ndarray:
    """Per row and dimension, e_f / w_f of its active features (section 3, step 3): W_d over the dimension's
    active raw weight and over the sum of W of the dimensions with an active feature; 0 where it has none."""
    present = dim_sum > 0
    dim_w = w.dimension * present
    total = dim_w.sum(axis=1, keepdims=True) if dim_sum.shape[1] > 1 else dim_w
    within = dim_sum * total
    within[~present] = 1.0  # W_d * 0 / 1: a factor of 0 where the dimension has no active feature
    factor: np.ndarray = np.divide(dim_w, within, out=within)
    return factor


@dataclass(frozen=True)
class Effective:
    """Effective weights of a mask over every case, for those who ask for them (scores.Scored.weight)."""

    w: Weights
    active: np.ndarray
    factor: np.ndarray

    @classmethod
    def of(cls, w: Weights, active: np.ndarray) -> Effective:
        """Section 3, step 3, for the cases-by-features mask `active`."""
        dim_sum = dimension_sums(w, w.groups(), active, np.empty(active.shape, order="F"))
        return cls(w, active, factors(w, dim_sum))

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
