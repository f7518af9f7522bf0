"""`signalscore validate`: check rubrics and cases, change nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
    RubricsDir,
    app,
    guard,
    print_problems,
)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Rubric and case files or folders. Default: ./rubrics ./cases", show_default=False),
    ] = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
) -> None:
    """Check rubrics and cases; print every problem; change nothing."""

    def body() -> None:
        from signalscore.loader import load

        corpus = load(paths or [Path("rubrics"), Path("cases")], rubrics_dir=rubrics_dir)
        print_problems(corpus.warnings)
        count = f"{len(corpus.rubrics)} rubric(s) and {len(corpus.cases)} case(s)"
        print(f"ok: {count} valid", file=sys.stderr)

    guard(body)
