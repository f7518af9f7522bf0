"""`signalscore sensitivity` at scale: memory linear in cases, bounded options, runs too big refused up front."""

from __future__ import annotations

import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from signalscore.frame import codings_frame
from signalscore.sensitivity import analysis, summary
from signalscore.sensitivity.analysis import analyze
from signalscore.sensitivity.budget import Size, check, needed, parse_bytes
from signalscore.sensitivity.montecarlo import Settings, monte_carlo, simulate
from signalscore.sensitivity.ranks import rank_counts
from signalscore.sensitivity.summary import summarise

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_sensitivity

Cli = Callable[..., Any]
QUICK = ("--draws", "2000", "--sobol-samples", "128")


def peak_bytes(action: Callable[[], object]) -> int:
    """The most memory Python and numpy held at once while `action` ran, above what they held before."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_linearly_with_cases_not_with_their_square() -> None:
    r = bench_sensitivity.rubric(4)
    codings = codings_frame(r, bench_sensitivity.cases(r, 3000))
    settings = Settings(draws=100, seed=0)
    peak = peak_bytes(lambda: analyze(r, codings, settings, (None, 0)))
    # A cases x cases table of counts alone is 72 MB here (and was kept twice).
    assert peak < 40 << 20, peak


def test_with_many_cases_whole_rank_distributions_are_kept_for_the_first_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scores = np.random.default_rng(3).integers(0, 6, (700, 9)) * 1.5  # many ties
    dense = rank_counts(scores)
    monkeypatch.setattr(summary, "DENSE_CASES", 4)
    s = summarise(scores.copy(), 3)
    assert s.rank_counts.shape == (3, 9)
    assert (s.rank_counts == dense[:3]).all()
    assert (s.top == dense[:, : summary.RANK_COLUMNS]).all()
    whole = summarise(scores.copy(), 3, consume=True)
    assert np.array_equal(whole.percentiles, np.percentile(scores, summary.PERCENTILES, axis=0))


def test_the_tallied_run_equals_the_summary_of_every_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    cs = bench_sensitivity.case_set(60, 12)
    settings = Settings(draws=700, seed=5)
    monkeypatch.setattr(summary, "BLOCK_CELLS", 1000)  # many blocks, each a whole number of chunks
    tallied = monte_carlo(cs, settings, 7)
    kept = summarise(simulate(cs, settings), 7)
    for name in ("mean", "percentiles", "rank_counts", "top", "above", "tie"):
        assert np.array_equal(getattr(tallied, name), getattr(kept, name)), name


def test_past_the_exact_size_scores_are_kept_as_float32_within_1e_7(monkeypatch: pytest.MonkeyPatch) -> None:
    cs = bench_sensitivity.case_set(40, 12)
    settings = Settings(draws=500, seed=1)
    exact = monte_carlo(cs, settings, 5)
    monkeypatch.setattr(summary, "EXACT_CELLS", 100)
    rounded = monte_carlo(cs, settings, 5)
    np.testing.assert_allclose(rounded.percentiles, exact.percentiles, rtol=1e-7)
    np.testing.assert_allclose(rounded.mean, exact.mean, rtol=1e-12)
    assert np.array_equal(rounded.rank_counts, exact.rank_counts)


def test_json_of_many_cases_lists_ranks_1_to_5_and_the_rest(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "DENSE_CASES", 1)
    monkeypatch.setattr(analysis, "PAIRWISE_CASES", 1)
    data = json.loads(cli("sensitivity", *QUICK, "-f", "json").out)
    first, second = data["rubrics"][0]["cases"]
    assert "rank_probability_rest" not in first
    assert sum(first["rank_probabilities"].values()) == pytest.approx(1.0)
    assert set(second["rank_probabilities"]) <= {"1", "2"}
    assert sum(second["rank_probabilities"].values()) + second["rank_probability_rest"] == pytest.approx(1.0)
    table = " ".join(cli("sensitivity", *QUICK).out.split())
    assert "With 2 cases, only the 1 best keep their whole rank distribution; for the others, ranks 90% reads" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--draws", "99"), "Error: --draws must be from 100 to 10,000,000 (got 99)\n"),
        (("--draws", str(10**9)), "Error: --draws must be from 100 to 10,000,000 (got 1,000,000,000)\n"),
        (("--draws", str(10**23)), f"Error: --draws must be from 100 to 10,000,000 (got {10**23:,})\n"),
        (("--draws", "0"), "Error: --draws must be from 100 to 10,000,000 (got 0)\n"),
        *(
            (
                ("--sobol-samples", str(n)),
                f"Error: --sobol-samples must be 0 or a power of 2 from 64 to 1,048,576, such as 512 or 1024 (got {n})\n",
            )
            for n in (1, 32, 1 << 21, -64)
        ),
        (
            ("--max-memory", "lots"),
            "Error: --max-memory must be a size such as 4GB, 512MB or 1.5G (got 'lots')\n",
        ),
    ],
)
def test_out_of_range_options_are_usage_errors(cli: Cli, args: tuple[str, ...], message: str) -> None:
    run = cli("sensitivity", *args)
    assert (run.code, run.out, run.err) == (2, "", message)


def test_a_run_over_the_memory_limit_is_refused_before_it_starts(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    run = cli("sensitivity", *QUICK, "--max-memory", "100MB", "-o", str(target))
    assert run.code == 2 and run.out == "" and not target.exists()
    assert run.err.startswith("Error: sensitivity under rubric 'demo' would need about 2")
    assert "over the limit of 100 MB (--max-memory): 3 cases x 6 features x 2,000 draws, Sobol 128" in run.err
    assert run.err.endswith("; most of it for the program itself. To run it, raise --max-memory.\n")
    assert cli("sensitivity", *QUICK, "--max-memory", "1GB").code == 0


def wide_workspace(root: Path, features: int) -> Path:
    """A rubric of `features` binary features and two cases that code one of them each."""
    (root / "rubrics").mkdir(parents=True)
    (root / "cases").mkdir()
    lines = ["id: wide", 'version: "1"', "title: Wide", "scale: {min: 0, max: 100}", "features:"]
    lines += [f"  - {{id: f{i}, label: F{i}, scale: {{type: binary}}}}" for i in range(features)]
    (root / "rubrics" / "wide.yaml").write_text("\n".join(lines) + "\n")
    for i in range(2):
        case = f"id: c{i}\nrubric: wide\ntitle: C{i}\nsender: A\nrecipient: B\ncodings:\n  f{i}: true\n"
        (root / "cases" / f"c{i}.yaml").write_text(case)
    return root


def test_a_wide_rubric_is_refused_up_front_or_run_within_the_limit(cli: Cli, tmp_path: Path) -> None:
    root = wide_workspace(tmp_path, 2000)  # Sobol's sample alone: 1,024 x 2,002 x 2,000 weights
    run = cli("sensitivity", "--draws", "200", cwd=root)
    assert run.code == 2 and run.out == ""
    assert "lower --sobol-samples (0 skips Sobol indices), or raise --max-memory." in run.err
    run = cli("sensitivity", "--draws", "200", "--sobol-samples", "0", "-f", "json", cwd=root)
    assert run.code == 0, run.err
    assert [c["id"] for c in json.loads(run.out)["rubrics"][0]["cases"]] in (["c0", "c1"], ["c1", "c0"])


def test_ten_thousand_features_are_estimated_and_refused_without_building_anything() -> None:
    wide = Size(cases=3, features=10_000, dimensions=3, width=2, draws=10_000, samples=1024, shown=3)
    with pytest.raises(Exception, match="lower --sobol-samples"):
        check("wide", wide, parse_bytes("4GB"))
    without_sobol = Size(cases=3, features=10_000, dimensions=3, width=2, draws=10_000, samples=0, shown=3)
    assert needed(without_sobol) < 1 << 30


def test_ten_thousand_cases_with_the_default_draws_fit_in_one_gigabyte() -> None:
    assert (
        needed(Size(cases=10_000, features=12, dimensions=2, width=3, draws=10_000, samples=1024, shown=20)) < 1 << 30
    )


@pytest.mark.parametrize(
    ("text", "size"), [("4GB", 4 << 30), ("512M", 512 << 20), ("1.5G", 3 << 29), ("1000", 1000), ("2 GiB", 2 << 30)]
)
def test_memory_sizes_read_as_powers_of_1024(text: str, size: int) -> None:
    assert parse_bytes(text) == size
