"""The report's trend chart: each dyad's score by window start, with the 90% sensitivity interval as bars."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from signalscore.report.chart import plain_text
from signalscore.rubric import Rubric
from signalscore.trend import dyads

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Beyond this many dyads a panel draws those with the most windows, and says so.
CHART_DYADS = 10
TREND_ALT_TEXT = (
    "Each dyad's score by the start of its window, one line per dyad, with vertical bars for the 90% interval "
    "over the sensitivity draws; one panel per rubric."
)


def charted_dyads(trend: pd.DataFrame, limit: int = CHART_DYADS) -> tuple[list[tuple[str, str, str]], str]:
    """The dyads a panel draws (those with the most windows first, then by name) and a note when some are left."""
    every = dyads(trend)
    if len(every) <= limit:
        return every, ""
    counts = trend.groupby(["rubric", "sender", "recipient"], sort=False).size()
    kept = sorted(every, key=lambda d: (-int(counts[d]), d))[:limit]
    return [d for d in every if d in kept], f" (the {limit} dyads with the most windows of {len(every)})"


def trend_chart(trend: pd.DataFrame, rubrics: Mapping[str, Rubric]) -> bytes:
    """A PNG with one panel per rubric that has a dated case; drawn without pyplot's global state."""
    from matplotlib.figure import Figure

    shown = [r for r in rubrics.values() if (trend["rubric"] == r.id).any()]
    figure = Figure(figsize=(8, 1.5 + 3.6 * max(len(shown), 1)), dpi=110, layout="constrained")
    axes = figure.subplots(max(len(shown), 1), 1, squeeze=False)[:, 0]
    for ax, rubric in zip(axes, shown, strict=False):
        draw_rubric(ax, trend[trend["rubric"] == rubric.id], rubric)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def draw_rubric(ax: Axes, trend: pd.DataFrame, rubric: Rubric) -> None:
    """One rubric's dyads: a line per dyad through its windows, interval bars where there are draws."""
    chosen, note = charted_dyads(trend)
    for _, sender, recipient in chosen:
        rows = trend[(trend["sender"] == sender) & (trend["recipient"] == recipient)]
        x = rows["period_start"].to_numpy()
        y = rows["score"].to_numpy(dtype=float)
        p5, p95 = rows["p5"].to_numpy(dtype=float), rows["p95"].to_numpy(dtype=float)
        (line,) = ax.plot(x, y, marker="o", label=plain_text(f"{sender} → {recipient}"))
        # The interval as a bar from p5 to p95: a point score may lie outside its draws' interval.
        drawn = ~(np.isnan(p5) | np.isnan(p95))
        if drawn.any():
            ax.vlines(x[drawn], p5[drawn], p95[drawn], colors=line.get_color(), linewidth=2, alpha=0.5)
    low, high = rubric.scale.min, rubric.scale.max
    ax.set_ylim(low, high)
    ax.set_ylabel(f"score (scale {low:g} to {high:g})")
    ax.set_xlabel("window start; bars: 90% interval over the sensitivity draws")
    ax.set_title(plain_text(f"{rubric.id} {rubric.version}: {rubric.title}{note}"), fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
