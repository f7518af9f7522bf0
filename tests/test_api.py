"""The Python API on the bundled cases: one function per command, equal to what the command prints."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import signalscore
from signalscore import api
from signalscore.errors import UsageError
from signalscore.rubric import Rubric
from signalscore.sensitivity.summary import RANK_COLUMNS
from tests.conftest import ROOT

Cli = Callable[..., Any]
CRIMEA = "cn-ru-2014-crimea"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's rubrics, cases and archived rubric."""
    root = tmp_path_factory.mktemp("ws")
    for folder in ("cases", "rubrics", "rubrics-archive"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@pytest.fixture(scope="module")
def corpus(workspace: Path) -> signalscore.Corpus:
    return api.load_cases(workspace / "cases")


@pytest.fixture(scope="module")
def rubric(corpus: signalscore.Corpus) -> Rubric:
    return corpus.rubrics["support-signals"]


def cli_json(cli: Cli, cwd: Path, *args: str) -> Any:
    run = cli(*args, "--format", "json", cwd=cwd)
    assert run.code == 0, run.err
    return json.loads(run.out)


def same(a: Any, b: Any) -> bool:
    """Equal numbers (NaN and None alike), or equal anything else."""
    missing = [x is None or (isinstance(x, float) and math.isnan(x)) for x in (a, b)]
    if any(missing):
        return all(missing)
    return bool(a == pytest.approx(b, rel=1e-12, abs=1e-12)) if isinstance(a, float) else bool(a == b)


# ---- the package ----------------------------------------------------------------------------------------


def test_dir_lists_every_public_name_and_each_resolves() -> None:
    names = dir(signalscore)
    for name in ["compare", "explain", "agreement", "sensitivity", "diff", "report", "load_cases", "Comparisons"]:
        assert name in names and name in signalscore.__all__
    assert "sys" not in names and "Any" not in names  # only what a user may want completes
    assert sorted(signalscore.__all__) == sorted(signalscore._HOMES)
    assert all(getattr(signalscore, name) is not None for name in signalscore.__all__)


def test_import_and_dir_do_not_import_pandas() -> None:
    code = "import sys, signalscore; names = dir(signalscore); print('pandas' in sys.modules, 'compare' in names)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_api_functions_stay_functions_when_their_namesake_submodules_load() -> None:
    import signalscore.compare
    import signalscore.report
    import signalscore.sensitivity.analysis

    assert signalscore.compare is api.compare and signalscore.report is api.report
    assert signalscore.sensitivity is api.sensitivity and signalscore.agreement is api.agreement
    assert sys.modules["signalscore.compare"].compare_all is not None  # the submodule is still there


# ---- rubrics found beside the cases ---------------------------------------------------------------------


def test_rubrics_are_found_in_the_workspace_of_the_cases(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./rubrics here
    for given in (workspace / "cases", workspace / "cases" / "coder-b" / f"{CRIMEA}.yaml"):
        found = api.load_cases(given)
        assert set(found.rubrics) == {"support-signals"}, given
    monkeypatch.chdir(workspace.parent)
    assert api.load_cases(Path(workspace.name) / "cases").rubrics_dir == Path(workspace.name) / "rubrics"


def test_a_rubrics_folder_named_is_used(workspace: Path, tmp_path: Path) -> None:
    with pytest.raises(signalscore.InputError) as caught:
        api.load_cases(workspace / "cases", rubrics_dir=tmp_path)
    assert f"not found in the paths given or in {tmp_path}/" in str(caught.value.problems[0])


# ---- types ------------------------------------------------------------------------------------------------


def test_periods_are_datetimes(corpus: signalscore.Corpus) -> None:
    cases = api.score(corpus).cases
    for column in ("period_start", "period_end"):
        assert pd.api.types.is_datetime64_any_dtype(cases[column])
    crimea = cases.set_index("case").loc[CRIMEA]
    assert crimea["period_start"] == pd.Timestamp("2014-02-27")
    assert pd.api.types.is_datetime64_any_dtype(api.compare(corpus).cases["period_start"])
    assert api.explain(corpus, CRIMEA).period_start == pd.Timestamp("2014-02-27")


def test_features_and_dimensions_are_ordered_in_rubric_order(corpus: signalscore.Corpus, rubric: Rubric) -> None:
    features = [f.id for f in rubric.features]
    dimensions = [d.id for d in rubric.dimensions]
    assert features != sorted(features) and dimensions != sorted(dimensions)  # the test means something
    scores = api.score(corpus)
    frames = {
        "score.features": scores.features,
        "score.dimensions": scores.dimensions,
        "compare.features": api.compare(corpus).features,
        "compare.changes": api.compare(corpus).changes,
        "explain.features": api.explain(corpus, CRIMEA).features,
        "agreement.features": api.agreement(corpus).features,
        "agreement.disagreements": api.agreement(corpus).disagreements,
    }
    for name, frame in frames.items():
        for column, order in (("feature", features), ("dimension", dimensions)):
            if column in frame:
                assert isinstance(frame[column].dtype, pd.CategoricalDtype), (name, column)
                assert frame[column].cat.ordered and list(frame[column].cat.categories) == order, (name, column)
    assert list(scores.features.groupby("dimension", observed=True).size().index) == dimensions


# ---- each command ---------------------------------------------------------------------------------------


def test_compare_equals_the_commands_json(cli: Cli, workspace: Path, corpus: signalscore.Corpus) -> None:
    printed = cli_json(cli, workspace, "compare")["rubrics"][0]
    got = api.compare(corpus)
    cases = got.cases.set_index("case")
    assert list(cases.index) == [c["id"] for c in printed["cases"]]
    for case in printed["cases"]:
        row = cases.loc[case["id"]]
        assert str(row["period_start"].date()) == case["period_start"]
        assert all(same(row[k], case[k]) for k in ("score", "score_low", "score_high", "coverage", "rank"))
    cells = got.features.set_index(["case", "feature"])
    assert len(cells) == sum(len(f["cells"]) for f in printed["features"])
    for feature in printed["features"]:
        for case, cell in feature["cells"].items():
            row = cells.loc[(case, feature["id"])]
            assert (row["status"], row["value"]) == (cell["status"], cell["value"])
            assert same(row["points"], cell["points"])
    for delta in printed["deltas"]:
        later = cells.loc[delta["to"]]
        assert set(later["compared_with"]) == {delta["from"]}
        assert all(same(later.loc[f, "delta"], v) for f, v in delta["features"].items())
    changes = [(c["from"], c["to"], c["feature"], c["points"]) for c in printed["changes"]]
    assert [tuple(r) for r in got.changes[["from", "to", "feature", "points"]].to_numpy()] == changes


def test_explain_adds_up_and_equals_the_commands_json(cli: Cli, workspace: Path, corpus: signalscore.Corpus) -> None:
    printed = cli_json(cli, workspace, "explain", CRIMEA)["case"]
    got = api.explain(corpus, CRIMEA)
    assert (got.case, got.rubric, got.rank) == (CRIMEA, "support-signals", printed["rank"])
    assert got.coding == printed["coding"] == "adjudicated by adjudicator of coder-b, signalscore-research"
    assert got.score == pytest.approx(printed["score"]) and got.coverage == printed["coverage"]
    points = got.features["points"].to_numpy(dtype=float)
    assert np.nansum(points) + corpus.rubrics[got.rubric].scale.min == pytest.approx(got.score)
    shown = {f["id"]: f["contribution"] for f in printed["features"]}
    assert all(same(p, shown[f]) for f, p in zip(got.features["feature"], points, strict=True))
    assert got.features["evidence"].str.len().gt(0).any() and got.features["rationale"].str.len().gt(0).all()


def test_explain_names_the_cases_when_the_id_is_not_one(corpus: signalscore.Corpus) -> None:
    with pytest.raises(
        UsageError, match="no case 'cn-ru-2099' in the corpus \\(cases: by-ru-2022-ukraine, cn-ru-2008-georgia, "
    ):
        api.explain(corpus, "cn-ru-2099")


def test_agreement_equals_the_commands_json(cli: Cli, workspace: Path, corpus: signalscore.Corpus) -> None:
    printed = cli_json(cli, workspace, "agree", "--seed", "4", "--bootstrap", "200")["rubrics"][0]
    got = api.agreement(corpus, seed=4, bootstrap=200)
    overall = got.overall.iloc[0]
    assert all(same(overall[k], v) for k, v in printed["overall"].items())
    features = got.features.set_index("feature")
    for feature in printed["features"]:
        row = features.loc[feature["id"]]
        assert all(same(row[k], v) for k, v in feature.items() if k != "id"), feature["id"]
    pairs = [(d["case"], d["feature"], d["points"]) for d in printed["disagreements"]]
    assert [tuple(r) for r in got.disagreements[["case", "feature", "points"]].to_numpy()] == pairs


def test_sensitivity_equals_the_commands_json(cli: Cli, workspace: Path, corpus: signalscore.Corpus) -> None:
    args = ("--draws", "500", "--seed", "3", "--sobol-samples", "64")
    printed = cli_json(cli, workspace, "sensitivity", *args)["rubrics"][0]
    got = api.sensitivity(corpus, draws=500, seed=3, sobol_samples=64)
    cases = got.cases.set_index("case")
    for case in printed["cases"]:
        row = cases.loc[case["id"]]
        assert all(same(row[k], case[k]) for k in ("score", "rank", "mean", "p5", "p50", "p95"))
        # The frame has the table's columns, P(rank 1) to P(rank RANK_COLUMNS); JSON every rank drawn.
        shown = {k: p for k, p in case["rank_probabilities"].items() if int(k) <= RANK_COLUMNS}
        assert all(same(row[f"P(rank {k})"], p) for k, p in shown.items())
    pairs = got.pairwise.to_dict("records")
    assert [{k: v for k, v in p.items() if k != "rubric"} for p in pairs] == printed["pairwise"]
    assert got.sobol["S1"].tolist() == [i["S1"] for i in printed["sobol"]["indices"]]
    assert len(got.break_even) == len(printed["break_even"]) > 0


def test_sensitivity_coders_equals_the_commands_json(cli: Cli, workspace: Path, corpus: signalscore.Corpus) -> None:
    args = ("--coders", "--draws", "300", "--seed", "6", "--sobol-samples", "0")
    printed = cli_json(cli, workspace, "sensitivity", *args)["rubrics"][0]["coders"]
    got = api.sensitivity(corpus, draws=300, seed=6, sobol_samples=0, coders=True)
    assert got.coders.drop(columns="rubric").to_dict("records") == printed and len(printed) == 15
    assert got.sobol.empty and api.sensitivity(corpus, draws=300, sobol_samples=0).coders.empty


def test_sensitivity_refuses_what_the_command_refuses(corpus: signalscore.Corpus) -> None:
    with pytest.raises(UsageError, match="--draws must be from 100"):
        api.sensitivity(corpus, draws=10)
    with pytest.raises(UsageError, match="over the limit of 1 MB"):
        api.sensitivity(corpus, draws=10_000_000, max_memory="1MB")


def test_diff_equals_the_commands_json(cli: Cli, workspace: Path) -> None:
    old, new = "rubrics-archive/support-signals-1.0.0.yaml", "rubrics/support-signals.yaml"
    printed = cli_json(cli, workspace, "diff", old, new)
    got = api.diff(workspace / old, workspace / new, workspace / "cases")
    assert got.changes.to_dict("records") == printed["changes"] and len(printed["changes"]) > 5
    rows = got.cases.to_dict("records")
    assert [r["case"] for r in rows] == [c["case"] for c in printed["cases"]]
    assert all(same(r[k], c[k]) for r, c in zip(rows, printed["cases"], strict=True) for k in ("old", "new", "change"))
    assert (got.old.version, got.new.version, list(got.notes)) == ("1.0.0", "2.0.0", printed["notes"])


def test_report_writes_what_the_command_writes(cli: Cli, workspace: Path, corpus: signalscore.Corpus) -> None:
    (workspace / "api").mkdir(exist_ok=True)
    (workspace / "cli").mkdir(exist_ok=True)
    made = api.report(corpus, workspace / "api" / "r.md", draws=300, seed=2)
    run = cli("report", "-o", "cli/r.md", "--draws", "300", "--seed", "2", cwd=workspace)
    assert run.code == 0, run.err
    written = (workspace / "api" / "r.md").read_text(encoding="utf-8")
    assert written == made.text == (workspace / "cli" / "r.md").read_text(encoding="utf-8")
    assert (workspace / "api" / "r.png").read_bytes() == made.chart
    assert "## How sure is the ranking" in made.text
    assert "How sure is the ranking" not in api.report(corpus, draws=0).text


def test_report_takes_its_format_from_the_name_and_refuses_a_contradiction(
    corpus: signalscore.Corpus, tmp_path: Path
) -> None:
    assert api.report(corpus, fmt="markdown", draws=0).text.startswith("# signalscore report: ")
    assert api.report(corpus, draws=0).text.startswith("<!DOCTYPE html>")
    with pytest.raises(UsageError, match="in markdown: the name says html"):
        api.report(corpus, tmp_path / "r.html", fmt="markdown", draws=0)
    with pytest.raises(UsageError, match="--draws must be 0 or from 100"):
        api.report(corpus, tmp_path / "r.html", draws=99)
    assert list(tmp_path.iterdir()) == []
