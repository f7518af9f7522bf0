"""`signalscore sensitivity` on the command line: formats, seeds, files, usage errors, the progress bar."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from signalscore.commands import sensitivity as command
from tests.conftest import DATA, ROOT, THREE

SENS = DATA / "valid" / "sensitivity"
QUICK = ("--draws", "2000", "--sobol-samples", "128")
Cli = Callable[..., Any]


def test_the_table_names_cases_pairs_and_weights(cli: Cli) -> None:
    run = cli("sensitivity", *QUICK)
    assert run.code == 0, run.err
    assert run.err == ""
    out = " ".join(run.out.split())  # sentences are wrapped to the terminal
    assert out.startswith("demo 1.0.0: Demo rubric for tests (scale 0 to 10) 2,000 draws, seed 0.")
    assert "Left out (no score): alpha-2020." in out
    assert "alpha-2010 scores above alpha-2014 in " in out
    assert "alpha-2010 and alpha-2014 swap only if the weight of feature aid is multiplied by 0.159." in out
    assert (
        "Of score(alpha-2010) - score(alpha-2014) with respect to the raw weights, 128 base samples "
        "(± is the half-width of a 95% confidence interval):"
    ) in out


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json", "html", "latex"])
def test_the_same_seed_gives_byte_identical_output(cli: Cli, fmt: str) -> None:
    first = cli("sensitivity", *QUICK, "--seed", "11", "-f", fmt)
    again = cli("sensitivity", *QUICK, "--seed", "11", "-f", fmt)
    assert first.code == again.code == 0
    assert first.out == again.out
    assert first.out != cli("sensitivity", *QUICK, "--seed", "12", "-f", fmt).out


def test_json_carries_the_full_report(cli: Cli) -> None:
    data = json.loads(cli("sensitivity", *QUICK, "-f", "json").out)
    [rubric] = data["rubrics"]
    assert (rubric["id"], rubric["draws"], rubric["seed"], rubric["weight_spread"]) == ("demo", 2000, 0, 0.5)
    assert rubric["unscored"] == ["alpha-2020"]
    assert rubric["uncertainty"]["binary_flip"] == {"high": 0.0, "medium": 0.125, "low": 0.25}
    cases = rubric["cases"]
    assert [c["id"] for c in cases] == ["alpha-2010", "alpha-2014"]
    for case in cases:
        assert set(case) == {"id", "score", "rank", "mean", "p5", "p50", "p95", "rank_probabilities"}
        assert sum(case["rank_probabilities"].values()) == pytest.approx(1.0)
        assert case["p5"] <= case["p50"] <= case["p95"]
    [pair] = rubric["pairwise"]
    assert pair["p_above"] + pair["p_below"] + pair["p_tie"] == pytest.approx(1.0)
    aid = next(e for e in rubric["break_even"] if e["weight"] == "aid")
    assert aid == {"above": "alpha-2010", "below": "alpha-2014", "kind": "feature", "weight": "aid",
                   "factor": pytest.approx(0.1592356687898), "status": "swap"}  # fmt: skip
    assert rubric["sobol"]["stable"] is False and len(rubric["sobol"]["indices"]) == 8


def test_spread_zero_on_certain_codings_is_exact_and_stable(cli: Cli) -> None:
    run = cli("sensitivity", "--weight-spread", "0", *QUICK, "-f", "json", cwd=SENS)
    [rubric] = json.loads(run.out)["rubrics"]
    for case in rubric["cases"]:
        assert case["p5"] == pytest.approx(case["score"], abs=1e-9)
        assert case["p95"] == pytest.approx(case["score"], abs=1e-9)
        assert case["rank_probabilities"] == {str(case["rank"]): 1.0}
    assert rubric["sobol"] == {"above": "s-high", "below": "s-mid", "samples": 128, "stable": True, "indices": []}
    table = " ".join(cli("sensitivity", "--weight-spread", "0", *QUICK, cwd=SENS).out.split())
    assert "with respect to the raw weights, 128 base samples: stable (the difference does not vary" in table


def test_csv_is_four_tables_with_a_rubric_column(cli: Cli) -> None:
    blocks = cli("sensitivity", *QUICK, "-f", "csv").out.split("\n\n")
    heads = [b.splitlines()[0] for b in blocks]
    assert heads == [
        "rubric,rank,case,score,mean,p5,p50,p95,ranks 90%,P(rank 1),P(rank 2)",
        "rubric,above,below,p_above,p_below,p_tie",
        "rubric,above,below,kind,weight,factor,status",
        "rubric,weight,S1,S1 ±,ST,ST ±,above,below",
    ]


def test_sobol_pair_chooses_the_pair(cli: Cli) -> None:
    out = cli("sensitivity", *QUICK, "--sobol-pair", "s-low,s-high", cwd=SENS).out
    assert "Of score(s-low) - score(s-high) with respect to the raw weights" in out


def test_output_file_is_written_whole(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    run = cli("sensitivity", *QUICK, "-f", "markdown", "-o", str(target))
    assert run.code == 0 and run.out == ""
    assert target.read_text().startswith("### demo 1.0.0: Demo rubric for tests (scale 0 to 10)\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--weight-spread", "1"), "Error: --weight-spread must be at least 0 and below 1 (got 1)\n"),
        (
            ("--sobol-samples", "1000"),
            "Error: --sobol-samples must be 0 or a power of 2 from 64 to 1,048,576, such as 512 or 1024 (got 1000)\n",
        ),
        (
            ("--sobol-pair", "alpha-2010,nope"),
            "Error: --sobol-pair: no case 'nope' (cases: alpha-2010, alpha-2014, alpha-2020)\n",
        ),
        (
            ("--sobol-pair", "alpha-2010:alpha-2020"),
            "Error: --sobol-pair: no scored case 'alpha-2020' under rubric 'demo' (cases: alpha-2010, alpha-2014)\n",
        ),
        (("--sobol-pair", "alpha-2010,alpha-2010"), "Error: --sobol-pair needs two different cases\n"),
    ],
)
def test_usage_errors_exit_2_with_a_message(cli: Cli, args: tuple[str, ...], message: str) -> None:
    run = cli("sensitivity", "--draws", "100", *args)
    assert (run.code, run.out, run.err) == (2, "", message)


def test_bundled_cases_run(cli: Cli) -> None:
    run = cli("sensitivity", *QUICK, *THREE, cwd=ROOT)
    assert run.code == 0, run.err
    assert "cn-ru-2014-crimea scores above cn-ru-2022-ukraine in " in run.out


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_on_a_terminal_and_clears_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command, "PROGRESS_AFTER", 0.0)
    stream = Terminal()
    update = command.progress_bar(stream, width=10)
    assert update is not None
    update(500, 1000)
    update(1000, 1000)
    assert stream.getvalue() == (
        "\rsimulating [#####.....] 500/1,000 draws\rsimulating [##########] 1,000/1,000 draws\r\033[K"
    )


def test_no_progress_bar_off_a_terminal_or_on_a_short_run() -> None:
    assert command.progress_bar(io.StringIO()) is None
    stream = Terminal()
    update = command.progress_bar(stream)
    assert update is not None
    update(1000, 1000)  # finished before PROGRESS_AFTER: nothing drawn
    assert stream.getvalue() == ""


def test_one_scored_case_has_no_pairs_and_no_sobol(cli: Cli) -> None:
    run = cli("sensitivity", "cases/alpha-2010.yaml", *QUICK, "-f", "json")
    [rubric] = json.loads(run.out)["rubrics"]
    assert [c["id"] for c in rubric["cases"]] == ["alpha-2010"]
    assert rubric["cases"][0]["rank_probabilities"] == {"1": 1.0}
    assert (rubric["pairwise"], rubric["break_even"], rubric["sobol"]) == ([], [], None)


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json", "html", "latex"])
def test_no_scored_case_is_reported_not_a_traceback(cli: Cli, fmt: str) -> None:
    run = cli("sensitivity", "cases/alpha-2020.yaml", *QUICK, "-f", fmt)
    assert run.code == 0 and run.err == ""
    assert "alpha-2020" in run.out


def test_each_rubric_gets_its_report_and_the_sobol_pair_only_its_own(cli: Cli) -> None:
    paths = [str(p) for p in (DATA / "valid" / "demo" / "cases", SENS / "cases", DATA / "valid" / "demo" / "rubrics")]
    paths.append(str(SENS / "rubrics"))
    data = json.loads(cli("sensitivity", *paths, *QUICK, "--sobol-pair", "s-low,s-mid", "-f", "json").out)
    sobol = {r["id"]: r["sobol"] and (r["sobol"]["above"], r["sobol"]["below"]) for r in data["rubrics"]}
    assert sobol == {"sens": ("s-low", "s-mid"), "demo": None}
