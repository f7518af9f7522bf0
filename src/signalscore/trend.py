"""A dyad over time: each window's score, bounds and sensitivity interval, and the move from the window before.

A dyad is a sender and a recipient as the cases name them (compared without regard to case). Windows are
the cases' periods, in order of their start. Scores of different rubrics are never put in one series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from signalscore.errors import UsageError
from signalscore.messages import closest

TREND_COLUMNS = [
    "rubric",
    "sender",
    "recipient",
    "case",
    "period_start",
    "period_end",
    "score",
    "score_low",
    "score_high",
    "p5",
    "p95",
    "coverage",
    "change",
]
DYAD_KEYS = ["rubric", "sender", "recipient"]

Intervals = Mapping[str, tuple[float, float]]


@dataclass(frozen=True)
class Dyad:
    """Who signals to whom; None matches every sender (or recipient)."""

    sender: str | None = None
    recipient: str | None = None

    def check(self, cases: pd.DataFrame) -> None:
        """A usage error naming the closest known name when a sender or recipient is in no case."""
        for role, name in (("sender", self.sender), ("recipient", self.recipient)):
            known = set(cases[role].astype(str))
            if name is not None and name.casefold() not in {k.casefold() for k in known}:
                raise UsageError(f"--{role} {name!r}: no case has this {role}; {closest(name, known)}")

    def mask(self, cases: pd.DataFrame) -> np.ndarray:
        """Rows of the cases frame that belong to the dyad."""
        keep = np.ones(len(cases), dtype=bool)
        for role, name in (("sender", self.sender), ("recipient", self.recipient)):
            if name is not None:
                keep &= cases[role].astype(str).str.casefold().to_numpy() == name.casefold()
        return keep


def trend_frame(cases: pd.DataFrame, dyad: Dyad = Dyad(), intervals: Intervals | None = None) -> pd.DataFrame:
    """The scored cases of a dyad (or of every dyad), window by window, with the change from the window before.

    `cases` is a scored cases frame (Scores.cases); `intervals` maps a case id to its 5th and 95th
    percentile over the sensitivity draws (NaN where not given). Cases without a period have no place in
    a series and are left out; an unscored case keeps its row with no score and no change.
    """
    dyad.check(cases)
    rows = cases.loc[dyad.mask(cases) & cases["period_start"].notna().to_numpy()].copy()
    for key in ("period_start", "period_end"):
        rows[key] = pd.to_datetime(rows[key])
    given = intervals or {}
    rows["p5"] = [given.get(c, (np.nan, np.nan))[0] for c in rows["case"]]
    rows["p95"] = [given.get(c, (np.nan, np.nan))[1] for c in rows["case"]]
    rows = rows.sort_values([*DYAD_KEYS, "period_start", "case"], kind="stable", ignore_index=True)
    rows["change"] = rows.groupby(DYAD_KEYS, sort=False)["score"].diff()
    return rows[TREND_COLUMNS]


def dyads(trend: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The (rubric, sender, recipient) of every series, in the frame's order."""
    return list(dict.fromkeys(trend[DYAD_KEYS].itertuples(index=False, name=None)))


def window_labels(starts: Sequence[pd.Timestamp], by_year: bool) -> list[str]:
    """Column labels of the panel: the start year, or the start date where one dyad has two windows in a year."""
    return [f"{s.year}" if by_year else s.date().isoformat() for s in starts]


def panel_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """Dyads by windows: one row per dyad (rubric, sender, recipient), one column per window start, scores in cells.

    Columns are years when no dyad has two windows starting in the same year, else start dates; a dyad
    with no window at a column has NaN there.
    """
    if trend.empty:
        return pd.DataFrame(columns=DYAD_KEYS)
    years = trend["period_start"].dt.year
    by_year = not trend.assign(year=years).duplicated([*DYAD_KEYS, "year"]).any()
    key = window_labels(list(trend["period_start"]), by_year)
    wide = trend.assign(window=key).pivot(index=DYAD_KEYS, columns="window", values="score")
    wide = wide.reindex(columns=sorted(wide.columns)).reindex(pd.MultiIndex.from_tuples(dyads(trend)))
    wide.columns.name = None
    return wide.rename_axis(DYAD_KEYS).reset_index()
