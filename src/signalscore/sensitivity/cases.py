"""A rubric's cases as engine arrays: the common input of every sensitivity analysis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from signalscore.codings import CONFIDENCE_WORDS, Codings
from signalscore.engine import Matrices, Weights, effective_weights, ranks, score_codings, weighted_score
from signalscore.penalty import PENALTY_FILL, evaluation, penalty_columns
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
    def of(cls, rubric: Rubric, codings: pd.DataFrame | Codings) -> CaseSet:
        """Arrays of collected codings (or of a tidy codings frame, frame.codings_frame) and the point scores."""
        if isinstance(codings, pd.DataFrame):
            codings = Codings.from_frame(rubric, codings)
        m = Matrices.of_codings(codings)
        if rubric.has_penalties:
            point = score_codings(codings).score
        else:
            active, signal = m.active(rubric.missing)
            scale = rubric.scale
            w = Weights.of(rubric)
            point = weighted_score(effective_weights(w, active), signal, scale.max - scale.min, scale.min)
        return cls(
            rubric=rubric,
            ids=tuple(str(c) for c in codings.ids),
            matrices=m,
            x=m.x,
            confidence=CONFIDENCE_WORDS[codings.confidence].astype(str),
            point=point,
        )

    @property
    def penalty(self) -> np.ndarray:
        """Which features are penalties."""
        return penalty_columns(self.rubric)

    def active(self) -> tuple[np.ndarray, np.ndarray]:
        """Active mask and signals (0 where inactive) under the rubric's missing policy, as the engine has them
        (an unknown penalty is inactive under zero and renormalize, half present under midpoint)."""
        m = self.matrices
        if not self.rubric.has_penalties:
            return m.active(self.rubric.missing)
        policy = self.rubric.missing if self.rubric.missing in PENALTY_FILL else "renormalize"
        fill = {"zero": 0.0, "midpoint": 0.5}.get(policy)
        return evaluation(m.status, np.nan_to_num(m.signal), self.penalty, fill, PENALTY_FILL[policy])

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
