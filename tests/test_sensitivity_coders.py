"""sensitivity --coders: whose coding is drawn with the weights, and the share of spread from that choice."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from signalscore.agreement import independent
from signalscore.loader import load
from signalscore.sensitivity.coders import coder_spread
from signalscore.sensitivity.montecarlo import Settings
from tests.conftest import DATA, Run

CODERS = DATA / "valid" / "coders"
ARGS = ("sensitivity", "--coders", "--draws", "400", "--sobol-samples", "0", "-f", "json")


def coder_rows(cli: Callable[..., Run], *args: str, cwd: Path = CODERS) -> list[dict]:  # type: ignore[type-arg]
    run = cli(*ARGS, *args, cwd=cwd)
    assert run.code == 0, run.err
    return json.loads(run.out)["rubrics"][0]["coders"]  # type: ignore[no-any-return]


def test_coders_reports_each_case_with_several_coders_seeded(cli: Callable[..., Run]) -> None:
    rows = coder_rows(cli)
    assert [r["case"] for r in rows] == ["alpha-2010", "alpha-2014"]  # independent codings, adjudicated or not
    assert rows == coder_rows(cli)
    for r in rows:
        assert r["coders"] == "ana, ben"
        assert r["p5"] <= r["p50"] <= r["p95"]
        assert 0 < r["coder_share"] < 1
    assert coder_rows(cli, "--seed", "1") != rows


def test_identical_codings_leave_no_share_to_the_coder(cli: Callable[..., Run], tmp_path: Path) -> None:
    work = tmp_path / "w"
    shutil.copytree(CODERS, work)
    ana = (work / "cases" / "alpha-2010.ana.yaml").read_text(encoding="utf-8")
    (work / "cases" / "alpha-2010.ben.yaml").write_text(ana.replace("coder: ana", "coder: ben"), encoding="utf-8")
    rows = {r["case"]: r for r in coder_rows(cli, cwd=work)}
    # Equal codings differ only by their own confidence draws: the coder explains (almost) nothing.
    assert rows["alpha-2010"]["coder_share"] < 0.01


def test_the_coder_drawn_is_one_of_the_coders_rows() -> None:
    corpus = load([CODERS / "cases"], rubrics_dir=CODERS / "rubrics")
    units = independent(corpus.cases)
    settings = Settings(draws=4000, seed=0, spread=0.5)
    spread = coder_spread(corpus.rubrics["demo"], units, settings).frame.set_index("case")
    # The drawn scores are a half-half mixture of the two coders' simulated scores: their median lies between
    # the two coders' own medians.
    from signalscore.frame import codings_frame
    from signalscore.sensitivity.cases import CaseSet
    from signalscore.sensitivity.montecarlo import simulate

    held = units["alpha-2014"]
    own = [
        np.median(simulate(CaseSet.of(corpus.rubrics["demo"], codings_frame(corpus.rubrics["demo"], [c])), settings))
        for c in held.values()
    ]
    assert min(own) <= spread.loc["alpha-2014", "p50"] <= max(own)


def test_coders_in_every_format(cli: Callable[..., Run]) -> None:
    for fmt in ("table", "markdown", "csv", "html", "latex"):
        run = cli("sensitivity", "--coders", "--draws", "100", "--sobol-samples", "0", "-f", fmt, cwd=CODERS)
        assert run.code == 0, run.err
        assert "alpha-2014" in run.out and "share" in run.out
