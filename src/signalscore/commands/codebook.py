"""`signalscore codebook`: a rubric as a Markdown codebook for coders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import FollowLinks, OutputOpt, RubricsDir, app, emit, guard


@app.command()
def codebook(
    rubric: Annotated[
        str, typer.Argument(metavar="RUBRIC", help="The rubric: a file path or a rubric id.", show_default=False)
    ],
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    output: OutputOpt = None,
) -> None:
    """Render a rubric as a Markdown codebook: features by dimension, level anchors, guidance, weights."""

    def body() -> None:
        from signalscore.codebook import codebook as render_codebook
        from signalscore.loader import load

        corpus = load([], rubric=rubric, rubrics_dir=rubrics_dir, follow_links=follow_links)
        (chosen,) = corpus.rubrics.values()
        emit(render_codebook(chosen), output, corpus.inputs)

    guard(body)
