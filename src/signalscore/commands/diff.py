"""`signalscore diff`: two versions of a rubric, and what the change does to the cases."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
    CoderOpt,
    FollowLinks,
    Format,
    FormatOpt,
    OutputOpt,
    Paths,
    PrecisionOpt,
    app,
    emit,
    guard,
    print_notes,
)
from signalscore.safe_text import one_line

RubricFile = Annotated[Path, typer.Argument(help="A rubric file.", show_default=False)]


@app.command()
def diff(
    old: RubricFile,
    new: RubricFile,
    paths: Paths = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
    follow_links: FollowLinks = False,
    coder: CoderOpt = None,
) -> None:
    """Compare two versions of a rubric: what changed, and each case's score and rank under both."""

    def body() -> None:
        from signalscore.rescore import diff_rubrics, render_diff

        found = diff_rubrics(old, new, paths or [Path("cases")], follow_links, coder, print_notes)
        if found.skipped:
            print(f"note: skipped {found.skipped} case(s) coded against other rubrics", file=sys.stderr)
        for note in found.rescored.notes:
            print(one_line(f"note: {note}"), file=sys.stderr)
        text = render_diff(found.changes, found.rescored, found.old, found.new, fmt.value, precision)
        emit(text, output, [old, new, *found.files])

    guard(body)
