"""`signalscore new case`: a ready-to-fill case file for a rubric."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import FollowLinks, OutputOpt, RubricsDir, app, emit, guard
from signalscore.inputs import SUFFIXES

new_app = typer.Typer(help="Start a new file from a template.", no_args_is_help=True)
app.add_typer(new_app, name="new")


def _schema_hint(output: Path | None) -> str:
    """Where the case schema is, relative to the new file: a schemas/ folder above it, else ../schemas/."""
    folder = output.resolve().parent if output else None
    for parent in [folder, *folder.parents] if folder else []:
        if (parent / "schemas" / "case.schema.json").is_file():
            return Path(os.path.relpath(parent / "schemas" / "case.schema.json", folder)).as_posix()
    return "../schemas/case.schema.json"


def _beside(output: Path | None) -> list[Path]:
    """The YAML files in the folder a new file goes to (not below it: that may be the whole workspace)."""
    if output is None or not output.parent.is_dir():
        return []
    return sorted(p for p in output.parent.iterdir() if p.suffix in SUFFIXES and p.is_file())


@new_app.command("case")
def new_case(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="The new case's id (a slug).", show_default=False)],
    rubric: Annotated[
        str,
        typer.Option(
            "--rubric", "-r", metavar="RUBRIC", help="The rubric to code against (a file path or a rubric id)."
        ),
    ],
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    title: Annotated[str, typer.Option(metavar="TEXT", help="The case title.")] = "TODO: title",
    sender: Annotated[str, typer.Option(metavar="STATE", help="The signalling state.")] = "TODO: sender",
    recipient: Annotated[str, typer.Option(metavar="STATE", help="The state signalled to.")] = "TODO: recipient",
    output: OutputOpt = None,
) -> None:
    """Write a case file listing every feature of the rubric as `value: unknown`, with levels and guidance."""

    def body() -> None:
        from signalscore.files import write_new
        from signalscore.loader import load
        from signalscore.template import case_template, refuse_used_id

        if output is None or not output.exists():  # else refused below as a file that exists
            # the workspace's cases, as every command reads them, and those in the folder of the new file
            refuse_used_id(case_id, [Path("cases"), *_beside(output)])
        chosen = next(
            iter(load([], rubric=rubric, rubrics_dir=rubrics_dir, follow_links=follow_links).rubrics.values())
        )
        text = case_template(case_id, chosen, title, sender, recipient, _schema_hint(output))
        if output is None:
            emit(text, None, [])
        else:
            write_new(output, text)

    guard(body)
