"""The report's panel: dyads by windows, and each dyad's score over time as a chart (signalscore trend)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from signalscore.engine import Scores
from signalscore.render.markup import markup_of
from signalscore.render.trend import panel_blocks
from signalscore.rubric import Rubric
from signalscore.sensitivity.analysis import Report
from signalscore.trend import DYAD_KEYS, Intervals, trend_frame

TITLE = "Over time: dyads and windows"
CAPTION = (
    "Each dyad's score by the start of its window, with the 90% interval over the draws of the section on "
    "how sure the ranking is (none when that section is left out)."
)


def intervals_of(ranking: list[Report] | str | None) -> Intervals:
    """Each case's 5th and 95th percentile in the report's sensitivity draws (none without them)."""
    if not isinstance(ranking, list):
        return {}
    return {
        case: (float(r.summary.percentiles[0][i]), float(r.summary.percentiles[-1][i]))
        for r in ranking
        for i, case in enumerate(r.cases.ids)
    }


def panel_trend(scores: Scores, ranking: list[Report] | str | None) -> pd.DataFrame | None:
    """The series of every dyad, or None when no dyad has two windows (then there is no time to show)."""
    trend = trend_frame(scores.cases, intervals=intervals_of(ranking)) if len(scores.cases) else None
    if trend is None or not trend.groupby(DYAD_KEYS).size().gt(1).any():
        return None
    return trend


def panel_summary(trend: pd.DataFrame, fmt: str, max_cases: int) -> list[str]:
    """The panel section of a report with more dated cases than it shows: what there is, and how to see it."""
    markup = markup_of(fmt)
    dyads = len(trend.groupby(DYAD_KEYS))
    said = (
        f"{len(trend):,} dated cases in {dyads:,} dyads: more than the {max_cases} cases this report shows "
        "(--max-cases), so the panel and its chart are left out. "
    )
    how = markup.code(markup.escape("signalscore trend --panel")) + markup.escape(" prints the whole panel.")
    return [markup.heading(TITLE, 2), markup.paragraph([markup.escape(said) + how])]


def panel_section(
    trend: pd.DataFrame, rubrics: Mapping[str, Rubric], fmt: str, precision: int, image: str
) -> list[str]:
    """The dyads-by-windows table of each rubric and the trend chart (`image`: the figure's markup)."""
    markup = markup_of(fmt)
    about = (
        markup.escape("A dyad is a sender and a recipient as the cases name them; a window is a case's period, ")
        + markup.escape("by the year it starts. ")
        + markup.code(markup.escape("signalscore trend --panel"))
        + markup.escape(" prints this table, ")
        + markup.code(markup.escape("signalscore trend --sender S --recipient R"))
        + markup.escape(" one dyad's windows with bounds, interval and change.")
    )
    blocks = [markup.heading(TITLE, 2), markup.paragraph([about])]
    for rubric in rubrics.values():
        blocks += panel_blocks(trend, rubric, fmt, precision, None)
    return [*blocks, image]
