"""The benchmark's synthetic corpus and a tiny run of its script: no timings are asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench
import synthetic

from signalscore.api import score
from signalscore.loader import load

PEERS = {"scikit-criteria": "skcriteria", "pymcdm": "pymcdm"}


def test_synthetic_cases_are_deterministic_per_seed() -> None:
    assert synthetic.case_yaml(7, seed=1) == synthetic.case_yaml(7, seed=1)
    assert synthetic.case_yaml(7, seed=1)[0] != synthetic.case_yaml(7, seed=2)[0]
    assert synthetic.case_yaml(7, seed=1)[0].startswith("id: case-000007\nrubric: bench-signals\n")


def test_synthetic_corpus_loads_and_scores_with_na_and_unknown(tmp_path: Path) -> None:
    corpus = synthetic.write_corpus(tmp_path, 200, seed=3)
    loaded = load([corpus.cases_dir], rubrics_dir=corpus.rubrics_dir)
    rubric = loaded.rubrics[synthetic.RUBRIC_ID]
    assert len(loaded.cases) == 200
    assert (len(rubric.features), len(rubric.dimensions)) == (12, 2)
    statuses = [case.coding(f.id).status for case in loaded.cases for f in rubric.features]
    assert statuses.count("n/a") == corpus.n_na > 0
    assert statuses.count("unknown") == corpus.n_unknown > 0
    scores = score(loaded).cases
    assert scores["score"].between(0, 100).all()
    assert (scores["score_low"] <= scores["score"]).all() and (scores["score"] <= scores["score_high"]).all()


def test_write_corpus_reuses_a_complete_folder(tmp_path: Path) -> None:
    first = synthetic.write_corpus(tmp_path, 5, seed=3)
    victim = next(first.cases_dir.rglob("*.yaml"))
    victim.write_text("edited\n", encoding="utf-8")
    again = synthetic.write_corpus(tmp_path, 5, seed=3)
    assert again == first
    assert victim.read_text(encoding="utf-8") == "edited\n"


@pytest.mark.parametrize(("text", "expected"), [("1000,10k", [1000, 10000]), ("1e5", [100000]), ("2.5k", [2500])])
def test_sizes_parse(text: str, expected: list[int]) -> None:
    assert bench.sizes(text) == expected


def test_tiny_run_prints_every_row_and_cross_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--sizes", "30", "--sections", "load,engine", "--repeats", "1", "--load-repeats", "1"]
    assert bench.main([*args, "--workdir", str(tmp_path), "--json", str(tmp_path / "rows.json")]) == 0
    out = capsys.readouterr().out
    assert "loader.load (parse + validate)" in out
    assert "api.score (every output)" in out and "engine.score_rubric" in out and "numpy X @ w" in out
    installed = [name for name, module in PEERS.items() if importlib.util.find_spec(module)]
    if len(installed) == len(PEERS):
        assert "scikit-criteria, pymcdm agree with X @ w on 30 cases" in out
    for name in set(PEERS) - set(installed):
        assert f"{name}: not installed" in out
    assert '"section": "a load"' in (tmp_path / "rows.json").read_text()


def test_growth_exponent_is_the_slope_on_log_log_axes() -> None:
    import bench_commands

    linear = {n: bench_commands.Run(0.002 * n, 1.0, 0) for n in (1_000, 10_000, 50_000)}
    quadratic = {n: bench_commands.Run(1e-7 * n * n, 1.0, 0) for n in (1_000, 10_000, 50_000)}
    assert bench_commands.growth(linear) == pytest.approx(1.0)
    assert bench_commands.growth(quadratic) == pytest.approx(2.0)
    assert bench_commands.growth({1_000: linear[1_000]}) is None
    assert bench_commands.sizes("1k,10k,50000") == [1_000, 10_000, 50_000]


def test_startup_section_times_validate_against_the_issues_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.BASELINE_IMPORTS == "import pydantic, typer, yaml"
    assert bench.main(["--sections", "startup", "--startup-repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert 'python -c "import pydantic, typer, yaml"' in out
    validate = next(line for line in out.splitlines() if "signalscore validate  " in line)
    assert "imports" in validate and "≤ 1.5x" in validate  # its ratio and verdict vary with the machine
    assert "signalscore validate --no-cache" in out and "signalscore validate (files cached, verdict not)" in out
    assert "ok: 1 rubric(s), 45 case(s) and 2 mapping(s) valid" in out  # the bundled files, as the issue set them
    for args in ("--help", "validate", "validate --no-cache"):
        assert f"PASS: signalscore {args} imports no heavy module (exit 0; none)" in out


def test_a_verdict_is_the_median_of_the_ratios_within_each_round() -> None:
    import bench_commands

    results = bench_commands.Results([10_000])
    rounds = {"floor": [4.0, 8.0, 4.0], "score": [6.0, 9.0, 5.0]}  # a slow second round for both
    for name, times in rounds.items():
        results.add(name, 10_000, [bench_commands.Run(t, 100.0, 0) for t in times])
    assert results.runs["score"][10_000].seconds == 6.0  # the median time
    assert results.paired("score", "floor", 10_000) == [1.5, 1.125, 1.25]
    assert bench_commands.verdict(results, "score", 10_000) == "1.25x floor (met <= 1.5x, rounds 1.12-1.50)"
    results.add("score (cached)", 10_000, [bench_commands.Run(t, 100.0, 0) for t in (1.0, 1.0, 1.0)])
    assert bench_commands.verdict(results, "score (cached)", 10_000).startswith("0.25x floor (MISSED <= 0.2x")


def test_the_median_interval_is_the_sign_test_one() -> None:
    import bench_commands

    interval = bench_commands.median_interval
    assert interval([1.0] * 5) is None  # P(all five on one side) = 1/32 > 2.5%: no 95% interval
    assert interval([5.0, 1.0, 4.0, 2.0, 3.0, 6.0]) == (1.0, 6.0)  # 1/64 <= 2.5% < 7/64: the extremes
    assert interval([float(v) for v in range(1, 16)]) == (4.0, 12.0)  # n = 15: k = 4 (P(X <= 3) = 1.8%)
    assert interval([float(v) for v in range(1, 16)], level=0.5) == (6.0, 10.0)
    results = bench_commands.Results([10_000])
    floor = [10.0] * 15
    for name, times in {"floor": floor, "validate": floor, "score": [10.0 + d for d in range(-7, 8)]}.items():
        results.add(name, 10_000, [bench_commands.Run(t, 100.0, 0) for t in times])
    said = bench_commands.verdict(results, "validate", 10_000)
    assert said == "1.00x score (met <= 1x, rounds 0.59-3.33, 95% CI 0.71-1.67: within noise of the limit)"
