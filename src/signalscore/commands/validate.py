"""`signalscore validate`: check rubrics and cases, change nothing."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import FollowLinks, NoCacheOpt, RubricsDir, app, guard
from signalscore.errors import InputError
from signalscore.verdict import Verdicts, wanted

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
        roots = paths or [Path("rubrics"), Path("cases"), *[Path("mappings")] * Path("mappings").is_dir()]
        verdicts = _verdicts(roots, rubrics_dir, follow_links, strict) if wanted(not no_cache) else None
        said = verdicts.known() if verdicts else None
        if said is None:
            said = _check(roots, rubrics_dir, follow_links, no_cache, strict)
            if verdicts:
                verdicts.keep(said)
        sys.stderr.write(said)

    guard(body)


def _verdicts(roots: list[Path], rubrics_dir: Path, follow_links: bool, strict: bool) -> Verdicts | None:
    """The inputs of this run, to replay the last verdict on them (see signalscore.verdict)."""
    settings = repr(([str(p) for p in roots], str(rubrics_dir), follow_links, strict))
    return Verdicts.of(list(dict.fromkeys([*roots, rubrics_dir])), settings)


def _check(roots: list[Path], rubrics_dir: Path, follow_links: bool, no_cache: bool, strict: bool) -> str:
    """Load and lint; what to say if nothing is wrong (an error raises InputError)."""
    from signalscore.lint import lint, lint_text
    from signalscore.loader import load

    corpus = load(
        roots,
        rubrics_dir=rubrics_dir,
        follow_links=follow_links,
        cache=not no_cache,
        lint=True if strict else "text",  # (text: parsing workers write the warnings out)
        parallel=True,
    )
    if strict and (warnings := set(corpus.warnings + lint(corpus))):
        raise InputError([dataclasses.replace(w, severity="error") for w in warnings])
    said = lint_text(corpus)
    count = f"{len(corpus.rubrics)} rubric(s) and {len(corpus.cases)} case(s)"
    if corpus.mappings:
        count = count.replace(" and ", ", ") + f" and {len(corpus.mappings)} mapping(s)"
    said += f"ok: {count} valid\n"
    if warned := said.count("\n") - 1:  # (a warning is one line: signalscore.safe_text.one_line)
        said += f"{warned} warning(s); --strict makes them errors\n"
    return said
