"""Every command at the sizes users reach, as a user runs it: wall time, peak memory, growth exponents.

Each command runs as its own process on a synthetic corpus (benchmarks/synthetic.py), beside the floor
measured in the same run: a bare `yaml.CSafeLoader` parse of the same files, also in its own process.
Ratios are against that floor (or, where a target says so, against `score`); numbers vary between
machines, ratios much less. The commands run in rounds, each once a round; a verdict is the median over
the rounds of the command's time over its baseline's in the same round (paired, so that a slow spell of the
machine, which lasts minutes, falls on both sides of a ratio), shown with the range of those ratios and, from
six rounds, a 95% confidence interval for that median (distribution-free: the order statistics a sign test
gives); where the interval holds the limit, the verdict says that the run cannot tell the two apart. Run by
hand, not in CI:

python benchmarks/bench_commands.py                       # 1k, 10k and 50k cases
python benchmarks/bench_commands.py --sizes 1k,4k --repeats 1
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import synthetic
from bench import workdir

FLOOR = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
CACHE_DIR = ".signalscore-cache"
# name -> (arguments after `signalscore`, environment additions, whether the cache is cleared first)
COMMANDS: dict[str, tuple[list[str], dict[str, str], bool]] = {
    "validate": (["validate", "rubrics", "{cases}"], {}, True),
    "score": (["score", "{cases}"], {}, True),
    "score -f csv": (["score", "{cases}", "-f", "csv"], {}, True),
    "score -f json": (["score", "{cases}", "-f", "json"], {}, True),
    "score (one process)": (["score", "{cases}"], {"SIGNALSCORE_JOBS": "1"}, True),
    "score (cached)": (["score", "{cases}"], {}, False),
    "score --no-cache": (["score", "{cases}", "--no-cache"], {}, True),
    "compare": (["compare", "{cases}"], {}, True),
    "compare -f json": (["compare", "{cases}", "-f", "json"], {}, True),
    "explain ONE": (["explain", "case-000000", "{cases}"], {}, True),
    "diff": (["diff", "rubrics/bench-signals.yaml", "rubrics-new/bench-signals.yaml", "{cases}"], {}, True),
    "report -o html": (["report", "{cases}", "-o", "{out}/report.html"], {}, True),
    "sensitivity": (["sensitivity", "{cases}"], {}, True),
}
# name -> (baseline, the largest ratio the issue allows); "floor" is the bare parse.
TARGETS: dict[str, tuple[str, float]] = {
    "score": ("floor", 1.5),  # the first run, parsing on every core (issue: below 1.5x the one-process parse)
    "score (one process)": ("floor", 2.5),
    "score -f csv": ("floor", 2.5),
    "score -f json": ("floor", 2.5),
    "validate": ("score", 1.0),
    "compare": ("score", 1.5),
    "compare -f json": ("score", 1.5),
    "report -o html": ("score", 3.0),
    "explain ONE": ("score", 1.0),
    "score (cached)": ("floor", 0.2),
}
GROWTH_LIMIT = 1.1
TARGET_SIZE = 10_000  # the targets are ratios at this many cases


@dataclass
class Run:
    """The median wall time and the largest peak memory of one command at one size."""

    seconds: float
    peak_mb: float
    code: int


@dataclass
class Results:
    sizes: list[int]
    runs: dict[str, dict[int, Run]] = field(default_factory=dict)  # the medians
    rounds: dict[str, dict[int, list[Run]]] = field(default_factory=dict)  # every run, by round

    def add(self, name: str, n: int, runs: list[Run]) -> None:
        self.runs.setdefault(name, {})[n] = median(runs)
        self.rounds.setdefault(name, {})[n] = runs

    def paired(self, name: str, base: str, n: int) -> list[float]:
        """The command's time over its baseline's in each round: runs of one round share the machine's state."""
        return [a.seconds / b.seconds for a, b in zip(self.rounds[name][n], self.rounds[base][n], strict=True)]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cli() -> list[str]:
    script = Path(sys.executable).parent / "signalscore"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "signalscore"]


def measure(command: Sequence[str], cwd: Path, env: dict[str, str]) -> Run:
    """Wall time and peak resident memory (os.wait4's ru_maxrss) of one process; output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode)


def median(runs: Sequence[Run]) -> Run:
    """The median time, the largest peak memory and the worst exit status of a command's runs."""
    return Run(
        statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs), max((r.code for r in runs), key=abs)
    )


def new_rubric(root: Path) -> None:
    """A revised rubric for `diff`: one weight doubled."""
    target = root / "rubrics-new" / "bench-signals.yaml"
    target.parent.mkdir(exist_ok=True)
    text = synthetic.rubric_yaml()
    target.write_text(text.replace("weight: 3", "weight: 6", 1), encoding="utf-8")


def bench_size(root: Path, n: int, repeats: int, chosen: list[str], results: Results, out: Path) -> None:
    """Every chosen command and the floor, in rounds: each round runs each once, so that a slow spell of the
    machine (a busy disk, another process) falls on every command alike rather than on one command's runs, and
    each round starts one command later than the one before, so that no command always follows the same one."""
    corpus = synthetic.write_corpus(root, n, seed=1)
    new_rubric(root)
    cases = corpus.cases_dir.name
    plan = {"floor": ([sys.executable, "-c", FLOOR, cases], {}, True)}
    for name in chosen:
        args, env, fresh = COMMANDS[name]
        plan[name] = ([*cli(), *(a.format(cases=cases, out=out) for a in args)], env, fresh)
    runs: dict[str, list[Run]] = {name: [] for name in plan}
    names = list(plan)
    for turn in range(1, repeats + 1):
        shift = (turn - 1) % len(names)  # each round starts one command later: no command always runs after another
        for name in names[shift:] + names[:shift]:
            command, env, fresh = plan[name]
            say(f"{n:,} cases, round {turn} of {repeats}: {name}")
            if fresh:
                shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
            else:  # warm the cache (a command before may have cleared it), then time the warm run
                measure(command, root, env)
            runs[name].append(measure(command, root, env))
    for name, done in runs.items():
        results.add(name, n, done)


def growth(runs: dict[int, Run]) -> float | None:
    """Least-squares slope of log time on log size: 1 is linear, 2 quadratic."""
    points = [(math.log(n), math.log(r.seconds)) for n, r in sorted(runs.items()) if r.seconds > 0]
    if len(points) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den


def median_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float] | None:
    """A distribution-free confidence interval for the median: the k-th smallest and k-th largest values, k the
    largest with P(Binomial(n, 1/2) < k) <= (1 - level) / 2; None if too few values for any such k."""
    assert 0 < level < 1
    ordered, n = sorted(values), len(values)
    tail, k, below = (1 - level) / 2, 0, 0.0
    while below + math.comb(n, k) / 2**n <= tail:
        below += math.comb(n, k) / 2**n
        k += 1
    return (ordered[k - 1], ordered[n - k]) if k >= 1 else None


def verdict(results: Results, name: str, n: int) -> str:
    """The median of the command's paired ratios to its baseline (see Results.paired), judged against the
    target, with their range when there are several rounds and the median's 95% interval when there are
    enough of them (where the interval holds the limit, the run cannot tell the command from its limit)."""
    if name not in TARGETS:
        return ""
    base, limit = TARGETS[name]
    ratios = results.paired(name, base, n)
    ratio = statistics.median(ratios)
    spread = f", rounds {min(ratios):.2f}-{max(ratios):.2f}" if len(ratios) > 1 else ""
    interval = median_interval(ratios)
    if interval is not None:
        low, high = interval
        spread += f", 95% CI {low:.2f}-{high:.2f}" + (": within noise of the limit" if low <= limit < high else "")
    return f"{ratio:.2f}x {base} ({'met' if ratio <= limit else 'MISSED'} <= {limit:g}x{spread})"


def cell(run: Run) -> str:
    """Seconds and peak memory; a non-zero exit status is shown, since its time means little."""
    failed = "" if run.code == 0 else f" (exit {run.code})"
    return f"{run.seconds:.2f} s, {run.peak_mb:,.0f} MB{failed}"


def table(results: Results) -> str:
    """Every command's runs at each size (median time, largest peak memory); the verdicts at 10,000 cases (where
    the issue sets its targets) and at the largest size; the growth exponent."""
    judged = list(dict.fromkeys([*(n for n in results.sizes if n == TARGET_SIZE), results.sizes[-1]]))
    head = ["command", *(f"{n:,} cases" for n in results.sizes)]
    head += [f"vs target at {n:,}" for n in judged] + ["growth"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, runs in results.runs.items():
        cells = [name, *(cell(runs[n]) for n in results.sizes)]
        cells += [verdict(results, name, n) for n in judged]
        slope = growth(runs)
        cells.append("" if slope is None else f"{slope:.2f}" + ("" if slope <= GROWTH_LIMIT else " (over 1.1)"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def sizes(text: str) -> list[int]:
    return [
        int(float(part.lower().replace("k", "")) * (1000 if "k" in part.lower() else 1)) for part in text.split(",")
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=sizes, default=[1_000, 10_000, 50_000])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (the median is shown)")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated names from the table")
    parser.add_argument("--workdir", type=Path, help="keep the corpora here (reused between runs)")
    args = parser.parse_args(argv)
    chosen = [c.strip() for c in args.commands.split(",")]
    if unknown := set(chosen) - set(COMMANDS):
        parser.error(f"unknown commands: {', '.join(sorted(unknown))}")
    results = Results(args.sizes)
    with workdir(args.workdir) as root, tempfile.TemporaryDirectory() as out:
        for n in args.sizes:
            bench_size(root, n, args.repeats if n < 50_000 else 1, chosen, results, Path(out))
    print(f"signalscore commands: wall-time medians, {os.cpu_count()} CPUs, {sys.version.split()[0]}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
