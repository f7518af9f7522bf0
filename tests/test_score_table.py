"""The score table is drawn from the scores' arrays, without pandas: the same cells as the score frame, and
`score` and `explain` (every format but CSV) and `validate` never import pandas (most of a warm run's start-up)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signalscore.api import load_rubric
from signalscore.engine import score_rubric
from signalscore.frame import cases_frame, codings_frame
from signalscore.render import score_frame
from signalscore.render.scores import score_table
from signalscore.render.table import Table
from signalscore.scores import Scores
from tests.conftest import ROOT
from tests.strategies import cases_for, penalty_rubrics, rubrics

# Runs the command line in a Python that refuses to import pandas.
WITHOUT_PANDAS = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas was imported")
sys.meta_path.insert(0, Refuse())
sys.argv = ["signalscore", *sys.argv[1:]]
from signalscore.cli import main
main()
"""


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_score_table_holds_the_cells_of_the_score_frame(data: st.DataObject) -> None:
    rubric = data.draw(rubrics() | penalty_rubrics())
    cases = data.draw(cases_for(rubric))
    scores = score_rubric(rubric, codings_frame(rubric, cases), cases_frame(rubric, cases))
    assert score_table(scores, rubric) == Table.of(score_frame(scores, rubric))


def test_an_empty_score_table_holds_the_cells_of_the_empty_frame() -> None:
    rubric = load_rubric(ROOT / "rubrics" / "support-signals.yaml")
    assert score_table(Scores(), rubric) == Table.of(score_frame(Scores(), rubric))


@pytest.mark.parametrize(
    "args",
    [
        ("score",),
        ("score", "-f", "json"),
        ("score", "-f", "markdown"),
        ("validate",),
        ("score", "-c", "cn-*"),
        ("explain", "cn-ru-2022-ukraine"),
        ("explain", "cn-ru-2014-crimea", "-f", "json"),
        ("explain", "cn-ru-2008-georgia", "-f", "html"),
        ("explain", "cases/cn-ru-2015-syria.yaml", "-f", "markdown"),
    ],
)
def test_score_explain_and_validate_never_import_pandas(args: tuple[str, ...], tmp_path: Path) -> None:
    env = {"SIGNALSCORE_NO_CACHE": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    normal = subprocess.run([sys.executable, "-m", "signalscore", *args], cwd=ROOT, env=env, capture_output=True)
    bare = subprocess.run([sys.executable, "-c", WITHOUT_PANDAS, *args], cwd=ROOT, env=env, capture_output=True)
    assert normal.returncode == 0, normal.stderr
    assert (bare.returncode, bare.stdout, bare.stderr) == (0, normal.stdout, normal.stderr)


def test_a_warm_score_never_imports_pandas(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    for folder in ("cases", "rubrics"):
        shutil.copytree(ROOT / folder, workspace / folder)
    time.sleep(2.1)  # files changed in the last 2 s are not kept (signalscore.cache.RACY_NS)
    env = {"COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-m", "signalscore", "score"], cwd=workspace, env=env, capture_output=True)
    assert (workspace / ".signalscore-cache" / "entries").exists()
    warm = subprocess.run([sys.executable, "-c", WITHOUT_PANDAS, "score"], cwd=workspace, env=env, capture_output=True)
    assert (warm.returncode, warm.stdout) == (0, first.stdout)


def test_the_explain_frame_of_a_case_with_no_coded_feature_keeps_its_numbers_floats() -> None:
    from signalscore.case import Case
    from signalscore.render import explain_frame

    rubric = load_rubric(ROOT / "rubrics" / "support-signals.yaml")
    head = {"id": "x", "rubric": rubric.id, "title": "t", "sender": "a", "recipient": "b"}
    case = Case.model_validate({**head, "codings": {f.id: "unknown" for f in rubric.features}})
    scores = score_rubric(rubric, codings_frame(rubric, [case]), cases_frame(rubric, [case]))
    frame = explain_frame(scores, rubric, case)
    assert [str(frame[c].dtype) for c in ("signal", "weight", "points")] == ["float64"] * 3
    assert frame["signal"].isna().all() and list(frame["feature"]) == [f.id for f in rubric.features]
