"""The report's chart: each case's score as bars of points stacked by dimension, one panel per rubric."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from signalscore.compare import Comparison, subset

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Beyond this many cases a panel shows the highest and lowest scoring halves of it, and says so.
CHART_CASES = 40
ALT_TEXT = "Each case's score as horizontal bars of points stacked by dimension, one panel per rubric."


def plain_text(text: str) -> str:
    # matplotlib reads $...$ as mathematics; user text must stay literal.
    return text.replace("$", r"\$")


def _segments(comp: Comparison) -> pd.DataFrame:
    """Points per dimension (rows) and case (columns); one 'all features' row without dimensions."""
    if comp.rubric.dimensions:
        labels = {d.id: plain_text(d.label) for d in comp.rubric.dimensions}
        return comp.subtotals.rename(index=labels).fillna(0.0)
    return pd.DataFrame([comp.points.sum(min_count=1).fillna(0.0)], index=["all features"])


def _panel(ax: Axes, comp: Comparison, precision: int, note: str = "") -> None:
    """One rubric: a bar per case from the scale minimum, its score written at the end."""
    low, high = comp.rubric.scale.min, comp.rubric.scale.max
    rows = np.arange(len(comp.ids))
    start = np.full(len(comp.ids), low)
    for label, points in _segments(comp).iterrows():
        ax.barh(rows, points.to_numpy(), left=start, label=str(label), height=0.6)
        start = start + points.to_numpy()
    for row, score in enumerate(comp.cases["score"]):
        shown = "no score" if pd.isna(score) else f"{score:.{precision}f}"
        ax.text(low if pd.isna(score) else score, row, f" {shown}", va="center", fontsize=8)
    ax.set_yticks(rows, labels=comp.ids)
    ax.invert_yaxis()
    ax.set_xlim(low, high + (high - low) * 0.08)
    ax.set_xlabel(f"score (scale {low:g} to {high:g}); segments are points per dimension")
    ax.set_title(plain_text(f"{comp.rubric.id} {comp.rubric.version}: {comp.rubric.title}{note}"), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=1, frameon=False, fontsize=8)


def charted(comp: Comparison, limit: int = CHART_CASES) -> tuple[Comparison, str]:
    """The cases a panel draws: all, or the top and bottom limit/2 by score; and a note saying which."""
    if len(comp.ids) <= limit:
        return comp, ""
    scores = comp.cases["score"].to_numpy(dtype=float)
    scored = np.flatnonzero(~np.isnan(scores))
    ranked = scored[np.argsort(-scores[scored], kind="stable")]
    half = limit // 2
    if len(ranked) <= limit:
        return subset(comp, [comp.ids[i] for i in ranked]), f" (the {len(ranked)} scored of {len(comp.ids)} cases)"
    rows = np.concatenate([ranked[:half], ranked[-half:]])
    note = f" (the {half} highest and {half} lowest scores of {len(comp.ids)} cases)"
    return subset(comp, [comp.ids[i] for i in rows]), note


def contributions_chart(comps: Sequence[Comparison], precision: int = 1) -> bytes:
    """A PNG of every comparison's cases, stacked by dimension; drawn without pyplot's global state.

    A rubric with more than CHART_CASES cases shows its highest and lowest scoring ones, and says so.
    """
    from matplotlib.figure import Figure

    shown = [charted(c) for c in comps]
    comps = [c for c, _ in shown]

    heights = [1.6 + 0.45 * len(c.ids) + 0.25 * max(len(c.rubric.dimensions), 1) for c in comps]
    figure = Figure(figsize=(8, sum(heights)), dpi=110, layout="constrained")
    axes = figure.subplots(len(comps), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, comp, (_, note) in zip(axes, comps, shown, strict=True):
        _panel(ax, comp, precision, note)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
