"""`signalscore explain`: one case, feature by feature."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from signalscore.cli import (
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
    names,
    output_format,
    scoring_corpus,
)
from signalscore.errors import UsageError


@app.command()
def explain(
    case: Annotated[str, typer.Argument(metavar="CASE", help="The case id, or a case file.", show_default=False)],
    paths: Paths = None,
    rubric: RubricOpt = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: CoderOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
) -> None:
    """Explain one case feature by feature: level, label, signal, weight, points, confidence, evidence.

    The case's rank is among every case of PATHS (default ./cases), whether CASE is an id or a file; a file
    outside PATHS is ranked with them. A file holding one coder's coding is scored as with --coder CODER.
    """

    def body() -> None:
        form = output_format(fmt, output)
        from signalscore.api import score as score_corpus
        from signalscore.coders import find
        from signalscore.render import render_explain

        as_file = Path(case).is_file()
        if as_file:  # ranked among the cases of the paths, as when it is named by id
            where = paths or [p for p in [Path("cases")] if p.is_dir()]
            corpus = scoring_corpus([*where, Path(case)], rubric, rubrics_dir, follow_links, no_cache, coder)
            corpus, chosen = from_file(corpus, Path(case), coder)
        else:
            corpus = scoring_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, coder)
            chosen = find(corpus.cases, case, names(paths))
        text = render_explain(
            score_corpus(corpus), corpus.rubric_for(chosen), chosen, form, precision, whose=corpus.whose
        )
        emit(text, output, corpus.inputs)

    guard(body)


def from_file(corpus: Any, path: Path, coder: str | None) -> tuple[Any, Any]:
    """The scored corpus and the case loaded from a file; a coding not scored by default, as with its --coder."""
    target = path.resolve()
    for case in corpus.cases:
        if corpus.file_of(case).resolve() == target:
            return corpus, case
    loaded = corpus.source
    named = next((c for c in loaded.cases if loaded.file_of(c).resolve() == target), None)
    if named is None:
        raise UsageError(f"{path} holds no case")
    if coder is None and named.coder:
        return from_file(loaded.scored(named.coder), path, named.coder)
    raise UsageError(f"{path}: the coding of {named.id} it holds is not the one scored (choose it with --coder)")
