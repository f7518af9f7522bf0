"""`signalscore report`: one self-contained file for reviewers (HTML, or Markdown with its chart beside it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
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
from signalscore.errors import UsageError
from signalscore.options import DRAWS, REPORT_DRAWS

ReportOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
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
    baseline: BaselineOpt = None,
    precision: PrecisionOpt = 1,
    max_cases: MaxCasesOpt = 50,
    draws: ReportDraws = REPORT_DRAWS,
    seed: ReportSeed = 0,
) -> None:
    """Write a report: rubric and weights, comparison, a chart, how sure the ranking is, every case explained."""

    def body() -> None:
        from signalscore.files import target, write_files
        from signalscore.report import REPORT_FORMATS, make_report

        fmt = REPORT_FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise UsageError(f"--output {output}: name a .html or .md file")
        if draws and not DRAWS[0] <= draws <= DRAWS[1]:
            raise UsageError(f"--draws must be 0 or from {DRAWS[0]:,} to {DRAWS[1]:,} (got {draws:,})")
        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder)
        chart = output.with_suffix(".png")
        files = [chart, output] if fmt == "markdown" else [output]
        for path in files:  # before the work of drawing: a target that cannot be written fails fast
            target(path, corpus.inputs)
        made = make_report(corpus, fmt, chart.name, baseline, precision, max_cases, draws, seed)
        data = {chart: made.chart, output: made.text.encode("utf-8")}
        # The chart first, so the report never points at a missing image; both or neither.
        write_files([(path, data[path]) for path in files], corpus.inputs)

    guard(body)
