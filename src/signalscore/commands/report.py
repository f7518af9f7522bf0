"""`signalscore report`: one self-contained file for reviewers (HTML, or Markdown with its chart beside it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
    CaseOpt,
    CoderOpt,
    FollowLinks,
    NoCacheOpt,
    Paths,
    PrecisionOpt,
    RubricOpt,
    RubricsDir,
    app,
    guard,
    scoring_corpus,
)
from signalscore.commands.compare import BaselineOpt, MaxCasesOpt
from signalscore.options import DRAWS, REPORT_DRAWS, check_draws

ReportOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="report.html (self-contained) or report.md (writes report.png beside it).",
        show_default=False,
    ),
]
ReportDraws = Annotated[
    int,
    typer.Option(
        "--draws",
        help=f"Draws of the section on how sure the ranking is (as `sensitivity`), 0 or {DRAWS[0]:,} to "
        f"{DRAWS[1]:,}; 0 leaves it out.",
    ),
]
ReportSeed = Annotated[int, typer.Option("--seed", min=0, help="Seed of those draws: the same seed, the same report.")]


@app.command()
def report(
    output: ReportOpt,
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: CoderOpt = None,
    case: CaseOpt = None,
    baseline: BaselineOpt = None,
    precision: PrecisionOpt = 1,
    max_cases: MaxCasesOpt = 50,
    draws: ReportDraws = REPORT_DRAWS,
    seed: ReportSeed = 0,
) -> None:
    """Write a report: rubric and weights, comparison, a chart, how sure the ranking is, every case explained."""

    def body() -> None:
        from signalscore.files import target
        from signalscore.report import make_report, report_files, save_report

        fmt, files = report_files(output)
        check_draws(draws, off=True)
        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder, case)
        for path in files:  # before the work of drawing: a target that cannot be written fails fast
            target(path, corpus.inputs)
        made = make_report(corpus, fmt, output.with_suffix(".png").name, baseline, precision, max_cases, draws, seed)
        for path, size in save_report(made, files, corpus.inputs):
            print(f"wrote {path} ({size_text(size)})", file=sys.stderr)

    guard(body)


def size_text(size: int) -> str:
    """A file size for people: 812 bytes, 123 KB, 4.5 MB."""
    if size < 1000:
        return f"{size} bytes"
    return f"{size / 1000:.0f} KB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"
