"""Sobol indices of one pair's score difference with respect to the raw weights (SALib)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from signalscore.engine import Weights, effective_weights, weighted_score
from signalscore.penalty import drawn_fraction
from signalscore.sensitivity.breakeven import Target, targets
from signalscore.sensitivity.cases import CaseSet

# A difference whose spread over the sample is below this share of the scale does not move.
STABLE = 1e-12
CONF_LEVEL = 0.95
RESAMPLES = 100


@dataclass(frozen=True)
class SobolResult:
    """First- and total-order indices (with half-widths of 95% intervals) per weight, or stable."""

    above: str
    below: str
    samples: int
    targets: list[Target]
    stable: bool
    s1: np.ndarray
    s1_conf: np.ndarray
    st: np.ndarray
    st_conf: np.ndarray


def difference(cases: CaseSet, pair: tuple[int, int], raw: np.ndarray) -> np.ndarray:
    """score(first) - score(second) for each row of raw weights (features, then dimensions if varied)."""
    w = cases.weights
    n_features = w.feature.size
    dims = (
        raw[:, n_features:] if raw.shape[1] > n_features else np.broadcast_to(w.dimension, (len(raw), w.dimension.size))
    )
    drawn = Weights(feature=raw[:, :n_features], dimension=dims, member=w.member)
    active, signal = cases.active()
    rows = list(pair)
    if cases.rubric.has_penalties:
        drawn_signal = np.broadcast_to(signal[rows], (len(raw), *signal[rows].shape))
        fraction = drawn_fraction(w, cases.penalty, active[rows], drawn_signal, drawn.feature, drawn.dimension)
        scores = cases.low + cases.span * fraction
    else:
        scores = weighted_score(effective_weights(drawn, active[rows]), signal[rows], cases.span, cases.low)
    diff: np.ndarray = scores[:, 0] - scores[:, 1]
    return diff


def problem(cases: CaseSet, spread: float) -> dict[str, Any]:
    """SALib's problem: every weight that can matter, each within [w(1-F), w(1+F)]."""
    ts, w = targets(cases.rubric), cases.weights
    nominal = [w.feature[t.index] if t.kind == "feature" else w.dimension[t.index] for t in ts]
    return {
        "num_vars": len(ts),
        "names": [f"{t.kind}.{t.id}" for t in ts],
        "bounds": [[v * (1 - spread), v * (1 + spread)] for v in nominal],
    }


def sobol_indices(cases: CaseSet, pair: tuple[int, int], spread: float, samples: int, seed: int) -> SobolResult:
    """Saltelli/Sobol sampling of the raw weights, renormalised inside the model; stable when nothing moves."""
    ts = targets(cases.rubric)
    zeros = np.zeros(len(ts))
    stable = SobolResult(cases.ids[pair[0]], cases.ids[pair[1]], samples, ts, True, zeros, zeros, zeros, zeros)
    if spread == 0:
        return stable
    from SALib.analyze import sobol as analyze  # type: ignore[import-untyped]
    from SALib.sample import sobol as sample  # type: ignore[import-untyped]

    spec = problem(cases, spread)
    x = sample.sample(spec, samples, calc_second_order=False, scramble=True, seed=seed)
    y = difference(cases, pair, x)
    if np.ptp(y) <= STABLE * cases.span:
        return stable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # SALib treats seed 0 as "no seed": shift it so every seed reproduces.
        si = analyze.analyze(
            spec, y, calc_second_order=False, num_resamples=RESAMPLES, conf_level=CONF_LEVEL, seed=seed + 1
        )
    indices = (np.asarray(si[k]) for k in ("S1", "S1_conf", "ST", "ST_conf"))
    return SobolResult(stable.above, stable.below, samples, ts, False, *indices)
