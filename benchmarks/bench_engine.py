"""The columnar engine against numpy and the MCDM peers at 100,000 cases; run by hand, not in CI.

python benchmarks/bench_engine.py                # 100,000 cases x 12 features, medians of 5 runs
python benchmarks/bench_engine.py --cases 20000  # a quicker run
pip install -e ".[bench]"                        # brings scikit-criteria and pymcdm to compare with

Cases are built in memory (1,000 distinct synthetic cases, copied under new ids), so no files are parsed:
this measures collecting the codings into arrays, the engine, and the notebook API's `score`. "Every output"
is what the issue lists: scores, bounds, coverage, ranks, dimension scores and contributions; the effective
weights, signals and normalised values are built when first asked for, timed on their own line.

Every action runs with one BLAS thread (threadpoolctl, installed with scikit-criteria): after a product,
OpenBLAS's idle threads spin for a while, and CPU time, which counts every thread of the process, charged
that spinning (tens of milliseconds on 2 busy cores) to whichever action came after `X @ w`.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import synthetic
import yaml
from bench import pymcdm_wsm, skcriteria_wsm

from signalscore.api import score
from signalscore.case import Case
from signalscore.codings import Codings
from signalscore.engine import Matrices, Weights, base_weights, score_codings
from signalscore.loader import Corpus
from signalscore.rubric import Rubric
from signalscore.scores import Scored


def corpus(n_cases: int) -> Corpus:
    """The synthetic rubric and n cases, validated in memory."""
    rubric = Rubric.model_validate(yaml.load(synthetic.rubric_yaml(), Loader=yaml.CSafeLoader))
    distinct = [
        Case.model_validate(yaml.load(synthetic.case_yaml(i, 1)[0], Loader=yaml.CSafeLoader))
        for i in range(min(n_cases, 1000))
    ]
    cases = [distinct[i % len(distinct)].model_copy(update={"id": f"case-{i:06d}"}) for i in range(n_cases)]
    return Corpus(rubrics={rubric.id: rubric}, cases=cases, rubric_of={c.id: rubric.id for c in cases})


def medians(actions: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median CPU time of each action, the actions taking turns (one warm-up each) so that load on a
    shared machine falls on all of them alike; CPU time, as waiting for a busy core is not the code's."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    gc.collect()
    gc.freeze()  # the corpus's million objects are not garbage: no collection should walk them mid-run
    for turn in range(repeats + 1):
        for name, action in actions.items():
            start = time.process_time()
            action()
            if turn:
                times[name].append(time.process_time() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """BLAS limited to one thread, so that no idle BLAS thread spins on the clock of the next action."""
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return contextlib.nullcontext()
    limits: contextlib.AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


def _parts(scored: Scored) -> object:
    """The case-by-feature arrays that scoring builds only when asked for (explain, JSON, the feature frame)."""
    return scored.weight, scored.signal, scored.normalized


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    loaded = corpus(args.cases)
    loaded.collect()  # as signalscore.loader.load does once the cases are validated
    rubric = next(iter(loaded.rubrics.values()))
    codings = loaded.collected[rubric.id]
    x = np.ascontiguousarray(np.nan_to_num(Matrices.of_codings(codings).signal))
    w = base_weights(Weights.of(rubric))
    actions: dict[str, Callable[[], Any]] = {
        "numpy X @ w": lambda: x @ w,
        "engine.score_codings (every output)": lambda: score_codings(codings),
        "  + weights, signals, normalised values": lambda: _parts(score_codings(codings)),
        "Codings.collect (part of loading)": lambda: Codings.collect(rubric, loaded.cases),
        "api.score from a loaded corpus": lambda: score(loaded),
    }
    for name, run in {"pymcdm": pymcdm_wsm(), "scikit-criteria": skcriteria_wsm()}.items():
        if not isinstance(run, str):
            actions[f"{name} WSM + rank"] = lambda run=run: run(x, w)
    with one_blas_thread():
        t = medians(actions, args.repeat)
    engine = t["engine.score_codings (every output)"]
    print(f"{args.cases:,} cases x {len(rubric.features)} features, medians of {args.repeat} runs (CPU time)")
    for name, seconds in t.items():
        print(f"  {name:42s} {seconds * 1000:9.1f} ms   {seconds / engine:6.2f} x engine")


if __name__ == "__main__":
    main()
