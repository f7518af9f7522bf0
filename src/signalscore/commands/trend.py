"""`signalscore trend`: a dyad's scores window by window, or the panel of every dyad by window."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
    CaseOpt,
    CoderOpt,
    FollowLinks,
    FormatOpt,
    NoCacheOpt,
    OutputOpt,
    Paths,
    PrecisionOpt,
    RubricOpt,
    RubricsDir,
    app,
    emit,
    guard,
    output_format,
    scoring_corpus,
)
from signalscore.commands.sensitivity import MaxMemory, Seed, Spread, progress_lines
from signalscore.options import DRAWS, check_draws, check_sensitivity

SenderOpt = Annotated[
    str | None,
    typer.Option(
        "--sender", help="Only this sender's cases (as the cases name it; case does not matter).", show_default=False
    ),
]
RecipientOpt = Annotated[
    str | None,
    typer.Option("--recipient", help="Only cases with this recipient.", show_default=False),
]
PanelFlag = Annotated[
    bool,
    typer.Option(
        "--panel", help="Print dyads by windows (one column per window start; scores only) instead of the series."
    ),
]
TrendDraws = Annotated[
    int,
    typer.Option(
        "--draws",
        help=f"Sensitivity draws behind the 90% interval, {DRAWS[0]:,} to {DRAWS[1]:,}; 0 leaves the interval out.",
    ),
]


@app.command()
def trend(
    paths: Paths = None,
    sender: SenderOpt = None,
    recipient: RecipientOpt = None,
    panel: PanelFlag = False,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: CoderOpt = None,
    case: CaseOpt = None,
    draws: TrendDraws = 10_000,
    seed: Seed = 0,
    weight_spread: Spread = 0.5,
    max_memory: MaxMemory = "4GB",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
) -> None:
    """A dyad over time: each window's score, bounds, 90% sensitivity interval and change, or the whole panel.

    Windows are the cases' periods in order of their start; a dyad is a sender and a recipient as the
    cases name them. The interval is the one `signalscore sensitivity` reports for the same cases, draws
    and seed (its draws cover every case the paths hold, not only the dyad's).
    """

    def body() -> None:
        from signalscore.api import score as score_corpus
        from signalscore.render.trend import render_panel, render_trend
        from signalscore.sensitivity.analysis import corpus_intervals
        from signalscore.sensitivity.budget import parse_bytes
        from signalscore.sensitivity.montecarlo import Settings
        from signalscore.trend import Dyad, trend_frame

        form = output_format(fmt, output)
        check_sensitivity(weight_spread, 0, DRAWS[0])  # the spread; draws may be 0 here
        check_draws(draws, off=True)
        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder, case)
        scores = score_corpus(corpus)
        dyad = Dyad(sender, recipient)
        dyad.check(scores.cases)
        settings = {"draws": draws, "seed": seed, "weight_spread": weight_spread}
        wanted = set(scores.cases.loc[dyad.mask(scores.cases), "rubric"])
        chosen = Settings(draws, seed, weight_spread)
        limit = parse_bytes(max_memory)
        found = corpus_intervals(corpus, chosen, limit, wanted, progress_lines) if draws and not panel else None
        series = trend_frame(scores.cases, dyad, found)
        if panel:
            text = render_panel(series, corpus.rubrics, form, precision)
        else:
            text = render_trend(series, corpus.rubrics, form, settings, precision)
        emit(text, output, corpus.inputs)

    guard(body)
