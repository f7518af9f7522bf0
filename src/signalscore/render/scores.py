"""The `score` output: one row per case, and the contract's JSON of scored cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from signalscore.codings import CONFIDENCE_WORDS, STATUS_WORDS
from signalscore.engine import Scores
from signalscore.render.fitting import Layout
from signalscore.render.markup import markup_of
from signalscore.render.table import Table
from signalscore.render.tabular import fill, grid, terminal_width, to_json
from signalscore.rubric import Rubric
from signalscore.scores import CASE_KEYS, Scored

if TYPE_CHECKING:
    import pandas as pd

FEATURE_KEYS = ["id", "dimension", "status", "value", "normalized", "signal", "weight", "contribution", "confidence"]
# Headers the terminal table falls back to when the full names do not fit.
SHORT_HEADERS = {"score_low": "low", "score_high": "high", "confidence": "conf"}


def ordered(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases by rank (unranked last), then id."""
    return cases.sort_values(["rank", "case"], na_position="last", kind="stable")


def nullable(values: np.ndarray) -> list[Any]:
    """Numbers as Python floats, None for NaN: a whole column (or matrix, row by row) converted at once."""
    if values.ndim == 2:
        return [[None if v != v else v for v in row] for row in values.tolist()]
    return [None if v != v else v for v in values.tolist()]


def _columns(scores: Scores, rubric: Rubric) -> dict[str, np.ndarray]:
    """The score table of one rubric as arrays, in rank order: rank (NaN where unranked), case, score,
    bounds, coverage, one column per dimension, and whether penalties were clipped where any were."""
    part = scores.get(rubric.id)
    names = ["rank", "case", "score", "score_low", "score_high", "coverage", *[d.id for d in rubric.dimensions]]
    if part is None:
        return {name: np.empty(0, dtype=object if name == "case" else float) for name in names}
    order = part.by_rank()
    columns = {"rank": part.rank[order], "case": part.ids[order]}
    for key in ("score", "score_low", "score_high", "coverage"):
        columns[key] = getattr(part, key)[order]
    for j, d in enumerate(rubric.dimensions):
        columns[d.id] = part.dimensions[order, j]
    clipped = None if part.clipped is None else np.asarray(part.clipped.any(axis=1))[order]
    if clipped is not None and clipped.any():  # penalties outweighed the support of some dimension: say where
        columns["clipped"] = clipped
    return columns


def score_frame(scores: Scores, rubric: Rubric) -> pd.DataFrame:
    """The score table of one rubric: one row per case, one column per dimension."""
    import pandas as pd

    columns = _columns(scores, rubric)
    if not len(columns["case"]):
        return pd.DataFrame(columns=list(columns))
    return pd.DataFrame({**columns, "rank": pd.array(columns["rank"], dtype="Int64")})


def score_table(scores: Scores, rubric: Rubric) -> Table:
    """The score table as `Table.of(score_frame(...))` reads it, built without pandas (a warm `score`
    never imports it)."""
    columns = _columns(scores, rubric)
    cells: dict[str, list[Any]] = {"rank": [None if r != r else int(r) for r in columns["rank"].tolist()]}
    cells["case"] = [str(i) for i in columns["case"]]
    cells |= {name: nullable(values) for name, values in columns.items() if name not in ("rank", "case", "clipped")}
    if "clipped" in columns:
        cells["clipped"] = columns["clipped"].tolist()
    kinds = dict.fromkeys(columns, "f") | {"rank": "i", "case": "O", "clipped": "b"}
    return Table.build(cells, kinds if cells["case"] else {})  # (the columns of an empty frame hold no numbers)


def score_layout(ids: Sequence[object]) -> Layout:
    """How the score table of these case ids fits a terminal: ids without their shared prefix, short headers,
    then in blocks that each repeat rank and case."""
    return Layout(ids=[str(c) for c in ids], id_columns=["case"], short=SHORT_HEADERS, keys=["rank", "case"])


def heading(rubric: Rubric) -> str:
    """A rubric's one-line title, with its scale."""
    return f"{rubric.id} {rubric.version}: {rubric.title} (scale {rubric.scale.min:g} to {rubric.scale.max:g})"


def render_scores(
    scores: Scores, rubrics: Mapping[str, Rubric], fmt: str, precision: int = 1, width: int | None = None
) -> str:
    """The `score` command's output; the table format fits `width` (default: the terminal's)."""
    if fmt == "json":
        return to_json({"rubrics": [rubric_json(scores, r) for r in rubrics.values()]})
    if fmt == "csv":
        import pandas as pd

        frames = [(r, score_frame(scores, r)) for r in rubrics.values()]
        flat = pd.concat([f.assign(rubric=r.id) for r, f in frames], ignore_index=True)
        return grid(flat[["rubric", *[c for c in flat.columns if c != "rubric"]]], fmt)
    tables = [(r, score_table(scores, r)) for r in rubrics.values()]
    markup = markup_of(fmt)
    limit = width or terminal_width()
    blocks = []
    for rubric, table in tables:
        blocks.append(markup.heading(fill(markup.escape(heading(rubric)), limit if fmt == "table" else None), 3))
        blocks.append(grid(table, fmt, precision, width=limit, layout=score_layout(table.column("case"))))
    return markup.document(blocks)


class CaseJson:
    """The contract's JSON of some of a rubric's cases (rows of its arrays, in order): each column converted
    once, then a dict per case."""

    def __init__(self, part: Scored, rows: np.ndarray) -> None:
        self.part = part
        features = part.rubric.features
        titles = part.codings.titles()
        self.ids = [str(i) for i in part.ids[rows]]
        self.titles = [titles[i] for i in rows]
        self.heads = {k: nullable(np.asarray(getattr(part, k), dtype=float)[rows]) for k in CASE_KEYS}
        self.heads["rank"] = [None if r is None else int(r) for r in self.heads["rank"]]
        self.dims = nullable(part.dimensions[rows])
        self.clipped = None if part.clipped is None else part.clipped[rows].any(axis=1).tolist()
        self.cells = {"id": [f.id for f in features], "dimension": [f.dimension for f in features]}
        self.rows = {
            "status": STATUS_WORDS[part.codings.status[rows]].tolist(),
            "value": part.codings.values(rows).tolist(),
            "normalized": nullable(part.normalized[rows]),
            "signal": nullable(part.shown_signal[rows]),
            "weight": part.weight[rows].tolist(),
            "contribution": nullable(part.points[rows]),
            "confidence": CONFIDENCE_WORDS[part.codings.confidence[rows]].tolist(),
        }

    def __call__(self, k: int) -> dict[str, Any]:
        """The k-th of the chosen cases as the contract's JSON object."""
        dims = self.part.rubric.dimensions
        columns = [self.cells[key] if key in self.cells else self.rows[key][k] for key in FEATURE_KEYS]
        clipped = {} if self.clipped is None else {"clipped": self.clipped[k]}
        return {
            "id": self.ids[k],
            "title": self.titles[k],
            **{key: self.heads[key][k] for key in CASE_KEYS},
            **clipped,
            "dimensions": {d.id: self.dims[k][j] for j, d in enumerate(dims)},
            "features": [dict(zip(FEATURE_KEYS, cell, strict=True)) for cell in zip(*columns, strict=True)],
        }


def case_json(scores: Scores, rubric: Rubric, case_id: str) -> dict[str, Any]:
    """One case as the contract's JSON object."""
    part = scores.of(rubric.id)
    return CaseJson(part, np.array([part.row(case_id)]))(0)


def rubric_head(rubric: Rubric) -> dict[str, Any]:
    """What every JSON output says of its rubric: id, version, title, scale."""
    scale = {"min": rubric.scale.min, "max": rubric.scale.max}
    return {"id": rubric.id, "version": rubric.version, "title": rubric.title, "scale": scale}


def rubric_json(scores: Scores, rubric: Rubric) -> dict[str, Any]:
    """One rubric and its scored cases, as in the contract."""
    part = scores.get(rubric.id)
    if part is None:
        return {**rubric_head(rubric), "missing": rubric.missing, "cases": []}
    order = part.by_rank()
    cases = list(map(CaseJson(part, order), range(len(order))))
    return {**rubric_head(rubric), "missing": rubric.missing, "cases": cases}
