"""The pre-commit hook manifest: its one hook runs `signalscore validate` on the whole workspace."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_manifest_declares_the_validate_hook() -> None:
    assert [h["id"] for h in HOOKS] == ["signalscore-validate"]
    hook = HOOKS[0]
    assert hook["entry"] == "signalscore validate"
    assert hook["language"] == "python"
    assert hook["types"] == ["yaml"]
    # Every file, always: a changed rubric can break unchanged cases, and case ids are unique across files.
    assert hook["pass_filenames"] is False
    assert set(hook) <= {"id", "name", "description", "entry", "language", "types", "pass_filenames", "require_serial"}


def test_hook_entry_passes_a_good_workspace_and_fails_a_broken_one(cli: Callable[..., Any], tmp_path: Path) -> None:
    program, *args = shlex.split(HOOKS[0]["entry"])
    assert program == "signalscore"
    assert cli("init", "ws", cwd=tmp_path).code == 0
    workspace = tmp_path / "ws"
    assert cli(*args, cwd=workspace).code == 0
    assert cli(*args, "--strict", cwd=workspace).code in (0, 1)
    case = next((workspace / "cases").glob("*.yaml"))
    case.write_text(case.read_text(encoding="utf-8").replace("\nrubric: ", "\nrubric: no-such-"), encoding="utf-8")
    run = cli(*args, cwd=workspace)
    assert run.code == 1
    assert f"cases/{case.name}:" in run.err
