"""Penalties through the commands: sensitivity (Monte Carlo, break-even, Sobol), explain, compare, codebook, diff."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalscore.api import load_cases
from signalscore.codings import Codings
from signalscore.engine import Weights, score_codings
from signalscore.penalty import drawn_fraction
from signalscore.rubric import Rubric
from signalscore.sensitivity.breakeven import Target, break_even
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import CodingModel
from signalscore.sensitivity.montecarlo import Settings, simulate, summarise
from signalscore.sensitivity.sobol import difference
from tests.conftest import DATA, Run
from tests.strategies import cases_for, penalty_rubrics

PENALTY = DATA / "valid" / "penalty"
CERTAIN = CodingModel({k: 0.0 for k in ("high", "medium", "low")}, {k: 0.0 for k in ("high", "medium", "low")},
                      {k: 0.0 for k in ("high", "medium", "low")})  # fmt: skip


def penalty_corpus() -> tuple[Rubric, Codings]:
    corpus = load_cases(PENALTY / "cases", rubrics_dir=PENALTY / "rubrics")
    rubric = next(iter(corpus.rubrics.values()))
    return rubric, Codings.collect(rubric, corpus.cases)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_drawn_scores_at_nominal_weights_are_the_engines(data: st.DataObject) -> None:
    rubric = data.draw(penalty_rubrics())
    cs = CaseSet.of(rubric, Codings.collect(rubric, data.draw(cases_for(rubric))))
    active, signal = cs.active()
    w = Weights.of(rubric)
    fraction = drawn_fraction(w, cs.penalty, active, signal[None], w.feature[None], w.dimension[None])[0]
    np.testing.assert_allclose(cs.low + cs.span * fraction, cs.point, rtol=0, atol=1e-9 * cs.span)


def test_monte_carlo_without_spread_or_coding_error_gives_the_point_scores() -> None:
    rubric, codings = penalty_corpus()
    cs = CaseSet.of(rubric, codings).ranked()
    certain = cs.take(np.array([i for i, c in enumerate(cs.ids) if c != "pd-2020"]))  # pd-2020 has unknowns
    s = summarise(simulate(certain, Settings(draws=200, seed=1, spread=0.0, model=CERTAIN)), 20)
    for row in (s.mean, *s.percentiles):
        np.testing.assert_allclose(row, certain.point, rtol=0, atol=1e-9)
    np.testing.assert_allclose(certain.point, [45.833333333, 25.0])


def test_a_penalty_lowers_drawn_scores_within_the_scale() -> None:
    rubric, codings = penalty_corpus()
    cs = CaseSet.of(rubric, codings).ranked()
    scores = simulate(cs, Settings(draws=500, seed=2, spread=0.5))
    assert ((scores >= cs.low - 1e-9) & (scores <= cs.low + cs.span + 1e-9)).all()


def _scaled(rubric: Rubric, target: Target, factor: float) -> Rubric:
    group = "features" if target.kind == "feature" else "dimensions"
    items = list(getattr(rubric, group))
    items[target.index] = items[target.index].model_copy(update={"weight": items[target.index].weight * factor})
    return Rubric.model_validate({**rubric.model_dump(), group: [i.model_dump() for i in items]})


def test_break_even_factors_make_the_engine_tie() -> None:
    rubric, codings = penalty_corpus()
    entries = break_even(CaseSet.of(rubric, codings).ranked())
    swaps = {(e.below, e.target.id): e.factor for e in entries if e.status == "swap"}
    # hand-computed in docs/scoring.md terms: distancing x 8/3, credit x 17/7, embargo x 1/6
    assert swaps == pytest.approx({("pd-2014", "distancing"): 8 / 3, ("pd-2014", "credit"): 17 / 7,
                                   ("pd-2014", "embargo"): 1 / 6})  # fmt: skip
    for e in (e for e in entries if e.status == "swap"):
        assert e.factor is not None
        r = _scaled(rubric, e.target, e.factor)
        scored = score_codings(Codings(r, codings.ids, codings.x, codings.status, codings.confidence, codings.cases))
        row = {c: i for i, c in enumerate(codings.ids)}
        assert scored.score[row[e.above]] == pytest.approx(scored.score[row[e.below]], abs=1e-9)


def test_sobol_difference_at_nominal_weights_is_the_point_difference() -> None:
    rubric, codings = penalty_corpus()
    cs = CaseSet.of(rubric, codings).ranked()
    w = cs.weights
    raw = np.concatenate([w.feature, w.dimension])[None]
    assert difference(cs, (1, 2), raw)[0] == pytest.approx(cs.point[1] - cs.point[2])


# ---- the CLI ----


def test_explain_names_the_penalties_and_the_clipped_dimension(cli: Callable[..., Run]) -> None:
    run = cli("explain", "pd-2014", "cases", "--rubrics-dir", "rubrics", cwd=PENALTY)
    assert run.code == 0, run.err
    assert "penalties (subtract when present): distancing, embargo" in run.out
    assert "clipped: penalties outweigh the support in words, which counts at the minimum" in run.out
    data = json.loads(cli("explain", "pd-2014", "cases", "--rubrics-dir", "rubrics", "-f", "json", cwd=PENALTY).out)
    assert data["case"]["clipped"] is True
    points = {f["id"]: f["contribution"] for f in data["case"]["features"]}
    assert points["embargo"] == pytest.approx(-25.0)


def test_explain_dimension_weight_leaves_penalties_out(cli: Callable[..., Run]) -> None:
    run = cli("explain", "pd-2010", "cases", "--rubrics-dir", "rubrics", "-f", "csv", cwd=PENALTY)
    assert run.code == 0, run.err
    table = cli("explain", "pd-2010", "cases", "--rubrics-dir", "rubrics", "-f", "markdown", cwd=PENALTY).out
    words = next(line for line in table.splitlines() if "**words**" in line)
    assert "0.500" in words and "20.8" in words  # support weights 1/3 + 1/6; points 16.7 + 16.7 - 12.5


def test_compare_shows_negative_points_and_says_a_penalty_moved(cli: Callable[..., Run]) -> None:
    run = cli("compare", "cases", "--rubrics-dir", "rubrics", cwd=PENALTY)
    assert run.code == 0, run.err
    assert "Arms embargo on the recipient (a penalty) went from false to true: -25.0" in run.out
    assert "-12.5" in run.out  # distancing's points in pd-2010


def test_sensitivity_runs_with_penalties_in_every_format(cli: Callable[..., Run]) -> None:
    run = cli("sensitivity", "cases", "--rubrics-dir", "rubrics", "--draws", "200", "-f", "json", cwd=PENALTY)
    assert run.code == 0, run.err
    text = " ".join(cli("sensitivity", "cases", "--rubrics-dir", "rubrics", "--draws", "200", cwd=PENALTY).out.split())
    assert "pd-2010 and pd-2014 swap only if the weight of feature credit is multiplied by 2.43." in text


def test_codebook_says_a_penalty_subtracts(cli: Callable[..., Run]) -> None:
    run = cli("codebook", "rubrics/penalty-demo.yaml", cwd=PENALTY)
    assert run.code == 0, run.err
    assert "Direction penalty: absent, it adds nothing; present, it subtracts from its dimension" in run.out
    assert "base weight 25.0% of the score. Direction penalty" in run.out


def test_diff_describes_a_change_to_penalty(cli: Callable[..., Run], tmp_path: Path) -> None:
    text = (PENALTY / "rubrics" / "penalty-demo.yaml").read_text(encoding="utf-8")
    old = text.replace("    weight: 1.5\n    direction: penalty", "    weight: 1.5\n    direction: negative")
    (tmp_path / "old.yaml").write_text(old.replace('version: "1.0.0"', 'version: "0.9.0"'), encoding="utf-8")
    new = str(PENALTY / "rubrics" / "penalty-demo.yaml")
    run = cli("diff", "old.yaml", new, str(PENALTY / "cases"), "-f", "markdown", cwd=tmp_path)  # cells unwrapped
    assert run.code == 0, run.err
    assert "negative (absence earns the weight)" in run.out
    assert "penalty (absence adds nothing, presence subtracts)" in run.out


def test_score_table_and_report_say_what_penalties_do(cli: Callable[..., Run], tmp_path: Path) -> None:
    table = cli("score", "cases", "--rubrics-dir", "rubrics", "-f", "csv", cwd=PENALTY).out
    assert table.splitlines()[0].endswith(",clipped")
    assert [line.split(",")[-1] for line in table.splitlines()[1:]] == ["False", "False", "True"]
    out = tmp_path / "report.md"
    run = cli("report", "cases", "--rubrics-dir", "rubrics", "-o", str(out), cwd=PENALTY)
    assert run.code == 0, run.err
    text = out.read_text(encoding="utf-8")
    assert "for a penalty, the most it can subtract" in text
    assert "clipped: penalties outweigh the support in words" in text
