"""`signalscore report`: one self-contained file for reviewers (HTML, or Markdown with its chart beside it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import Paths, PrecisionOpt, RubricOpt, RubricsDir, app, emit, guard, load_corpus
from signalscore.commands.compare import BaselineOpt, MaxCasesOpt
from signalscore.errors import UsageError

ReportOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="report.html (self-contained) or report.md (writes report.png beside it).",
        show_default=False,
    ),
]


@app.command()
def report(
    output: ReportOpt,
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    baseline: BaselineOpt = None,
    precision: PrecisionOpt = 1,
    max_cases: MaxCasesOpt = 50,
) -> None:
    """Write a report: rubric and weights, comparison, what changed, a chart, every case with its evidence."""

    def body() -> None:
        from signalscore.api import score as score_corpus
        from signalscore.compare import compare_all
        from signalscore.report import REPORT_FORMATS, build_report

        fmt = REPORT_FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise UsageError(f"--output {output}: name a .html or .md file")
        corpus = load_corpus(paths, rubric, rubrics_dir)
        scores = score_corpus(corpus)
        chart = output.with_suffix(".png")
        comps = compare_all(scores, corpus.rubrics, baseline)
        made = build_report(corpus, scores, comps, fmt, precision, chart.name, max_cases)
        if fmt == "markdown":  # the chart first, so the report never points at a missing image
            emit(made.chart, chart, corpus.inputs)
        emit(made.text, output, corpus.inputs)

    guard(body)
