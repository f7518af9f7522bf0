"""Benchmark `signalscore sensitivity` against a bare numpy Monte Carlo of the same size; run by hand.

python benchmarks/bench_sensitivity.py                          # 10,000 draws x 1,000 cases x 12 features
python benchmarks/bench_sensitivity.py --draws 2000 --cases 200 # a quicker run

Both sides simulate the same draws x cases x features (weights drawn per draw, every coding
perturbed per draw) and end with the mean and the 5/50/95th percentiles of every case.
The bare side is the least such a Monte Carlo can do, written as numpy usually is: flat
renormalised weights, additive noise, one einsum per chunk. signalscore adds hierarchical
renormalisation, per-scale coding rules, unknowns drawn over their scale, rank probabilities
and the pairwise table. Target: signalscore within 1.5x of the bare side, in the same run.
The bare side tuned by hand (buffers reused, every step in place) is timed too, and the
ratio to it reported as a stricter reference.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from signalscore.case import Case
from signalscore.frame import codings_frame
from signalscore.rubric import Rubric
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.montecarlo import PERCENTILES, Settings, chunk_size, monte_carlo

TARGET = 1.5
SCALES: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("ordinal", {"type": "ordinal", "levels": {0: "none", 1: "some", 2: "clear", 3: "full"}}, "words"),
    ("ordinal3", {"type": "ordinal", "levels": {0: "none", 1: "some", 2: "clear"}}, "words"),
    ("binary", {"type": "binary"}, "words"),
    ("thresholds", {"type": "count", "thresholds": [1, 2, 4]}, "words"),
    ("cap", {"type": "count", "cap": 6}, "deeds"),
    ("continuous", {"type": "continuous", "min": -10, "max": 30}, "deeds"),
)


def rubric(features: int = 12) -> Rubric:
    """A rubric with three dimensions and every scale type, features cycling through them."""
    dims = [{"id": d, "label": d, "weight": w} for d, w in (("words", 1), ("deeds", 2), ("costs", 3))]
    feats = [
        {
            "id": f"f{i:02d}",
            "label": f"feature {i}",
            "dimension": "costs" if i % 4 == 3 else SCALES[i % len(SCALES)][2],
            "weight": 1 + i % 3,
            "direction": "negative" if i % 5 == 4 else "positive",
            "scale": SCALES[i % len(SCALES)][1],
        }
        for i in range(features)
    ]
    return Rubric.model_validate(
        {"id": "bench", "version": "1", "title": "bench", "dimensions": dims, "features": feats}
    )


def _value(rng: random.Random, scale: dict[str, Any]) -> object:
    roll = rng.random()
    if roll < 0.05:
        return "n/a"
    if roll < 0.12:
        return "unknown"
    kind = scale["type"]
    if kind == "ordinal":
        return rng.choice(sorted(scale["levels"]))
    if kind == "binary":
        return rng.random() < 0.5
    return rng.randint(0, 8) if kind == "count" else round(rng.uniform(-15, 35), 1)


def cases(r: Rubric, n: int, seed: int = 0) -> list[Case]:
    """n cases with every status and confidence, deterministic per seed."""
    rng = random.Random(seed)
    return [
        Case.model_validate(
            {
                "id": f"case-{i:05d}",
                "rubric": r.id,
                "title": f"case {i}",
                "sender": "A",
                "recipient": "B",
                "codings": {
                    f.id: {
                        "value": _value(rng, f.scale.model_dump()),
                        "confidence": rng.choice(("high", "medium", "low")),
                    }
                    for f in r.features
                },
            }
        )
        for i in range(n)
    ]


def case_set(n_cases: int, n_features: int) -> CaseSet:
    """The benchmark's cases as engine arrays, only those with a score, best first."""
    r = rubric(n_features)
    return CaseSet.of(r, codings_frame(r, cases(r, n_cases))).ranked()


def bare_monte_carlo(signal: np.ndarray, weights: np.ndarray, draws: int, spread: float, seed: int) -> np.ndarray:
    """The baseline as numpy is usually written: flat renormalised weights, additive signal noise, chunked."""
    rng = np.random.default_rng(seed)
    n, f = signal.shape
    out = np.empty((draws, n))
    step = chunk_size(n, f)
    for start in range(0, draws, step):
        c = min(step, draws - start)
        w = weights * rng.uniform(1 - spread, 1 + spread, (c, f))
        w /= w.sum(axis=1, keepdims=True)
        noisy = np.clip(signal + 0.25 * (rng.random((c, n, f)) - 0.5), 0.0, 1.0)
        out[start : start + c] = np.einsum("dnf,df->dn", noisy, w)
    return np.vstack([out.mean(axis=0), np.percentile(out, PERCENTILES, axis=0)])


def bare_in_place(signal: np.ndarray, weights: np.ndarray, draws: int, spread: float, seed: int) -> np.ndarray:
    """The same baseline tuned: one noise buffer reused, every step in place, a matmul per draw chunk."""
    rng = np.random.default_rng(seed)
    n, f = signal.shape
    out = np.empty((draws, n))
    step = chunk_size(n, f)
    noise = np.empty((step, n, f))
    for start in range(0, draws, step):
        c = min(step, draws - start)
        w = weights * rng.uniform(1 - spread, 1 + spread, (c, f))
        w /= w.sum(axis=1, keepdims=True)
        buf = rng.random(out=noise[:c])
        buf -= 0.5
        buf *= 0.25
        buf += signal
        np.clip(buf, 0.0, 1.0, out=buf)
        out[start : start + c] = np.matmul(buf, w[:, :, None])[..., 0]
    return np.vstack([out.mean(axis=0), np.percentile(out, PERCENTILES, axis=0, overwrite_input=True)])


def signalscore_monte_carlo(cs: CaseSet, draws: int, spread: float, seed: int) -> np.ndarray:
    """signalscore's simulation and its summary (percentiles, rank counts, pairwise table), as `analyze` runs them."""
    summary = monte_carlo(cs, Settings(draws=draws, seed=seed, spread=spread), 20)
    return np.vstack([summary.mean, summary.percentiles])


def fastest(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best wall time of each action over `repeat` interleaved rounds, after one warm-up round.

    Interleaving and the minimum (as timeit advises) keep a busy machine from favouring one side.
    """
    best = dict.fromkeys(actions, float("inf"))
    for round_ in range(repeat + 1):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            if round_:
                best[name] = min(best[name], time.perf_counter() - start)
    return best


def measure(draws: int, n_cases: int, n_features: int, repeat: int) -> dict[str, Any]:
    """Both sides at one size; the ratio and whether it meets the target."""
    cs = case_set(n_cases, n_features)
    signal, weights = np.nan_to_num(cs.matrices.signal), cs.weights.feature
    times = fastest(
        {
            "bare_numpy_s": lambda: bare_monte_carlo(signal, weights, draws, 0.5, 0),
            "bare_numpy_in_place_s": lambda: bare_in_place(signal, weights, draws, 0.5, 0),
            "signalscore_s": lambda: signalscore_monte_carlo(cs, draws, 0.5, 0),
        },
        repeat,
    )
    ratio = times["signalscore_s"] / times["bare_numpy_s"]
    return {
        "draws": draws,
        "cases": len(cs.ids),
        "features": n_features,
        **{k: round(v, 3) for k, v in times.items()},
        "ratio": round(ratio, 2),
        "ratio_to_in_place": round(times["signalscore_s"] / times["bare_numpy_in_place_s"], 2),
        "target": f"<= {TARGET}x",
        "verdict": "pass" if ratio <= TARGET else "FAIL",
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure and print one JSON line; exit 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--features", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    result = measure(args.draws, args.cases, args.features, args.repeat)
    print(json.dumps(result))
    return 0 if result["verdict"] == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
