"""The `explain` output: one case feature by feature, with its evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from signalscore.case import Case
from signalscore.codings import CONFIDENCE_WORDS, STATUS_WORDS
from signalscore.engine import Scores
from signalscore.render.fitting import Layout, abbreviate
from signalscore.render.markup import Markup, markup_of
from signalscore.render.scores import SHORT_HEADERS, case_json
from signalscore.render.table import Table
from signalscore.render.tabular import fill, grid, terminal_width, to_json
from signalscore.rubric import Rubric
from signalscore.scores import Scored

if TYPE_CHECKING:  # frames are made only for the API: the explain command never imports pandas
    import pandas as pd

# Level labels can be whole sentences; the terminal table shows their start.
TERMINAL_LABEL = 44


def shown_value(status: str, value: Any) -> str:
    """A coded value as a reader expects it: true/false, 12.5, n/a, or ? for unknown."""
    if status != "coded":
        return "?" if status == "unknown" else "n/a"
    return str(value).lower() if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)


def explain_cells(scores: Scores, rubric: Rubric, case: Case, full: bool = False) -> Table:
    """One case feature by feature: level, its label, signal, weight, points, confidence (a Table: the
    explain command never imports pandas)."""
    part = scores.of(rubric.id)
    i = part.row(case.id)
    status = STATUS_WORDS[part.codings.status[i]].tolist()
    confidence = CONFIDENCE_WORDS[part.codings.confidence[i]].tolist()
    labels = []
    for j, f in enumerate(rubric.features):
        label = " ".join((f.scale.label_of(part.codings.value(i, j)) or "").split())
        labels.append(label if full else abbreviate(label, TERMINAL_LABEL))
    columns: dict[str, list[Any]] = {
        "feature": [f.id for f in rubric.features],
        "dimension": [f.dimension or "" for f in rubric.features],
        "value": [shown_value(s, part.codings.value(i, j)) for j, s in enumerate(status)],
        "level": labels,
        "signal": _numbers(part.shown_signal[i]),
        "weight": _numbers(part.weight[i]),
        "points": _numbers(part.points[i]),
        "confidence": [c if s == "coded" else "" for s, c in zip(status, confidence, strict=True)],
    }
    return Table.build(columns, dict.fromkeys(NUMBERS, "f"))


def explain_frame(scores: Scores, rubric: Rubric, case: Case, full: bool = False) -> pd.DataFrame:
    """One case feature by feature: level, its label, signal, weight, points, confidence."""
    return _frame(explain_cells(scores, rubric, case, full))


def _frame(table: Table) -> pd.DataFrame:
    """The table as a DataFrame, its numbers floats (NaN where missing) even where none is present."""
    frame = table.to_frame()
    return frame.astype(dict.fromkeys(NUMBERS, float))


NUMBERS = ("signal", "weight", "points")


def _numbers(values: np.ndarray) -> list[float | None]:
    """Numbers as cells: floats, None where missing."""
    return [None if v != v else v for v in np.asarray(values, dtype=float).tolist()]


def _sum(cells: list[float | None], min_count: int = 0) -> float | None:
    """The sum of the numbers given as pandas sums a column: missing ones count 0; None if fewer than
    min_count are present."""
    if sum(c is not None for c in cells) < min_count:
        return None
    return float(np.sum(np.asarray([0.0 if c is None else c for c in cells], dtype=float)))


def grouped(table: Table, rubric: Rubric, markup: Markup) -> Table:
    """The explain table for reading: features indented under a row per dimension with its weight and points."""
    shown = table.assign(
        {c: [markup.escape(v) for v in table.column(c)] for c in ("feature", "value", "level", "confidence")}
    )
    kept = [i for i, name in enumerate(shown.names) if name != "dimension"]
    if not rubric.dimensions:
        return shown.pick(kept)
    rows = shown.rows()
    at = {name: i for i, name in enumerate(shown.names)}
    penalties = {f.id for f in rubric.features if f.direction == "penalty"}  # their weight is not a share
    out: list[list[Any]] = []
    for dim in rubric.dimensions:
        members = [
            (row, f) for row, f in zip(rows, table.column("feature"), strict=True) if row[at["dimension"]] == dim.id
        ]
        head: list[Any] = [None] * len(shown.names)
        head[at["feature"]] = markup.strong(markup.escape(dim.id))
        head[at["level"]] = markup.escape(dim.label)
        head[at["weight"]] = _sum([row[at["weight"]] for row, f in members if f not in penalties])
        head[at["points"]] = _sum([row[at["points"]] for row, _ in members], min_count=1)
        out.append(head)
        for row, _ in members:
            out.append([markup.indent + cell if k == at["feature"] else cell for k, cell in enumerate(row)])
    columns = [list(c) for c in zip(*out, strict=True)] if out else [[] for _ in shown.names]
    return Table(shown.names, columns, shown.kinds).pick(kept)


def _citation(case: Case, source_id: str, markup: Markup) -> str:
    """A source as title (linked where the format allows), publisher, date."""
    source = next((s for s in case.sources if s.id == source_id), None)
    if source is None:
        return markup.escape(source_id)
    parts = [markup.escape(str(p)) for p in (source.publisher, source.date) if p]
    if markup.links:
        return ", ".join([markup.link(markup.escape(source.title), source.url), *parts])
    return markup.link(", ".join([markup.escape(source.title), *parts]), source.url)


def evidence_items(case: Case, rubric: Rubric, markup: Markup, width: int | None = None) -> list[str]:
    """One item per feature with a rationale or evidence; its quotes as a nested list, wrapped to a width if given."""
    items = []
    for feature in rubric.features:
        coding = case.coding(feature.id)
        if not coding.rationale and not coding.evidence:
            continue
        head = f"{markup.code(markup.escape(feature.id))} = {markup.escape(shown_value(coding.status, coding.value))}"
        if coding.rationale:
            head += ": " + markup.escape(" ".join(coding.rationale.split()))
        quotes = [
            f"{markup.escape(f'[{e.source}]')} {markup.quote(markup.escape(' '.join(e.quote.split())))} "
            f"({_citation(case, e.source, markup)})"
            + (f"; {markup.escape(' '.join(e.note.split()))}" if e.note else "")
            for e in coding.evidence
        ]
        quotes = [fill(q, width and width - 4) for q in quotes]
        items.append(fill(head, width and width - 2) + ("\n" + markup.items(quotes) if quotes else ""))
    return items


def summary_lines(
    scores: Scores, rubric: Rubric, case: Case, precision: int, whose: Mapping[str, str] | None = None
) -> list[str]:
    """Who signals to whom and when; score, bounds, coverage, rank; whose coding, where a case has several."""
    part = scores.of(rubric.id)
    i = part.row(case.id)
    period = f", {case.period.start} to {case.period.end}" if case.period else ""
    rank = "-" if np.isnan(part.rank[i]) else int(part.rank[i])
    score = "no score" if np.isnan(part.score[i]) else f"score {part.score[i]:.{precision}f}"
    return [
        f"{case.sender} -> {case.recipient}{period}; rubric {rubric.id} {rubric.version}",
        f"{score} (bounds {part.score_low[i]:.{precision}f} to {part.score_high[i]:.{precision}f}), "
        f"coverage {part.coverage[i]:.2f}, rank {rank}",
        *([f"the coding shown: {whose[case.id]}"] if whose and case.id in whose else []),
        *penalty_lines(part, rubric, i),
    ]


def penalty_lines(part: Scored, rubric: Rubric, i: int) -> list[str]:
    """With penalties: which features subtract, and which dimensions they clipped to the minimum."""
    if part.clipped is None:
        return []
    names = ", ".join(f.id for f in rubric.features if f.direction == "penalty")
    lines = [f"penalties (subtract when present): {names}"]
    clipped = [d for d, hit in zip(rubric.dimensions or [None], part.clipped[i], strict=True) if hit]
    if clipped:
        where = ", ".join(d.id for d in clipped if d is not None) or "the rubric"
        lines.append(f"clipped: penalties outweigh the support in {where}, which counts at the minimum")
    return lines


def explain_json(scores: Scores, rubric: Rubric, case: Case, whose: Mapping[str, str] | None = None) -> str:
    """The case as the contract's JSON object, with labels, rationales, evidence, sources and its coder."""
    data = case_json(scores, rubric, case.id)
    if whose and case.id in whose:
        data["coding"] = whose[case.id]
    for item in data["features"]:
        coding = case.coding(item["id"])
        item["label"] = rubric.feature(item["id"]).scale.label_of(coding.value)  # type: ignore[union-attr]
        item["rationale"] = coding.rationale
        item["evidence"] = [e.model_dump(exclude_none=True) for e in coding.evidence]
    data["sources"] = [s.model_dump(mode="json", exclude_none=True) for s in case.sources]
    return to_json({"rubric": rubric.id, "case": data})


def explain_rows(scores: Scores, rubric: Rubric, case: Case) -> Table:
    """One case feature by feature with whole level labels, rationales and evidence: what csv prints."""
    table = explain_cells(scores, rubric, case, full=True)
    plain = markup_of("csv")
    features = table.column("feature")
    rationales = [" ".join((case.coding(f).rationale or "").split()) for f in features]
    evidence = [_quotes(case, f, plain) for f in features]
    return Table(
        [*table.names, "rationale", "evidence"], [*table.columns, rationales, evidence], [*table.kinds, "O", "O"]
    )


def explain_table(scores: Scores, rubric: Rubric, case: Case) -> pd.DataFrame:
    """One case feature by feature with whole level labels, rationales and evidence, as a DataFrame."""
    return _frame(explain_rows(scores, rubric, case))


def _quotes(case: Case, feature_id: str, markup: Markup) -> str:
    evidence = case.coding(feature_id).evidence
    return " | ".join(f"[{e.source}] {markup.quote(e.quote)} ({_citation(case, e.source, markup)})" for e in evidence)


def explain_blocks(
    scores: Scores,
    rubric: Rubric,
    case: Case,
    fmt: str,
    precision: int,
    width: int,
    whose: Mapping[str, str] | None = None,
) -> list[str]:
    """Heading, summary, table and evidence of one case, as blocks of markup in a display format."""
    markup = markup_of(fmt)
    frame = grouped(explain_cells(scores, rubric, case, full=fmt != "table"), rubric, markup)
    layout = Layout(short=SHORT_HEADERS, shrink=["level"], keys=["feature"])
    table = grid(frame, fmt, precision, width=width, layout=layout, marked=True)
    wrap = width if fmt == "table" else None
    items = evidence_items(case, rubric, markup, wrap)
    summary = [fill(markup.escape(line), wrap) for line in summary_lines(scores, rubric, case, precision, whose)]
    return [
        markup.heading(fill(markup.escape(f"{case.id}: {case.title}"), wrap), 3),
        markup.paragraph(summary),
        table,
        markup.heading("Evidence", 4) if items else "",
        markup.items(items),
    ]


def render_explain(
    scores: Scores,
    rubric: Rubric,
    case: Case,
    fmt: str,
    precision: int = 1,
    width: int | None = None,
    whose: Mapping[str, str] | None = None,
) -> str:
    """The `explain` command's output; the table format fits `width` (default: the terminal's).

    whose: row label -> whose coding it is, said for a case coded several times."""
    if fmt == "json":
        return explain_json(scores, rubric, case, whose)
    if fmt == "csv":
        return grid(explain_rows(scores, rubric, case), "csv")
    blocks = explain_blocks(scores, rubric, case, fmt, precision, width or terminal_width(), whose)
    return markup_of(fmt).document(blocks)
