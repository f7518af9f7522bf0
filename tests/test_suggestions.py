"""Mistyped ids get the id probably meant, on the command line as in files: one rule (messages.suggestion)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from signalscore.messages import closest, did_you_mean, suggestion, unknown_case
from tests.conftest import DATA, Run

CODERS = DATA / "valid" / "coders"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("explain", "alpha-2O10"), "Error: no case 'alpha-2O10' in cases (did you mean 'alpha-2010'?)\n"),
        (
            ("compare", "--baseline", "alpha2014"),
            "Error: --baseline 'alpha2014' is not one of the cases (did you mean 'alpha-2014'?)\n",
        ),
        (
            ("sensitivity", "--draws", "100", "--sobol-pair", "alpha-2010,alhpa-2014"),
            "Error: --sobol-pair: no case 'alhpa-2014' (did you mean 'alpha-2014'?)\n",
        ),
    ],
)
def test_a_mistyped_case_id_on_the_command_line_gets_a_suggestion(
    cli: Callable[..., Run], args: tuple[str, ...], message: str
) -> None:
    run = cli(*args)
    assert (run.code, run.out, run.err) == (2, "", message)


def test_adjudicate_and_coder_suggest_too(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("adjudicate", "alpah-2010", "-o", str(tmp_path / "x.yaml"), cwd=CODERS)
    assert run.code == 2
    assert run.err.endswith("is not coded by two or more coders in cases (did you mean 'alpha-2010'?)\n")
    run = cli("score", "--coder", "anna", cwd=CODERS)
    assert (run.code, run.err) == (2, "Error: --coder 'anna': no case is coded by 'anna' (did you mean 'ana'?)\n")


def test_a_different_year_is_not_a_typo() -> None:
    # Case ids share a prefix: a year that is not there lists the cases instead of guessing one.
    known = ["alpha-2010", "alpha-2014", "alpha-2020"]
    assert unknown_case("alpha-1999", known) == "cases: alpha-2010, alpha-2014, alpha-2020"
    assert unknown_case("alpha-2O14", known) == "did you mean 'alpha-2014'?"


def test_one_rule_for_every_suggestion() -> None:
    assert suggestion("sumit", ["trade_deals", "summit"]) == "summit"
    assert suggestion("xyz", ["summit"]) is None
    assert suggestion(None, ["a"]) is None  # type: ignore[arg-type]  # a partly valid document may hold anything
    assert did_you_mean("comunique", {"communique": 1}) == " (did you mean 'communique'?)"
    assert did_you_mean("s2", ["s1"]) == ""
    assert closest("q", [f"c{i}" for i in range(10)], "cases") == "cases: c0, c1, c2, c3, c4, c5, c6, c7 and 2 more"
