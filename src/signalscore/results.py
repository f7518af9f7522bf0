"""What the Python API returns: plain frozen objects of typed DataFrames, built from what the commands compute.

Every frame with a feature or dimension column has it as an ordered categorical in rubric order, and
periods as datetime64 (signalscore.frame.typed). The numbers are those the commands' JSON and CSV carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from signalscore.agreement import Agreement
from signalscore.case import Case
from signalscore.compare import Comparison
from signalscore.engine import Scores
from signalscore.frame import typed
from signalscore.render.agreement import agreement_json
from signalscore.render.compare_data import tidy_comparison
from signalscore.render.explain import explain_table
from signalscore.rescore import CHANGE_COLUMNS, RubricDiff
from signalscore.rubric import Rubric
from signalscore.sensitivity.analysis import Report
from signalscore.sensitivity.coders import CoderSpread, spreads_frame
from signalscore.sensitivity.output import tables


@dataclass(frozen=True)
class Comparisons:
    """`compare`: each rubric's cases in period order, their points per feature and what changed most.

    cases: rubric, case, title, period_start, score, score_low, score_high, coverage, rank (period order);
    features: rubric, case, feature, dimension, status, value (as coded; None unless coded), points (NaN where
    the feature is not active), compared_with (the case before it, or the baseline) and delta (the change of
    its points from that case; NaN for the first case); changes: rubric, from, to, feature, points (the
    largest moves of each pair); parts: each rubric's signalscore.compare.Comparison (wide frames).
    """

    cases: pd.DataFrame
    features: pd.DataFrame
    changes: pd.DataFrame
    parts: tuple[Comparison, ...]


def comparisons(parts: Sequence[Comparison]) -> Comparisons:
    """The long frames of every rubric's comparison."""
    rubrics = [c.rubric for c in parts]
    cases = [c.cases.assign(rubric=c.rubric.id) for c in parts]
    features = [tidy_comparison(c).assign(value=c.cells["value"], delta=_float) for c in parts]
    changes = [c.changes.assign(rubric=c.rubric.id) for c in parts]
    return Comparisons(
        cases=typed(_first(cases, "rubric"), rubrics),
        features=typed(_first(features, "rubric"), rubrics),
        changes=typed(_first(changes, "rubric"), rubrics),
        parts=tuple(parts),
    )


def _float(frame: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(frame["delta"]).astype(float)


def _first(frames: Sequence[pd.DataFrame], column: str) -> pd.DataFrame:
    """The frames one after another, `column` first."""
    if not frames:
        return pd.DataFrame(columns=[column])
    joined = pd.concat(frames, ignore_index=True)
    return joined[[column, *[c for c in joined.columns if c != column]]]


@dataclass(frozen=True)
class Explanation:
    """`explain`: one case, its score and rank among the cases scored with it, and each feature.

    features: feature, dimension, value (as shown: 2, true, n/a, ? for unknown), level (its label), signal,
    weight (effective), points, confidence, rationale, evidence; points add up to score - the scale's min.
    coding: whose coding this is, for a case coded several times; else None.
    """

    rubric: str
    case: str
    title: str
    sender: str
    recipient: str
    period_start: pd.Timestamp | None
    period_end: pd.Timestamp | None
    score: float | None
    score_low: float
    score_high: float
    coverage: float
    rank: int | None
    coding: str | None
    features: pd.DataFrame


def explanation(scores: Scores, rubric: Rubric, case: Case, coding: str | None) -> Explanation:
    """One case of the scores, explained."""
    part = scores.of(rubric.id)
    i = part.row(case.id)
    period = case.period
    return Explanation(
        rubric=rubric.id,
        case=case.id,
        title=case.title,
        sender=case.sender,
        recipient=case.recipient,
        period_start=pd.Timestamp(period.start) if period else None,
        period_end=pd.Timestamp(period.end) if period else None,
        score=None if np.isnan(part.score[i]) else float(part.score[i]),
        score_low=float(part.score_low[i]),
        score_high=float(part.score_high[i]),
        coverage=float(part.coverage[i]),
        rank=None if np.isnan(part.rank[i]) else int(part.rank[i]),
        coding=coding,
        features=typed(explain_table(scores, rubric, case), [rubric]),
    )


@dataclass(frozen=True)
class Agreements:
    """`agree`: how well independent coders agree, per rubric with a case coded by two or more.

    overall: rubric, coders, cases, alpha, alpha_low, alpha_high (bootstrap 95% interval), pairable,
    agreement (share of equal pairs), stable; features: rubric, feature, metric, the same alpha columns and
    applicability_disagreements; disagreements: rubric, case, feature, kind, points (how far the score
    moves), codings ({coder: {value, confidence, rationale}}), largest first; parts: the raw results.
    """

    overall: pd.DataFrame
    features: pd.DataFrame
    disagreements: pd.DataFrame
    parts: tuple[Agreement, ...]


def agreements(parts: Sequence[Agreement]) -> Agreements:
    """The frames of every rubric's agreement, from the JSON the `agree` command prints."""
    data = [agreement_json(p) for p in parts]
    rubrics = [p.rubric for p in parts]
    overall = [{"rubric": d["id"], "coders": d["coders"], "cases": d["cases"], **d["overall"]} for d in data]
    features = [{"rubric": d["id"], "feature": f.pop("id"), **f} for d in data for f in d["features"]]
    disagreements = [{"rubric": d["id"], **x} for d in data for x in d["disagreements"]]
    return Agreements(
        overall=pd.DataFrame(overall),
        features=typed(pd.DataFrame(features), rubrics),
        disagreements=typed(pd.DataFrame(disagreements), rubrics),
        parts=tuple(parts),
    )


@dataclass(frozen=True)
class Sensitivity:
    """`sensitivity`: how far scores and ranks move when weights and codings are redrawn, per rubric.

    cases: rubric, rank, case, score, mean, p5, p50, p95, ranks 90%, P(rank 1) .. P(rank 5) (shares of draws);
    pairwise: rubric, above, below, p_above, p_below, p_tie (among the best 20 cases); break_even: rubric,
    above, below, kind, weight, factor, status; sobol: rubric, weight, S1, S1 ±, ST, ST ±, above, below
    (empty without Sobol indices); coders (with coders=True): rubric, case, coders, p5, p50, p95, coder_share
    (the part of the score's variance that comes from the choice of coder); parts: each rubric's
    signalscore.sensitivity.Report.
    """

    cases: pd.DataFrame
    pairwise: pd.DataFrame
    break_even: pd.DataFrame
    sobol: pd.DataFrame
    coders: pd.DataFrame
    parts: tuple[Report, ...]


def sensitivities(parts: Sequence[Report], spreads: Sequence[CoderSpread] = ()) -> Sensitivity:
    """The tables the `sensitivity` command prints as csv, unrounded."""
    found = tables(list(parts))
    empty = pd.DataFrame(columns=["rubric"])
    return Sensitivity(
        cases=found.get("cases", empty),
        pairwise=found.get("pairwise", empty),
        break_even=found.get("break_even", empty),
        sobol=found.get("sobol", empty),
        coders=spreads_frame(spreads),
        parts=tuple(parts),
    )


@dataclass(frozen=True)
class Diff:
    """`diff`: two versions of a rubric, what changed, and how each case's score and rank move.

    changes: item, id, change, old, new; cases: case, old, new, change, old_rank, new_rank, moved (largest
    move first); notes: what had to be adjusted to score a case under a version; warnings: about the choice
    of codings of cases coded several times.
    """

    old: Rubric
    new: Rubric
    changes: pd.DataFrame
    cases: pd.DataFrame
    notes: tuple[str, ...]
    warnings: tuple[str, ...]


def diff_of(found: RubricDiff) -> Diff:
    """The frames of a rubric diff."""
    changes = pd.DataFrame([asdict(c) for c in found.changes], columns=CHANGE_COLUMNS)
    notes, warnings = tuple(found.rescored.notes), tuple(found.warnings)
    return Diff(found.old, found.new, changes, found.rescored.moves, notes, warnings)
