"""`signalscore agree`: how well independent coders of the same cases agree, feature by feature."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
    CaseOpt,
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
    load_corpus,
    names,
    output_format,
)
from signalscore.errors import UsageError

SeedOpt = Annotated[
    int, typer.Option("--seed", metavar="N", min=0, help="Seed of the bootstrap: the same seed, the same output.")
]
BootstrapOpt = Annotated[
    int,
    typer.Option(
        "--bootstrap", metavar="N", min=0, max=100_000, help="Bootstrap resamples of the cases (0: no interval)."
    ),
]


@app.command()
def agree(
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    case: CaseOpt = None,
    seed: SeedOpt = 0,
    bootstrap: BootstrapOpt = 1000,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 2,
) -> None:
    """Agreement of independent coders: Krippendorff's alpha per feature and overall, and the disagreements."""

    def body() -> None:
        form = output_format(fmt, output)
        from signalscore.agreement import agreements
        from signalscore.render.agreement import render_agreement

        corpus = load_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, case)
        results = agreements(corpus, seed, bootstrap)
        if not results:
            raise UsageError(f"no case in {names(paths)} is coded independently by two or more coders")
        emit(render_agreement(results, form, precision), output, corpus.inputs)

    guard(body)
