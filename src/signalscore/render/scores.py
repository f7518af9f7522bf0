"""The `score` output: one row per case, and the contract's JSON of scored cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from signalscore.engine import Scores
from signalscore.render.markup import markup_of
from signalscore.render.tabular import fill, grid, plain, terminal_width, to_json
from signalscore.rubric import Rubric

FEATURE_KEYS = ["id", "dimension", "status", "value", "normalized", "signal", "weight", "contribution", "confidence"]
# Headers the terminal table falls back to when the full names do not fit.
SHORT_HEADERS = {"score_low": "low", "score_high": "high", "confidence": "conf"}


def ordered(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases by rank (unranked last), then id."""
    return cases.sort_values(["rank", "case"], na_position="last", kind="stable")


def score_frame(scores: Scores, rubric: Rubric) -> pd.DataFrame:
    """The score table of one rubric: one row per case, one column per dimension."""
    cases = ordered(scores.cases[scores.cases["rubric"] == rubric.id])
    frame = cases[["rank", "case", "score", "score_low", "score_high", "coverage"]].reset_index(drop=True)
    dims = scores.dimensions[scores.dimensions["rubric"] == rubric.id]
    if len(dims):
        wide = dims.pivot(index="case", columns="dimension", values="score")
        for d in rubric.dimensions:
            frame[d.id] = frame["case"].map(wide[d.id]).to_numpy()
    return frame


def heading(rubric: Rubric) -> str:
    """A rubric's one-line title, with its scale."""
    return f"{rubric.id} {rubric.version}: {rubric.title} (scale {rubric.scale.min:g} to {rubric.scale.max:g})"


def render_scores(
    scores: Scores, rubrics: Mapping[str, Rubric], fmt: str, precision: int = 1, width: int | None = None
) -> str:
    """The `score` command's output; the table format fits `width` (default: the terminal's)."""
    if fmt == "json":
        return to_json({"rubrics": [rubric_json(scores, r) for r in rubrics.values()]})
    frames = [(r, score_frame(scores, r)) for r in rubrics.values()]
    if fmt == "csv":
        flat = pd.concat([f.assign(rubric=r.id) for r, f in frames], ignore_index=True)
        return grid(flat[["rubric", *[c for c in flat.columns if c != "rubric"]]], fmt)
    markup = markup_of(fmt)
    limit = width or terminal_width()
    blocks = []
    for rubric, frame in frames:
        blocks.append(markup.heading(fill(markup.escape(heading(rubric)), limit if fmt == "table" else None), 3))
        blocks.append(grid(frame, fmt, precision, width=limit, shrink=["case"], short=SHORT_HEADERS))
    return markup.document(blocks)


def case_json(scores: Scores, rubric: Rubric, row: pd.Series) -> dict[str, Any]:
    """One case as the contract's JSON object."""
    dims = scores.dimensions[(scores.dimensions["rubric"] == rubric.id) & (scores.dimensions["case"] == row["case"])]
    feats = scores.features[(scores.features["rubric"] == rubric.id) & (scores.features["case"] == row["case"])]
    keys = ["score", "score_low", "score_high", "coverage", "rank"]
    return {
        "id": row["case"],
        "title": row["title"],
        **{k: plain(row[k]) for k in keys},
        "dimensions": {d: plain(s) for d, s in zip(dims["dimension"], dims["score"], strict=True)},
        "features": [
            {k: plain(f[k if k != "id" else "feature"]) for k in FEATURE_KEYS} for f in feats.to_dict("records")
        ],
    }


def rubric_head(rubric: Rubric) -> dict[str, Any]:
    """What every JSON output says of its rubric: id, version, title, scale."""
    scale = {"min": rubric.scale.min, "max": rubric.scale.max}
    return {"id": rubric.id, "version": rubric.version, "title": rubric.title, "scale": scale}


def rubric_json(scores: Scores, rubric: Rubric) -> dict[str, Any]:
    """One rubric and its scored cases, as in the contract."""
    cases = ordered(scores.cases[scores.cases["rubric"] == rubric.id])
    return {
        **rubric_head(rubric),
        "missing": rubric.missing,
        "cases": [case_json(scores, rubric, row) for _, row in cases.iterrows()],
    }
