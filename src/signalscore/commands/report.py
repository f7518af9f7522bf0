"""`signalscore report`: one self-contained file for reviewers (HTML, or Markdown with its chart beside it)."""

from __future__ import annotations

import sys
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
) -> None:
    """Write a report: rubric and weights, comparison, what changed, a chart, every case with its evidence."""

    def body() -> None:
        from signalscore.api import score as score_corpus
        from signalscore.compare import compare_all
        from signalscore.files import target, write_files
        from signalscore.report import REPORT_FORMATS, build_report

        fmt = REPORT_FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise UsageError(f"--output {output}: name a .html or .md file")
        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder)
        chart = output.with_suffix(".png")
        files = [chart, output] if fmt == "markdown" else [output]
        for path in files:  # before the work of drawing: a target that cannot be written fails fast
            target(path, corpus.inputs)
        scores = score_corpus(corpus)
        comps = compare_all(scores, corpus.rubrics, baseline)
        made = build_report(corpus, scores, comps, fmt, precision, chart.name, max_cases)
        data = {chart: made.chart, output: made.text.encode("utf-8")}
        # The chart first, so the report never points at a missing image; both or neither.
        write_files([(path, data[path]) for path in files], corpus.inputs)
        for path in files:
            print(f"wrote {path} ({size_text(len(data[path]))})", file=sys.stderr)

    guard(body)


def size_text(size: int) -> str:
    """A file size for people: 812 bytes, 123 KB, 4.5 MB."""
    if size < 1000:
        return f"{size} bytes"
    return f"{size / 1000:.0f} KB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"
