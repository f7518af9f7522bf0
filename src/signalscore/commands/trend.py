"""`signalscore trend`: a dyad's scores window by window, or the panel of every dyad by window."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
        from signalscore.trend import Dyad, trend_frame

        form = output_format(fmt, output)
        check_sensitivity(weight_spread, 0, DRAWS[0])  # the spread; draws may be 0 here
        check_draws(draws, off=True)
        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder, case)
        scores = score_corpus(corpus)
        dyad = Dyad(sender, recipient)
        dyad.check(scores.cases)
        settings = {"draws": draws, "seed": seed, "weight_spread": weight_spread}
        found = (
            interval_of(corpus, settings, max_memory, scores.cases[dyad.mask(scores.cases)])
            if draws and not panel
            else None
        )
        series = trend_frame(scores.cases, dyad, found)
        if panel:
            text = render_panel(series, corpus.rubrics, form, precision)
        else:
            text = render_trend(series, corpus.rubrics, form, settings, precision)
        emit(text, output, corpus.inputs)

    guard(body)


def interval_of(corpus: Any, settings: dict[str, Any], max_memory: str, wanted: Any) -> dict[str, tuple[float, float]]:
    """The 90% interval of every case of each rubric that scores one of the wanted cases (memory checked first)."""
    from signalscore.api import collected
    from signalscore.sensitivity.analysis import intervals
    from signalscore.sensitivity.budget import Size, check, parse_bytes
    from signalscore.sensitivity.montecarlo import Settings

    limit = parse_bytes(max_memory)
    rubric_ids = set(wanted["rubric"])
    groups = {rid: [c for c in corpus.cases if corpus.rubric_for(c).id == rid] for rid in rubric_ids}
    for rid, cases in groups.items():
        check(rid, Size.of(corpus.rubrics[rid], len(cases), settings["draws"], 0, 1), limit)
    chosen = Settings(settings["draws"], settings["seed"], settings["weight_spread"])
    found: dict[str, tuple[float, float]] = {}
    for rid, cases in groups.items():
        r = corpus.rubrics[rid]
        line = progress_lines(0, len(cases))
        found.update(intervals(r, collected(corpus, r, cases), chosen, line.bar if line else None))
        if line is not None:  # cleared when done; Ctrl-C leaves it for cli.guard to end with a newline
            line.close()
    return found
