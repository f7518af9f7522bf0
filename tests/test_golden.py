"""Golden outputs of every command in every format, on the demo workspace."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from signalscore.render import FORMATS

EXT = {"table": "txt", "markdown": "md", "csv": "csv", "json": "json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_score_golden(cli: Callable[..., object], golden: Callable[[str, str], None], fmt: str) -> None:
    run = cli("score", "--format", fmt)
    assert run.code == 0, run.err
    golden(f"score.{EXT[fmt]}", run.out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_explain_golden(cli: Callable[..., object], golden: Callable[[str, str], None], fmt: str) -> None:
    run = cli("explain", "alpha-2010", "--format", fmt)
    assert run.code == 0, run.err
    golden(f"explain.{EXT[fmt]}", run.out)
