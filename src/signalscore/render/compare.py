"""The `compare` output: features by cases with deltas, then what changed, in every format."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from signalscore.compare import Comparison, head, top_movers
from signalscore.render.changes import changes, signed
from signalscore.render.compare_data import comparison_csv, comparison_json
from signalscore.render.explain import shown_value
from signalscore.render.fitting import Fitted, Layout, fit_table, widest
from signalscore.render.markup import Markup, markup_of
from signalscore.render.scores import heading
from signalscore.render.tabular import drawer, fill, terminal_width, to_json

LABEL = "feature"
# Display formats summarise beyond this many cases per rubric: a table nobody could read otherwise.
MAX_CASES = 12


def number(value: Any, spec: str) -> str:
    """A number for display, or '-' when there is none."""
    return "-" if pd.isna(value) else format(value, spec)


def _cell(cell: Mapping[Any, Any], markup: Markup, precision: int) -> str:
    shown = markup.escape(shown_value(cell["status"], cell["value"]))
    return shown if pd.isna(cell["contribution"]) else f"{shown}{markup.dot}{cell['contribution']:.{precision}f}"


def _row(frame: pd.DataFrame, key: str) -> dict[str, Any]:
    """One row of a wide frame as a dict keyed by column."""
    return {str(c): frame.at[key, c] for c in frame.columns}


def _with_deltas(comp: Comparison, shown: dict[str, str], moves: Mapping[Any, Any] | None, precision: int) -> list[str]:
    """Each case's cell, followed by its delta when it is the later case of a pair."""
    out = []
    for case in comp.ids:
        out.append(shown[case])
        if case in comp.deltas.columns:
            out.append("" if moves is None else signed(moves[case], precision))
    return out


def _feature_rows(comp: Comparison, markup: Markup, precision: int, ids: bool) -> list[list[str]]:
    """A row per feature (by label, or by id), under dimension rows with subtotals when there are dimensions."""
    rows = []
    dims: list[tuple[str | None, str]] = [(d.id, d.id if ids else d.label) for d in comp.rubric.dimensions]
    for dim, title in dims or [(None, "")]:
        if dim is not None:
            sums = {c: number(comp.subtotals.at[dim, c], f".{precision}f") for c in comp.ids}
            moves = _row(comp.subtotal_deltas, dim)
            rows.append([markup.strong(markup.escape(title)), *_with_deltas(comp, sums, moves, precision)])
        for f in (f for f in comp.rubric.features if f.dimension == dim):
            shown = {c: _cell(comp.cell(f.id, c), markup, precision) for c in comp.ids}
            label = (markup.indent if dim is not None else "") + markup.escape(f.id if ids else f.label)
            rows.append([label, *_with_deltas(comp, shown, _row(comp.deltas, f.id), precision)])
    return rows


def _total_rows(comp: Comparison, markup: Markup, precision: int) -> list[list[str]]:
    """Score, bounds, coverage and rank of each case; deltas for score and coverage."""
    cases = comp.cases.set_index("case")
    points = f".{precision}f"
    scores = {str(c): number(v, points) for c, v in cases["score"].items()}
    low, high = cases["score_low"], cases["score_high"]
    bounds = {c: f"{number(low[c], points)}{markup.dash}{number(high[c], points)}" for c in comp.ids}
    coverage = {str(c): number(v, ".2f") for c, v in cases["coverage"].items()}
    ranks = {str(c): number(v, "d") for c, v in cases["rank"].items()}
    return [
        [markup.strong("Score"), *_with_deltas(comp, scores, comp.moved("score").to_dict(), precision)],
        [markup.strong("Bounds"), *_with_deltas(comp, bounds, None, precision)],
        [markup.strong("Coverage"), *_with_deltas(comp, coverage, comp.moved("coverage").to_dict(), 2)],
        [markup.strong("Rank"), *_with_deltas(comp, ranks, None, precision)],
    ]


def compare_frame(comp: Comparison, markup: Markup, precision: int, ids: bool = False) -> pd.DataFrame:
    """The comparison table as display text: a label column, then each case and its delta."""
    columns = [LABEL]
    for case in comp.ids:
        columns.append(case)
        if case in comp.deltas.columns:
            columns.append(f"{markup.delta} {case}")
    rows = _feature_rows(comp, markup, precision, ids) + _total_rows(comp, markup, precision)
    return pd.DataFrame(rows, columns=columns)


def _table(comp: Comparison, fmt: str, precision: int, width: int) -> Fitted:
    """The drawn table; too wide for the terminal, it gives way as render.fitting says: ids without their
    shared prefix, rows named by feature id, then the columns in blocks of whole cases."""
    markup = markup_of(fmt)
    frame = compare_frame(comp, markup, precision)
    headers = ["" if c == LABEL else markup.escape(c) if c in comp.ids else markup.delta for c in frame.columns]
    draw = drawer(fmt, align=["left", *["right"] * (len(headers) - 1)])
    text = draw(frame, headers)
    if fmt != "table" or widest(text) <= width:
        return Fitted(text, [])
    groups = [[c, f"{markup.delta} {c}"] for c in comp.ids]
    narrower = compare_frame(comp, markup, precision, ids=True)
    layout = Layout(ids=list(comp.ids), keys=[LABEL], groups=groups, narrower=narrower)
    return fit_table(draw, frame, headers, width, layout)


def _legend(comp: Comparison, markup: Markup, notes: list[str], width: int | None) -> str:
    since = f"the baseline {comp.baseline}" if comp.baseline else "the case before"
    legend = f"Cells: value{markup.dot}points; n/a: does not apply; ?: unknown."
    if comp.pairs:
        legend += f" {markup.delta}: " + markup.escape(f"change in points from {since}.")
    lines = [fill(legend, width), *(fill(markup.escape(note), width) for note in notes)]
    return markup.paragraph(lines)


def _what_changed(
    comp: Comparison, markup: Markup, precision: int, width: int | None, pairs: tuple[tuple[str, str], ...] | None
) -> str:
    """Per pair (or the pairs given), a line with both scores, then one sentence per feature that moved most."""
    items = []
    for change in changes(comp, precision, pairs):
        head = markup.escape(change.earlier) + markup.arrow + markup.escape(f"{change.later}: score {change.before}")
        head = fill(head + markup.arrow + markup.escape(f"{change.after} ({change.moved})"), width and width - 2)
        lines = [fill(markup.escape(s), width and width - 4) for s in change.sentences]
        items.append(head + "\n" + markup.items(lines))
    return markup.items(items)


def _summary_note(comp: Comparison, max_cases: int, markup: Markup, width: int | None) -> str:
    """What a summarised comparison leaves out, and how to see everything."""
    left = len(comp.ids) - max_cases
    note = (
        f"{len(comp.ids)} cases: the table shows the first {max_cases} in period order ({left} left out), and "
        f"what changed only for the {min(max_cases, len(comp.pairs))} pairs whose score moved most. "
        "-f csv or -f json give every case; --max-cases N shows more."
    )
    return markup.paragraph([fill(markup.escape(note), width)])


def render_comparison(
    comp: Comparison,
    fmt: str,
    precision: int,
    width: int,
    max_cases: int = MAX_CASES,
    whose: Mapping[str, str] | None = None,
) -> str:
    """One rubric's comparison: heading, table, legend, and what changed (summarised beyond max_cases)."""
    markup = markup_of(fmt)
    summarised = len(comp.ids) > max_cases
    table = _table(head(comp, max_cases) if summarised else comp, fmt, precision, width)
    wrap = width if fmt == "table" else None
    title = markup.heading(fill(markup.escape(heading(comp.rubric)), wrap), 3)
    blocks = [
        title,
        table.text,
        _legend(comp, markup, table.notes, wrap),
        _codings_note(comp, whose or {}, markup, wrap),
    ]
    if summarised:
        blocks.append(_summary_note(comp, max_cases, markup, wrap))
    if comp.pairs:
        pairs = top_movers(comp, max_cases) if summarised else None
        blocks += [markup.heading("What changed", 4), _what_changed(comp, markup, precision, wrap, pairs)]
    return markup.document(blocks)


def render_compare(
    comps: Sequence[Comparison],
    fmt: str,
    precision: int = 1,
    width: int | None = None,
    max_cases: int = MAX_CASES,
    whose: Mapping[str, str] | None = None,
) -> str:
    """The `compare` command's output, a comparison per rubric; the table format fits `width` (default: terminal).

    Display formats show at most `max_cases` cases per rubric (and what changed for the largest moves);
    json and csv carry every case. whose: row label -> whose coding, for cases coded several times.
    """
    if fmt == "json":
        text = comparison_json(comps, precision)
        return to_json({**json.loads(text), "codings": dict(whose)}) if whose else text
    if fmt == "csv":
        return comparison_csv(comps)
    limit = width or terminal_width()
    return "\n".join(render_comparison(c, fmt, precision, limit, max_cases, whose) for c in comps)


def _codings_note(comp: Comparison, whose: Mapping[str, str], markup: Markup, width: int | None) -> str:
    """Whose coding each case of the comparison that is coded several times shows; empty when none is."""
    groups: dict[str, list[str]] = {}  # whose coding -> the rows showing it, so that a shared one is said once
    for row in map(str, comp.ids):
        if row in whose:
            groups.setdefault(whose[row], []).append(row)
    every = len(comp.ids) > 1
    said = [
        f"{'every case' if every and len(rows) == len(comp.ids) else ', '.join(rows)}: {who}"
        for who, rows in groups.items()
    ]
    shown = "; ".join(said)
    return markup.paragraph([fill(markup.escape(f"Codings shown: {shown}."), width)]) if shown else ""
