"""One rubric's sensitivity analysis: Monte Carlo, break-even weights and Sobol indices together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from signalscore.codings import Codings
from signalscore.errors import UsageError
from signalscore.messages import unknown_case
from signalscore.rubric import Rubric
from signalscore.sensitivity.breakeven import BreakEven, break_even
from signalscore.sensitivity.budget import Size, check
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import CodingModel
from signalscore.sensitivity.montecarlo import Progress, Settings, monte_carlo
from signalscore.sensitivity.sobol import SobolResult, sobol_indices
from signalscore.sensitivity.summary import Summary

if TYPE_CHECKING:
    from signalscore.loader import Corpus

# Pairwise tables and sentences cover at most this many cases, the best by point score.
PAIRWISE_CASES = 20
SOBOL_SAMPLES = 1024


@dataclass(frozen=True)
class Report:
    """Everything the sensitivity command reports for one rubric."""

    cases: CaseSet
    unscored: tuple[str, ...]
    settings: Settings
    model: CodingModel
    summary: Summary
    shown: int
    break_even: list[BreakEven]
    sobol: SobolResult | None


def analyze(
    rubric: Rubric,
    codings: pd.DataFrame | Codings,
    settings: Settings,
    sobol: tuple[tuple[str, str] | None, int] = (None, SOBOL_SAMPLES),
    progress: Progress | None = None,
) -> Report:
    """Simulate, summarise, solve break-even weights and (unless sobol samples is 0) Sobol indices."""
    every = CaseSet.of(rubric, codings)
    cases = every.ranked()
    model = settings.model or CodingModel.of(rubric.uncertainty)
    settings = Settings(settings.draws, settings.seed, settings.spread, model)
    shown = min(len(cases.ids), PAIRWISE_CASES)
    summary = monte_carlo(cases, settings, shown, progress)
    pair, samples = sobol
    indices = None
    if samples and len(cases.ids) >= 2:
        rows = sobol_rows(cases, pair, every.ids)
        indices = sobol_indices(cases, rows, settings.spread, samples, settings.seed)
    scored = set(cases.ids)
    unscored = tuple(i for i in every.ids if i not in scored)
    return Report(cases, unscored, settings, model, summary, shown, break_even(cases.take_first(shown)), indices)


def with_model(settings: Settings, rubric: Rubric) -> Settings:
    """The settings with the coding model made explicit: the one given, else the rubric's."""
    return Settings(
        settings.draws, settings.seed, settings.spread, settings.model or CodingModel.of(rubric.uncertainty)
    )


def intervals(
    rubric: Rubric, codings: pd.DataFrame | Codings, settings: Settings, progress: Progress | None = None
) -> dict[str, tuple[float, float]]:
    """Each scored case's 5th and 95th percentile over the draws: the same numbers `analyze` reports.

    The draws depend on the whole set of cases (the chunking follows its size), so call this with the
    same cases as the sensitivity analysis whose interval it should repeat.
    """
    cases = CaseSet.of(rubric, codings).ranked()
    summary = monte_carlo(cases, with_model(settings, rubric), 1, progress)
    low, high = summary.percentiles[0], summary.percentiles[-1]
    return {case: (float(low[i]), float(high[i])) for i, case in enumerate(cases.ids)}


def sobol_rows(cases: CaseSet, pair: tuple[str, str] | None, every: Sequence[str] = ()) -> tuple[int, int]:
    """Rows of the Sobol pair: the one asked for, else the two best cases (every: the ids scored or not)."""
    if pair is None:
        return (0, 1)
    index = {c: i for i, c in enumerate(cases.ids)}
    missing = [c for c in pair if c not in index]
    if missing:
        unscored = missing[0] in every  # a case without a score: the scored ones are the choice, not a typo
        known = f"cases: {', '.join(cases.ids)}" if unscored else unknown_case(missing[0], cases.ids)
        raise UsageError(f"--sobol-pair: no scored case {missing[0]!r} under rubric {cases.rubric.id!r} ({known})")
    if pair[0] == pair[1]:
        raise UsageError("--sobol-pair needs two different cases")
    return (index[pair[0]], index[pair[1]])


def analyze_corpus(
    corpus: Corpus,
    settings: Settings,
    sobol: tuple[tuple[str, str] | None, int] = (None, SOBOL_SAMPLES),
    limit: int | None = None,
    lines: Callable[[int, int], Any] | None = None,
) -> list[Report]:
    """One report per rubric of a scoring corpus; with a Sobol pair, Sobol only for the rubric that scores both.

    Every rubric's memory is estimated before any is analysed: a run bigger than `limit` bytes is refused
    whole, at once (UsageError).
    """
    from signalscore.api import collected

    pair, samples = sobol
    groups = {rid: [c for c in corpus.cases if corpus.rubric_for(c).id == rid] for rid in corpus.rubrics}
    groups = {rid: cases for rid, cases in groups.items() if cases}
    if pair is not None and not any({c.id for c in cases} >= set(pair) for cases in groups.values()):
        no_pair(pair, {c.id for c in corpus.cases})
    runs = {rid: samples if pair is None or {c.id for c in cases} >= set(pair) else 0 for rid, cases in groups.items()}
    if limit is not None:
        for rid, cases in groups.items():
            check(rid, Size.of(corpus.rubrics[rid], len(cases), settings.draws, runs[rid], PAIRWISE_CASES), limit)
    reports = []
    for rid, cases in groups.items():
        r = corpus.rubrics[rid]
        line = lines(runs[rid], len(cases)) if lines else None  # a progress line (Sobol samples, cases)
        bar = line.bar if line else None
        reports.append(analyze(r, collected(corpus, r, cases), settings, (pair, runs[rid]), bar))
        if line is not None:  # cleared when done; Ctrl-C leaves it for cli.guard to end with a newline
            line.close()
    return reports


def no_pair(pair: tuple[str, str], ids: set[str]) -> None:
    """Why no rubric scores the pair: a case id that names no case (with the one probably meant), or rubrics apart."""
    for name in pair:
        if name not in ids:
            raise UsageError(f"--sobol-pair: no case {name!r} ({unknown_case(name, ids)})")
    raise UsageError(f"--sobol-pair: no rubric scores both {pair[0]!r} and {pair[1]!r}")
