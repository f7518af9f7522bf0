"""The command line: parse, call, render, and map errors to exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperArgument

from signalscore import coercion
from signalscore.commands import CommandGroup
from signalscore.errors import InputError, Problem, UsageError
from signalscore.safe_text import one_line

T = TypeVar("T")

app = typer.Typer(
    name="signalscore",
    cls=CommandGroup,
    help="Score how strongly one state signals support for another, from YAML rubrics and evidence-coded cases.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _argument_type(self: TyperArgument, ctx: Any) -> str | None:
    """An argument with a metavar reads as that word (PATHS, CASE) in help, without its Python type (<list[Path]>)."""
    return None if self.metavar else _typed_argument(self, ctx)


def _usage_name(self: TyperArgument) -> str:
    """An argument in the usage line as click writes it: CASE, [PATHS]... (not typer's {CASE})."""
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return name + ("..." if self.nargs != 1 else "")


coercion.install()
_typed_argument = TyperArgument.display_type_rich
TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign, assignment]
TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]


def _version(value: bool) -> None:
    if value:
        from signalscore import __version__

        print(f"signalscore {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Score how strongly one state signals support for another, from YAML rubrics and evidence-coded cases."""


class Format(StrEnum):
    """Output formats of every command that prints a table."""

    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"
    latex = "latex"


Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATHS",
        help="Case files or folders (searched recursively for *.yaml, *.yml). Default: ./cases",
        show_default=False,
    ),
]
RubricOpt = Annotated[
    str | None,
    typer.Option(
        "--rubric",
        "-r",
        metavar="RUBRIC",
        help="Score every case with this rubric (a file path or a rubric id).",
        show_default=False,
    ),
]
RubricsDir = Annotated[Path, typer.Option("--rubrics-dir", metavar="DIR", help="Folder where rubric ids resolve.")]
FollowLinks = Annotated[
    bool,
    typer.Option(
        "--follow-links", help="Also read symbolic links that lead out of the folders given and the rubrics folder."
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output format. Default: from the --output file's extension (.csv .json .md .html .tex .txt), else table.",
        show_default=False,
    ),
]
# What each --output extension means when -f is not given (report reads .html and .md the same way).
EXTENSIONS = {
    ".csv": Format.csv,
    ".json": Format.json,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".html": Format.html,
    ".htm": Format.html,
    ".tex": Format.latex,
    ".txt": Format.table,
}
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file (whole or not at all) instead of stdout.",
        show_default=False,
    ),
]
PrecisionOpt = Annotated[int, typer.Option("--precision", metavar="N", min=0, max=10, help="Decimals shown in tables.")]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read every file afresh; neither use nor update .signalscore-cache/ (also: SIGNALSCORE_NO_CACHE=1).",
    ),
]

CoderOpt = Annotated[
    str | None,
    typer.Option(
        "--coder",
        metavar="CODER",
        help="Score this coder's codings wherever they exist (default: the adjudicated coding of a case, else the "
        "only one, else each coding as its own row ID@CODER).",
        show_default=False,
    ),
]

CaseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--case",
        "-c",
        metavar="ID",
        help="Only the cases whose id matches, every coder's file of them; a shell-style pattern such as "
        "'cn-ru-*' (quote it). Repeat for more. Ranks are among the cases kept.",
        show_default=False,
    ),
]


def output_format(fmt: Format | None, output: Path | None) -> str:
    """The format asked for, else the one the --output extension names, else table; a contradiction is refused."""
    implied = EXTENSIONS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and implied is not None and fmt != implied:
        raise UsageError(f"--format {fmt.value} contradicts --output {output} (a {implied.value} file): drop one")
    return (fmt or implied or Format.table).value


def print_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def guard(action: Callable[[], T]) -> T:
    """Run a command body; the one place that maps errors to exit codes."""
    try:
        return action()
    except InputError as exc:
        print_problems(exc.problems)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"{errors} problem{'s' * (errors != 1)} found", file=sys.stderr)
        raise typer.Exit(1) from None
    except UsageError as exc:
        print(one_line(f"Error: {exc}"), file=sys.stderr)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:  # Ctrl-C: a progress line ended, one line said, the shell's status for SIGINT
        from signalscore.progress import interrupt_all

        interrupt_all()
        print("interrupted (Ctrl-C)", file=sys.stderr)
        raise typer.Exit(130) from None


def load_corpus(
    paths: list[Path] | None,
    rubric: str | None,
    rubrics_dir: Path,
    follow_links: bool = False,
    no_cache: bool = False,
    only: list[str] | None = None,
) -> Any:
    from signalscore.loader import load

    corpus = load(
        paths or [Path("cases")],
        rubric=rubric,
        rubrics_dir=rubrics_dir,
        follow_links=follow_links,
        cache=not no_cache,
        parallel=True,
    )
    print_problems(corpus.warnings)
    if not corpus.cases:
        raise UsageError(f"no cases found in {names(paths)}")
    return corpus.only(only) if only else corpus


def scoring_corpus(
    paths: list[Path] | None,
    rubric: str | None,
    rubrics_dir: Path,
    follow_links: bool = False,
    no_cache: bool = False,
    coder: str | None = None,
    only: list[str] | None = None,
) -> Any:
    """The loaded corpus with one coding per case id (or one row per coder): what scoring commands score."""
    corpus = load_corpus(paths, rubric, rubrics_dir, follow_links, no_cache, only).scored(coder)
    print_notes(corpus.notes)
    return corpus


def print_notes(notes: Iterable[str]) -> None:
    for note in notes:
        print(one_line(f"warning: {note}"), file=sys.stderr)


def names(paths: list[Path] | None) -> str:
    return " ".join(str(p) for p in paths or [Path("cases")])


def emit(text: str | bytes, output: Path | None, inputs: Iterable[Path]) -> None:
    """Print, or write a file (text, or bytes such as a chart) whole or not at all; never over an input file."""
    if output is None:
        sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    from signalscore.files import write_atomic

    write_atomic(output, text.encode("utf-8") if isinstance(text, str) else text, inputs)


def main() -> None:
    """Console entry point."""
    from signalscore.console import install

    install()
    # pydantic looks for plugins when it builds the first model, reading the metadata of every installed
    # package; the command line uses none, so it skips the search (PYDANTIC_DISABLE_PLUGINS= opts back in).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app()
