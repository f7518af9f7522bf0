"""Benchmark signalscore against a bare YAML parse, bare numpy and MCDM peers; run by hand, not in CI.

python benchmarks/bench.py                      # 1k, 10k and 100k synthetic cases
python benchmarks/bench.py --sizes 1k,10k       # a quicker run
pip install -e ".[bench]"                       # brings scikit-criteria and pymcdm to compare with
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import synthetic

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("load", "engine", "startup")
LOAD_TARGET = 2.0  # load + validate within 2x a bare C-parser parse
ENGINE_TARGET_N = 100_000  # the engine must beat both peers at this size
BASELINE_IMPORTS = "import pydantic, typer, yaml"  # the yardstick for start-up
STARTUP_TARGET = 1.5  # `signalscore validate` on the bundled files within 1.5x the baseline imports
STARTUP_REPEATS = 15  # start-up times are short and the machine shared: more repeats than other measures
# What `validate` and `--help` must not import: the data libraries, the terminal styling typer would use,
# the engine (tests/test_cli.py checks the same list).
HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "tabulate",
    "rich",
    "signalscore.engine",
    "signalscore.frame",
)
PEER_HINT = 'not installed: pip install -e ".[bench]"'


@dataclass
class Row:
    """One measured median, optionally against a baseline measured in the same run."""

    section: str
    measure: str
    n: int | None
    seconds: float
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    verdict: str = ""


def say(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children: steadier than wall time on a busy machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": cpu_seconds}
clock = CLOCKS["wall"]


def medians(actions: dict[str, Callable[[], object]], repeats: int, warmup: int = 1) -> dict[str, float]:
    """Median wall time of each action; repeats are interleaved so drift hits every action alike."""
    for _ in range(warmup):
        for action in actions.values():
            action()
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeats):
        for name, action in actions.items():
            gc.collect()
            start = clock()
            action()
            times[name].append(clock() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def bind(function: Callable[..., object], *args: Any) -> Callable[[], object]:
    """A call with its arguments fixed, to time it."""
    return lambda: function(*args)


def versus(row: Row, name: str, seconds: float, limit: float | None = None, strict: bool = False) -> Row:
    """The row with its ratio to a baseline, and a verdict when there is a target."""
    row.baseline, row.ratio = name, row.seconds / seconds
    if limit is not None:
        row.target = f"{'<' if strict else '≤'} {limit:g}x"
        ok = row.ratio < limit if strict else row.ratio <= limit
        row.verdict = "PASS" if ok else "MISS"
    return row


# ---- (a) load + validate ---------------------------------------------------------------------------------------


def bare_parse(corpus: synthetic.Corpus) -> Callable[[], object]:
    """Find, read and parse the same files with yaml.CSafeLoader, and nothing else."""
    import yaml

    def run() -> list[Any]:
        files = sorted(corpus.rubrics_dir.rglob("*.yaml")) + sorted(corpus.cases_dir.rglob("*.yaml"))
        return [yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) for path in files]

    return run


def bench_load(corpus: synthetic.Corpus, repeats: int) -> tuple[list[Row], Any]:
    """signalscore.loader.load against a bare parse of the same files."""
    from signalscore.loader import load

    kept: list[Any] = []

    def run_load() -> None:
        kept[:] = [load([corpus.cases_dir], rubrics_dir=corpus.rubrics_dir)]

    bare = bare_parse(corpus)
    bare()  # warm the page cache without paying a full load as warm-up
    t = medians({"load": run_load, "bare": bare}, repeats, warmup=0)
    n = corpus.n_cases
    rows = [
        versus(Row("a load", "loader.load (parse + validate)", n, t["load"]), "CSafeLoader", t["bare"], LOAD_TARGET),
        Row("a load", "yaml.load, CSafeLoader", n, t["bare"]),
    ]
    return rows, kept[0]


# ---- (b) engine ------------------------------------------------------------------------------------------------


def prepared(loaded: Any) -> tuple[Any, Any, Any, Any, Any]:
    """The rubric, codings and cases frames, and the signal matrix and base weights the peers get."""
    import numpy as np

    from signalscore.engine import Matrices, Weights, base_weights
    from signalscore.frame import cases_frame, codings_frame

    rubric = next(iter(loaded.rubrics.values()))
    codings, cases = codings_frame(rubric, loaded.cases), cases_frame(rubric, loaded.cases)
    signal = np.ascontiguousarray(np.nan_to_num(Matrices.of(rubric, codings).signal))
    return rubric, codings, cases, signal, base_weights(Weights.of(rubric))


def skcriteria_wsm() -> Callable[[Any, Any], Any] | str:
    """scikit-criteria's weighted sum model with ranking (its documented use), or why it is unavailable."""
    try:
        import skcriteria as skc  # type: ignore[import-untyped]
        from skcriteria.agg.simple import WeightedSumModel  # type: ignore[import-untyped]
    except ImportError:
        return PEER_HINT
    model = WeightedSumModel()

    def run(x: Any, w: Any) -> Any:
        result = model.evaluate(skc.mkdm(x, ["max"] * x.shape[1], weights=w))
        return result.e_.score, result.rank_

    return run


def pymcdm_wsm() -> Callable[[Any, Any], Any] | str:
    """pymcdm's WSM with ranking, identity normalisation (signals are already in [0, 1] and oriented)."""
    try:
        import numpy as np
        from pymcdm.methods import WSM  # type: ignore[import-untyped]
    except ImportError:
        return PEER_HINT
    model = WSM(normalization_function=lambda x, cost: x)

    def run(x: Any, w: Any) -> Any:
        # Input checks off: they loop over rows in Python, and timing them would flatter signalscore.
        preference = model(x, w, np.ones(x.shape[1]), validation=False)
        return preference, model.rank(preference)

    return run


def cross_check(peers: dict[str, Callable[[Any, Any], Any]], x: Any, w: Any) -> str:
    """Every peer must compute the same weighted sums as X @ w, or the comparison means nothing."""
    import numpy as np

    if not peers:
        return "no peer installed to cross-check against X @ w"
    worst = max(float(np.max(np.abs(np.asarray(run(x, w)[0]) - x @ w))) for run in peers.values())
    verdict = "agree" if worst < 1e-9 else "DISAGREE"
    return f"{', '.join(peers)} {verdict} with X @ w on {len(x)} cases (max |difference| {worst:.1e})"


def bench_engine(loaded: Any, repeats: int) -> tuple[list[Row], list[str]]:
    """api.score and engine.score_rubric against X @ w and the peers' weighted sum models."""
    from signalscore.api import score
    from signalscore.engine import score_rubric

    rubric, codings, cases, x, w = prepared(loaded)
    found = {"scikit-criteria": skcriteria_wsm(), "pymcdm": pymcdm_wsm()}
    peers = {name: run for name, run in found.items() if not isinstance(run, str)}
    notes = [f"{name}: {why}; skipped" for name, why in found.items() if isinstance(why, str)]
    notes.append(cross_check(peers, x, w))
    actions: dict[str, Callable[[], object]] = {
        "api.score": lambda: score(loaded),
        "score_rubric": lambda: score_rubric(rubric, codings, cases),
        "numpy": lambda: x @ w,
    }
    actions |= {name: bind(run, x, w) for name, run in peers.items()}
    t = medians(actions, repeats)
    return engine_rows(len(loaded.cases), t, list(peers)), notes


def engine_rows(n: int, t: dict[str, float], peers: list[str]) -> list[Row]:
    """api.score is held to the target at ENGINE_TARGET_N; engine-only time is shown for reference."""
    limit = 1.0 if n >= ENGINE_TARGET_N else None
    rows = [Row("b engine", f"{name} WSM + rank", n, t[name]) for name in peers]
    rows.append(Row("b engine", "numpy X @ w", n, t["numpy"]))
    for name in peers:
        rows.append(versus(Row("b engine", "api.score (every output)", n, t["api.score"]), name, t[name], limit, True))
        rows.append(versus(Row("b engine", "engine.score_rubric", n, t["score_rubric"]), name, t[name]))
    rows.append(versus(Row("b engine", "api.score (every output)", n, t["api.score"]), "numpy X @ w", t["numpy"]))
    rows.append(versus(Row("b engine", "engine.score_rubric", n, t["score_rubric"]), "numpy X @ w", t["numpy"]))
    return rows


# ---- (c) start-up ----------------------------------------------------------------------------------------------


def cli() -> list[str]:
    """The installed console script beside this interpreter, else `python -m signalscore`."""
    script = Path(sys.executable).parent / "signalscore"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "signalscore"]


def child_env() -> dict[str, str]:
    """The environment of a timed command: this one, less PYTHONDONTWRITEBYTECODE, so that signalscore's own
    modules start from bytecode as they do for a user (the libraries' bytecode came with their install)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_quietly(command: Sequence[str]) -> int:
    """Run a command in the repository root; its output is not part of the report."""
    return subprocess.run(
        command, cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ).returncode


def without_verdict(command: Sequence[str]) -> Callable[[], object]:
    """A validate run that cannot replay its last verdict (as after an edit): every unchanged file still cached."""

    def run() -> int:
        (ROOT / ".signalscore-cache" / "validate").unlink(missing_ok=True)
        return run_quietly(command)

    return run


PROBE = """
import json, sys
out, args, heavy = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
sys.argv = ["signalscore", *args]
code = 0
try:
    from signalscore.cli import main
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w") as handle:
    json.dump({"code": code, "imported": [m for m in heavy if m in sys.modules]}, handle)
"""


def probe(args: list[str]) -> dict[str, Any]:
    """Run the CLI in a fresh interpreter and report which heavy modules it imported."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "probe.json"
        run_quietly([sys.executable, "-c", PROBE, str(out), json.dumps(args), json.dumps(HEAVY)])
        result: dict[str, Any] = json.loads(out.read_text())
        return result


STARTUP = {  # name -> arguments after `signalscore`, all run in the repository root on the bundled files
    "validate": ["validate"],
    "validate (files cached, verdict not)": ["validate"],
    "validate --no-cache": ["validate", "--no-cache"],
    "--help": ["--help"],
    "score": ["score"],
}


def bench_startup(repeats: int) -> tuple[list[Row], list[str]]:
    """Wall time of CLI commands as a user types them, on the bundled files, against importing the libraries
    they rest on; each a fresh process, the repeats interleaved."""
    said = subprocess.run([*cli(), "validate"], cwd=ROOT, env=child_env(), capture_output=True, text=True)
    notes = [f"signalscore validate on the bundled files (run in {ROOT.name}/): {said.stderr.strip().splitlines()[-1]}"]
    codes = {name: run_quietly([*cli(), *args]) for name, args in STARTUP.items()}  # also writes bytecode, caches
    actions = {name: bind(run_quietly, [*cli(), *args]) for name, args in STARTUP.items()}
    actions["validate (files cached, verdict not)"] = without_verdict([*cli(), "validate"])
    actions["imports"] = lambda: run_quietly([sys.executable, "-c", BASELINE_IMPORTS])
    actions["python"] = lambda: run_quietly([sys.executable, "-c", "pass"])
    t = medians(actions, repeats)
    rows = [Row("c start-up", "python -c pass", None, t["python"])]
    rows.append(Row("c start-up", f'python -c "{BASELINE_IMPORTS}"', None, t["imports"]))
    for name in STARTUP:
        limit = STARTUP_TARGET if name == "validate" else None
        rows.append(versus(Row("c start-up", f"signalscore {name}", None, t[name]), "imports", t["imports"], limit))
    notes += [f"signalscore {name} exited {code} on the bundled files" for name, code in codes.items() if code]
    return rows, notes + import_checks()


def import_checks() -> list[str]:
    """PASS/FAIL lines: `--help` and `validate` import no heavy module."""
    lines = []
    for args in (["--help"], ["validate"], ["validate", "--no-cache"]):
        found = probe(args)
        verdict = "FAIL" if found["imported"] else "PASS"
        what = ", ".join(found["imported"]) or "none"
        lines.append(f"{verdict}: signalscore {' '.join(args)} imports no heavy module (exit {found['code']}; {what})")
    return lines


# ---- report ----------------------------------------------------------------------------------------------------


def duration(seconds: float) -> str:
    """Seconds in the unit that reads best."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(row: Row) -> str:
    """The ratio to the baseline, if any."""
    return "" if row.ratio is None else f"{row.ratio:.2f}x"


def table(rows: list[Row], fmt: str) -> str:
    """Medians, ratios, targets and verdicts as a table."""
    from tabulate import tabulate

    headers = ["section", "measure", "N", "median", "vs", "ratio", "target", "verdict"]
    body = [
        [
            r.section,
            r.measure,
            f"{r.n:,}" if r.n else "",
            duration(r.seconds),
            r.baseline,
            ratio(r),
            r.target,
            r.verdict,
        ]
        for r in rows
    ]
    return tabulate(body, headers, tablefmt="github" if fmt == "markdown" else "simple", disable_numparse=True)


def machine() -> str:
    """What ran the benchmark, for the reader of the figures."""
    import numpy as np
    import pandas as pd

    cpu = next((line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")), "unknown CPU")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{when}; {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )


def _cpuinfo() -> list[str]:
    with contextlib.suppress(OSError):
        return Path("/proc/cpuinfo").read_text().splitlines()
    return []


@contextlib.contextmanager
def workdir(given: Path | None) -> Iterator[Path]:
    """The folder for synthetic files: the one given (kept, reused), else a temporary one (removed)."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="signalscore-bench-") as folder:
        yield Path(folder)


def sizes(text: str) -> list[int]:
    """'1000,10k,1e5' -> [1000, 10000, 100000]."""
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        out.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(float(part)))
    if any(n < 1 for n in out):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return out


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes", type=sizes, default=[1_000, 10_000, 100_000], help="case counts (default: 1k,10k,100k)"
    )
    parser.add_argument("--sections", default=",".join(SECTIONS), help="any of load,engine,startup (default: all)")
    parser.add_argument("--seed", type=int, default=2022, help="seed of the synthetic cases (default 2022)")
    parser.add_argument("--repeats", type=int, default=7, help="repeats of fast measurements (default 7)")
    parser.add_argument(
        "--startup-repeats", type=int, default=STARTUP_REPEATS, help=f"repeats of start-up (default {STARTUP_REPEATS})"
    )
    parser.add_argument("--load-repeats", type=int, default=3, help="repeats of load and parse (default 3)")
    parser.add_argument(
        "--workdir", type=Path, help="keep synthetic files here and reuse them (default: a temp folder)"
    )
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="wall", help="wall: perf_counter (default); cpu")
    parser.add_argument("--format", choices=("table", "markdown"), default="table", help="report format")
    parser.add_argument("--json", type=Path, help="also write the raw rows to this JSON file")
    return parser.parse_args(argv)


def run_size(root: Path, n: int, args: argparse.Namespace, chosen: set[str]) -> tuple[list[Row], list[str]]:
    """Generate n cases, then measure load and the engine on them."""
    from signalscore.loader import load

    start = time.perf_counter()
    corpus = synthetic.write_corpus(root, n, args.seed)
    say(f"{n:,} cases ready in {corpus.cases_dir} ({time.perf_counter() - start:.1f} s)")
    share = f"{n:,} cases: {corpus.n_na / n:.2f} n/a and {corpus.n_unknown / n:.2f} unknown features per case"
    rows, notes = [], [share]
    if "load" in chosen:
        say(f"{n:,} cases: load vs bare parse, {args.load_repeats} repeats")
        found, loaded = bench_load(corpus, args.load_repeats)
        rows += found
    elif "engine" in chosen:
        loaded = load([corpus.cases_dir], rubrics_dir=corpus.rubrics_dir)
    if "engine" in chosen:
        say(f"{n:,} cases: engine vs numpy and peers, {args.repeats} repeats")
        found, more = bench_engine(loaded, args.repeats)
        rows, notes = rows + found, notes + more
    return rows, notes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections and print the report."""
    global clock
    args = arguments(argv)
    clock = CLOCKS[args.clock]
    chosen = {s.strip() for s in args.sections.split(",")}
    if unknown := chosen - set(SECTIONS):
        raise SystemExit(f"unknown sections: {', '.join(sorted(unknown))} (choose from {', '.join(SECTIONS)})")
    rows: list[Row] = []
    notes: list[str] = []
    with workdir(args.workdir) as root:
        for n in args.sizes if chosen & {"load", "engine"} else []:
            found, more = run_size(root, n, args, chosen)
            rows, notes = rows + found, notes + more
            gc.collect()
    if "startup" in chosen:
        say(f"start-up: {args.startup_repeats} repeats of each command")
        found, more = bench_startup(args.startup_repeats)
        rows, notes = rows + found, notes + more
    print(f"signalscore benchmark: {machine()}; {args.clock} clock, medians\n")
    print(table(rows, args.format))
    print("\n" + "\n".join(notes))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
