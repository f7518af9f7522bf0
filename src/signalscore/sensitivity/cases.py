"""A rubric's cases as engine arrays: the common input of every sensitivity analysis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from signalscore.engine import Matrices, Weights, effective_weights, ranks, weighted_score
from signalscore.rubric import Rubric


@dataclass(frozen=True)
class CaseSet:
    """Cases coded against one rubric: statuses, signals, raw values, confidences and point scores."""

    rubric: Rubric
    ids: tuple[str, ...]
    matrices: Matrices
    x: np.ndarray
    confidence: np.ndarray
    point: np.ndarray

    @classmethod
    def of(cls, rubric: Rubric, codings: pd.DataFrame) -> CaseSet:
        """Arrays of the tidy codings (frame.codings_frame) and the engine's point scores."""
        n_features = len(rubric.features)
        m = Matrices.of(rubric, codings)
        active, signal = m.active(rubric.missing)
        scale = rubric.scale
        point = weighted_score(effective_weights(Weights.of(rubric), active), signal, scale.max - scale.min, scale.min)
        return cls(
            rubric=rubric,
            ids=tuple(str(c) for c in codings["case"].to_numpy()[::n_features]),
            matrices=m,
            x=m.x,
            confidence=codings["confidence"].to_numpy(dtype=str).reshape(-1, n_features),
            point=point,
        )

    @property
    def weights(self) -> Weights:
        """The rubric's raw weights."""
        return Weights.of(self.rubric)

    @property
    def low(self) -> float:
        """The bottom of the score scale."""
        return self.rubric.scale.min

    @property
    def span(self) -> float:
        """The width of the score scale."""
        return self.rubric.scale.max - self.rubric.scale.min

    def ranked(self) -> CaseSet:
        """Only the cases with a score, best first (ties by id), as every report lists them."""
        keep = np.flatnonzero(~np.isnan(self.point))
        rank = ranks(pd.Series(self.point[keep])).to_numpy()
        order = keep[sorted(range(len(keep)), key=lambda i: (rank[i], self.ids[keep[i]]))]
        return self.take(order)

    def take(self, rows: np.ndarray) -> CaseSet:
        """A subset of the cases, in the given order."""
        m = self.matrices
        return CaseSet(
            rubric=self.rubric,
            ids=tuple(self.ids[i] for i in rows),
            matrices=Matrices(status=m.status[rows], signal=m.signal[rows], normalized=m.normalized[rows], x=m.x[rows]),
            x=self.x[rows],
            confidence=self.confidence[rows],
            point=self.point[rows],
        )

    def take_first(self, n: int) -> CaseSet:
        """The first n cases."""
        return self.take(np.arange(min(n, len(self.ids))))

    def rank(self) -> np.ndarray:
        """Point ranks (engine rule: highest first, ties share the lowest rank)."""
        return ranks(pd.Series(self.point)).to_numpy(dtype=float, na_value=np.nan)
