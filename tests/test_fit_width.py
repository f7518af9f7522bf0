"""Every table fits the terminal (issue 13 item 1): 3 and 13 cases at 60, 80 and 200 columns, ids distinct."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from signalscore.render.fitting import Layout, distinct_cut, fit_table, said_once, widest
from signalscore.render.tabular import drawer
from tests.conftest import ROOT, THREE, Run

WIDTHS = [60, 80, 200]
EXTRA = [f"{p}-2023-{name}" for p in ("cn-ru", "us-il") for name in ("alpha", "bravo", "charlie", "delta", "echo")]
ARCHIVE = str(ROOT / "rubrics-archive" / "support-signals-1.0.0.yaml")
COMMANDS = {
    "score": ["score"],
    "compare": ["compare"],
    "explain": ["explain", "cn-ru-2014-crimea"],
    "sensitivity": ["sensitivity", "--draws", "200", "--sobol-samples", "64"],
    "diff": ["diff", ARCHIVE, str(ROOT / "rubrics" / "support-signals.yaml")],
    "agree": ["agree", "--bootstrap", "0"],
}


@pytest.fixture(scope="module")
def thirteen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled workspace with 10 more valid cases (new ids, two prefixes) beside the 3 bundled ones."""
    root = tmp_path_factory.mktemp("thirteen")
    three = THREE[1::2]  # the China→Russia crises of 2008, 2014 and 2022, every coder's file of them
    others = [p.name for p in (ROOT / "cases").glob("*.yaml") if not p.name.startswith(three)]
    shutil.copytree(ROOT / "cases", root / "cases", ignore=lambda folder, names: [n for n in names if n in others])
    shutil.copytree(ROOT / "rubrics", root / "rubrics")
    template = (ROOT / "cases" / "cn-ru-2014-crimea.yaml").read_text(encoding="utf-8")
    for k, new in enumerate(EXTRA):
        text = template.replace("id: cn-ru-2014-crimea", f"id: {new}").replace("2014-02-27", f"20{k + 10}-02-27")
        (root / "cases" / f"{new}.yaml").write_text(text.replace("2015-02-26", f"20{k + 10}-12-26"), encoding="utf-8")
    return root


def _run(cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, width: int, args: list[str], cwd: Path) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    run = cli(*args, cwd=cwd)
    assert run.code == 0, run.err
    return run.out


def _check(out: str, width: int) -> None:
    assert widest(out) <= width, [line for line in out.splitlines() if len(line) > width]
    assert "cn-ru-202…" not in out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_table_fits_with_the_bundled_cases(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, command: str, width: int
) -> None:
    _check(_run(cli, monkeypatch, width, COMMANDS[command], ROOT), width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_table_fits_with_thirteen_cases(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, thirteen: Path, command: str, width: int
) -> None:
    _check(_run(cli, monkeypatch, width, COMMANDS[command], thirteen), width)


def _score_ids(out: str) -> list[str]:
    lines = out.splitlines()
    rule = next(n for n, line in enumerate(lines) if line.startswith("----"))
    rows = lines[rule + 1 : [*lines, ""].index("", rule)]
    return [row.split()[1] for row in rows]


@pytest.mark.parametrize("width", WIDTHS)
def test_score_shows_every_case_id_whole_and_distinct(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, thirteen: Path, width: int
) -> None:
    ids = _score_ids(_run(cli, monkeypatch, width, ["score"], thirteen))
    assert sorted(ids) == sorted(["cn-ru-2008-georgia", "cn-ru-2014-crimea", "cn-ru-2022-ukraine", *EXTRA])
    out = _run(cli, monkeypatch, width, ["score", *THREE], ROOT)
    shown = _score_ids(out)
    assert len(set(shown)) == 3
    if width == 60:  # the shared prefix goes first, said once
        assert sorted(shown) == ["2008-georgia", "2014-crimea", "2022-ukraine"]
        assert out.count("ids without the shared prefix cn-ru-") == 1


def test_compare_headers_name_every_case_once(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, thirteen: Path
) -> None:
    out = _run(cli, monkeypatch, 60, ["compare"], thirteen).split("Cells:")[0]
    lines = out.splitlines()
    heads = [lines[n - 1] for n, line in enumerate(lines) if line.startswith("----")]
    headers = [c for line in heads for c in line.split() if c != "Δ"]
    assert len(headers) == len(set(headers)) == 12  # at most 12 cases in a table; every one whole


def test_keys_are_cut_last_and_stay_distinct() -> None:
    cut = distinct_cut(["case-0001-x", "case-0002-x"], 8)
    assert len(set(cut)) == 2 and all(len(c) <= 8 for c in cut)
    frame = pd.DataFrame({"case": ["a-long-case-name-1", "a-long-case-name-2"], "n": [1, 2]})
    text = fit_table(drawer("table"), frame, ["case", "n"], 12, Layout(keys=["case"])).text
    cells = [line.split()[0] for line in text.splitlines()[2:]]
    assert widest(text) <= 12 and len(set(cells)) == 2


def test_the_prefix_note_is_said_once() -> None:
    note = "ids without the shared prefix cn-ru-"
    text = said_once(f"a\n\n{note}\n\nb\n\n{note}")
    assert text.count(note) == 1 and re.match("a\n\nids", text)
