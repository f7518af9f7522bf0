"""A rubric's codings as case-by-feature arrays, collected in one pass over the loaded cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from signalscore.case import UNKNOWN_CELL, Case, Cell
from signalscore.rubric import Rubric

if TYPE_CHECKING:
    import pandas as pd

CODED, NA, UNKNOWN = 0, 1, 2
STATUS = {"coded": CODED, "n/a": NA, "unknown": UNKNOWN}
STATUS_WORDS = np.array(["coded", "n/a", "unknown"], dtype=object)
CONFIDENCE = {"high": 0, "medium": 1, "low": 2}
CONFIDENCE_WORDS = np.array(list(CONFIDENCE), dtype=object)
# The words a value can be instead of a number; everything else is a number (true reads as 1).
_NOT_A_NUMBER = {"n/a": np.nan, "unknown": np.nan}


@dataclass(frozen=True, eq=False)
class Codings:
    """Cases coded against one rubric: x (the number, NaN if none), status and confidence per case and feature.

    `cases` are the models the arrays came from (empty when built from a tidy frame, then `frame` holds the
    coded values and `meta` the case columns); the long frames are built from them only when asked for.
    """

    rubric: Rubric
    ids: np.ndarray
    x: np.ndarray
    status: np.ndarray
    confidence: np.ndarray
    cases: tuple[Case, ...] = ()
    frame: pd.DataFrame | None = None
    meta: pd.DataFrame | None = None

    @classmethod
    def collect(cls, rubric: Rubric, cases: Sequence[Case]) -> Codings:
        """One pass over the cases' codings, in rubric feature order; an uncoded feature is unknown."""
        fids = [f.id for f in rubric.features]
        cells: list[Cell] = []
        fallback = repeat(UNKNOWN_CELL)
        for case in cases:
            cells += map(case.cells().get, fids, fallback)
        values = list(map(itemgetter(0), cells))
        x = np.array(list(map(_NOT_A_NUMBER.get, values, values)), dtype=float).reshape(len(cases), len(fids))
        status = np.zeros(x.shape, dtype=np.int8)
        missing = np.flatnonzero(np.isnan(x))
        status.flat[missing] = [NA if values[i] == "n/a" else UNKNOWN for i in missing]
        words = list(map(itemgetter(1), cells))
        confidence = np.array(list(map(CONFIDENCE.__getitem__, words)), dtype=np.int8).reshape(x.shape)
        ids = np.array([c.id for c in cases], dtype=object)
        x, status, confidence = _columns(x), _columns(status), _columns(confidence)
        return cls(rubric, ids, x, status, confidence, tuple(cases))

    @classmethod
    def from_frame(cls, rubric: Rubric, codings: pd.DataFrame, meta: pd.DataFrame | None = None) -> Codings:
        """The arrays of a tidy codings frame (frame.codings_frame: case-major, rubric feature order)."""
        n_features = len(rubric.features)
        x = codings["x"].to_numpy(dtype=float).reshape(-1, n_features)
        status = np.full(x.shape, CODED, dtype=np.int8)
        missing = np.isnan(x)
        words = codings["status"].to_numpy().reshape(x.shape)[missing]
        status[missing] = np.where(words == "n/a", NA, UNKNOWN)
        confidence = codings["confidence"].map(CONFIDENCE).to_numpy(dtype=np.int8).reshape(x.shape)
        ids = codings["case"].to_numpy(dtype=object)[::n_features]
        x, status, confidence = _columns(x), _columns(status), _columns(confidence)
        return cls(rubric, ids, x, status, confidence, frame=codings, meta=meta)

    def take(self, rows: Sequence[int], cases: Sequence[Case]) -> Codings:
        """The codings of some rows, in that order, as the given cases (the same codings, ids perhaps renamed)."""
        at = np.asarray(rows, dtype=np.intp)
        ids = np.array([c.id for c in cases], dtype=object)
        x, status, confidence = (_columns(a[at]) for a in (self.x, self.status, self.confidence))
        return Codings(self.rubric, ids, x, status, confidence, tuple(cases))

    @cached_property
    def index(self) -> dict[str, int]:
        """Row of each case id."""
        return {str(c): i for i, c in enumerate(self.ids)}

    @cached_property
    def distinct(self) -> bool:
        """Whether every row is a case id of its own."""
        return len(self.index) == len(self.ids)

    def values(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The coded values as written (true, 2, 12.5), None where not coded: an object array, case by feature
        (of the given rows only, if any)."""
        rows = np.arange(len(self.ids)) if rows is None else rows
        if self.frame is not None:
            return self.frame["value"].to_numpy(dtype=object).reshape(self.x.shape)[rows]
        fids = [f.id for f in self.rubric.features]
        out = np.empty((len(rows), len(fids)), dtype=object)
        cells = [self.cases[i].cells() for i in rows]
        out.ravel()[:] = [c[f][0] if f in c else None for c in cells for f in fids]
        out[self.status[rows] != CODED] = None
        return out

    def value(self, row: int, column: int) -> object:
        """One coded value as written; None where not coded."""
        if self.status[row, column] != CODED:
            return None
        if self.frame is not None:
            return self.frame["value"].iat[row * self.x.shape[1] + column]
        return self.cases[row].cells()[self.rubric.features[column].id][0]

    def titles(self) -> list[str]:
        """Each case's title."""
        if self.meta is not None:
            return [str(t) for t in self.meta["title"]]
        return [c.title for c in self.cases]

    def case_frame(self) -> pd.DataFrame:
        """One row per case: rubric, case, title, sender, recipient, episode, period."""
        if self.meta is not None:
            return self.meta.reset_index(drop=True)
        from signalscore.frame import cases_frame

        return cases_frame(self.rubric, self.cases)


def _columns(a: np.ndarray) -> np.ndarray:
    """A case-by-feature array stored feature by feature (Fortran order): a feature's column is contiguous."""
    return np.asfortranarray(a)
