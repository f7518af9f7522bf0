"""`signalscore compare`: features by cases, with deltas and what changed."""

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

BaselineOpt = Annotated[
    str | None,
    typer.Option(
        "--baseline", "-b", metavar="CASE", help="Compare every case with this one instead of with the case before it."
    ),
]


MaxCasesOpt = Annotated[
    int,
    typer.Option(
        "--max-cases",
        metavar="N",
        min=1,
        help="Table, Markdown, HTML and LaTeX show at most this many cases per rubric (then a note, and what "
        "changed for the largest moves); csv and json always carry every case.",
    ),
]


@app.command()
def compare(
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: CoderOpt = None,
    case: CaseOpt = None,
    baseline: BaselineOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
    max_cases: MaxCasesOpt = 12,
) -> None:
    """Compare cases side by side: each feature's level and points, deltas, and what changed most."""

    def body() -> None:
        form = output_format(fmt, output)
        from signalscore.api import score as score_corpus
        from signalscore.compare import compare_all
        from signalscore.render import render_compare

        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder, case)
        comparisons = compare_all(score_corpus(corpus), corpus.rubrics, baseline)
        emit(
            render_compare(comparisons, form, precision, max_cases=max_cases, whose=corpus.whose),
            output,
            corpus.inputs,
        )

    guard(body)
