"""`validate` shows warnings without failing; `validate --strict` fails on them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DEMO = Path(__file__).resolve().parent / "data" / "valid" / "demo"

SUPPORTED = """\
id: beta-2011
rubric: demo
title: Beta, well supported
sender: Alpha
recipient: Beta
period: {start: 2011-01-01, end: 2011-12-31}
sources:
  - {id: s1, title: Statement, date: 2011-05-01}
codings:
  endorse:
    value: 3
    confidence: high
    evidence:
      - {source: s1, quote: "we endorse"}
  aid: n/a
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The demo rubric with one well-supported case."""
    shutil.copytree(DEMO / "rubrics", tmp_path / "rubrics")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "beta-2011.yaml").write_text(SUPPORTED, encoding="utf-8")
    return tmp_path


def test_clean_workspace_passes_strict(cli: Callable[..., Any], workspace: Path) -> None:
    run = cli("validate", "--strict", cwd=workspace)
    assert run.code == 0, run.err
    assert run.err == "ok: 1 rubric(s) and 1 case(s) valid\n"


def test_warnings_are_shown_but_do_not_fail(cli: Callable[..., Any], workspace: Path) -> None:
    case = workspace / "cases" / "beta-2011.yaml"
    case.write_text(SUPPORTED.replace("  aid: n/a\n", "  aid: true\n"), encoding="utf-8")
    run = cli("validate", cwd=workspace)
    assert run.code == 0
    assert run.err.splitlines() == [
        "cases/beta-2011.yaml:15:3: codings.aid: warning: aid is coded without a confidence (high, medium or low) "
        "(missing-confidence)",
        "cases/beta-2011.yaml:15:3: codings.aid: warning: aid is coded without evidence (coded-without-evidence)",
        "ok: 1 rubric(s) and 1 case(s) valid",
        "2 warning(s); --strict makes them errors",
    ]


def test_strict_turns_warnings_into_errors(cli: Callable[..., Any], workspace: Path) -> None:
    case = workspace / "cases" / "beta-2011.yaml"
    case.write_text(SUPPORTED.replace("2011-05-01", "2015-05-01"), encoding="utf-8")
    run = cli("validate", "--strict", cwd=workspace)
    assert run.code == 1
    assert run.err.splitlines() == [
        "cases/beta-2011.yaml:6:9: period: none of the 1 dated source(s) (2015-05-01) falls within the period "
        "2011-01-01 to 2011-12-31 (period-outside-sources)",
        "1 problem found",
    ]


def test_strict_on_the_demo_counts_every_warning(cli: Callable[..., Any]) -> None:
    plain, strict = cli("validate"), cli("validate", "--strict")
    assert plain.code == 0 and strict.code == 1
    warnings = [line for line in plain.err.splitlines() if ": warning: " in line]
    assert len(warnings) == 17
    assert strict.err.splitlines()[-1] == "17 problems found"
    assert [w.replace("warning: ", "") for w in warnings] == strict.err.splitlines()[:-1]


def test_errors_still_fail_without_strict(cli: Callable[..., Any], workspace: Path) -> None:
    (workspace / "cases" / "beta-2011.yaml").write_text(SUPPORTED.replace("value: 3", "value: 7"), encoding="utf-8")
    run = cli("validate", cwd=workspace)
    assert run.code == 1
    assert "cases/beta-2011.yaml:11:12: codings.endorse.value: 7 is not valid for endorse (ordinal scale)" in run.err


COMMENTED = "cases/beta-2011.yaml:15:27: codings.endorse.evidence.0.quote: warning: the text after ' #' is a comment, "


def test_a_quoted_hash_or_one_inside_a_word_is_no_comment(cli: Callable[..., Any], workspace: Path) -> None:
    case = workspace / "cases" / "beta-2011.yaml"
    text = SUPPORTED.replace('quote: "we endorse"', 'quote: "held talks #1 priority", note: issue#1').replace(
        "title: Beta, well supported", "title: 'Beta #2'  # a comment after a quoted value"
    )
    case.write_text(text, encoding="utf-8")
    run = cli("validate", "--strict", cwd=workspace)
    assert (run.code, run.err) == (0, "ok: 1 rubric(s) and 1 case(s) valid\n")


def test_warnings_of_many_files_are_said_once_each_in_file_and_line_order(
    cli: Callable[..., Any], workspace: Path
) -> None:
    from signalscore.errors import IN_ORDER
    from signalscore.lint import lint
    from signalscore.loader import load

    commented = SUPPORTED.replace(
        '{source: s1, quote: "we endorse"}', "source: s1\n        quote: held talks #1 priority"
    )
    for n, year in enumerate(range(2012, 2018)):  # comments (the loader's warnings, and lints) among other lints
        text = (commented if n % 2 else SUPPORTED).replace("beta-2011", f"beta-{year}")
        text = text.replace("  aid: n/a\n", "  aid: true\n") if n % 3 else text.replace("    confidence: high\n", "")
        (workspace / "cases" / ("sub" if n > 3 else "") / f"beta-{year}.yaml").parent.mkdir(exist_ok=True)
        (workspace / "cases" / ("sub" if n > 3 else "") / f"beta-{year}.yaml").write_text(text, encoding="utf-8")
    run = cli("validate", "--no-cache", cwd=workspace)
    corpus = load([workspace / "rubrics", workspace / "cases"], rubrics_dir=workspace / "rubrics", lint=True)
    expected = sorted(set(corpus.warnings + lint(corpus)), key=IN_ORDER)  # every warning, once, in order
    assert len(corpus.warnings) == 3 and len(expected) > 6
    shown = [str(p).replace(str(workspace) + "/", "") for p in expected]
    assert run.code == 0
    assert run.err.splitlines()[:-2] == shown
    assert run.err.splitlines()[-1] == f"{len(expected)} warning(s); --strict makes them errors"


ANCHORED = (
    "cases/beta-2011.yaml:3:8: title: warning: '&Co' before the value is a YAML anchor, not text, so the value"
    " reads 'Beta, well supported': if the '&' belongs to the value, put the whole value in quotes"
    " (anchor-before-value)"
)


LOST = [  # (what the case file says instead, the warning)
    (
        ('{source: s1, quote: "we endorse"}', "source: s1\n        quote: held talks #1 priority"),
        COMMENTED + "so the value reads 'held talks': if the '#' belongs to the value, put the whole value in quotes "
        "(comment-after-value)",
    ),
    (  # the alias repeats the value: said once, where it is written
        ("title: Beta", "title: &Co Beta", 'quote: "we endorse"', "quote: *Co"),
        ANCHORED,
    ),
]


@pytest.mark.parametrize(("edits", "expected"), LOST, ids=["comment", "anchor"])
def test_text_lost_from_a_value_is_a_warning_every_run_by_every_command_and_an_error_under_strict(
    cli: Callable[..., Any], workspace: Path, edits: tuple[str, ...], expected: str
) -> None:
    text = SUPPORTED
    for old, new in zip(edits[::2], edits[1::2], strict=True):
        text = text.replace(old, new)
    (workspace / "cases" / "beta-2011.yaml").write_text(text, encoding="utf-8")
    for _ in range(2):  # the second run reads the case from the cache: the warning is kept there
        run = cli("validate", cwd=workspace)
        assert run.code == 0
        assert run.err.splitlines() == [
            expected,
            "ok: 1 rubric(s) and 1 case(s) valid",
            "1 warning(s); --strict makes them errors",
        ]
    score = cli("score", cwd=workspace)  # every command says that text was lost, not only validate
    assert score.code == 0 and score.err.splitlines() == [expected]
    strict = cli("validate", "--strict", cwd=workspace)
    assert strict.code == 1
    assert strict.err.splitlines() == [expected.replace(": warning: ", ": "), "1 problem found"]


def test_an_ampersand_inside_a_value_or_quotes_is_no_anchor(cli: Callable[..., Any], workspace: Path) -> None:
    case = workspace / "cases" / "beta-2011.yaml"
    text = SUPPORTED.replace("title: Beta, well supported", "title: 'Beta & Co, &x well supported'")
    case.write_text(text.replace('quote: "we endorse"', "quote: we & they endorse"), encoding="utf-8")
    run = cli("validate", "--strict", cwd=workspace)
    assert (run.code, run.err) == (0, "ok: 1 rubric(s) and 1 case(s) valid\n")
