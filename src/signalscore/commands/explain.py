"""`signalscore explain`: one case, feature by feature."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from signalscore.errors import UsageError

if TYPE_CHECKING:  # the models are built when a command first needs them, not when the command line starts
    from signalscore.case import Case


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
        from signalscore.render import render_explain

        as_file = Path(case).is_file()
        corpus = scoring_corpus([Path(case)] if as_file else paths, rubric, rubrics_dir, follow_links, no_cache, coder)
        chosen = corpus.cases[0] if as_file else find(corpus.cases, case, names(paths))
        text = render_explain(
            score_corpus(corpus), corpus.rubric_for(chosen), chosen, fmt.value, precision, whose=corpus.whose
        )
        emit(text, output, corpus.inputs)

    guard(body)


def find(cases: list[Case], wanted: str, where: str) -> Case:
    """The case with this id or row label (ID@CODER); a usage error names the rows to choose from."""
    for case in cases:
        if case.id == wanted:
            return case
    rows = [c.id for c in cases if c.id.startswith(f"{wanted}@")]
    if rows:
        raise UsageError(f"case {wanted!r} has several codings ({', '.join(rows)}): name one, or choose with --coder")
    known = ", ".join(sorted(c.id for c in cases))
    raise UsageError(f"no case {wanted!r} in {where} (cases: {known})")
