"""Cases side by side under one rubric: points per feature and dimension, deltas, and what drives them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from signalscore.codings import STATUS_WORDS
from signalscore.engine import Scores
from signalscore.errors import UsageError
from signalscore.messages import unknown_case
from signalscore.rubric import Rubric
from signalscore.scores import Scored

TOP = 3
# Moves smaller than this are float noise, not changes.
EPSILON = 1e-9
CASE_COLUMNS = ["case", "title", "period_start", "score", "score_low", "score_high", "coverage", "rank"]


@dataclass(frozen=True)
class Comparison:
    """One rubric's cases in column order; wide frames have a column per case (deltas: per later case).

    `part` holds the rubric's scored arrays and `order` the row of each column's case in them, so a cell
    is read from the arrays in constant time; `cells`, the long frame, is built only when asked for.
    """

    rubric: Rubric
    part: Scored
    order: np.ndarray
    cases: pd.DataFrame
    points: pd.DataFrame
    subtotals: pd.DataFrame
    baseline: str | None
    pairs: tuple[tuple[str, str], ...]
    deltas: pd.DataFrame
    subtotal_deltas: pd.DataFrame
    changes: pd.DataFrame

    @cached_property
    def ids(self) -> list[str]:
        """Case ids in column order."""
        return [str(c) for c in self.cases["case"]]

    @cached_property
    def _columns(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.ids)}

    @cached_property
    def _features(self) -> dict[str, int]:
        return {f.id: j for j, f in enumerate(self.rubric.features)}

    def cell(self, feature: str, case: str) -> dict[str, Any]:
        """One feature in one case: status, value and contribution (NaN when not active)."""
        i, j = self.order[self._columns[case]], self._features[feature]
        status = STATUS_WORDS[self.part.codings.status[i, j]]
        return {"status": status, "value": self.part.codings.value(i, j), "contribution": self.part.points[i, j]}

    def every_cell(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every feature in every case, as `cell` gives each: by feature id, then case id in column order
        (read from the arrays at once: a cell at a time is slow for many cases)."""
        rows = self.order
        status = STATUS_WORDS[self.part.codings.status[rows]].tolist()
        values = self.part.codings.values(rows).tolist()
        points = self.part.points[rows].tolist()
        return {
            f.id: {
                case: {"status": status[k][j], "value": values[k][j], "contribution": points[k][j]}
                for k, case in enumerate(self.ids)
            }
            for j, f in enumerate(self.rubric.features)
        }

    @cached_property
    def cells(self) -> pd.DataFrame:
        """Every feature in every case, case by case in column order: the scored rows of the long frame."""
        n_features = len(self.rubric.features)
        rows = (self.order[:, None] * n_features + np.arange(n_features)).ravel()
        return self.part.feature_frame().iloc[rows].reset_index(drop=True)

    @cached_property
    def _moves(self) -> dict[str, pd.Series]:
        return {}

    def moved(self, column: str) -> pd.Series:
        """How a case-level column (score, coverage ...) moved in each pair, keyed by the later case."""
        if column not in self._moves:
            values = self.cases[column].to_numpy(dtype=float)
            at = self._columns
            a = np.array([at[x] for x, _ in self.pairs], dtype=np.intp)
            b = np.array([at[y] for _, y in self.pairs], dtype=np.intp)
            self._moves[column] = pd.Series(values[b] - values[a], index=[y for _, y in self.pairs], dtype=float)
        return self._moves[column]


def head(comp: Comparison, n: int) -> Comparison:
    """The first n cases in column order, with the pairs (and deltas, top changes) among them."""
    return subset(comp, comp.ids[:n])


def subset(comp: Comparison, ids: list[str]) -> Comparison:
    """Some of the cases, in the order given, with the pairs (and deltas, top changes) among them."""
    kept = set(ids)
    rows = pd.Index(comp.cases["case"]).get_indexer(pd.Index(ids))
    pairs = tuple((a, b) for a, b in comp.pairs if a in kept and b in kept)
    later = [b for _, b in pairs]
    changes = comp.changes[comp.changes["to"].isin(set(later)) & comp.changes["from"].isin(kept)]
    return replace(
        comp,
        order=comp.order[rows],
        cases=comp.cases.iloc[rows].reset_index(drop=True),
        points=comp.points[ids],
        subtotals=comp.subtotals[ids] if len(comp.subtotals) else pd.DataFrame(columns=ids),
        pairs=pairs,
        deltas=comp.deltas[later],
        subtotal_deltas=comp.subtotal_deltas[later],
        changes=changes.reset_index(drop=True),
    )


def top_movers(comp: Comparison, n: int) -> tuple[tuple[str, str], ...]:
    """The n pairs whose score moved most (largest first; pairs without a score last)."""
    size = comp.moved("score").abs().fillna(-1.0).to_numpy()
    chosen = np.argsort(-size, kind="stable")[:n]
    return tuple(comp.pairs[i] for i in chosen)


def case_order(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases by period start (undated last), then id."""
    return cases.sort_values(["period_start", "case"], na_position="last", kind="stable").reset_index(drop=True)


def pairs_of(ids: list[str], baseline: str | None) -> tuple[tuple[str, str], ...]:
    """Consecutive pairs, or every other case against the baseline (which must be one of the ids)."""
    if baseline is not None:
        return tuple((baseline, b) for b in ids if b != baseline)
    return tuple(pairwise(ids))


def pair_deltas(
    wide: pd.DataFrame, pairs: tuple[tuple[str, str], ...], unscored: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Later minus earlier per row; an inactive side counts 0 points, both inactive is no delta.

    A case without a score has no points to compare, so its pairs have no deltas at all.
    """
    at = {c: i for i, c in enumerate(wide.columns)}
    a = np.array([at[x] for x, _ in pairs], dtype=np.intp)
    b = np.array([at[y] for _, y in pairs], dtype=np.intp)
    values = wide.to_numpy(dtype=float)
    earlier, later = values[:, a], values[:, b]
    moved = np.nan_to_num(later) - np.nan_to_num(earlier)
    comparable = np.array([not {x, y} & unscored for x, y in pairs], dtype=bool)
    moved[~((~np.isnan(earlier) | ~np.isnan(later)) & comparable)] = np.nan
    return pd.DataFrame(moved, index=wide.index, columns=[y for _, y in pairs], dtype=float)


def top_changes(deltas: pd.DataFrame, pairs: tuple[tuple[str, str], ...], top: int = TOP) -> pd.DataFrame:
    """The `top` features whose points moved most in each pair, biggest first (rubric order breaks ties)."""
    size = np.abs(deltas.to_numpy(dtype=float))
    size = np.where(size > EPSILON, size, 0.0)  # NaN and noise never count
    chosen = np.argsort(-size, axis=0, kind="stable")[:top]
    keep = np.take_along_axis(size, chosen, axis=0) > 0
    pair = np.broadcast_to(np.arange(len(pairs)), chosen.shape)[keep]
    row = chosen[keep]
    by_pair = np.argsort(pair, kind="stable")
    pair, row = pair[by_pair], row[by_pair]
    return pd.DataFrame(
        {
            "from": [pairs[p][0] for p in pair],
            "to": [pairs[p][1] for p in pair],
            "feature": deltas.index.to_numpy()[row],
            "points": deltas.to_numpy(dtype=float)[row, pair],
        }
    )


def _subtotals(rubric: Rubric, points: np.ndarray, ids: list[str]) -> pd.DataFrame:
    """Points per dimension (rows) and case (columns); NaN where no feature of the dimension is active."""
    dims = [d.id for d in rubric.dimensions]
    member = np.array([f.dimension for f in rubric.features], dtype=object)
    out = np.full((len(dims), points.shape[1]), np.nan)
    for k, d in enumerate(dims):
        block = points[member == d]
        active = ~np.isnan(block).all(axis=0)
        out[k, active] = np.nansum(block[:, active], axis=0)
    return pd.DataFrame(out, index=dims, columns=ids) if dims else pd.DataFrame(columns=ids)


def compare(scores: Scores, rubric: Rubric, baseline: str | None = None, top: int = TOP) -> Comparison:
    """Compare the cases scored with one rubric, in period order, consecutively or against a baseline."""
    part = scores.of(rubric.id)
    frame = part.case_frame()
    frame["row"] = np.arange(len(frame))
    ordered = case_order(frame[[*CASE_COLUMNS, "row"]])
    order = ordered["row"].to_numpy()
    cases = ordered[CASE_COLUMNS]
    ids = [str(c) for c in cases["case"]]
    values = part.points[order].T
    points = pd.DataFrame(values, index=[f.id for f in rubric.features], columns=ids, dtype=float)
    subtotals = _subtotals(rubric, values, ids)
    baseline = baseline if baseline in set(ids) else None
    pairs = pairs_of(ids, baseline)
    unscored = frozenset(cases.loc[cases["score"].isna(), "case"])
    deltas = pair_deltas(points, pairs, unscored)
    return Comparison(
        rubric=rubric,
        part=part,
        order=order,
        cases=cases,
        points=points,
        subtotals=subtotals,
        baseline=baseline,
        pairs=pairs,
        deltas=deltas,
        subtotal_deltas=pair_deltas(subtotals, pairs, unscored),
        changes=top_changes(deltas, pairs, top),
    )


def compare_all(scores: Scores, rubrics: Mapping[str, Rubric], baseline: str | None = None) -> list[Comparison]:
    """One comparison per rubric with scored cases: points and ranks only compare within a rubric."""
    known = {str(c) for p in scores.parts for c in p.ids}
    if baseline is not None and baseline not in known:
        raise UsageError(f"--baseline {baseline!r} is not one of the cases ({unknown_case(baseline, known)})")
    return [compare(scores, r, baseline) for r in rubrics.values() if scores.get(r.id) is not None]
