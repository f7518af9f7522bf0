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
    names,
    output_format,
    print_notes,
)
from signalscore.errors import UsageError
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
        from signalscore.coders import choose
        from signalscore.rescore import read_cases, read_rubric, render_diff, rescore
        from signalscore.rubric_diff import rubric_changes

        before, after = read_rubric(old, follow_links), read_rubric(new, follow_links)
        cases, files = read_cases(paths or [Path("cases")], follow_links)
        choice = choose(cases, coder)
        print_notes(choice.warnings)
        cases = choice.cases
        ids = {before.id, after.id}
        chosen = [c for c in cases if c.rubric in ids]
        if not chosen:
            raise UsageError(f"no cases of rubric {' or '.join(sorted(ids))} in {names(paths)}")
        if skipped := len(cases) - len(chosen):
            print(f"note: skipped {skipped} case(s) coded against other rubrics", file=sys.stderr)
        rescored = rescore(chosen, before, after)
        for note in rescored.notes:
            print(one_line(f"note: {note}"), file=sys.stderr)
        text = render_diff(rubric_changes(before, after), rescored, before, after, form, precision)
        emit(text, output, [old, new, *files])

    guard(body)
