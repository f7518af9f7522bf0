"""The notebook API: load rubrics and cases, score them, get DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from signalscore.engine import Scores, score_rubric
from signalscore.frame import cases_frame, codings_frame
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
    """Score every case with its rubric; ranks are within each rubric."""
    parts = []
    for rubric in corpus.rubrics.values():
        cases = [c for c in corpus.cases if corpus.rubric_of[c.id] == rubric.id]
        if cases:
            parts.append(score_rubric(rubric, codings_frame(rubric, cases), cases_frame(rubric, cases)))
    if not parts:
        return Scores(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    return Scores(
        *(pd.concat([getattr(p, name) for p in parts], ignore_index=True) for name in Scores.__dataclass_fields__)
    )
