"""`signalscore trend`: series per dyad in window order, changes, the sensitivity interval, the panel."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from signalscore.trend import Dyad, panel_frame, trend_frame
from tests.conftest import ROOT, THREE, Run


def trend_json(cli: Callable[..., Run], *args: str, cwd: Path = ROOT) -> dict[str, Any]:
    run = cli("trend", "-f", "json", *args, cwd=cwd)
    assert run.code == 0, run.err
    return json.loads(run.out)  # type: ignore[no-any-return]


def scores_of(cli: Callable[..., Run], cwd: Path = ROOT) -> dict[str, float]:
    run = cli("score", "-f", "json", *THREE, cwd=cwd)
    return {c["id"]: c["score"] for c in json.loads(run.out)["rubrics"][0]["cases"]}


def test_bundled_series_is_in_window_order_with_changes(cli: Callable[..., Run]) -> None:
    data = trend_json(cli, "--draws", "0", *THREE)
    [dyad] = data["rubrics"][0]["dyads"]
    assert (dyad["sender"], dyad["recipient"]) == ("China", "Russia")
    windows = dyad["windows"]
    assert [w["case"] for w in windows] == ["cn-ru-2008-georgia", "cn-ru-2014-crimea", "cn-ru-2022-ukraine"]
    assert [w["period_start"] for w in windows] == ["2008-08-08", "2014-02-27", "2022-02-24"]
    scores = scores_of(cli)
    assert [w["score"] for w in windows] == [scores[w["case"]] for w in windows]
    assert windows[0]["change"] is None
    assert windows[1]["change"] == pytest.approx(scores["cn-ru-2014-crimea"] - scores["cn-ru-2008-georgia"])
    assert windows[2]["change"] == pytest.approx(scores["cn-ru-2022-ukraine"] - scores["cn-ru-2014-crimea"])
    assert all(w["interval"] == {"p5": None, "p95": None} for w in windows)
    assert data["sensitivity"] == {"draws": 0, "seed": 0, "weight_spread": 0.5}


def test_interval_is_the_one_sensitivity_reports(cli: Callable[..., Run]) -> None:
    args = ("--draws", "1000", "--seed", "7")
    windows = trend_json(cli, *args)["rubrics"][0]["dyads"][0]["windows"]
    run = cli("sensitivity", "-f", "json", *args, "--sobol-samples", "0", cwd=ROOT)
    assert run.code == 0, run.err
    cases = {c["id"]: c for c in json.loads(run.out)["rubrics"][0]["cases"]}
    for w in windows:
        assert w["interval"] == {"p5": cases[w["case"]]["p5"], "p95": cases[w["case"]]["p95"]}
        assert w["interval"]["p5"] < w["interval"]["p95"]


def dyad_workspace(tmp_path: Path, specs: list[tuple[str, str, str, str]]) -> Path:
    """A workspace with copies of the bundled 2022 case as (id, sender, recipient, period start)."""
    shutil.copytree(ROOT / "rubrics", tmp_path / "rubrics")
    source = yaml.safe_load((ROOT / "cases" / "cn-ru-2022-ukraine.yaml").read_text(encoding="utf-8"))
    (tmp_path / "cases").mkdir()
    for case_id, sender, recipient, start in specs:
        data = dict(source, id=case_id, sender=sender, recipient=recipient)
        data["period"] = {"start": start, "end": f"{int(start[:4]) + 1}{start[4:]}"}
        (tmp_path / "cases" / f"{case_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


SPECS = [
    ("a-2010", "Aland", "Borea", "2010-01-01"),
    ("a-2012", "Aland", "Borea", "2012-06-01"),
    ("c-2012", "Cygnia", "Borea", "2012-03-01"),
]


def test_dyads_are_filtered_without_regard_to_case(cli: Callable[..., Run], tmp_path: Path) -> None:
    ws = dyad_workspace(tmp_path, SPECS)
    data = trend_json(cli, "--draws", "0", "--sender", "ALAND", "--recipient", "borea", cwd=ws)
    [dyad] = data["rubrics"][0]["dyads"]
    assert [w["case"] for w in dyad["windows"]] == ["a-2010", "a-2012"]
    every = trend_json(cli, "--draws", "0", cwd=ws)["rubrics"][0]["dyads"]
    assert [(d["sender"], d["recipient"]) for d in every] == [("Aland", "Borea"), ("Cygnia", "Borea")]


def test_an_unknown_sender_is_a_usage_error_with_a_suggestion(cli: Callable[..., Run]) -> None:
    run = cli("trend", "--sender", "Chnia", cwd=ROOT)
    assert run.code == 2 and run.out == ""
    assert run.err.strip() == "Error: --sender 'Chnia': no case has this sender; did you mean 'China'?"


def test_panel_has_a_column_per_window_year(cli: Callable[..., Run], tmp_path: Path) -> None:
    ws = dyad_workspace(tmp_path, SPECS)
    run = cli("trend", "--panel", "-f", "json", "--draws", "0", cwd=ws)
    assert run.code == 0, run.err
    panel = json.loads(run.out)["rubrics"][0]
    assert panel["windows"] == ["2010", "2012"]
    rows = {(d["sender"], d["recipient"]): d["scores"] for d in panel["dyads"]}
    assert rows[("Cygnia", "Borea")]["2010"] is None
    assert rows[("Aland", "Borea")]["2010"] == rows[("Cygnia", "Borea")]["2012"]  # the same coding copied
    table = cli("trend", "--panel", "--draws", "0", cwd=ws).out
    assert "Aland → Borea" in table and "2010" in table and "2012" in table


def test_two_windows_of_one_dyad_in_a_year_get_dates(tmp_path: Path) -> None:
    cases = pd.DataFrame(
        {
            "rubric": "r",
            "case": ["x1", "x2"],
            "sender": "S",
            "recipient": "R",
            "period_start": pd.to_datetime(["2020-01-01", "2020-07-01"]),
            "period_end": pd.to_datetime(["2020-12-31", "2021-06-30"]),
            "score": [1.0, 3.0],
            "score_low": [1.0, 3.0],
            "score_high": [1.0, 3.0],
            "coverage": [1.0, 1.0],
        }
    )
    wide = panel_frame(trend_frame(cases))
    assert list(wide.columns) == ["rubric", "sender", "recipient", "2020-01-01", "2020-07-01"]
    assert wide.iloc[0, 3:].tolist() == [1.0, 3.0]


def test_cases_without_a_period_are_left_out_and_unscored_keep_no_change() -> None:
    cases = pd.DataFrame(
        {
            "rubric": "r",
            "case": ["a", "b", "c", "d"],
            "sender": "S",
            "recipient": "R",
            "period_start": [pd.Timestamp("2001-01-01"), None, pd.Timestamp("2003-01-01"), pd.Timestamp("2002-01-01")],
            "period_end": [None, None, None, None],
            "score": [10.0, 99.0, 16.0, float("nan")],
            "score_low": [10.0, 99.0, 16.0, 0.0],
            "score_high": [10.0, 99.0, 16.0, 100.0],
            "coverage": [1.0, 1.0, 1.0, 0.0],
        }
    )
    out = trend_frame(cases, Dyad("s", "r"), {"a": (8.0, 12.0)})
    assert out["case"].tolist() == ["a", "d", "c"]
    assert out["change"].isna().tolist() == [True, True, True]  # d has no score: neither has d's nor c's change
    assert out["p5"].tolist()[0] == 8.0 and out["p95"].isna().tolist() == [False, True, True]


def test_every_format_carries_the_series(cli: Callable[..., Run]) -> None:
    csv = cli("trend", "-f", "csv", "--draws", "0", *THREE, cwd=ROOT).out.splitlines()
    assert csv[0] == (
        "rubric,sender,recipient,case,period_start,period_end,score,score_low,score_high,p5,p95,coverage,change"
    )
    assert csv[1].startswith("support-signals,China,Russia,cn-ru-2008-georgia,2008-08-08,2009-08-07,")
    for fmt, mark in (("markdown", "| from "), ("html", "<table>"), ("latex", "\\begin{tabular}")):
        out = cli("trend", "-f", fmt, "--draws", "0", cwd=ROOT).out
        assert mark in out and "cn-ru-2014-crimea" in out.replace("\\-", "-"), fmt


def test_the_chart_keeps_the_dyads_with_most_windows() -> None:
    from signalscore.report.trend_chart import charted_dyads

    rows = [("r", f"S{i:02d}", "R", f"{2000 + k}-01-01") for i in range(12) for k in range(1 + i % 3)]
    frame = pd.DataFrame(rows, columns=["rubric", "sender", "recipient", "period_start"])
    kept, note = charted_dyads(frame, limit=4)
    assert kept == [("r", "S02", "R"), ("r", "S05", "R"), ("r", "S08", "R"), ("r", "S11", "R")]
    assert note == " (the 4 dyads with the most windows of 12)"
    assert charted_dyads(frame, limit=12) == (sorted(set((r, s, t) for r, s, t, _ in rows)), "")


def test_the_chart_is_a_png_of_the_bundled_series(cli: Callable[..., Run]) -> None:
    from signalscore.api import load_cases, score
    from signalscore.report.trend_chart import trend_chart

    corpus = load_cases(ROOT / "cases", rubrics_dir=ROOT / "rubrics")
    png = trend_chart(trend_frame(score(corpus).cases), corpus.rubrics)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_the_python_api_returns_the_commands_series_and_panel(cli: Callable[..., Run]) -> None:
    import signalscore

    corpus = signalscore.load_cases(ROOT / "cases")
    series = signalscore.trend(corpus, sender="china", recipient="russia", draws=300, seed=2)
    printed = trend_json(cli, "--sender", "China", "--recipient", "Russia", "--draws", "300", "--seed", "2")
    windows = printed["rubrics"][0]["dyads"][0]["windows"]
    assert series["case"].tolist() == [w["case"] for w in windows]
    assert series["p5"].tolist() == [w["interval"]["p5"] for w in windows]
    assert str(series["period_start"].dtype).startswith("datetime64")
    panel = signalscore.trend(corpus, panel=True)
    printed_panel = json.loads(cli("trend", "--panel", "-f", "json", cwd=ROOT).out)["rubrics"][0]
    assert [c for c in panel.columns if c not in ("rubric", "sender", "recipient")] == printed_panel["windows"]
    assert "trend" in dir(signalscore)


def test_two_codings_of_one_window_get_their_row_labels() -> None:
    start, end = pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31")
    cases = pd.DataFrame(
        {
            "rubric": "r",
            "case": ["x@ana", "x@ben"],
            "sender": "S",
            "recipient": "R",
            "period_start": [start, start],
            "period_end": [end, end],
            "score": [1.0, 2.0],
            "score_low": [1.0, 2.0],
            "score_high": [1.0, 2.0],
            "coverage": [1.0, 1.0],
        }
    )
    wide = panel_frame(trend_frame(cases))
    assert list(wide.columns)[3:] == ["x@ana", "x@ben"] and wide.iloc[0, 3:].tolist() == [1.0, 2.0]


def test_the_chart_draws_a_score_that_lies_outside_its_interval() -> None:
    from signalscore.api import load_rubric
    from signalscore.report.trend_chart import trend_chart

    rubric = load_rubric(ROOT / "rubrics" / "support-signals.yaml")
    cases = pd.DataFrame(
        {
            "rubric": rubric.id,
            "case": ["a", "b"],
            "sender": "S",
            "recipient": "R",
            "period_start": pd.to_datetime(["2001-01-01", "2002-01-01"]),
            "period_end": pd.to_datetime(["2001-12-31", "2002-12-31"]),
            "score": [10.0, 50.0],
            "score_low": [10.0, 50.0],
            "score_high": [10.0, 50.0],
            "coverage": [1.0, 1.0],
        }
    )
    # a point score below its draws' 5th percentile (possible with unknowns drawn over their scale)
    trend = trend_frame(cases, intervals={"a": (12.0, 30.0), "b": (20.0, 60.0)})
    assert trend_chart(trend, {rubric.id: rubric}).startswith(b"\x89PNG")
