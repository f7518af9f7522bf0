"""How each command's work after loading grows with the number of cases (and diff's with features).

python benchmarks/growth.py                  # 1k, 4k, 16k cases; medians of 3 runs (CPU time)
python benchmarks/growth.py --sizes 1000,2000

Corpora are built in memory (copies of 1,000 distinct synthetic cases under new ids and periods), each
command runs in-process from a fresh corpus (so collecting the arrays counts), and the growth exponent
is the slope of log(time) against log(size) between the smallest and largest size (1 is linear).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import statistics
import time
from collections.abc import Callable

from bench_engine import corpus as engine_corpus

from signalscore.api import score
from signalscore.case import Case, coding_issues
from signalscore.compare import compare_all
from signalscore.loader import Corpus
from signalscore.render import render_compare, render_explain, render_scores
from signalscore.report import build_report
from signalscore.rescore import render_diff, rescore
from signalscore.rubric import Rubric
from signalscore.rubric_diff import rubric_changes


def dated(n: int) -> Corpus:
    """n cases with distinct periods (compare orders by period)."""
    loaded = engine_corpus(n)
    start = dt.date(1900, 1, 1)
    cases = [
        c.model_copy(update={"period": c.period and c.period.model_copy(update={"start": start + dt.timedelta(i)})})
        for i, c in enumerate(loaded.cases)
    ]
    return dataclasses.replace(loaded, cases=cases)


def commands(loaded: Corpus) -> dict[str, Callable[[], object]]:
    """Each command's work after loading, on a fresh copy of the corpus."""

    def fresh() -> Corpus:
        return dataclasses.replace(loaded)

    def report() -> object:
        c = fresh()
        s = score(c)
        return build_report(c, s, compare_all(s, c.rubrics), "html")

    one = loaded.cases[len(loaded.cases) // 2]
    rubric = next(iter(loaded.rubrics.values()))
    return {
        "score table": lambda: render_scores(score(fresh()), loaded.rubrics, "table", width=120),
        "score -f json": lambda: render_scores(score(fresh()), loaded.rubrics, "json"),
        "compare table": lambda: render_compare(compare_all(score(fresh()), loaded.rubrics), "table", width=120),
        "compare -f json": lambda: render_compare(compare_all(score(fresh()), loaded.rubrics), "json"),
        "report html": report,
        "explain ONE": lambda: render_explain(score(fresh()), rubric, one, "table", width=120),
    }


def wide(n_features: int) -> tuple[Rubric, Rubric, list[Case]]:
    """A rubric of n binary features, a version with other weights, and 5 cases coding every feature."""
    features = [
        {"id": f"f{i}", "label": f"F{i}", "weight": 1 + i % 3, "scale": {"type": "binary"}} for i in range(n_features)
    ]
    old = Rubric.model_validate({"id": "w", "version": "1", "title": "W", "features": features})
    new = Rubric.model_validate(
        {"id": "w", "version": "2", "title": "W", "features": [{**f, "weight": 2} for f in features]}
    )
    cases = [
        Case.model_validate(
            {
                "id": f"c{k}",
                "rubric": "w",
                "title": "C",
                "sender": "S",
                "recipient": "R",
                "codings": {f"f{i}": (i + k) % 2 == 0 for i in range(n_features)},
            }
        )
        for k in range(5)
    ]
    return old, new, cases


def wide_commands(old: Rubric, new: Rubric, cases: list[Case]) -> dict[str, Callable[[], object]]:
    """diff of two versions of a wide rubric, and checking one case's codings against it."""
    return {
        "diff (features; 5 cases)": lambda: render_diff(
            rubric_changes(old, new), rescore(cases, old, new), old, new, "table", 1
        ),
        "check one case (features)": lambda: coding_issues(cases[0], old),
    }


def cpu(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,4000,16000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[str, list[float]] = {}
    for n in sizes:
        for name, action in commands(dated(n)).items():
            table.setdefault(name, []).append(cpu(action, args.repeat))
        for name, action in wide_commands(*wide(n)).items():
            table.setdefault(name, []).append(cpu(action, args.repeat))
    print(f"{'command':32s}" + "".join(f"{n:>10,}" for n in sizes) + "   exponent")
    for name, times in table.items():
        slope = math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0])
        print(f"{name:32s}" + "".join(f"{t:9.3f}s" for t in times) + f"   {slope:8.2f}")


if __name__ == "__main__":
    main()
