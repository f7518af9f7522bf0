"""`signalscore diff`: rubric changes item by item, and each case's move in score and rank."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from signalscore.rescore import read_rubric
from signalscore.rubric import Rubric
from signalscore.rubric_diff import Change, rubric_changes

DEMO = Path(__file__).resolve().parent / "data" / "valid" / "demo"
DEMO_TEXT = (DEMO / "rubrics" / "demo.yaml").read_text(encoding="utf-8")
OLD_SCORES = {"alpha-2010": 8.125, "alpha-2014": 3.5416666666666674}  # tests/golden/score.json
# Exercises dominate the deeds: alpha-2014 (6 exercises, capped at 4) overtakes alpha-2010 (exercises n/a).
SWAP = {"    scale: {type: count, cap: 4}": "    weight: 50\n    scale: {type: count, cap: 4}", '"1.0.0"': '"2.0.0"'}


def edited(**replacements: str) -> str:
    text = DEMO_TEXT
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def rubric(text: str, tmp_path: Path, name: str = "r.yaml") -> Rubric:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return read_rubric(tmp_path / name)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(DEMO, tmp_path / "ws")
    return tmp_path / "ws"


def write_new(workspace: Path, replacements: dict[str, str]) -> str:
    text = DEMO_TEXT
    for old, new in replacements.items():
        text = text.replace(old, new)
    (workspace / "new.yaml").write_text(text, encoding="utf-8")
    return "new.yaml"


def test_identical_rubrics_have_no_changes(tmp_path: Path) -> None:
    assert rubric_changes(rubric(DEMO_TEXT, tmp_path), rubric(DEMO_TEXT, tmp_path, "b.yaml")) == []


def test_every_kind_of_change_is_listed(tmp_path: Path) -> None:
    new_text = edited(
        **{
            '"1.0.0"': '"1.1.0"',
            "scale: {min: 0, max: 10}": "scale: {min: 0, max: 100}\nmissing: zero",
            "{id: deeds, label: Deeds, weight: 3}": "{id: deeds, label: Deeds, weight: 2}",
            "    weight: 2\n    references": "    weight: 3\n    references",
            "    direction: negative\n": "",
            "{0: none, 1: understanding, 2: adopts the frame, 3: endorses the act}": "{0: none, 1: understands, 2: x}",
            "{type: count, thresholds: [1, 2, 4]}": "{type: count, thresholds: [1, 3]}",
            "{type: continuous, min: -10, max: 30}": "{type: count, cap: 30}",
            "  - id: exercises\n    label: Joint exercises": "  - id: drills\n    label: Drills",
            "1: {label: minor, value: 0.25}": "1: {label: minor, value: 0.5}",
        }
    )
    assert rubric_changes(rubric(DEMO_TEXT, tmp_path), rubric(new_text, tmp_path, "b.yaml")) == [
        Change("rubric", "demo", "version", "1.0.0", "1.1.0"),
        Change("rubric", "demo", "missing", "renormalize", "zero"),
        Change("rubric", "demo", "scale", "0 to 10", "0 to 100"),
        Change("dimension", "deeds", "weight", "3", "2"),
        Change("feature", "exercises", "removed", "count, weight 1, positive, in deeds", ""),
        Change("feature", "drills", "added", "", "count, weight 1, positive, in deeds"),
        Change("feature", "endorse", "weight", "2", "3"),
        Change("feature", "endorse", "level 1", "understanding", "understands"),
        Change("feature", "endorse", "level 2", "adopts the frame", "x"),
        Change("feature", "endorse", "level 3", "endorses the act", "removed"),
        Change("feature", "meetings", "thresholds", "1, 2, 4", "1, 3"),
        Change("feature", "hedging", "direction", "negative", "positive"),
        Change("feature", "hedging", "level 1", "minor (value 0.25)", "minor (value 0.5)"),
        Change("feature", "trade_growth", "scale type", "continuous", "count"),
    ]


def test_diff_table_marks_rank_changes_and_sorts_by_move(cli: Callable[..., Any], workspace: Path) -> None:
    run = cli("diff", "rubrics/demo.yaml", write_new(workspace, SWAP), cwd=workspace)
    assert run.code == 0, run.err
    assert run.err == ""
    assert run.out.splitlines() == [
        "Changes: demo 1.0.0 -> demo 2.0.0",
        "",
        "item     id         change   old    new",
        "-------  ---------  -------  -----  -----",
        "rubric   demo       version  1.0.0  2.0.0",
        "feature  exercises  weight   1      50",
        "",
        "Cases, largest move first",
        "",
        "case        old  new  change  old_rank  new_rank  moved",
        "----------  ---  ---  ------  --------  --------  ------",
        "alpha-2014  3.5  8.3    +4.7         2         1  up 1",
        "alpha-2010  8.1  8.1     0.0         1         2  down 1",
        "alpha-2020",
    ]


def test_diff_scores_match_the_score_command(cli: Callable[..., Any], workspace: Path) -> None:
    new = write_new(workspace, SWAP)
    data = json.loads(cli("diff", "rubrics/demo.yaml", new, "-f", "json", cwd=workspace).out)
    scored = json.loads(cli("score", "--rubric", new, "-f", "json", cwd=workspace).out)
    expected_new = {c["id"]: c["score"] for c in scored["rubrics"][0]["cases"]}
    assert {c["case"]: c["old"] for c in data["cases"]} == {**OLD_SCORES, "alpha-2020": None}
    assert {c["case"]: c["new"] for c in data["cases"]} == expected_new
    assert [c["moved"] for c in data["cases"]] == ["up 1", "down 1", ""]
    assert data["old"] == {"id": "demo", "version": "1.0.0"} and data["new"] == {"id": "demo", "version": "2.0.0"}
    assert data["changes"][1] == {"item": "feature", "id": "exercises", "change": "weight", "old": "1", "new": "50"}


def test_a_value_the_new_rubric_refuses_is_scored_unknown(cli: Callable[..., Any], workspace: Path) -> None:
    levels = "{0: none, 1: understanding, 2: adopts the frame, 3: endorses the act}"
    (workspace / "new.yaml").write_text(edited(**{levels: "{0: none, 1: a}"}), encoding="utf-8")
    run = cli("diff", "rubrics/demo.yaml", "new.yaml", "-f", "csv", cwd=workspace)
    assert run.code == 0
    assert run.err == (
        "note: alpha-2010: endorse = 2 is not valid under demo 1.0.0 (expected one of the levels 0, 1, n/a or "
        "unknown); scored as unknown\n"
    )
    lines = run.out.splitlines()
    assert lines[0] == "case,old,new,change,old_rank,new_rank,moved"
    # Without endorse (weight 2 of 4 in words), alpha-2010's words score is that of meetings and hedging alone.
    assert lines[1].startswith("alpha-2014,3.5416666666666674,")
    assert lines[2].startswith("alpha-2010,8.125,")


def test_missing_fail_leaves_a_case_without_a_new_score(cli: Callable[..., Any], workspace: Path) -> None:
    text = edited(**{"scale: {min: 0, max: 10}": "scale: {min: 0, max: 10}\nmissing: fail"})
    (workspace / "new.yaml").write_text(text, encoding="utf-8")
    run = cli("diff", "rubrics/demo.yaml", "new.yaml", "-f", "json", cwd=workspace)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["notes"] == [
        "alpha-2014: no score under demo 1.0.0: trade_growth unknown, and missing is fail",
        "alpha-2020: no score under demo 1.0.0: endorse, meetings, hedging, trade_growth, exercises unknown, "
        "and missing is fail",
    ]
    rows = {c["case"]: (c["new"], c["new_rank"], c["moved"]) for c in data["cases"]}
    assert rows == {
        "alpha-2010": (8.125, 1, ""),
        "alpha-2014": (None, None, "unranked"),
        "alpha-2020": (None, None, ""),
    }


def test_cases_of_other_rubrics_are_skipped(cli: Callable[..., Any], workspace: Path) -> None:
    other = (workspace / "cases" / "alpha-2020.yaml").read_text(encoding="utf-8").replace("rubric: demo", "rubric: x")
    (workspace / "cases" / "alpha-2020.yaml").write_text(other, encoding="utf-8")
    run = cli("diff", "rubrics/demo.yaml", "rubrics/demo.yaml", cwd=workspace)
    assert run.code == 0
    assert run.err == "note: skipped 1 case(s) coded against other rubrics\n"
    assert "no changes" in run.out.splitlines()
    assert "alpha-2020" not in run.out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("nosuch.yaml", "rubrics/demo.yaml"), 2, "Error: nosuch.yaml: no such rubric file\n"),
        (("cases/alpha-2010.yaml", "rubrics/demo.yaml"), 2, "Error: cases/alpha-2010.yaml is not a rubric"),
        (("rubrics/demo.yaml", "rubrics/demo.yaml", "rubrics"), 2, "Error: no cases of rubric demo in rubrics\n"),
        (("rubrics/demo.yaml", "rubrics/demo.yaml", "-o", "rubrics/demo.yaml"), 2, "Error: --output rubrics/demo.yaml"),
        (("rubrics/demo.yaml", "rubrics/demo.yaml", "-o", "cases/alpha-2010.yaml"), 2, "Error: --output cases/"),
    ],
)
def test_diff_refusals(
    cli: Callable[..., Any], workspace: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before = (workspace / "cases" / "alpha-2010.yaml").read_bytes()
    run = cli("diff", *args, cwd=workspace)
    assert run.code == code
    assert run.err.startswith(message)
    assert run.out == ""
    assert (workspace / "cases" / "alpha-2010.yaml").read_bytes() == before


def test_an_invalid_rubric_is_located(cli: Callable[..., Any], workspace: Path) -> None:
    (workspace / "new.yaml").write_text(edited(**{"    weight: 2\n    references": "    weight: -2\n    references"}))
    run = cli("diff", "rubrics/demo.yaml", "new.yaml", cwd=workspace)
    assert run.code == 1
    assert run.err.startswith("new.yaml:16:13: features.0.weight: ")
    assert run.err.endswith("1 problem found\n")


def test_diff_writes_markdown_to_a_file(cli: Callable[..., Any], workspace: Path) -> None:
    run = cli("diff", "rubrics/demo.yaml", write_new(workspace, SWAP), "-f", "markdown", "-o", "d.md", cwd=workspace)
    assert run.code == 0 and run.out == ""
    text = (workspace / "d.md").read_text(encoding="utf-8")
    assert text.startswith("### Changes: demo 1.0.0 -> demo 2.0.0\n\n| item    | id        |")
    assert "| alpha-2014 |   3.5 |   8.3 |     +4.7 |          2 |          1 | up 1    |" in text
