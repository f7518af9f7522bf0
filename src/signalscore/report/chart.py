"""The report's chart: each case's score as bars of points stacked by dimension, one panel per rubric."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from signalscore.compare import Comparison

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ALT_TEXT = "Each case's score as horizontal bars of points stacked by dimension, one panel per rubric."


def _plain(text: str) -> str:
    # matplotlib reads $...$ as mathematics; user text must stay literal.
    return text.replace("$", r"\$")


def _segments(comp: Comparison) -> pd.DataFrame:
    """Points per dimension (rows) and case (columns); one 'all features' row without dimensions."""
    if comp.rubric.dimensions:
        labels = {d.id: _plain(d.label) for d in comp.rubric.dimensions}
        return comp.subtotals.rename(index=labels).fillna(0.0)
    return pd.DataFrame([comp.points.sum(min_count=1).fillna(0.0)], index=["all features"])


def _panel(ax: Axes, comp: Comparison, precision: int) -> None:
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
    ax.set_title(_plain(f"{comp.rubric.id} {comp.rubric.version}: {comp.rubric.title}"), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=1, frameon=False, fontsize=8)


def contributions_chart(comps: Sequence[Comparison], precision: int = 1) -> bytes:
    """A PNG of every comparison's cases, stacked by dimension; drawn without pyplot's global state."""
    from matplotlib.figure import Figure

    heights = [1.6 + 0.45 * len(c.ids) + 0.25 * max(len(c.rubric.dimensions), 1) for c in comps]
    figure = Figure(figsize=(8, sum(heights)), dpi=110, layout="constrained")
    axes = figure.subplots(len(comps), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, comp in zip(axes, comps, strict=True):
        _panel(ax, comp, precision)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
