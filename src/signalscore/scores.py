"""Scored cases as arrays per rubric; the long DataFrames of the notebook API are built only when asked for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from signalscore.codings import CONFIDENCE_WORDS, STATUS_WORDS, Codings
from signalscore.rubric import Rubric

if TYPE_CHECKING:  # (the frames are built only when asked for: scoring never imports pandas)
    import pandas as pd

CASE_KEYS = ["score", "score_low", "score_high", "coverage", "rank"]


class Parts(NamedTuple):
    """The case-by-feature arrays a score is made of: normalised values, signals and effective weights."""

    normalized: np.ndarray
    signal: np.ndarray
    weight: np.ndarray


@dataclass(frozen=True, eq=False)
class Scored:
    """One rubric's scored cases: a row per case (codings.ids), a column per feature or dimension.

    `signal` and `contribution` are dense (0 where a feature is not active, as `weight` is); `points` is
    the contribution with NaN there, as the outputs show it. `parts` holds (or builds, the first time one
    is asked for: most commands never do) the normalised values, signals and effective weights.
    """

    codings: Codings
    parts: Parts | Callable[[], Parts]
    contribution: np.ndarray
    score: np.ndarray
    score_low: np.ndarray
    score_high: np.ndarray
    coverage: np.ndarray
    rank: np.ndarray
    dimensions: np.ndarray
    # With penalties only: per case and dimension (the implicit one without dimensions), whether the
    # penalties outweighed the support so that the signal sum was clipped to 0.
    clipped: np.ndarray | None = None

    @cached_property
    def _parts(self) -> Parts:
        return self.parts if isinstance(self.parts, Parts) else self.parts()

    @property
    def normalized(self) -> np.ndarray:
        """Normalised values in [0, 1], NaN where not coded."""
        return self._parts.normalized

    @property
    def signal(self) -> np.ndarray:
        """Signals (negative features reversed), 0 where a feature is not active."""
        return self._parts.signal

    @property
    def weight(self) -> np.ndarray:
        """Effective weights, 0 where a feature is not active."""
        return self._parts.weight

    @property
    def rubric(self) -> Rubric:
        """The rubric the cases were scored with."""
        return self.codings.rubric

    @property
    def ids(self) -> np.ndarray:
        """Case ids, one per row."""
        return self.codings.ids

    @cached_property
    def points(self) -> np.ndarray:
        """Contributions, NaN where a feature is not active (the dense `contribution` holds 0 there)."""
        return np.where(self.weight > 0, self.contribution, np.nan)

    @cached_property
    def shown_signal(self) -> np.ndarray:
        """Signals, NaN where a feature is not active."""
        return np.where(self.weight > 0, self.signal, np.nan)

    def row(self, case_id: str) -> int:
        """The row of a case."""
        return self.codings.index[case_id]

    def by_rank(self) -> np.ndarray:
        """Rows by rank (unranked last), then id."""
        rank = np.where(np.isnan(self.rank), np.inf, self.rank)
        return np.lexsort((self.ids.astype(str), rank))

    def case_frame(self) -> pd.DataFrame:
        """A row per case: who signals to whom and when, score, bounds, coverage and rank."""
        import pandas as pd

        frame = self.codings.case_frame()
        for key in CASE_KEYS[:-1]:
            frame[key] = getattr(self, key)
        frame["rank"] = pd.array(self.rank, dtype="Int64")
        if self.clipped is not None:
            frame["clipped"] = np.asarray(self.clipped.any(axis=1))
        return frame

    def dimension_frame(self) -> pd.DataFrame:
        """A row per case and declared dimension (case-major)."""
        import pandas as pd

        ids = [d.id for d in self.rubric.dimensions]
        return pd.DataFrame(
            {
                "rubric": self.rubric.id,
                "case": np.repeat(self.ids, len(ids)),
                "dimension": np.tile(np.array(ids, dtype=object), len(self.ids)),
                "score": self.dimensions.ravel(),
            }
        )

    def feature_frame(self) -> pd.DataFrame:
        """A row per case and feature (case-major, rubric order): coding, signal, weight, contribution."""
        import pandas as pd

        features = self.rubric.features
        n = len(self.ids)
        c = self.codings
        return pd.DataFrame(
            {
                "rubric": self.rubric.id,
                "case": np.repeat(self.ids, len(features)),
                "feature": np.tile(np.array([f.id for f in features], dtype=object), n),
                "dimension": np.tile(np.array([f.dimension for f in features], dtype=object), n),
                "status": STATUS_WORDS[c.status.ravel()],
                "value": c.values().ravel(),
                "confidence": CONFIDENCE_WORDS[c.confidence.ravel()],
                "normalized": self.normalized.ravel(),
                "signal": self.shown_signal.ravel(),
                "weight": self.weight.ravel(),
                "contribution": self.points.ravel(),
            }
        )


class Scores:
    """Every rubric's scored cases: arrays per rubric (`of`), long frames (`cases`, `dimensions`, `features`)."""

    def __init__(self, parts: tuple[Scored, ...] = ()) -> None:
        self.parts = parts
        self._by_rubric = {p.rubric.id: p for p in parts}

    def of(self, rubric_id: str) -> Scored:
        """One rubric's arrays; KeyError if no case was scored with it."""
        return self._by_rubric[rubric_id]

    def get(self, rubric_id: str) -> Scored | None:
        """One rubric's arrays, or None."""
        return self._by_rubric.get(rubric_id)

    def _concat(self, frames: list[pd.DataFrame]) -> pd.DataFrame:
        import pandas as pd

        from signalscore.frame import typed

        joined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return typed(joined, [p.rubric for p in self.parts])

    @cached_property
    def cases(self) -> pd.DataFrame:
        """A row per case: rubric, case, title, sender, recipient, episode, period (datetime64), score, bounds,
        coverage, rank."""
        return self._concat([p.case_frame() for p in self.parts])

    @cached_property
    def dimensions(self) -> pd.DataFrame:
        """A row per case and dimension: rubric, case, dimension (ordered categorical, rubric order), score."""
        return self._concat([p.dimension_frame() for p in self.parts])

    @cached_property
    def features(self) -> pd.DataFrame:
        """A row per case and feature (feature and dimension ordered categoricals, rubric order): status, value,
        confidence, normalized, signal, weight, contribution."""
        return self._concat([p.feature_frame() for p in self.parts])
