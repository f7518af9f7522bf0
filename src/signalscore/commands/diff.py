"""`signalscore diff`: two versions of a rubric, and what the change does to the cases."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
    CoderOpt,
    FollowLinks,
    FormatOpt,
    OutputOpt,
    Paths,
    PrecisionOpt,
    app,
    emit,
    guard,
    output_format,
    print_notes,
)
from signalscore.safe_text import one_line

OldRubric = Annotated[Path, typer.Argument(metavar="OLD", help="The rubric file before.", show_default=False)]
NewRubric = Annotated[Path, typer.Argument(metavar="NEW", help="The rubric file after.", show_default=False)]


@app.command()
def diff(
    old: OldRubric,
    new: NewRubric,
    paths: Paths = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    precision: PrecisionOpt = 1,
    follow_links: FollowLinks = False,
    coder: CoderOpt = None,
) -> None:
    """Compare two versions of a rubric: what changed, and each case's score and rank under both."""

    def body() -> None:
        form = output_format(fmt, output)
        from signalscore.rescore import diff_rubrics, render_diff

        found = diff_rubrics(old, new, paths or [Path("cases")], follow_links, coder, print_notes)
        if found.skipped:
            print(f"note: skipped {found.skipped} case(s) coded against other rubrics", file=sys.stderr)
        for note in found.rescored.notes:
            print(one_line(f"note: {note}"), file=sys.stderr)
        text = render_diff(found.changes, found.rescored, found.old, found.new, form, precision)
        emit(text, output, [old, new, *found.files])

    guard(body)
