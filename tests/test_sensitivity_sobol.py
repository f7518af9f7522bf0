"""Sobol indices: finite, reproducible, 'stable' instead of NaN, and SALib loaded by this command only."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from signalscore.case import Case
from signalscore.engine import score_rubric
from signalscore.frame import cases_frame, codings_frame
from signalscore.loader import load
from signalscore.rubric import Rubric
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.sobol import difference, sobol_indices
from tests.conftest import DEMO, ROOT


def demo() -> tuple[Rubric, list[Case], CaseSet]:
    corpus = load([DEMO / "cases"], rubrics_dir=DEMO / "rubrics")
    rubric = corpus.rubrics["demo"]
    return rubric, corpus.cases, CaseSet.of(rubric, codings_frame(rubric, corpus.cases)).ranked()


def test_indices_are_finite_and_name_the_weight_that_matters() -> None:
    _, _, cs = demo()
    result = sobol_indices(cs, (0, 1), spread=0.5, samples=256, seed=0)
    assert (result.above, result.below, result.stable) == ("alpha-2010", "alpha-2014", False)
    assert [t.name for t in result.targets][-2:] == ["dimension words", "dimension deeds"]
    for values in (result.s1, result.s1_conf, result.st, result.st_conf):
        assert values.shape == (8,) and np.isfinite(values).all()
    assert result.targets[int(np.argmax(result.st))].id == "aid"


@pytest.mark.parametrize("seed", [0, 5])
def test_the_same_seed_gives_the_same_indices(seed: int) -> None:
    _, _, cs = demo()
    first, again = (sobol_indices(cs, (0, 1), 0.5, 128, seed) for _ in range(2))
    for name in ("s1", "s1_conf", "st", "st_conf"):
        assert np.array_equal(getattr(first, name), getattr(again, name))


def test_spread_zero_is_stable() -> None:
    _, _, cs = demo()
    result = sobol_indices(cs, (0, 1), spread=0.0, samples=128, seed=0)
    assert result.stable and not np.isnan(result.s1).any()


def test_a_difference_no_weight_can_move_is_stable_not_nan() -> None:
    rubric = Rubric.model_validate(
        {
            "id": "one",
            "version": "1",
            "title": "one",
            "features": [{"id": "a", "label": "A", "scale": {"type": "binary"}}],
        }
    )
    base = {"rubric": "one", "title": "t", "sender": "A", "recipient": "B"}
    cases = [Case.model_validate({**base, "id": i, "codings": {"a": v}}) for i, v in (("x", True), ("y", False))]
    cs = CaseSet.of(rubric, codings_frame(rubric, cases)).ranked()
    result = sobol_indices(cs, (0, 1), spread=0.5, samples=128, seed=0)
    assert result.stable and (result.s1 == 0).all() and (result.st == 0).all()


def test_the_model_is_the_engine_with_the_sampled_raw_weights() -> None:
    rubric, cases, cs = demo()
    raw = np.array([[1.5, 0.7, 1.2, 2.9, 0.6, 1.1, 0.8, 4.0]])
    feats = tuple(f.model_copy(update={"weight": w}) for f, w in zip(rubric.features, raw[0, :6], strict=True))
    dims = tuple(d.model_copy(update={"weight": w}) for d, w in zip(rubric.dimensions, raw[0, 6:], strict=True))
    r = rubric.model_copy(update={"features": feats, "dimensions": dims})
    scored = score_rubric(r, codings_frame(r, cases), cases_frame(r, cases)).cases.set_index("case")["score"]
    assert difference(cs, (0, 1), raw)[0] == pytest.approx(scored["alpha-2010"] - scored["alpha-2014"], abs=1e-12)


def test_salib_is_imported_only_by_the_sensitivity_command() -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from signalscore.cli import app\n"
        "for args in (['score', 'cases'], ['explain', 'cn-ru-2022-ukraine'], ['validate']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'SALib'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
