"""A dyad-window panel: every dyad and window coded from the aggregated events and scored like hand-coded cases."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from signalscore.case import Case, Coding, Period
from signalscore.codings import Codings
from signalscore.engine import score_rubric
from signalscore.events.derive import slug
from signalscore.events.query import Scope
from signalscore.mapping import Mapping, coded_value
from signalscore.rubric import Rubric

SCORE_COLUMNS = ["score", "score_low", "score_high", "coverage"]


@dataclass(frozen=True)
class Window:
    """One window of the panel: its label and its bounds (both included)."""

    label: str
    start: dt.date
    end: dt.date


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def windows(scope: Scope, seen: Sequence[str]) -> list[Window]:
    """The windows of a scope: each year (or month) of its period, clipped to it; else of the labels seen."""
    if scope.every is None:
        assert scope.start is not None and scope.end is not None
        return [Window("all", scope.start, scope.end)]
    labels = sorted(set(seen))
    first = scope.start or (dt.date(int(labels[0][:4]), int(labels[0][4:6] or 1), 1) if labels else None)
    last = scope.end or (_month_end(int(labels[-1][:4]), int(labels[-1][4:6] or 12)) if labels else None)
    if first is None or last is None:
        return []
    found, (year, month) = [], (first.year, first.month if scope.every == "month" else 1)
    while dt.date(year, month, 1) <= last:
        end = _month_end(year, month if scope.every == "month" else 12)
        label = f"{year}-{month:02d}" if scope.every == "month" else str(year)
        found.append(Window(label, max(first, dt.date(year, month, 1)), min(last, end)))
        year, month = (year + month // 12, month % 12 + 1) if scope.every == "month" else (year + 1, 1)
    return found


@functools.cache
def _coding(value: bool | int | float, kind: str) -> Coding:
    # Built once per value, without validation: coded_value gives a valid value, and a panel has thousands of cases.
    return Coding.model_construct(value=value, confidence="low")


def _low(value: bool | int | float) -> Coding:
    return _coding(value, type(value).__name__)  # the type too: True and 1 are equal keys, not equal codings


def _case(mapping: Mapping, rubric: Rubric, dyad: tuple[str, str], window: Window, row: dict[Any, Any]) -> Case:
    codings = {}
    for fid, rule in mapping.features.items():
        feature = rubric.feature(fid)
        assert feature is not None  # the loader checked the mapping against its rubric
        measure = row.get(f"v_{fid}", row.get(f"n_{fid}", 0.0))
        codings[fid] = _low(coded_value(rule, feature, float(measure)))
    sender, recipient = dyad
    return Case.model_construct(
        id=slug(f"{sender}-{recipient}-{window.label}"),
        rubric=rubric.id,
        title=f"{sender} to {recipient}, {window.label}",
        sender=sender,
        recipient=recipient,
        period=Period.model_construct(start=window.start, end=window.end),
        coder=mapping.coder,
        codings=codings,
    )


def _label(window: str) -> str:
    return window if len(window) != 6 else f"{window[:4]}-{window[4:]}"


def panel(
    aggregated: pd.DataFrame, mapping: Mapping, rubric: Rubric, dyads: Sequence[tuple[str, str]] | None, scope: Scope
) -> pd.DataFrame:
    """One row per dyad and window: its bounds, each mapped feature's coded value, and the scores."""
    found = aggregated.assign(window=aggregated["window"].map(_label))
    rows = {(str(r["sender"]), str(r["recipient"]), str(r["window"])): r for r in found.to_dict("records")}
    pairs = list(dyads) if dyads is not None else sorted({(s, r) for s, r, _ in rows})
    spans = windows(scope, sorted({w.replace("-", "") for w in found["window"]}))
    grid = [(pair, window) for pair in pairs for window in spans]
    cases = [_case(mapping, rubric, pair, window, rows.get((*pair, window.label), {})) for pair, window in grid]
    if not cases:
        return pd.DataFrame(
            columns=["sender", "recipient", "window", "start", "end", *mapping.features, *SCORE_COLUMNS]
        )
    scored = score_rubric(rubric, Codings.collect(rubric, cases)).cases.set_index("case")
    frame = pd.DataFrame(
        {
            "sender": [c.sender for c in cases],
            "recipient": [c.recipient for c in cases],
            "window": [w.label for _, w in grid],
            "start": [w.start.isoformat() for _, w in grid],
            "end": [w.end.isoformat() for _, w in grid],
        }
    )
    for fid in mapping.features:
        frame[fid] = [c.codings[fid].value for c in cases]
    for column in SCORE_COLUMNS:
        frame[column] = scored.loc[[c.id for c in cases], column].to_numpy()
    return frame
