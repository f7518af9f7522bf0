"""`signalscore sensitivity`: how much scores and ranks move under weight and coding uncertainty."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from signalscore.cli import (
    CaseOpt,
    CoderOpt,
    FollowLinks,
    Format,
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
    scoring_corpus,
)
from signalscore.options import DRAWS, MAX_MEMORY, SOBOL_SAMPLES, check_sensitivity

Draws = Annotated[int, typer.Option("--draws", help=f"Monte Carlo draws, {DRAWS[0]:,} to {DRAWS[1]:,}.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Random seed: the same seed gives the same output.")]
Spread = Annotated[
    float, typer.Option("--weight-spread", help="Each raw weight is multiplied by U[1-F, 1+F]; 0 <= F < 1.")
]
SobolPair = Annotated[
    tuple[str, str] | None,
    typer.Option(
        "--sobol-pair", help="Sobol indices of score(A) - score(B). Default: the two best cases.", show_default=False
    ),
]
SobolSamples = Annotated[
    int,
    typer.Option(
        "--sobol-samples",
        help=f"Sobol base samples, a power of 2 from {SOBOL_SAMPLES[0]} to {SOBOL_SAMPLES[1]:,}; 0 skips Sobol.",
    ),
]
MaxMemory = Annotated[
    str,
    typer.Option(
        "--max-memory",
        help="Refuse, before starting, a run estimated to need more memory than this (e.g. 512MB, 16GB).",
    ),
]
CodersFlag = Annotated[
    bool,
    typer.Option(
        "--coders",
        help="Also draw, per case coded independently by two or more coders, whose coding is scored; "
        "report each such case's spread and the share of it that comes from the choice of coder.",
    ),
]
# Runs shorter than this show no progress bar at all.
PROGRESS_AFTER = 0.5


@app.command()
def sensitivity(
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: CoderOpt = None,
    case: CaseOpt = None,
    draws: Draws = 10_000,
    seed: Seed = 0,
    weight_spread: Spread = 0.5,
    sobol_pair: SobolPair = None,
    sobol_samples: SobolSamples = 1024,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
    max_memory: MaxMemory = MAX_MEMORY,
    coders: CodersFlag = False,
) -> None:
    """How sure is the ranking: score and rank spread over draws, break-even weights, Sobol indices."""

    def body() -> None:
        from signalscore.sensitivity.budget import parse_bytes
        from signalscore.sensitivity.montecarlo import Settings
        from signalscore.sensitivity.output import render

        check_sensitivity(weight_spread, sobol_samples, draws)
        limit = parse_bytes(max_memory)
        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder, case)
        settings = Settings(draws=draws, seed=seed, spread=weight_spread)
        reports = run(corpus, settings, sobol_pair, sobol_samples, limit)
        text = render(reports, fmt.value, precision)
        if coders:
            from signalscore.sensitivity.coders import coder_spreads, with_coders

            text = with_coders(text, coder_spreads(corpus, settings, limit), fmt.value, precision)
        emit(text, output, corpus.inputs)

    guard(body)


def run(corpus: Any, settings: Any, pair: tuple[str, str] | None, samples: int, limit: int) -> list[Any]:
    """One report per rubric (signalscore.sensitivity.analysis.analyze_corpus), with a progress bar on a terminal."""
    from signalscore.sensitivity.analysis import analyze_corpus

    return analyze_corpus(corpus, settings, (pair, samples), limit, progress_bar(sys.stderr))


def progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int], None] | None:
    """A progress bar on a terminal for runs longer than PROGRESS_AFTER seconds; None when not a terminal."""
    if not stream.isatty():
        return None
    start, shown = time.monotonic(), [False]

    def update(done: int, total: int) -> None:
        if not shown[0] and (done == total or time.monotonic() - start < PROGRESS_AFTER):
            return
        shown[0] = True
        filled = width * done // total
        stream.write(f"\rsimulating [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} draws")
        if done == total:
            stream.write("\r\033[K")
        stream.flush()

    return update
