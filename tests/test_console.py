"""The terminal: any width (COLUMNS=1 included) and any encoding of stdout and stderr, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from signalscore.console import ascii_of
from signalscore.render.tabular import MIN_WIDTH, terminal_width
from tests.conftest import DEMO, ROOT, THREE

Cli = Callable[..., Any]
BUNDLED = [
    ("score",),
    ("compare", *THREE),
    ("explain", "cn-ru-2014-crimea"),
    ("codebook", "support-signals"),
    ("sensitivity", "--draws", "200", "--sobol-samples", "64"),
]


def signalscore(*args: str, encoding: str, columns: int = 80) -> subprocess.CompletedProcess[bytes]:
    """`python -m signalscore ARGS` in the repository (its rubrics/ and cases/), stdout and stderr in `encoding`."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "signalscore", *args], cwd=ROOT, env=env, capture_output=True)


def spelled(text: str) -> str:
    return "".join(c if c.isascii() else ascii_of(c) for c in text)


@pytest.mark.parametrize("columns", ["1", "2", "3", "39"])
@pytest.mark.parametrize(
    "args", [("score",), ("compare",), ("explain", "alpha-2014")], ids=["score", "compare", "explain"]
)
def test_narrow_terminals_get_tables_of_a_minimum_width(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, columns: str, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert terminal_width() == MIN_WIDTH
    run = cli(*args)
    assert run.code == 0, run.err
    monkeypatch.setenv("COLUMNS", str(MIN_WIDTH))
    assert cli(*args).out == run.out


@pytest.mark.parametrize("args", BUNDLED, ids=[a[0] for a in BUNDLED])
def test_an_ascii_terminal_gets_ascii_spellings(args: tuple[str, ...]) -> None:
    ascii_run = signalscore(*args, encoding="ascii")
    assert ascii_run.returncode == 0, ascii_run.stderr.decode("utf-8", "replace")
    assert ascii_run.stderr == b""
    text = ascii_run.stdout.decode("ascii")  # raises on any byte outside ASCII
    expected = {"compare": "d: change in points", "codebook": ">= 0", "sensitivity": "S1 +/-"}
    assert expected.get(args[0], "") in text


@pytest.mark.parametrize("args", [("compare",), ("codebook", "support-signals")], ids=["compare", "codebook"])
def test_outside_tables_only_the_characters_change(args: tuple[str, ...]) -> None:
    utf8 = signalscore(*args, encoding="utf-8").stdout.decode("utf-8")
    assert not utf8.isascii()
    assert signalscore(*args, encoding="ascii").stdout.decode("ascii") == spelled(utf8)


def test_cp1252_keeps_what_it_has_and_spells_the_rest() -> None:
    run = signalscore("compare", encoding="cp1252")
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    text = run.stdout.decode("cp1252")
    assert " · " in text and "Δ" not in text and "d: change in points" in text


def test_cut_cells_keep_their_columns_aligned_in_ascii() -> None:
    lines = signalscore("explain", "cn-ru-2008-georgia", encoding="ascii", columns=50).stdout.decode("ascii")
    lines = lines.split("Evidence")[0].splitlines()
    rule = max(n for n, line in enumerate(lines) if line.startswith("----"))  # the block with the levels
    rows = lines[rule + 1 : rule + 4]
    assert all("..." in row for row in rows)
    start = lines[rule].index("  -") + 2  # where the cut column begins
    assert all(row[start - 1] == " " and row[start] != " " for row in rows)
    assert max(len(row) for row in rows) == len(lines[rule])


def test_error_messages_are_spelled_for_stderr_too(tmp_path: Path) -> None:
    (tmp_path / "Δ±.yaml").write_text("id: x\nrubric: demo\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    args = [sys.executable, "-m", "signalscore", "validate", str(tmp_path), "--rubrics-dir", str(DEMO / "rubrics")]
    run = subprocess.run(args, env=env, capture_output=True)
    assert run.returncode == 1
    errors = run.stderr.decode("ascii").splitlines()
    assert errors[0].startswith(f"{tmp_path}/d+/-.yaml:") and errors[-1].endswith("problems found")


def test_ascii_spellings() -> None:
    assert [ascii_of(c) for c in "Δ…·\u2013±→≥ö中"] == ["d", "...", ".", "-", "+/-", "->", ">=", "o", "\\u4e2d"]
