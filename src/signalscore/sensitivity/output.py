"""The sensitivity command's text: sections of tables and sentences per rubric, or one JSON document."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from signalscore.render import grid, markup_of, plain, terminal_width, to_json
from signalscore.render.fitting import Layout
from signalscore.render.tabular import fill
from signalscore.sensitivity.analysis import Report
from signalscore.sensitivity.report import (
    break_even_frame,
    break_even_sentences,
    case_frame,
    pair_sentences,
    pairwise_frame,
    sobol_frame,
    sobol_sentence,
)

SOBOL_DECIMALS = 3


def heading(r: Report) -> str:
    """The rubric line, as the score command prints it."""
    rubric = r.cases.rubric
    return f"{rubric.id} {rubric.version}: {rubric.title} (scale {rubric.scale.min:g} to {rubric.scale.max:g})"


def settings_lines(r: Report) -> list[str]:
    """What was drawn, in words."""
    s, m = r.settings, r.model

    def levels(table: dict[str, float], sign: str = "") -> str:
        return ", ".join(f"{k} {sign}{v:.4g}%" for k, v in ((k, 100 * v) for k, v in table.items()))

    lines = [
        f"{s.draws:,} draws, seed {s.seed}. Each raw weight times U[{1 - s.spread:g}, {1 + s.spread:g}], then renormalised.",
        f"Codings by confidence: P(ordinal level moves) {levels(m.level_shift)}; P(binary flips) "
        f"{levels(m.binary_flip)}; counts and numbers {levels(m.relative_error, '±')} relative. "
        "Unknown features drawn uniformly over their scale.",
    ]
    if r.unscored:
        lines.append(f"Left out (no score): {', '.join(r.unscored)}.")
    kept, k = r.summary.rank_counts.shape[0], r.summary.top.shape[1]
    if kept < len(r.cases.ids):
        lines.append(
            f"With {len(r.cases.ids):,} cases, only the {kept} best keep their whole rank distribution; for the "
            f"others, ranks 90% reads ranks 1 to {k} only ({k - 1}-{k}+: from {k - 1} to past {k}; >{k}: past {k})."
        )
    return lines


# A section: its title, then blocks in order, each a table (str) or sentences (list of str).
Section = tuple[str, list[str | list[str]]]


def _fitted(frame: pd.DataFrame, fmt: str, precision: int, width: int, keys: list[str], ids: list[str]) -> str:
    """A table fitted to the width (ids in the `case` column and in headers without their shared prefix)."""
    layout = Layout(ids=ids, id_columns=["case"], keys=keys)
    return grid(frame, fmt, precision, width=width, layout=layout)


def sections(r: Report, fmt: str, precision: int, width: int) -> list[Section]:
    """Every section of one rubric's report; tables in the table format fitted to the width."""
    shown = f" (the {r.shown} best cases)" if r.shown < len(r.cases.ids) else ""
    ids = [str(i) for i in r.cases.ids]
    cases = _fitted(case_frame(r, True), fmt, precision, width, ["rank", "case"], ids)
    pairwise = _fitted(pairwise_frame(r), fmt, precision, width, ["case"], ids[: r.shown])
    parts: list[Section] = [
        ("Scores over draws", [cases]),
        (f"P(row scores above column){shown}", [pairwise, pair_sentences(r)]),
    ]
    if len(r.cases.ids) > 1:
        title = "Break-even weights: the factor on one weight alone that makes the pair tie"
        table = _fitted(break_even_frame(r, True), fmt, precision, width, ["weight"], ids)
        parts.append((title, [table, break_even_sentences(r)]))
    sobol: list[str | list[str]] = [[sobol_sentence(r)]]
    if r.sobol is not None and not r.sobol.stable:
        sobol.append(_fitted(sobol_frame(r), fmt, SOBOL_DECIMALS, width, ["weight"], []))
    parts.append(("Sobol indices", sobol))
    return parts


def render_text(reports: list[Report], fmt: str, precision: int, width: int) -> str:
    """Table, markdown, html or latex: per rubric a heading and the settings, then each section.

    The table format fits the width: the same seed and width print the same bytes."""
    m = markup_of(fmt)
    wrap = width if fmt == "table" else None
    blocks = []
    for r in reports:
        lines = [fill(m.escape(line), wrap) for line in settings_lines(r)]
        blocks += [m.heading(fill(m.escape(heading(r)), wrap), 3), m.paragraph(lines)]
        for title, body in sections(r, fmt, precision, width):
            blocks.append(m.heading(fill(m.escape(title), wrap), 4))
            blocks += [
                b if isinstance(b, str) else m.paragraph([fill(m.escape(s), wrap) for s in b]) for b in body if b
            ]
    return m.document(blocks)


def tables(reports: list[Report]) -> dict[str, pd.DataFrame]:
    """The cases, pairwise, break-even and Sobol tables of every rubric, each with a rubric column first (numbers
    unrounded; a table no rubric has is absent): what csv prints and the Python API returns."""
    found: dict[str, list[pd.DataFrame]] = {"cases": [], "pairwise": [], "break_even": [], "sobol": []}
    for r in reports:
        rid = r.cases.rubric.id
        scored = case_frame(r, False).astype({"rank": "Int64"})
        unscored = pd.DataFrame({"case": list(r.unscored)})  # listed, every other column empty
        found["cases"].append(pd.concat([scored, unscored], ignore_index=True).assign(rubric=rid))
        pairs = pd.DataFrame(_pairwise_json(r), columns=["above", "below", "p_above", "p_below", "p_tie"])
        found["pairwise"].append(pairs.assign(rubric=rid))
        found["break_even"].append(break_even_frame(r, False).assign(rubric=rid))
        if r.sobol is not None and not r.sobol.stable:
            found["sobol"].append(sobol_frame(r).assign(rubric=rid, above=r.sobol.above, below=r.sobol.below))
    out = {}
    for name, frames in found.items():
        if frames:
            flat = pd.concat(frames, ignore_index=True)
            out[name] = flat[["rubric", *[c for c in flat.columns if c != "rubric"]]]
    return out


def render_csv(reports: list[Report]) -> str:
    """Four CSV tables (cases, pairwise, break-even, Sobol), each with a rubric column, a blank line apart."""
    return "\n".join(grid(table, "csv") for table in tables(reports).values())


def report_json(r: Report) -> dict[str, Any]:
    """One rubric's report as JSON-ready data."""
    rubric, cases, rank = r.cases.rubric, r.cases, r.cases.rank()
    return {
        "id": rubric.id,
        "version": rubric.version,
        "title": rubric.title,
        "scale": {"min": rubric.scale.min, "max": rubric.scale.max},
        "draws": r.settings.draws,
        "seed": r.settings.seed,
        "weight_spread": r.settings.spread,
        "uncertainty": {k: getattr(r.model, k) for k in ("level_shift", "binary_flip", "relative_error")},
        "unscored": list(r.unscored),
        "cases": [_case_json(r, i, rank) for i in range(len(cases.ids))],
        "pairwise": _pairwise_json(r),
        "break_even": _break_even_json(r),
        "sentences": pair_sentences(r) + break_even_sentences(r),
        "sobol": _sobol_json(r),
    }


def _break_even_json(r: Report) -> list[dict[str, Any]]:
    keys = ("above", "below", "kind", "weight", "factor", "status")
    rows = [(e.above, e.below, e.target.kind, e.target.id, e.factor, e.status) for e in r.break_even]
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _case_json(r: Report, i: int, rank: np.ndarray) -> dict[str, Any]:
    s, draws = r.summary, r.settings.draws
    whole = i < r.shown  # the whole distribution of the cases shown only: n of them would be n x n numbers
    counts = s.rank_counts[i] if whole else s.top[i]
    out = {
        "id": r.cases.ids[i],
        "score": plain(r.cases.point[i]),
        "rank": int(rank[i]),
        "mean": plain(s.mean[i]),
        **{f"p{q:g}": plain(s.percentiles[k, i]) for k, q in enumerate((5, 50, 95))},
        "rank_probabilities": {str(k + 1): int(c) / draws for k, c in enumerate(counts) if c},
    }
    if not whole:  # ranks 1 .. k only, and the share of draws below them
        out["rank_probability_rest"] = (draws - int(counts.sum())) / draws
    return out


def _pairwise_json(r: Report) -> list[dict[str, Any]]:
    s, ids = r.summary, r.cases.ids
    return [
        {
            "above": ids[i],
            "below": ids[j],
            "p_above": plain(s.above[i, j]),
            "p_below": plain(s.above[j, i]),
            "p_tie": plain(s.tie[i, j]),
        }
        for i in range(r.shown)
        for j in range(i + 1, r.shown)
    ]


def _sobol_json(r: Report) -> dict[str, Any] | None:
    s = r.sobol
    if s is None:
        return None
    indices = [
        {
            "kind": t.kind,
            "weight": t.id,
            "S1": plain(s.s1[k]),
            "S1_conf": plain(s.s1_conf[k]),
            "ST": plain(s.st[k]),
            "ST_conf": plain(s.st_conf[k]),
        }
        for k, t in enumerate(s.targets)
    ]
    return {
        "above": s.above,
        "below": s.below,
        "samples": s.samples,
        "stable": s.stable,
        "indices": [] if s.stable else indices,
    }


def render(reports: list[Report], fmt: str, precision: int, width: int | None = None) -> str:
    """The sensitivity command's output in one format; the table format fits `width` (default: the terminal's)."""
    if fmt == "json":
        return to_json({"rubrics": [report_json(r) for r in reports]})
    if fmt == "csv":
        return render_csv(reports)
    return render_text(reports, fmt, precision, width or terminal_width())
