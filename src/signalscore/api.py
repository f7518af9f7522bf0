"""The notebook API: load rubrics and cases, score them, get DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from signalscore.case import Case
from signalscore.codings import Codings
from signalscore.engine import Scores, score_codings
from signalscore.loader import Corpus, load
from signalscore.rubric import Rubric

PathLike = str | Path


def load_rubric(rubric: PathLike, rubrics_dir: PathLike = "rubrics") -> Rubric:
    """One rubric, from a file path or an id found in the rubrics folder."""
    corpus = load([], rubric=str(rubric), rubrics_dir=Path(rubrics_dir))
    return next(iter(corpus.rubrics.values()))


def load_cases(
    paths: PathLike | Sequence[PathLike] = "cases",
    rubric: PathLike | None = None,
    rubrics_dir: PathLike = "rubrics",
    follow_links: bool = False,
) -> Corpus:
    """Cases under the paths, each with the rubric it is scored with; raises InputError with every problem."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    named = None if rubric is None else str(rubric)
    return load([Path(p) for p in items], rubric=named, rubrics_dir=Path(rubrics_dir), follow_links=follow_links)


def score(corpus: Corpus) -> Scores:
    """Score every case with its rubric; ranks are within each rubric.

    A corpus as loaded first has its codings chosen as the commands choose them (Corpus.scored: the
    adjudicated or only coding of an id, else each coder's as a row ID@CODER; the warnings in .notes).
    """
    if corpus.source is None and len({c.id for c in corpus.cases}) < len(corpus.cases):
        corpus = corpus.scored()
    parts = (score_codings(corpus.codings(corpus.rubrics[r], cases)) for r, cases in corpus.grouped().items())
    return Scores(tuple(parts))


def collected(corpus: Corpus, rubric: Rubric, cases: Sequence[Case]) -> Codings:
    """The cases' codings as arrays, collected once per corpus while its rubric and cases stay the same."""
    return corpus.codings(rubric, cases)
