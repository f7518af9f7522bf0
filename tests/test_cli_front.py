"""The command line's front door (issue 13): -h, completion, readable placeholders and summaries, -o by
extension, one rank for a case however it is named, --sobol-pair A,B, and report saying what it wrote."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

Cli = Callable[..., Run]
COMMANDS = ["score", "compare", "explain", "diff", "agree", "sensitivity", "report", "validate", "codebook", "schema"]
COMMANDS += ["init", "adjudicate", "new case", "events derive", "events panel"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_h_and_reads_as_words(cli: Cli, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    run = cli(*command.split(), "-h")
    assert run.code == 0 and run.out.startswith(f"Usage: signalscore {command}")
    assert "<list[" not in run.out and "<str" not in run.out and "<path>" not in run.out and "{" not in run.out


def test_the_command_list_is_not_cut_and_completion_is_on(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = cli("-h").out
    assert "--install-completion" in out and "--show-completion" in out
    assert "..." not in out.split("Commands:")[1]
    assert "rank and dimension scores." in " ".join(out.split())


def test_help_placeholders(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert "--sobol-pair A,B" in cli("sensitivity", "-h").out
    assert "Usage: signalscore explain [OPTIONS] CASE [PATHS]..." in cli("explain", "-h").out
    assert "Usage: signalscore diff [OPTIONS] OLD NEW [PATHS]..." in cli("diff", "-h").out


@pytest.mark.parametrize("named", ["cases/adjudicated/cn-ru-2008-georgia.yaml", "cn-ru-2008-georgia"])
def test_rank_is_among_every_case_however_the_case_is_named(cli: Cli, named: str) -> None:
    data = json.loads(cli("explain", named, "-f", "json", cwd=ROOT).out)
    ranks = {c["id"]: c["rank"] for c in json.loads(cli("score", "-f", "json", cwd=ROOT).out)["rubrics"][0]["cases"]}
    assert data["case"]["id"] == "cn-ru-2008-georgia"
    assert data["case"]["rank"] == ranks["cn-ru-2008-georgia"] == 10


def test_a_coders_file_is_explained_as_with_its_coder(cli: Cli) -> None:
    by_file = json.loads(cli("explain", "cases/coder-b/cn-ru-2014-crimea.yaml", "-f", "json", cwd=ROOT).out)
    by_id = json.loads(cli("explain", "cn-ru-2014-crimea", "--coder", "coder-b", "-f", "json", cwd=ROOT).out)
    assert by_file == by_id


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("x.csv", lambda t: t.startswith("rubric,rank,case,")),
        ("x.json", lambda t: "rubrics" in json.loads(t)),
        ("x.md", lambda t: t.startswith("### ")),
        ("x.txt", lambda t: "----" in t),
    ],
)
def test_output_format_follows_the_extension(cli: Cli, tmp_path: Path, name: str, check: Callable[[str], bool]) -> None:
    target = tmp_path / name
    assert cli("score", "-o", str(target)).code == 0
    assert check(target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", [["score"], ["compare"], ["explain", "alpha-2010"], ["sensitivity"]])
def test_a_contradicting_format_is_a_usage_error(cli: Cli, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "x.csv"
    run = cli(*command, "-f", "json", "-o", str(target))
    assert run.code == 2 and not target.exists()
    assert run.err == f"Error: --format json contradicts --output {target} (a csv file): drop one\n"
    assert cli(*command[:2], "-f", "csv", "-o", str(tmp_path / "y.csv")).code == 0  # agreeing is fine


QUICK = ["--draws", "200", "--sobol-samples", "64"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("--draws", "Error: --sobol-pair needs two case ids as A,B, not the option '--draws'\n"),
        ("alpha-2010", "Error: --sobol-pair takes two case ids joined by a comma, such as A,B (got 'alpha-2010')\n"),
    ],
)
def test_sobol_pair_is_one_value(cli: Cli, value: str, message: str) -> None:
    run = cli("sensitivity", *QUICK, "--sobol-pair", value, "2000")
    assert run.code == 2 and run.err == message


def test_sobol_pair_takes_a_comma_or_a_colon(cli: Cli) -> None:
    for value in ("alpha-2014,alpha-2010", "alpha-2014:alpha-2010"):
        data = json.loads(cli("sensitivity", *QUICK, "--sobol-pair", value, "-f", "json").out)
        assert (data["rubrics"][0]["sobol"]["above"], data["rubrics"][0]["sobol"]["below"]) == (
            "alpha-2014",
            "alpha-2010",
        )


def test_report_says_what_it_wrote(cli: Cli, tmp_path: Path) -> None:
    run = cli("report", "-o", str(tmp_path / "r.md"))
    assert run.code == 0
    lines = run.err.splitlines()
    written = [f"wrote {tmp_path / name}" for name in ("r.png", "r-trend.png", "r.md")]
    assert [line.split(" (")[0] for line in lines] == written
    assert all(line.endswith(" KB)") or line.endswith(" bytes)") for line in lines)
