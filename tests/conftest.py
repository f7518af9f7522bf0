"""Shared fixtures: golden files, the demo workspace, and a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from signalscore.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEMO = DATA / "valid" / "demo"
GOLDEN = ROOT / "tests" / "golden"
# The three China→Russia crises of the bundled panel, as a case filter for the commands.
THREE = ("-c", "cn-ru-2008-georgia", "-c", "cn-ru-2014-crimea", "-c", "cn-ru-2022-ukraine")

# CI runs the same examples every time, so a landing never hinges on a random draw;
# local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes a .signalscore-cache/ into the repository; the cache tests turn it back on."""
    monkeypatch.setenv("SIGNALSCORE_NO_CACHE", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output.")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME; with --update-golden, write it instead."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8")

    return check


class Run:
    """The result of one CLI call: exit code, stdout, stderr."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run `signalscore ARGS` in-process from a working folder (default: the demo workspace)."""

    def run(*args: str, cwd: Path = DEMO) -> Run:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run
