"""The README's pasted outputs are what the commands print today."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from signalscore.cli import app
from tests.conftest import ROOT

BLOCK = re.compile(r"```text\n(\$ [^\n]*)\n(.*?)```", re.DOTALL)
COMMAND = re.compile(r"^\$ (?:cd (\S+) && )?signalscore (.*)$")


def _examples() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for command, output in BLOCK.findall(text):
        match = COMMAND.match(command)
        if match:
            found.append((match.group(1) or ".", match.group(2), output))
    return found


EXAMPLES = _examples()


def test_the_readme_has_runnable_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("cwd", "args", "expected"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_readme_output_is_current(monkeypatch: pytest.MonkeyPatch, cwd: str, args: str, expected: str) -> None:
    monkeypatch.chdir(ROOT / Path(cwd))
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, shlex.split(args), catch_exceptions=False)
    assert result.output == expected
