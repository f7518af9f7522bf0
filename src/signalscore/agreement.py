"""Agreement between coders of the same cases: Krippendorff's alpha per feature and overall, and the disagreements.

Data flow: the independent codings of every case id coded by two or more coders -> a coders x cases x features
array of coded numbers (NaN where unknown, n/a or not coded) -> alpha with the metric each scale implies
(section 8) -> a seeded bootstrap over cases -> the disagreements, each scored for the points it moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

import krippendorff
import numpy as np

from signalscore.case import Case, Coding
from signalscore.coders import adjudicates, by_id
from signalscore.codings import CODED, NA, UNKNOWN, Codings
from signalscore.engine import normalize, score_codings
from signalscore.rubric import Feature, Rubric

if TYPE_CHECKING:
    from signalscore.loader import Corpus

# Fewer pairable values than this and an alpha is printed but marked unstable (our convention: with so few
# values one coding changes alpha by a large step; Krippendorff 2004, ch. 11.4, asks for far more).
MIN_PAIRABLE = 10
METRICS = {"ordinal": "ordinal", "binary": "nominal", "count": "interval", "continuous": "interval"}


@dataclass(frozen=True)
class Alpha:
    """One alpha: its value (None where no pair exists or no value varies), interval, pairable values, agreement."""

    alpha: float | None
    alpha_low: float | None
    alpha_high: float | None
    pairable: int
    agreement: float | None

    @property
    def stable(self) -> bool:
        """Whether enough values are pairable for alpha to mean much (MIN_PAIRABLE)."""
        return self.pairable >= MIN_PAIRABLE


@dataclass(frozen=True)
class FeatureAgreement:
    """Agreement on one feature over the cases."""

    id: str
    metric: str
    alpha: Alpha
    applicability_disagreements: int


@dataclass(frozen=True)
class Disagreement:
    """One case and feature the coders coded differently, and how many points that moves the score."""

    case: str
    feature: str
    kind: str  # "value", or "applicability" (n/a against a value)
    codings: dict[str, Coding]
    points: float | None


@dataclass
class Agreement:
    """Agreement among the coders of one rubric's cases."""

    rubric: Rubric
    coders: list[str]
    cases: list[str]
    overall: Alpha
    features: list[FeatureAgreement] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)


def independent(cases: Sequence[Case]) -> dict[str, dict[str, Case]]:
    """The independent codings (not adjudicated files) by case id and coder, of ids coded by two or more."""
    found: dict[str, dict[str, Case]] = {}
    for case_id, codings in by_id(cases).items():
        coded = {c.coder: c for c in codings if c.coder is not None and not adjudicates(c)}
        if len(coded) > 1:
            found[case_id] = coded
    return found


def agreements(corpus: Corpus, seed: int = 0, bootstrap: int = 1000) -> list[Agreement]:
    """One agreement per rubric that scores a case coded independently by two or more coders."""
    loaded = corpus.source or corpus  # a corpus chosen for scoring keeps the one it was chosen from
    results = []
    for rid, rubric in loaded.rubrics.items():
        cases = [c for c in loaded.cases if loaded.rubric_for(c).id == rid]
        if independent(cases):
            results.append(agreement(rubric, cases, seed, bootstrap))
    return results


def alpha_of(data: np.ndarray, metric: str, domain: Sequence[float] | None = None) -> float | None:
    """Krippendorff's alpha of coders x units data (NaN missing); None where no pair exists or nothing varies."""
    pairable = data[:, (~np.isnan(data)).sum(axis=0) > 1]
    values = pairable[~np.isnan(pairable)]
    if values.size == 0 or np.unique(values).size < 2:
        return None
    level = cast(Literal["nominal", "ordinal", "interval", "ratio"], metric)
    return float(krippendorff.alpha(reliability_data=pairable, level_of_measurement=level, value_domain=domain))


def pairable_count(data: np.ndarray) -> int:
    """Values in units that at least two coders coded: the values alpha rests on."""
    counts = (~np.isnan(data)).sum(axis=0)
    return int(counts[counts > 1].sum())


def percent_agreement(data: np.ndarray) -> float | None:
    """The share of pairs of values within a unit that are equal; None where no pair exists."""
    equal = total = 0
    for unit in data.T:
        values = unit[~np.isnan(unit)]
        m = values.size
        if m > 1:
            total += m * (m - 1)
            equal += int((values[:, None] == values[None, :]).sum()) - m
    return equal / total if total else None


def measured(data: np.ndarray, metric: str, draws: np.ndarray, domain: Sequence[float] | None = None) -> Alpha:
    """Alpha with its bootstrap 95% interval (draws: resampled unit indices, one row per draw)."""
    point = alpha_of(data, metric, domain)
    low = high = None
    if point is not None and draws.size:
        boot = np.array([alpha_of(data[:, rows], metric, domain) for rows in draws], dtype=float)
        boot = boot[np.isfinite(boot)]
        if boot.size:
            low, high = float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))
    return Alpha(point, low, high, pairable_count(data), percent_agreement(data))


def domain_of(feature: Feature) -> list[float] | None:
    """The values a scale can take, where alpha's metric needs them (ordinal ranks, binary categories)."""
    if feature.scale.type == "ordinal" and feature.scale.levels:
        return [float(k) for k in sorted(feature.scale.levels)]
    return [0.0, 1.0] if feature.scale.type == "binary" else None


def stacked(rubric: Rubric, units: dict[str, dict[str, Case]], coders: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Coded numbers and statuses, coders x cases x features; a coder who did not code a case is unknown there."""
    shape = (len(coders), len(units), len(rubric.features))
    x, status = np.full(shape, np.nan), np.full(shape, UNKNOWN, dtype=np.int8)
    for k, coder in enumerate(coders):
        rows = [i for i, codings in enumerate(units.values()) if coder in codings]
        cases = [list(units.values())[i][coder] for i in rows]
        arrays = Codings.collect(rubric, cases)
        x[k, rows], status[k, rows] = arrays.x, arrays.status
    return np.where(status == CODED, x, np.nan), status


def agreement(rubric: Rubric, cases: Sequence[Case], seed: int = 0, bootstrap: int = 1000) -> Agreement:
    """Agreement among the independent codings of the cases (all scored with this rubric)."""
    units = independent(cases)
    coders = sorted({c for codings in units.values() for c in codings})
    x, status = stacked(rubric, units, coders)
    draws = np.random.default_rng(seed).integers(0, len(units), size=(bootstrap, len(units)))
    result = Agreement(rubric, coders, list(units), overall_alpha(rubric, x, draws))
    for j, feature in enumerate(rubric.features):
        metric = METRICS[feature.scale.type]
        alpha = measured(x[:, :, j], metric, draws, domain_of(feature))
        split = ((status[:, :, j] == NA).any(axis=0) & (status[:, :, j] == CODED).any(axis=0)).sum()
        result.features.append(FeatureAgreement(feature.id, metric, alpha, int(split)))
    result.disagreements = disagreements(rubric, units)
    return result


def overall_alpha(rubric: Rubric, x: np.ndarray, draws: np.ndarray) -> Alpha:
    """Interval alpha on the normalised values of every feature, resampling cases with all their features."""
    v = np.stack([normalize(f.scale, x[:, :, j]) for j, f in enumerate(rubric.features)], axis=2)
    n_features = len(rubric.features)
    flat = v.reshape(v.shape[0], -1)  # units are (case, feature), case-major
    cells = (draws[:, :, None] * n_features + np.arange(n_features)).reshape(len(draws), draws.shape[1] * n_features)
    return measured(flat, "interval", cells)


def _shown(coding: Coding) -> object:
    """A coding's value as a comparable key: the number or word as written (true and 1 alike)."""
    return coding.value if isinstance(coding.value, str) else float(coding.value)


def disagreements(rubric: Rubric, units: dict[str, dict[str, Case]]) -> list[Disagreement]:
    """Every case and feature whose coders' known codings differ, largest move of the score first.

    The points a disagreement moves: the case scored with each coder's coding of that feature and the
    other features as the first coder (alphabetically) coded them; the largest score minus the smallest.
    """
    found: list[Disagreement] = []
    variants: list[Case] = []
    for case_id, codings in units.items():
        first = codings[min(codings)]
        for feature in rubric.features:
            held = {coder: case.coding(feature.id) for coder, case in sorted(codings.items())}
            known = {_shown(c) for c in held.values() if c.status != "unknown"}
            if len(known) < 2:
                continue
            kind = "applicability" if "n/a" in known else "value"
            found.append(Disagreement(case_id, feature.id, kind, held, None))
            variants += [_with(first, feature.id, c, len(variants) + k) for k, c in enumerate(held.values())]
    scores = score_codings(Codings.collect(rubric, variants)).score if variants else np.array([])
    start, moved = 0, []
    for item in found:
        part = scores[start : start + len(item.codings)]
        start += len(item.codings)
        points = None if np.isnan(part).any() else float(part.max() - part.min())
        moved.append(Disagreement(item.case, item.feature, item.kind, item.codings, points))
    return sorted(moved, key=lambda d: (-(d.points if d.points is not None else np.inf), d.case, d.feature))


def _with(case: Case, feature_id: str, coding: Coding, row: int) -> Case:
    """The case with one feature's coding replaced (and a unique id, for scoring side by side)."""
    return case.model_copy(update={"id": f"variant-{row}", "codings": {**case.codings, feature_id: coding}})
