"""The sensitivity benchmark script runs at a tiny size; no timing is asserted."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_sensitivity


def test_the_synthetic_cases_use_every_status_and_scale() -> None:
    cs = bench_sensitivity.case_set(200, 12)
    assert cs.ids == bench_sensitivity.case_set(200, 12).ids
    assert {f.scale.type for f in cs.rubric.features} == {"ordinal", "binary", "count", "continuous"}
    assert set(np.unique(cs.matrices.status)) == {0, 1, 2}
    assert set(np.unique(cs.confidence)) == {"high", "medium", "low"}


def test_both_sides_summarise_every_case() -> None:
    cs = bench_sensitivity.case_set(50, 12)
    signal = np.nan_to_num(cs.matrices.signal)
    for summary in (
        bench_sensitivity.bare_monte_carlo(signal, cs.weights.feature, 300, 0.5, 0),
        bench_sensitivity.bare_in_place(signal, cs.weights.feature, 300, 0.5, 0),
        bench_sensitivity.signalscore_monte_carlo(cs, 300, 0.5, 0),
    ):
        assert summary.shape == (4, len(cs.ids)) and np.isfinite(summary).all()


def test_a_tiny_run_prints_one_json_line(capsys: object) -> None:
    code = bench_sensitivity.main(["--draws", "200", "--cases", "40", "--repeat", "1"])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert code in (0, 1)
    assert out.startswith('{"draws": 200, "cases": ') and out.count("\n") == 1
