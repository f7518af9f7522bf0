"""The `trend` output: a dyad's windows (or the panel of every dyad by window) in every format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from signalscore.render.changes import signed
from signalscore.render.fitting import Layout
from signalscore.render.markup import markup_of
from signalscore.render.scores import heading, nullable, rubric_head
from signalscore.render.tabular import fill, grid, plain, terminal_width, to_json
from signalscore.rubric import Rubric
from signalscore.trend import DYAD_KEYS, dyads, panel_frame

WINDOW_KEYS = ["case", "period_start", "period_end", "score", "score_low", "score_high", "coverage", "change"]
INTERVAL_NOTE = (
    "low and high: the score's bounds over unknown codings; p5 and p95: the 90% interval of the score over "
    "{draws:,} sensitivity draws (seed {seed}, weight spread {spread:g}); change: from the dyad's window before."
)


def trend_json(trend: pd.DataFrame, rubrics: Mapping[str, Rubric], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every rubric's dyads, each with its windows in order: the trend command's JSON."""
    out: dict[str, Any] = {"sensitivity": dict(settings), "rubrics": []}
    for rid, rubric in rubrics.items():
        series = []
        for _, sender, recipient in [d for d in dyads(trend) if d[0] == rid]:
            rows = trend[(trend["rubric"] == rid) & (trend["sender"] == sender) & (trend["recipient"] == recipient)]
            series.append({"sender": sender, "recipient": recipient, "windows": windows_json(rows)})
        out["rubrics"].append({**rubric_head(rubric), "dyads": series})
    return out


def windows_json(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """One dyad's windows: case, period, score, bounds, coverage, interval {p5, p95} and change."""
    columns = {k: nullable(rows[k].to_numpy(dtype=float)) for k in ("score", "score_low", "score_high", "coverage")}
    p5, p95, change = (nullable(rows[k].to_numpy(dtype=float)) for k in ("p5", "p95", "change"))
    return [
        {
            "case": case,
            "period_start": plain(start.date()),
            "period_end": plain(end.date()) if pd.notna(end) else None,
            **{k: v[i] for k, v in columns.items()},
            "interval": {"p5": p5[i], "p95": p95[i]},
            "change": change[i],
        }
        for i, (case, start, end) in enumerate(zip(rows["case"], rows["period_start"], rows["period_end"], strict=True))
    ]


def shown_windows(rows: pd.DataFrame, precision: int) -> pd.DataFrame:
    """One dyad's windows as the table shows them: start date, case, score, bounds, interval, signed change."""
    return pd.DataFrame(
        {
            "from": [s.date().isoformat() for s in rows["period_start"]],
            "case": rows["case"].to_numpy(),
            "score": rows["score"].to_numpy(),
            "low": rows["score_low"].to_numpy(),
            "high": rows["score_high"].to_numpy(),
            "p5": rows["p5"].to_numpy(),
            "p95": rows["p95"].to_numpy(),
            "change": [signed(v, precision) for v in rows["change"]],
        }
    )


def render_trend(
    trend: pd.DataFrame,
    rubrics: Mapping[str, Rubric],
    fmt: str,
    settings: Mapping[str, Any],
    precision: int = 1,
    width: int | None = None,
) -> str:
    """The `trend` command's output; the table format fits `width` (default: the terminal's)."""
    if fmt == "json":
        return to_json(trend_json(trend, rubrics, settings))
    if fmt == "csv":
        return grid(trend.assign(**{k: trend[k].dt.date for k in ("period_start", "period_end")}), "csv")
    markup = markup_of(fmt)
    limit = width or terminal_width()
    wrap = limit if fmt == "table" else None
    blocks = []
    for rid, rubric in rubrics.items():
        blocks.append(markup.heading(fill(markup.escape(heading(rubric)), wrap), 3))
        for _, sender, recipient in [d for d in dyads(trend) if d[0] == rid]:
            rows = trend[(trend["rubric"] == rid) & (trend["sender"] == sender) & (trend["recipient"] == recipient)]
            title = f"{sender}{' → '}{recipient}: {len(rows)} window{'s' * (len(rows) != 1)}"
            blocks.append(markup.heading(fill(markup.escape(title), wrap), 4))
            layout = Layout(ids=[str(c) for c in rows["case"]], id_columns=["case"], keys=["from", "case"])
            table = grid(
                shown_windows(rows, precision), fmt, precision, width=limit, layout=layout, verbatim=["change"]
            )
            blocks.append(table)
    note = INTERVAL_NOTE.format(draws=settings["draws"], seed=settings["seed"], spread=settings["weight_spread"])
    if not settings["draws"]:
        note = note.split("; p5")[0] + "; change: from the dyad's window before (no sensitivity draws: --draws 0)."
    blocks.append(markup.paragraph([fill(markup.escape(note), wrap)]))
    return markup.document(blocks)


def render_panel(trend: pd.DataFrame, rubrics: Mapping[str, Rubric], fmt: str, precision: int = 1) -> str:
    """Dyads by windows, one table per rubric: a dyad's score in the column of each window's start."""
    if fmt == "json":
        return to_json({"rubrics": [panel_json(trend, r) for r in rubrics.values()]})
    if fmt == "csv":
        return grid(panel_frame(trend), "csv")
    markup = markup_of(fmt)
    limit = terminal_width()
    blocks = []
    for rid, rubric in rubrics.items():
        wide = panel_frame(trend[trend["rubric"] == rid])
        dyad = [f"{s} → {r}" for s, r in zip(wide["sender"], wide["recipient"], strict=True)]
        shown = pd.concat([pd.DataFrame({"dyad": dyad}), wide.drop(columns=DYAD_KEYS)], axis=1)
        blocks.append(markup.heading(fill(markup.escape(heading(rubric)), limit if fmt == "table" else None), 3))
        blocks.append(grid(shown, fmt, precision, width=limit, layout=Layout(wrap=["dyad"], keys=["dyad"])))
    return markup.document(blocks)


def panel_json(trend: pd.DataFrame, rubric: Rubric) -> dict[str, Any]:
    """One rubric's panel: its window labels, and per dyad the score at each (null where it has none)."""
    wide = panel_frame(trend[trend["rubric"] == rubric.id])
    labels = [c for c in wide.columns if c not in DYAD_KEYS]
    rows = [
        {"sender": s, "recipient": r, "scores": dict(zip(labels, nullable(values), strict=True))}
        for s, r, values in zip(wide["sender"], wide["recipient"], wide[labels].to_numpy(dtype=float), strict=True)
    ]
    return {**rubric_head(rubric), "windows": labels, "dyads": rows}
