"""Golden outputs of score, compare and explain in every format, on the demo workspace."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from signalscore.render import FORMATS

EXT = {"table": "txt", "markdown": "md", "csv": "csv", "json": "json", "html": "html", "latex": "tex"}
COMMANDS = {
    "score": ["score"],
    "compare": ["compare"],
    "compare-baseline": ["compare", "--baseline", "alpha-2014"],
    "explain": ["explain", "alpha-2010"],
}


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden tables are drawn for an 80-column terminal, whatever terminal runs the tests."""
    monkeypatch.setenv("COLUMNS", "80")


def test_every_format_has_a_golden_extension() -> None:
    assert set(EXT) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", COMMANDS)
def test_golden(cli: Callable[..., object], golden: Callable[[str, str], None], name: str, fmt: str) -> None:
    run = cli(*COMMANDS[name], "--format", fmt)
    assert run.code == 0, run.err
    golden(f"{name}.{EXT[fmt]}", run.out)


@pytest.mark.parametrize("columns", [50, 60])
@pytest.mark.parametrize("name", ["score", "compare", "explain"])
def test_golden_narrow_terminal(
    cli: Callable[..., object],
    golden: Callable[[str, str], None],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    columns: int,
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    run = cli(*COMMANDS[name])
    assert run.code == 0, run.err
    golden(f"{name}.{columns}-columns.txt", run.out)


def test_precision_rounds_every_number_shown(cli: Callable[..., object], golden: Callable[[str, str], None]) -> None:
    run = cli("compare", "--precision", "3")
    assert run.code == 0, run.err
    golden("compare.precision-3.txt", run.out)
