"""What changed between two compared cases, in plain sentences with signed points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from signalscore.compare import Comparison
from signalscore.render.explain import shown_value
from signalscore.rubric import Feature


@dataclass(frozen=True)
class Change:
    """One pair of cases: their scores as shown, how the score moved, and a sentence per top feature."""

    earlier: str
    later: str
    before: str
    after: str
    moved: str
    sentences: list[str]


def signed(value: Any, precision: int) -> str:
    """A delta with its sign; blank when there is none, unsigned when it rounds to zero."""
    if pd.isna(value):
        return ""
    text = f"{float(value):+.{precision}f}"
    return text[1:] if float(text) == 0 else text


def described(feature: Feature, status: str, value: Any) -> str:
    """A coded value in words: 'level 2', 'true', '12.5', 'n/a' or 'unknown'."""
    if status != "coded":
        return "n/a" if status == "n/a" else "unknown"
    shown = shown_value(status, value)
    return f"level {shown}" if feature.scale.type == "ordinal" else shown


def sentence(comp: Comparison, earlier: str, later: str, feature_id: str, points: float, precision: int) -> str:
    """What happened to one feature between two cases, with the points it moved the score by."""
    feature = comp.rubric.feature(feature_id)
    assert feature is not None
    a, b = comp.cell(feature_id, earlier), comp.cell(feature_id, later)
    was, now = described(feature, a["status"], a["value"]), described(feature, b["status"], b["value"])
    if was == now:
        what = f"stayed at {was}, but its share of the weight changed"
    elif a["status"] == b["status"] == "coded" and feature.scale.type != "binary":
        verb = "rose" if float(b["value"]) > float(a["value"]) else "fell"
        what = f"{verb} from {was} to {now.removeprefix('level ')}"
    else:
        what = f"went from {was} to {now}"
    penalty = " (a penalty)" if feature.direction == "penalty" else ""
    return f"{feature.label}{penalty} {what}: {signed(points, precision) or '0'} points."


def changes(comp: Comparison, precision: int, pairs: tuple[tuple[str, str], ...] | None = None) -> list[Change]:
    """For each compared pair (or the pairs given), the features that moved most, in sentences."""
    scores = comp.cases.set_index("case")["score"]
    shown = {c: "none" if pd.isna(v) else f"{v:.{precision}f}" for c, v in scores.items()}
    moves = comp.moved("score")
    top: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for a, b, f, p in comp.changes.itertuples(index=False):
        top.setdefault((a, b), []).append((f, p))
    out = []
    for a, b in comp.pairs if pairs is None else pairs:
        unscored = [c for c in (a, b) if pd.isna(scores[c])]
        lines = [sentence(comp, a, b, f, p, precision) for f, p in top.get((a, b), [])]
        if unscored:
            lines = [f"No comparison: {' and '.join(unscored)} has no score, as no feature of it is active."]
        moved = signed(moves[b], precision) or ("no score" if unscored else "no change")
        out.append(Change(a, b, shown[a], shown[b], moved, lines or ["No feature moved."]))
    return out
