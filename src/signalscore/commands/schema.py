"""`signalscore schema`: the JSON Schema of rubric or case files."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from signalscore.cli import OutputOpt, app, emit, guard


class Kind(StrEnum):
    """Which file format's schema to print."""

    rubric = "rubric"
    case = "case"
    mapping = "mapping"


@app.command()
def schema(
    kind: Annotated[Kind, typer.Argument(metavar="KIND", help="rubric, case or mapping.", show_default=False)],
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of rubric, case or mapping files, for editors and other validators."""

    def body() -> None:
        from signalscore.schema import schema_text

        emit(schema_text(kind.value), output, [])

    guard(body)
