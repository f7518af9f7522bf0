"""`signalscore validate`: check rubrics and cases, change nothing."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import (
    FollowLinks,
    NoCacheOpt,
    RubricsDir,
    app,
    guard,
    print_problems,
)
from signalscore.errors import InputError

StrictOpt = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors (exit status 1).")]


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS",
            help="Rubric, case and mapping files or folders. Default: ./rubrics ./cases (and ./mappings if present)",
            show_default=False,
        ),
    ] = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Check rubrics, cases and event-data mappings; print every problem and warning; change nothing."""

    def body() -> None:
        from signalscore.lint import lint
        from signalscore.loader import load

        corpus = load(
            paths or [Path("rubrics"), Path("cases"), *[Path("mappings")] * Path("mappings").is_dir()],
            rubrics_dir=rubrics_dir,
            follow_links=follow_links,
            cache=not no_cache,
            lint=True,
            parallel=True,
        )
        warnings = sorted(set(corpus.warnings + lint(corpus)))  # a comment after a value is in both
        if strict and warnings:
            raise InputError([dataclasses.replace(w, severity="error") for w in warnings])
        print_problems(warnings)
        count = f"{len(corpus.rubrics)} rubric(s) and {len(corpus.cases)} case(s)"
        if corpus.mappings:
            count = count.replace(" and ", ", ") + f" and {len(corpus.mappings)} mapping(s)"
        print(f"ok: {count} valid", file=sys.stderr)
        if warnings:
            print(f"{len(warnings)} warning(s); --strict makes them errors", file=sys.stderr)

    guard(body)
