"""Comparison analysis: case order, points, subtotals, deltas, top changes, and the compare command."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signalscore.api import load_cases, score
from signalscore.compare import Comparison, case_order, compare, compare_all, pairs_of
from signalscore.engine import Scores, score_rubric
from signalscore.errors import UsageError
from signalscore.frame import cases_frame, codings_frame
from signalscore.rubric import Rubric
from tests.conftest import DEMO
from tests.strategies import cases_for, rubrics

Cli = Callable[..., Any]


@pytest.fixture(scope="module")
def demo() -> tuple[Any, Scores]:
    corpus = load_cases(DEMO / "cases", rubrics_dir=DEMO / "rubrics")
    return corpus, score(corpus)


@pytest.fixture(scope="module")
def comp(demo: tuple[Any, Scores]) -> Comparison:
    corpus, scores = demo
    return compare(scores, corpus.rubrics["demo"])


def test_cases_are_ordered_by_period_start_then_id_undated_last(comp: Comparison) -> None:
    assert comp.ids == ["alpha-2010", "alpha-2014", "alpha-2020"]


def test_order_ignores_ids_when_periods_say_otherwise() -> None:
    starts = [dt.date(2020, 1, 1), dt.date(2001, 1, 1), None]
    frame = pd.DataFrame({"case": ["a-late", "b-early", "c-undated"], "period_start": starts})
    assert list(case_order(frame)["case"]) == ["b-early", "a-late", "c-undated"]


def test_points_are_the_engine_contributions(comp: Comparison) -> None:
    assert comp.points.at["aid", "alpha-2010"] == 5.0
    assert comp.points.at["endorse", "alpha-2014"] == pytest.approx(5 / 12)
    assert math.isnan(comp.points.at["exercises", "alpha-2010"])  # n/a contributes nothing


def test_subtotals_add_up_to_score_minus_min(comp: Comparison) -> None:
    assert list(comp.subtotals.index) == ["words", "deeds"]
    assert comp.subtotals["alpha-2010"].sum() == pytest.approx(8.125)
    assert comp.subtotals["alpha-2014"].sum() == pytest.approx(3.541666666666666)
    assert comp.subtotals["alpha-2020"].isna().all()


def test_pairs_are_consecutive_or_against_the_baseline() -> None:
    assert pairs_of(["a", "b", "c"], None) == (("a", "b"), ("b", "c"))
    assert pairs_of(["a", "b", "c"], "b") == (("b", "a"), ("b", "c"))
    assert pairs_of(["a"], None) == ()


def test_deltas_count_an_inactive_side_as_zero_and_both_inactive_as_none(comp: Comparison) -> None:
    assert comp.deltas.at["aid", "alpha-2014"] == -5.0
    assert comp.deltas.at["exercises", "alpha-2014"] == 2.5  # n/a in 2010, coded in 2014
    assert comp.deltas.at["trade_growth", "alpha-2014"] == -1.40625  # coded, then unknown
    assert comp.subtotal_deltas.at["deeds", "alpha-2014"] == pytest.approx(2.5 - 6.40625)


def test_a_case_without_a_score_has_no_deltas(comp: Comparison) -> None:
    assert comp.deltas["alpha-2020"].isna().all()
    assert comp.subtotal_deltas["alpha-2020"].isna().all()
    assert math.isnan(comp.moved("score")["alpha-2020"])
    assert comp.moved("coverage")["alpha-2020"] == -0.8125


def test_top_changes_are_the_three_biggest_moves_signed(comp: Comparison) -> None:
    rows = comp.changes.to_dict("records")
    assert rows == [
        {"from": "alpha-2010", "to": "alpha-2014", "feature": "aid", "points": -5.0},
        {"from": "alpha-2010", "to": "alpha-2014", "feature": "exercises", "points": 2.5},
        {"from": "alpha-2010", "to": "alpha-2014", "feature": "trade_growth", "points": -1.40625},
    ]


def test_baseline_compares_every_other_case_with_it(demo: tuple[Any, Scores]) -> None:
    corpus, scores = demo
    comp = compare(scores, corpus.rubrics["demo"], baseline="alpha-2014")
    assert comp.pairs == (("alpha-2014", "alpha-2010"), ("alpha-2014", "alpha-2020"))
    assert comp.deltas.at["aid", "alpha-2010"] == 5.0
    assert list(comp.deltas.columns) == ["alpha-2010", "alpha-2020"]


def test_an_unknown_baseline_is_a_usage_error(demo: tuple[Any, Scores]) -> None:
    corpus, scores = demo
    with pytest.raises(UsageError, match=r"--baseline 'alpha-1999' is not one of the cases \(cases: alpha-2010, "):
        compare_all(scores, corpus.rubrics, baseline="alpha-1999")


def random_comparison(data: st.DataObject, min_size: int, max_size: int) -> tuple[Rubric, Comparison]:
    """A comparison of a few random cases of a random rubric."""
    rubric = data.draw(rubrics())
    cases = data.draw(cases_for(rubric, min_size=min_size, max_size=max_size))
    return rubric, compare(score_rubric(rubric, codings_frame(rubric, cases), cases_frame(rubric, cases)), rubric)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_feature_and_subtotal_deltas_add_up_to_the_score_delta(data: st.DataObject) -> None:
    rubric, comp = random_comparison(data, 2, 4)
    moved = comp.moved("score")
    for _, later in comp.pairs:
        if math.isnan(moved[later]):
            assert comp.deltas[later].isna().all()
            continue
        assert comp.deltas[later].sum() == pytest.approx(moved[later], abs=1e-6)
        if rubric.dimensions:
            assert comp.subtotal_deltas[later].sum() == pytest.approx(moved[later], abs=1e-6)
    assert len(comp.changes) <= 3 * len(comp.pairs)
    for _, group in comp.changes.groupby("to"):
        sizes = group["points"].abs().tolist()
        assert sizes == sorted(sizes, reverse=True)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_cell_at_once_is_each_cell(data: st.DataObject) -> None:
    rubric, comp = random_comparison(data, 1, 5)
    every = comp.every_cell()
    assert list(every) == [f.id for f in rubric.features]
    for f in rubric.features:
        assert list(every[f.id]) == comp.ids
        for case in comp.ids:
            got, one = every[f.id][case], comp.cell(f.id, case)
            assert (got["status"], got["value"]) == (one["status"], one["value"])
            a, b = got["contribution"], one["contribution"]
            assert (math.isnan(a) and math.isnan(b)) or a == b


RUBRIC_B = """\
id: other
version: "2"
title: Another rubric
features:
  - {id: aid, label: Aid, scale: {type: binary}}
"""


def test_cases_under_different_rubrics_get_one_table_each(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "other.yaml").write_text(RUBRIC_B, encoding="utf-8")
    (tmp_path / "rubrics" / "demo.yaml").write_text((DEMO / "rubrics" / "demo.yaml").read_text(), encoding="utf-8")
    (tmp_path / "cases").mkdir()
    for name in ("alpha-2010", "alpha-2014"):
        (tmp_path / "cases" / f"{name}.yaml").write_text((DEMO / "cases" / f"{name}.yaml").read_text())
    case = "id: other-1\nrubric: other\ntitle: T\nsender: A\nrecipient: B\ncodings: {aid: true}\n"
    (tmp_path / "cases" / "other-1.yaml").write_text(case, encoding="utf-8")
    run = cli("compare", "--format", "json", cwd=tmp_path)
    assert run.code == 0, run.err
    tables = json.loads(run.out)["rubrics"]
    by_rubric = {t["id"]: t for t in tables}
    assert len(tables) == 2
    assert [c["id"] for c in by_rubric["demo"]["cases"]] == ["alpha-2010", "alpha-2014"]
    assert [c["id"] for c in by_rubric["other"]["cases"]] == ["other-1"]
    assert by_rubric["other"]["deltas"] == [] and by_rubric["other"]["changes"] == []
    text = cli("compare", cwd=tmp_path).out
    assert "demo 1.0.0: Demo rubric" in text and "other 2: Another rubric" in text


def test_compare_command_with_unknown_baseline_exits_2(cli: Cli) -> None:
    run = cli("compare", "--baseline", "nope")
    assert run.code == 2
    assert run.err == "Error: --baseline 'nope' is not one of the cases (cases: alpha-2010, alpha-2014, alpha-2020)\n"


def test_compare_json_cells_and_changes(cli: Cli) -> None:
    data = json.loads(cli("compare", "--format", "json").out)["rubrics"][0]
    assert [c["id"] for c in data["cases"]] == ["alpha-2010", "alpha-2014", "alpha-2020"]
    endorse = data["features"][0]
    assert endorse["id"] == "endorse" and endorse["dimension"] == "words"
    assert endorse["cells"]["alpha-2010"] == {"status": "coded", "value": 2, "points": pytest.approx(0.8333333)}
    assert endorse["cells"]["alpha-2020"] == {"status": "unknown", "value": None, "points": None}
    assert data["deltas"][0]["from"] == "alpha-2010" and data["deltas"][0]["score"] == pytest.approx(-4.5833333)
    assert data["changes"][0]["sentence"] == "Economic aid went from true to false: -5.0 points."


def test_compare_csv_is_tidy_one_row_per_case_and_feature(cli: Cli) -> None:
    lines = cli("compare", "--format", "csv").out.splitlines()
    assert lines[0] == "rubric,case,feature,dimension,status,value,points,compared_with,delta"
    assert len(lines) == 1 + 3 * 6
    assert "demo,alpha-2014,aid,deeds,coded,false,0.0,alpha-2010,-5.0" in lines


def test_compare_writes_the_output_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "compare.md"
    run = cli("compare", "--format", "markdown", "--output", str(target))
    assert run.code == 0 and run.out == ""
    assert target.read_text(encoding="utf-8").startswith("### demo 1.0.0")


def test_a_single_case_has_no_delta_and_nothing_changed(cli: Cli) -> None:
    run = cli("compare", "cases/alpha-2010.yaml")
    assert run.code == 0, run.err
    assert "Δ" not in run.out and "What changed" not in run.out
    assert run.out.splitlines()[2].split() == ["alpha-2010"]


def _many(tmp_path: Path, n: int) -> Path:
    """A workspace with n cases of one binary feature, one a year from 1900."""
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "other.yaml").write_text(RUBRIC_B, encoding="utf-8")
    (tmp_path / "cases").mkdir()
    for i in range(n):
        text = (
            f"id: case-{i:03d}\nrubric: other\ntitle: T\nsender: A\nrecipient: B\n"
            f"period: {{start: {1900 + i}-01-01, end: {1900 + i}-12-31}}\ncodings: {{aid: {str(i % 3 == 0).lower()}}}\n"
        )
        (tmp_path / "cases" / f"case-{i:03d}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_compare_summarises_beyond_max_cases_and_json_keeps_every_case(cli: Cli, tmp_path: Path) -> None:
    # issue 9 item 17 / issue 10: thousands of cases must not make a table with thousands of columns.
    workspace = _many(tmp_path, 15)
    text = cli("compare", cwd=workspace).out
    table = text.split("Cells:")[0]  # the table, in blocks of whole cases; the prefix case- cut
    headers = [line.split() for line in table.splitlines() if "Δ" in line and "·" not in line]
    shown = [cell for header in headers for cell in header if cell != "Δ"]
    assert shown == [f"{k:03d}" for k in range(12)] and headers[-1][-2:] == ["011", "Δ"]
    assert "15 cases: the table shows the first 12 in period order (3 left out)" in " ".join(text.split())
    assert "-f csv or -f json give every case" in " ".join(text.split())
    assert text.count("→") + text.count("->") >= 12 and "case-013" in text  # what changed: the largest moves
    wider = cli("compare", "--max-cases", "20", cwd=workspace).out
    assert "left out" not in wider and "case-014" in wider
    data = json.loads(cli("compare", "-f", "json", cwd=workspace).out)["rubrics"][0]
    assert len(data["cases"]) == 15 and len(data["deltas"]) == 14
    assert cli("compare", "--max-cases", "0", cwd=workspace).code == 2


def test_scores_give_arrays_per_rubric_matching_the_frames(demo: tuple[Any, Scores]) -> None:
    _, scores = demo
    part = scores.of("demo")
    frame = scores.cases.set_index("case")
    for i, cid in enumerate(part.ids):
        assert frame.loc[cid, "coverage"] == part.coverage[i]
        assert (math.isnan(part.score[i]) and pd.isna(frame.loc[cid, "score"])) or frame.loc[
            cid, "score"
        ] == part.score[i]
    feats = scores.features.set_index(["case", "feature"])
    j = [f.id for f in part.rubric.features].index("aid")
    assert feats.loc[("alpha-2010", "aid"), "contribution"] == part.points[part.row("alpha-2010"), j] == 5.0
