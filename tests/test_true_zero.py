"""support-signals 2.0.0 has a true zero: an indifferent sender scores near 0, one at every top level near 100."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from signalscore.cli import app
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "data" / "valid" / "true-zero" / "cases"


@pytest.fixture(scope="module")
def scored() -> dict[str, tuple[float, bool]]:
    args = ["score", str(FIXTURES), "--rubrics-dir", str(ROOT / "rubrics"), "--format", "json", "--no-cache"]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    (rubric,) = json.loads(run.stdout)["rubrics"]
    assert (rubric["id"], rubric["version"]) == ("support-signals", "2.0.0")
    return {c["id"]: (c["score"], c["clipped"]) for c in rubric["cases"]}


def test_an_indifferent_sender_scores_at_most_5(scored: dict[str, tuple[float, bool]]) -> None:
    """Says nothing, abstains, declares opposition to sanctions without acting, trades as usual."""
    assert scored["zero-indifferent"][0] <= 5
    assert scored["zero-indifferent"] == (0.0, False)


def test_distancing_cannot_push_below_the_minimum(scored: dict[str, tuple[float, bool]]) -> None:
    assert scored["zero-distant"] == (0.0, True)


def test_a_sender_at_every_top_level_scores_at_least_95(scored: dict[str, tuple[float, bool]]) -> None:
    assert scored["zero-top"][0] >= 95
    assert scored["zero-top"][0] == pytest.approx(100.0)
    assert scored["zero-top"][1] is False
