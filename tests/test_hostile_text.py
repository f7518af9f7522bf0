"""Hostile text in a case or rubric reaches no reader as markup, formula or terminal control."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from signalscore.errors import Problem
from signalscore.safe_text import UNSAFE, one_line, terminal, visible
from tests.conftest import DEMO

Cli = Callable[..., Any]
TERMINAL_ATTACK = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\x9b31m\r"
MARKDOWN_ATTACK = "x\n# Evil heading\n\n[click](javascript:alert(1))\n> quote\n1. one\n---\n<script>s()</script>"
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1"]


def _case(title: str, text: str, url: str = "https://example.org/ok") -> dict[str, Any]:
    return {
        "id": "hostile",
        "rubric": "demo",
        "title": title,
        "sender": text,
        "recipient": text,
        "summary": text,
        "sources": [{"id": "s1", "title": text, "publisher": text, "url": url, "note": text}],
        "codings": {
            "endorse": {"value": 2, "rationale": text, "evidence": [{"source": "s1", "quote": text, "note": text}]},
            "trade_growth": -5.5,
        },
    }


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(DEMO, tmp_path / "ws")
    return tmp_path / "ws"


def _add(workspace: Path, case: dict[str, Any]) -> None:
    (workspace / "cases" / "hostile.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")


def test_safe_text_shows_controls_and_keeps_the_rest() -> None:
    assert visible("a\x1b[2Jb\u202ec\x9b\x7f") == r"a\x1b[2Jb\u202ec\x9b\x7f"
    assert one_line("a\nb\r\n\tc  d é") == r"a b c  d é"
    assert terminal("a\nb\x07") == "a\nb\\x07"


@settings(max_examples=400)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\t\n\r\x1b\x7f\x85\u202e\u2028 ~")))
def test_one_line_and_terminal_change_what_the_expressions_change(text: str) -> None:
    assert one_line(text) == visible(re.sub("[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+", " ", text))
    assert UNSAFE.search(one_line(text)) is None
    assert terminal(text) == visible(text, keep="\n")


@pytest.mark.parametrize(
    "command",
    [["score"], ["explain", "hostile"], ["compare"], ["sensitivity", "--draws", "100", "--sobol-samples", "0"]],
)
def test_terminal_tables_show_control_characters_escaped(cli: Cli, workspace: Path, command: list[str]) -> None:
    _add(workspace, _case(f"T{TERMINAL_ATTACK}", f"R{TERMINAL_ATTACK}"))
    run = cli(*command, cwd=workspace)
    assert run.code == 0, run.err
    assert not UNSAFE.search(run.out.replace("\n", "")) and not UNSAFE.search(run.err.replace("\n", ""))
    if command[0] == "explain":
        assert r"T\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\x9b31m" in run.out.replace("\n", "")


def test_error_lines_show_control_characters_escaped(cli: Cli, workspace: Path) -> None:
    name = f"bad{TERMINAL_ATTACK}.yaml"
    (workspace / "cases" / name).write_text(f"id: x\nrubric: demo\ntitle: {TERMINAL_ATTACK!r}\n", encoding="utf-8")
    run = cli("validate", cwd=workspace)
    assert run.code == 1
    assert r"bad\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\x9b31m" in run.err
    assert not UNSAFE.search(run.err.replace("\n", ""))
    problem = Problem("a\x1b.yaml", 1, 2, "title\u202e", "line\nbreak \x07")
    assert str(problem) == r"a\x1b.yaml:1:2: title\u202e: line break \x07"


def test_a_url_with_a_control_character_is_a_located_error(cli: Cli, workspace: Path) -> None:
    _add(workspace, _case("T", "x", url="https://example.org/\n[click](javascript:alert(1))"))
    run = cli("validate", cwd=workspace)
    assert run.code == 1
    assert re.search(r"hostile\.yaml:\d+:\d+: sources\.0\.url: a URL must not contain .*U\+000A", run.err), run.err


def _markdown_tokens(text: str) -> list[Any]:
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    return [*tokens, *(child for t in tokens for child in t.children or [])]


@pytest.mark.parametrize("command", [["explain", "hostile"], ["report"], ["score"], ["compare"]])
def test_markdown_output_cannot_be_given_links_headings_or_html(cli: Cli, workspace: Path, command: list[str]) -> None:
    url = "https://example.org/a>)\\[click](javascript:alert(1)) x"
    _add(workspace, _case(f"T{MARKDOWN_ATTACK}", MARKDOWN_ATTACK, url=url))
    out = workspace / "out.md"
    fmt = [] if command == ["report"] else ["--format", "markdown"]
    run = cli(*command, *fmt, "--output", str(out), cwd=workspace)
    assert run.code == 0, run.err
    tokens = _markdown_tokens(out.read_text(encoding="utf-8"))
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "blockquote_open", "ordered_list_open", "hr", "s_open"}
    hrefs = [t.attrs["href"] for t in tokens if t.type == "link_open"]
    assert all(str(h).startswith("https://example.org/") for h in hrefs), hrefs
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any("Evil" in h and "T" not in h for h in headings), headings


def test_markdown_escape_leaves_ordinary_text_readable() -> None:
    from signalscore.render import markup_of

    md = markup_of("markdown")
    assert md.escape("Alpha -> Beta, score 4.5 (-5.7); trade_growth") == "Alpha -> Beta, score 4.5 (-5.7); trade_growth"
    assert md.escape("# x") == r"\# x" and md.escape("1. x") == r"1\. x" and md.escape("- x") == r"\- x"
    assert md.escape("a\n> b ~~c~~") == r"a > b \~\~c\~\~"
    assert md.link("T", "https://x.org/a>b\\") == "[T](<https://x.org/a%3Eb%5C>)"


def test_csv_cells_cannot_start_a_formula_and_numbers_stay_numbers() -> None:
    from signalscore.render.tabular import csv_cell, to_csv

    assert [csv_cell(f) for f in FORMULAS] == ["'" + one_line(f) for f in FORMULAS]
    assert csv_cell("a\x1b[2J\nb") == r"a\x1b[2J b"
    assert [csv_cell(v) for v in ("-5.7", "+3", "-", " =1", "a=b", -5.7)] == ["-5.7", "+3", "'-", "' =1", "a=b", -5.7]
    frame = pd.DataFrame({"=h": ["=1+1"], "delta": [-5.7], "id": ["x"]})
    assert to_csv(frame) == "'=h,delta,id\n'=1+1,-5.7,x\n"


def test_json_output_shows_no_control_character_raw(cli: Cli, workspace: Path) -> None:
    import json

    _add(workspace, _case(f"T{TERMINAL_ATTACK}", f"R{TERMINAL_ATTACK}"))
    run = cli("explain", "hostile", "--format", "json", cwd=workspace)
    assert run.code == 0, run.err
    assert not UNSAFE.search(run.out.replace("\n", ""))
    assert json.loads(run.out)["case"]["title"] == f"T{TERMINAL_ATTACK}"


def _text_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize(
    "command",
    [
        ["score"],
        ["explain", "hostile"],
        ["compare"],
        ["sensitivity", "--draws", "100", "--sobol-samples", "0"],
        ["diff", "rubrics/demo.yaml", "rubrics/demo.yaml"],
    ],
)
def test_every_csv_output_neutralises_formulas(cli: Cli, workspace: Path, command: list[str]) -> None:
    rubric = workspace / "rubrics" / "demo.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace("2: adopts the frame", "2: '@SUM(A1)'"), "utf-8")
    _add(workspace, _case(FORMULAS[0], FORMULAS[1]))
    run = cli(*command, "--format", "csv", cwd=workspace)
    assert run.code == 0, run.err
    formula = re.compile("^[ ]*[=+\\-@\t\r]")
    number = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")
    cells = _text_cells(run.out)
    assert not [c for c in cells if formula.match(c) and not number.match(c)]
    if command[0] == "explain":
        assert "'@SUM(A1)" in cells and "'+1+1" in cells and "-5.5" in cells


def test_codebook_shows_rubric_text_as_text(cli: Cli, workspace: Path) -> None:
    path = workspace / "rubrics" / "demo.yaml"
    rubric = yaml.safe_load(path.read_text(encoding="utf-8"))
    rubric |= {
        "title": f"T{MARKDOWN_ATTACK}",
        "version": "1\ncoder: [x](javascript:v())",
        "description": MARKDOWN_ATTACK,
    }
    rubric["dimensions"][0]["label"] = f"D{MARKDOWN_ATTACK}"
    rubric["references"][0]["citation"] = f"C{MARKDOWN_ATTACK}"
    feature = rubric["features"][0]
    feature |= {"label": f"F{MARKDOWN_ATTACK}", "guidance": MARKDOWN_ATTACK, "description": MARKDOWN_ATTACK}
    feature["scale"]["levels"][1] = f"L | x |{MARKDOWN_ATTACK}"
    path.write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    run = cli("codebook", "demo", "--output", "codebook.md", cwd=workspace)
    assert run.code == 0, run.err
    tokens = _markdown_tokens((workspace / "codebook.md").read_text(encoding="utf-8"))
    assert not {t.type for t in tokens} & {"html_block", "html_inline", "blockquote_open", "ordered_list_open", "hr"}
    assert not [t for t in tokens if t.type == "link_open"]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any(h.startswith("Evil") for h in headings), headings
    assert sum(t.type == "heading_open" for t in tokens) == 2 + len(rubric["dimensions"]) + len(rubric["features"])


def test_diff_titles_are_escaped(cli: Cli, workspace: Path) -> None:
    rubric = workspace / "rubrics" / "demo.yaml"
    new = workspace / "new.yaml"
    new.write_text(rubric.read_text(encoding="utf-8").replace('"1.0.0"', '"2 \\\\input{/etc/passwd} \\e[2J"'), "utf-8")
    latex = cli("diff", "rubrics/demo.yaml", "new.yaml", "--format", "latex", cwd=workspace)
    assert latex.code == 0, latex.err
    assert (
        r"\input" not in latex.out and r"2 \textbackslash{}input\{/etc/passwd\} \textbackslash{}x1b{[}2J" in latex.out
    )
    table = cli("diff", "rubrics/demo.yaml", "new.yaml", cwd=workspace)
    assert r"-> demo 2 \input{/etc/passwd} \x1b[2J" in table.out and "\x1b" not in table.out
