"""Cases side by side under one rubric: points per feature and dimension, deltas, and what drives them."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any

import pandas as pd

from signalscore.engine import Scores
from signalscore.errors import UsageError
from signalscore.rubric import Rubric

TOP = 3
# Moves smaller than this are float noise, not changes.
EPSILON = 1e-9
CASE_COLUMNS = ["case", "title", "period_start", "score", "score_low", "score_high", "coverage", "rank"]


@dataclass(frozen=True)
class Comparison:
    """One rubric's cases in column order; wide frames have a column per case (deltas: per later case)."""

    rubric: Rubric
    cases: pd.DataFrame
    cells: pd.DataFrame
    points: pd.DataFrame
    subtotals: pd.DataFrame
    baseline: str | None
    pairs: tuple[tuple[str, str], ...]
    deltas: pd.DataFrame
    subtotal_deltas: pd.DataFrame
    changes: pd.DataFrame

    @property
    def ids(self) -> list[str]:
        """Case ids in column order."""
        return list(self.cases["case"])

    @cached_property
    def _cells(self) -> dict[tuple[str, str], dict[Hashable, Any]]:
        return {(r["feature"], r["case"]): r for r in self.cells.to_dict("records")}

    def cell(self, feature: str, case: str) -> dict[Hashable, Any]:
        """One feature in one case: status, value, contribution and the rest of its scored row."""
        return self._cells[(feature, case)]

    def moved(self, column: str) -> pd.Series:
        """How a case-level column (score, coverage ...) moved in each pair, keyed by the later case."""
        values = self.cases.set_index("case")[column].astype(float)
        return pd.Series({b: values[b] - values[a] for a, b in self.pairs}, dtype=float)


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
    columns = {}
    for a, b in pairs:
        moved = wide[b].fillna(0.0) - wide[a].fillna(0.0)
        comparable = not {a, b} & unscored
        columns[b] = moved.where((wide[a].notna() | wide[b].notna()) & comparable)
    return pd.DataFrame(columns, index=wide.index, dtype=float)


def top_changes(deltas: pd.DataFrame, pairs: tuple[tuple[str, str], ...], top: int = TOP) -> pd.DataFrame:
    """The `top` features whose points moved most in each pair, biggest first (rubric order breaks ties)."""
    earlier = {b: a for a, b in pairs}
    long = deltas.rename_axis(index="feature").reset_index().melt(id_vars="feature", var_name="to", value_name="points")
    long = long[long["points"].abs() > EPSILON].assign(
        pair=long["to"].map({b: i for i, (_, b) in enumerate(pairs)}),
        size=-long["points"].abs(),
        order=long["feature"].map({f: i for i, f in enumerate(deltas.index)}),
    )
    chosen = long.sort_values(["pair", "size", "order"], kind="stable").groupby("pair").head(top)
    chosen.insert(0, "from", chosen["to"].map(earlier))
    return chosen[["from", "to", "feature", "points"]].reset_index(drop=True)


def compare(scores: Scores, rubric: Rubric, baseline: str | None = None, top: int = TOP) -> Comparison:
    """Compare the cases scored with one rubric, in period order, consecutively or against a baseline."""
    cases = case_order(scores.cases.loc[scores.cases["rubric"] == rubric.id, CASE_COLUMNS])
    ids = list(cases["case"])
    feats = scores.features[scores.features["rubric"] == rubric.id]
    cells = feats.assign(order=feats["case"].map({c: i for i, c in enumerate(ids)}))
    cells = cells.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)
    order = [f.id for f in rubric.features]
    points = feats.pivot(index="feature", columns="case", values="contribution").reindex(index=order, columns=ids)
    points = points.astype(float)
    dims = [d.id for d in rubric.dimensions]
    member = pd.Series({f.id: f.dimension for f in rubric.features})
    subtotals = points.groupby(member).sum(min_count=1).reindex(dims) if dims else pd.DataFrame(columns=ids)
    baseline = baseline if baseline in ids else None
    pairs = pairs_of(ids, baseline)
    unscored = frozenset(cases.loc[cases["score"].isna(), "case"])
    deltas = pair_deltas(points, pairs, unscored)
    return Comparison(
        rubric=rubric,
        cases=cases,
        cells=cells,
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
    known = set(scores.cases["case"]) if len(scores.cases) else set()
    if baseline is not None and baseline not in known:
        raise UsageError(f"--baseline {baseline!r} is not one of the cases (cases: {', '.join(sorted(known))})")
    used = set(scores.cases["rubric"]) if len(scores.cases) else set()
    return [compare(scores, r, baseline) for r in rubrics.values() if r.id in used]
