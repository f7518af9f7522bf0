"""`signalscore init`: a new workspace to start from, without the repository."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import app, guard


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder.", show_default=False)],
) -> None:
    """Create a workspace: rubrics/ and cases/ (the bundled examples), schemas/ and a short README."""

    def body() -> None:
        from signalscore.workspace import create

        written = create(folder)
        print(f"created {folder}/ with {len(written)} files:", file=sys.stderr)
        for name in written:
            print(f"  {name}", file=sys.stderr)
        enter = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
        print(f"next: {enter}signalscore validate && signalscore score", file=sys.stderr)

    guard(body)
