"""The `compare` output for programs: JSON per rubric, and tidy CSV (one row per case and feature)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from signalscore.compare import Comparison
from signalscore.render.changes import sentence
from signalscore.render.explain import shown_value
from signalscore.render.scores import rubric_head
from signalscore.render.tabular import grid, plain, to_json


def _case_json(row: dict[Hashable, Any], subtotals: dict[str, Any]) -> dict[str, Any]:
    keys = ("title", "period_start", "score", "score_low", "score_high", "coverage", "rank")
    return {
        "id": row["case"],
        **{k: plain(row[k]) for k in keys},
        "subtotals": {d: plain(v) for d, v in subtotals.items()},
    }


def _by_column(frame: pd.DataFrame) -> dict[Any, dict[Any, Any]]:
    """A frame as {column: {row: value}}, read through one array (pandas' to_dict builds a Series for each
    column, and these frames have a column per case)."""
    rows, values = list(frame.index), frame.to_numpy(dtype=object)
    return {c: dict(zip(rows, values[:, k].tolist(), strict=True)) for k, c in enumerate(frame.columns)}


def _deltas_json(comp: Comparison) -> list[dict[str, Any]]:
    """Per pair: how the score, coverage, subtotals and each feature's points moved (frames read once, as
    dicts: a lookup per pair and frame is what made this slow)."""
    score, coverage = comp.moved("score").to_dict(), comp.moved("coverage").to_dict()
    subtotals, features = _by_column(comp.subtotal_deltas), _by_column(comp.deltas)
    return [
        {
            "from": a,
            "to": b,
            "score": plain(score[b]),
            "coverage": plain(coverage[b]),
            "subtotals": {d: plain(v) for d, v in subtotals.get(b, {}).items()},
            "features": {f: plain(v) for f, v in features[b].items()},
        }
        for a, b in comp.pairs
    ]


def rubric_comparison_json(comp: Comparison, precision: int = 1) -> dict[str, Any]:
    """One rubric's comparison: its cases in order, a cell per feature and case, deltas per pair, top changes."""
    rubric = comp.rubric
    subtotals = _by_column(comp.subtotals)  # case -> dimension -> points
    cells = comp.every_cell()

    def cell(found: dict[str, Any]) -> dict[str, Any]:
        return {"status": found["status"], "value": plain(found["value"]), "points": plain(found["contribution"])}

    return {
        **rubric_head(rubric),
        "baseline": comp.baseline,
        "cases": [_case_json(row, subtotals.get(row["case"], {})) for row in comp.cases.to_dict("records")],
        "features": [
            {
                "id": f.id,
                "label": f.label,
                "dimension": f.dimension,
                "cells": {c: cell(x) for c, x in cells[f.id].items()},
            }
            for f in rubric.features
        ],
        "deltas": _deltas_json(comp),
        "changes": [
            {"from": a, "to": b, "feature": f, "points": plain(p), "sentence": sentence(comp, a, b, f, p, precision)}
            for a, b, f, p in comp.changes.itertuples(index=False)
        ],
    }


def comparison_json(comps: Sequence[Comparison], precision: int = 1) -> str:
    """Every rubric's comparison as JSON; full floats, sentences rounded to `precision`."""
    return to_json({"rubrics": [rubric_comparison_json(c, precision) for c in comps]})


def tidy_comparison(comp: Comparison) -> pd.DataFrame:
    """One row per case (in column order) and feature: status, value as shown, points, the case it is compared
    with and the change of its points from that case: what csv prints."""
    cells = comp.cells
    earlier = {b: a for a, b in comp.pairs}
    # Deltas as a case-by-feature array in column order (NaN for a case that is no pair's later case).
    at = {c: i for i, c in enumerate(comp.ids)}
    delta = np.full((len(comp.ids), len(comp.rubric.features)), np.nan)
    later = [at[c] for c in comp.deltas.columns]
    delta[later] = comp.deltas.to_numpy(dtype=float).T
    shown = delta.astype(object)
    shown[np.setdiff1d(np.arange(len(comp.ids)), later)] = None
    column = shown.ravel()
    return pd.DataFrame(
        {
            "rubric": cells["rubric"],
            "case": cells["case"],
            "feature": cells["feature"],
            "dimension": cells["dimension"],
            "status": cells["status"],
            "value": [
                shown_value(s, v) if s == "coded" else "" for s, v in zip(cells["status"], cells["value"], strict=True)
            ],
            "points": cells["contribution"],
            "compared_with": cells["case"].map(earlier),
            "delta": column,
        }
    )


def comparison_csv(comps: Sequence[Comparison]) -> str:
    """Tidy CSV: one row per case and feature, its points, and their change from the case it is compared with."""
    return grid(pd.concat([tidy_comparison(c) for c in comps], ignore_index=True), "csv")
