"""One rubric's sensitivity analysis: Monte Carlo, break-even weights and Sobol indices together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from signalscore.codings import Codings
from signalscore.errors import UsageError
from signalscore.messages import unknown_case
from signalscore.rubric import Rubric
from signalscore.sensitivity.breakeven import BreakEven, break_even
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import CodingModel
from signalscore.sensitivity.montecarlo import Progress, Settings, monte_carlo
from signalscore.sensitivity.sobol import SobolResult, sobol_indices
from signalscore.sensitivity.summary import Summary

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
