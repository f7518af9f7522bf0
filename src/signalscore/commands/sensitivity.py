"""`signalscore sensitivity`: how much scores and ranks move under weight and coding uncertainty."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TextIO

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
from signalscore.errors import UsageError
from signalscore.options import DRAWS, MAX_MEMORY, SOBOL_SAMPLES, check_sensitivity
from signalscore.progress import Line

Draws = Annotated[int, typer.Option("--draws", metavar="N", help=f"Monte Carlo draws, {DRAWS[0]:,} to {DRAWS[1]:,}.")]
Seed = Annotated[
    int, typer.Option("--seed", metavar="N", min=0, help="Random seed: the same seed gives the same output.")
]
Spread = Annotated[
    float,
    typer.Option("--weight-spread", metavar="F", help="Each raw weight is multiplied by U[1-F, 1+F]; 0 <= F < 1."),
]
SobolPair = Annotated[
    str | None,
    typer.Option(
        "--sobol-pair",
        metavar="A,B",
        help="Sobol indices of score(A) - score(B): two case ids joined by a comma (or a colon). "
        "Default: the two best cases.",
        show_default=False,
    ),
]
SobolSamples = Annotated[
    int,
    typer.Option(
        "--sobol-samples",
        metavar="N",
        help=f"Sobol base samples, a power of 2 from {SOBOL_SAMPLES[0]} to {SOBOL_SAMPLES[1]:,}; 0 skips Sobol.",
    ),
]
MaxMemory = Annotated[
    str,
    typer.Option(
        "--max-memory",
        metavar="SIZE",
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
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
    max_memory: MaxMemory = MAX_MEMORY,
    coders: CodersFlag = False,
) -> None:
    """How sure is the ranking: score and rank spread over draws, break-even weights, Sobol indices."""

    def body() -> None:
        form = output_format(fmt, output)
        from signalscore.sensitivity.budget import parse_bytes
        from signalscore.sensitivity.montecarlo import Settings
        from signalscore.sensitivity.output import render

        check_sensitivity(weight_spread, sobol_samples, draws)
        pair = sobol_pair_of(sobol_pair)
        limit = parse_bytes(max_memory)
        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder, case)
        settings = Settings(draws=draws, seed=seed, spread=weight_spread)
        reports = run(corpus, settings, pair, sobol_samples, limit)
        text = render(reports, form, precision)
        if coders:
            from signalscore.sensitivity.coders import coder_spreads, with_coders

            text = with_coders(text, coder_spreads(corpus, settings, limit), form, precision)
        emit(text, output, corpus.inputs)

    guard(body)


def sobol_pair_of(value: str | None) -> tuple[str, str] | None:
    """The two case ids of --sobol-pair A,B (or A:B); a usage error for anything else."""
    if value is None:
        return None
    if value.startswith("-"):
        raise UsageError(f"--sobol-pair needs two case ids as A,B, not the option {value!r}")
    parts = [p.strip() for p in value.replace(":", ",").split(",")]
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"--sobol-pair takes two case ids joined by a comma, such as A,B (got {value!r})")
    return parts[0], parts[1]


def run(corpus: Any, settings: Any, pair: tuple[str, str] | None, samples: int, limit: int) -> list[Any]:
    """One report per rubric (signalscore.sensitivity.analysis.analyze_corpus), with a progress bar on a terminal."""
    from signalscore.sensitivity.analysis import analyze_corpus

    return analyze_corpus(corpus, settings, (pair, samples), limit, lines=progress_lines)


def progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int], None] | None:
    """A progress bar on a terminal for runs longer than PROGRESS_AFTER seconds; None when not a terminal."""
    return progress_line(stream, width).bar if stream.isatty() else None


def progress_lines(samples: int, cases: int) -> Line | None:
    """One rubric's progress line on a terminal (None elsewhere): the draws' bar, then the Sobol step's seconds."""
    if not sys.stderr.isatty():
        return None
    line = progress_line(sys.stderr)
    line.then = f"Sobol indices, {samples:,} base samples" if samples and cases > 1 else None
    return line


def progress_line(stream: TextIO, width: int = 30) -> Line:
    """The progress line of a run (drawn only on a terminal: see run)."""
    return Line(stream, PROGRESS_AFTER, width)
