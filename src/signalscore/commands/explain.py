"""`signalscore explain`: one case, feature by feature."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
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
    names,
    scoring_corpus,
)


@app.command()
def explain(
    case: Annotated[str, typer.Argument(help="The case id, or a case file.", show_default=False)],
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: CoderOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
) -> None:
    """Explain one case feature by feature: level, label, signal, weight, points, confidence, evidence."""

    def body() -> None:
        from signalscore.api import score as score_corpus
        from signalscore.coders import find
        from signalscore.render import render_explain

        as_file = Path(case).is_file()
        corpus = scoring_corpus([Path(case)] if as_file else paths, rubric, rubrics_dir, follow_links, no_cache, coder)
        chosen = corpus.cases[0] if as_file else find(corpus.cases, case, names(paths))
        text = render_explain(
            score_corpus(corpus), corpus.rubric_for(chosen), chosen, fmt.value, precision, whose=corpus.whose
        )
        emit(text, output, corpus.inputs)

    guard(body)
