"""`signalscore score`: one row per case."""

from __future__ import annotations

from pathlib import Path

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


@app.command()
def score(
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: CoderOpt = None,
    case: CaseOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
) -> None:
    """Score cases: one row per case with score, bounds, coverage, rank and dimension scores."""

    def body() -> None:
        form = output_format(fmt, output)
        from signalscore.api import score as score_corpus
        from signalscore.render import render_scores

        corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder, case)
        text = render_scores(score_corpus(corpus), corpus.rubrics, form, precision)
        emit(text, output, corpus.inputs)

    guard(body)
