"""`signalscore adjudicate`: a draft adjudicated case from the independent codings of one case id."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from signalscore.cli import FollowLinks, NoCacheOpt, Paths, RubricsDir, app, guard, load_corpus, names
from signalscore.errors import UsageError
from signalscore.messages import CLOSE_CASE, closest

DraftOpt = Annotated[
    Path,
    typer.Option(
        "--output", "-o", metavar="FILE", help="The draft case file to write (never overwritten).", show_default=False
    ),
]
AdjudicatorOpt = Annotated[
    str | None,
    typer.Option(
        "--coder",
        metavar="CODER",
        help="Who adjudicates (the draft's coder; not one of the coders).",
        show_default=False,
    ),
]


@app.command()
def adjudicate(
    case: Annotated[
        str, typer.Argument(metavar="CASE", help="The case id coded by two or more coders.", show_default=False)
    ],
    output: DraftOpt,
    paths: Paths = None,
    rubrics_dir: RubricsDir = Path("rubrics"),
    follow_links: FollowLinks = False,
    no_cache: NoCacheOpt = False,
    coder: AdjudicatorOpt = None,
) -> None:
    """Draft an adjudicated case: agreed codings filled in, each disagreement unknown with every coding as comments."""

    def body() -> None:
        from signalscore.agreement import independent
        from signalscore.coders import adjudicates
        from signalscore.files import write_new

        corpus = load_corpus(paths, None, rubrics_dir, follow_links, no_cache)
        done = [c for c in corpus.cases if c.id == case and adjudicates(c)]
        if done:
            raise UsageError(f"case {case!r} is already adjudicated in {corpus.file_of(done[0])}")
        codings = independent(corpus.cases).get(case)
        if codings is None:
            coded = sorted(independent(corpus.cases))
            such = closest(case, coded, "such cases", CLOSE_CASE)
            raise UsageError(f"case {case!r} is not coded by two or more coders in {names(paths)} ({such})")
        from signalscore.adjudication import draft

        ordered = dict(sorted(codings.items()))
        write_new(output, draft(ordered, corpus.rubric_for(next(iter(ordered.values()))), coder))

    guard(body)
