"""Coder uncertainty (`sensitivity --coders`): which coder's coding a case is scored with, drawn with the weights.

Every independent coding of a case coded by two or more coders is simulated as its own row, with the same
weight and confidence draws as the others (one Monte Carlo run); then, per draw, one coder's row is drawn
for each case, uniformly and seeded. The share of a case's spread that comes from the choice of coder is
the between-coder part of the law of total variance: Var(mean score per coder) / (that + mean variance
within coders), coders equally likely.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from signalscore.case import Case
from signalscore.coders import label
from signalscore.errors import UsageError
from signalscore.frame import codings_frame
from signalscore.render.fitting import Layout, said_once
from signalscore.render.markup import markup_of
from signalscore.render.tabular import fill, grid, terminal_width, to_json
from signalscore.rubric import Rubric
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.montecarlo import Settings, simulate

if TYPE_CHECKING:
    from signalscore.loader import Corpus

COLUMNS = ["case", "coders", "p5", "p50", "p95", "coder_share"]


@dataclass(frozen=True)
class CoderSpread:
    """One rubric's cases with several coders: score percentiles with the coder drawn, and the coder's share."""

    rubric: Rubric
    frame: pd.DataFrame


def coder_spread(rubric: Rubric, units: Mapping[str, Mapping[str, Case]], settings: Settings) -> CoderSpread:
    """Simulate every coder's coding of every case (by id, then coder), then draw the coder per draw and case."""
    rows = [
        case.model_copy(update={"id": label(i, c)}) for i, held in units.items() for c, case in sorted(held.items())
    ]
    scores = simulate(CaseSet.of(rubric, codings_frame(rubric, rows)), settings)
    pick = np.random.default_rng([settings.seed, 12]).random((settings.draws, len(units)))
    found, start = [], 0
    for k, (case_id, held) in enumerate(units.items()):
        block = scores[:, start : start + len(held)]
        start += len(held)
        chosen = np.minimum((pick[:, k] * len(held)).astype(int), len(held) - 1)
        drawn = block[np.arange(settings.draws), chosen]
        found.append({"case": case_id, "coders": ", ".join(sorted(held)), **_spread(block, drawn)})
    return CoderSpread(rubric, pd.DataFrame(found, columns=COLUMNS))


def _spread(block: np.ndarray, drawn: np.ndarray) -> dict[str, float | None]:
    """Percentiles of the drawn scores and the between-coder share of their variance (None without a score)."""
    if np.isnan(block).any():
        return {"p5": None, "p50": None, "p95": None, "coder_share": None}
    p5, p50, p95 = np.percentile(drawn, [5, 50, 95])
    between, within = float(block.mean(axis=0).var()), float(block.var(axis=0).mean())
    total = between + within
    return {"p5": p5, "p50": p50, "p95": p95, "coder_share": between / total if total > 0 else 0.0}


def coder_spreads(corpus: Corpus, settings: Settings, limit: int) -> list[CoderSpread]:
    """Per rubric, the spread of each case coded by two or more coders with the coder drawn (--coders)."""
    from signalscore.agreement import independent

    loaded = corpus.source or corpus
    spreads = []
    for rid, r in loaded.rubrics.items():
        units = independent([c for c in loaded.cases if loaded.rubric_for(c).id == rid])
        rows = sum(len(held) for held in units.values())
        if rows * settings.draws * 8 * 2 > limit:  # the scores of every draw of every coding, and a copy
            raise UsageError(f"--coders: {rows} codings x {settings.draws:,} draws need more than --max-memory")
        if units:
            spreads.append(coder_spread(r, units, settings))
    return spreads


def spreads_frame(spreads: Sequence[CoderSpread]) -> pd.DataFrame:
    """Every rubric's coder spreads in one frame, a rubric column first (what csv prints)."""
    if not spreads:
        return pd.DataFrame(columns=["rubric", *COLUMNS])
    flat = pd.concat([s.frame.assign(rubric=s.rubric.id) for s in spreads], ignore_index=True)
    return flat[["rubric", *COLUMNS]]


NOTE = (
    "With --coders each case coded by two or more coders is scored, in every draw, with one coder's coding "
    "drawn at random (equally likely). coder_share: the part of the case's score variance that comes from "
    "the choice of coder (the rest comes from weights and confidence)."
)


def with_coders(text: str, spreads: Sequence[CoderSpread], fmt: str, precision: int) -> str:
    """The sensitivity output with the coder-choice table of each rubric added (json: `coders` per rubric)."""
    spreads = [s for s in spreads if not s.frame.empty]
    if not spreads:
        return text
    if fmt == "json":
        data = json.loads(text)
        by_id = {s.rubric.id: s for s in spreads}
        for item in data["rubrics"]:
            found = by_id.get(item["id"])
            item["coders"] = _records(found.frame) if found else []
        return to_json(data)
    if fmt == "csv":
        return text + "\n" + grid(spreads_frame(spreads), "csv")
    m = markup_of(fmt)
    width = terminal_width()
    note = fill(NOTE, width) if fmt == "table" else NOTE
    blocks = [m.heading("Choice of coder (--coders)", 3), m.paragraph([m.escape(x) for x in note.splitlines()])]
    for s in spreads:
        shares: list[Any] = [None if v is None or v != v else f"{v:.0%}" for v in s.frame["coder_share"]]
        shown = s.frame.assign(coder_share=pd.Series(shares, index=s.frame.index, dtype=object))
        blocks += [
            m.heading(m.escape(f"{s.rubric.id} {s.rubric.version}"), 4),
            grid(shown, fmt, precision, width=width, layout=layout(shown)),
        ]
    return said_once(text + "\n" + m.document(blocks))


def layout(frame: pd.DataFrame) -> Layout:
    """The coder-choice table fits the terminal as the others do: ids without their shared prefix first."""
    return Layout(ids=[str(c) for c in frame["case"]], id_columns=["case"], keys=["case"])


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    def plain(v: Any) -> Any:
        return None if isinstance(v, float) and np.isnan(v) else v

    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
