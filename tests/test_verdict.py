"""`validate`'s replayed verdict: said only while nothing it read has changed, and then word for word."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from signalscore import cache, verdict
from tests.conftest import DEMO, Run

Cli = Callable[..., Run]
PROBE = (
    "import sys; sys.argv = ['signalscore', *sys.argv[1:]]\n"
    "from signalscore.cli import main\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
    "print(code, sorted(m for m in ('yaml', 'signalscore.case', 'signalscore.loader') if m in sys.modules))"
)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo workspace, the cache on, and every file old enough to be trusted at once."""
    shutil.copytree(DEMO, tmp_path / "ws")
    monkeypatch.delenv("SIGNALSCORE_NO_CACHE")
    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.setattr(verdict, "RACY_NS", 0)
    return tmp_path / "ws"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The runs that read the files (the real check, watched), as opposed to those that replayed a verdict."""
    from signalscore.commands import validate

    seen: list[tuple[str, ...]] = []
    real = validate._check

    def watched(*args: object) -> str:
        seen.append(tuple(map(str, args)))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "_check", watched)
    return seen


def same(cli: Cli, workspace: Path, *args: str) -> Run:
    """Run validate with the cache, check that it says exactly what a run without it says, return it."""
    cached = cli("validate", *args, cwd=workspace)
    fresh = cli("validate", "--no-cache", *args, cwd=workspace)
    assert (cached.code, cached.out, cached.err) == (fresh.code, fresh.out, fresh.err)
    return cached


def kept(workspace: Path) -> bool:
    return (workspace / verdict.FILE).is_file()


def probe(workspace: Path, *args: str) -> tuple[str, str]:
    """Run signalscore in a fresh interpreter: its exit status and heavy modules imported, and its stderr."""
    env = {k: v for k, v in os.environ.items() if k != "SIGNALSCORE_NO_CACHE"}
    run = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=workspace, env=env, capture_output=True, text=True)
    return run.stdout.strip(), run.stderr


def test_a_second_run_replays_without_reading_yaml_or_building_a_model(cli: Cli, workspace: Path) -> None:
    first = cli("validate", cwd=workspace)
    assert first.code == 0 and kept(workspace)
    assert probe(workspace, "validate") == ("0 []", first.err)
    assert probe(workspace, "validate", "--no-cache") == (
        "0 ['signalscore.case', 'signalscore.loader', 'yaml']",
        first.err,
    )


def test_warnings_are_replayed_and_strict_is_a_setting_of_its_own(
    cli: Cli, workspace: Path, checks: list[tuple[str, ...]]
) -> None:
    case = next((workspace / "cases").glob("*.yaml"))
    case.write_text(case.read_text(encoding="utf-8") + "# a trailing comment\n", encoding="utf-8")
    lenient = same(cli, workspace)
    assert lenient.code == 0 and "warning(s); --strict makes them errors" in lenient.err and kept(workspace)
    assert len(checks) == 2  # with and without the cache
    assert cli("validate", cwd=workspace).err == lenient.err and len(checks) == 2  # replayed
    strict = same(cli, workspace, "--strict")
    assert strict.code == 1 and "--strict makes them errors" not in strict.err and len(checks) == 4
    assert cli("validate", cwd=workspace).err == lenient.err and len(checks) == 4


@pytest.mark.parametrize("change", ["edit", "touch", "add", "rename", "delete", "rubric", "break"])
def test_any_change_below_the_paths_is_read_afresh(
    cli: Cli, workspace: Path, change: str, checks: list[tuple[str, ...]]
) -> None:
    before = same(cli, workspace)
    assert before.code == 0 and kept(workspace)
    assert cli("validate", cwd=workspace).err == before.err and len(checks) == 2  # unchanged: replayed
    cases = sorted((workspace / "cases").rglob("*.yaml"))
    text = cases[0].read_text(encoding="utf-8")
    if change == "edit":
        cases[0].write_text(text.replace("\n", "\n\n", 1), encoding="utf-8")
    elif change == "touch":
        os.utime(cases[0], ns=(1, 1))
    elif change == "add":
        (workspace / "cases" / "new.yaml").write_text("id: x\n", encoding="utf-8")
    elif change == "rename":
        cases[0].rename(cases[0].with_name("renamed.yaml"))
    elif change == "delete":
        cases[0].unlink()
    elif change == "rubric":
        rubric = next((workspace / "rubrics").glob("*.yaml"))
        rubric.write_text(rubric.read_text(encoding="utf-8").replace("weight: ", "weight:  ", 1), encoding="utf-8")
    else:
        cases[0].write_text(text.replace("id:", "idd:", 1), encoding="utf-8")
    after = cli("validate", cwd=workspace)
    assert len(checks) == 3  # read afresh
    assert (after.code, after.err) == (lambda r: (r.code, r.err))(cli("validate", "--no-cache", cwd=workspace))
    assert (after.code == 1) == (change in ("add", "break"))
    assert (after.err == before.err) == (change in ("touch", "rubric"))  # an edit moved the lines below it


def test_no_cache_and_the_environment_turn_it_off(cli: Cli, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("validate", "--no-cache", cwd=workspace).code == 0 and not kept(workspace)
    monkeypatch.setenv("SIGNALSCORE_NO_CACHE", "1")
    assert cli("validate", cwd=workspace).code == 0 and not kept(workspace)


def test_fresh_files_and_links_are_never_trusted(cli: Cli, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verdict, "RACY_NS", 10**18)  # every file changed "just now"
    assert same(cli, workspace).code == 0 and not kept(workspace)
    monkeypatch.setattr(verdict, "RACY_NS", 0)
    (workspace / "cases" / "link.yaml").symlink_to(next((workspace / "cases").glob("*.yaml")))
    assert same(cli, workspace).code == 0 and not kept(workspace)


def test_an_error_is_never_kept(cli: Cli, workspace: Path) -> None:
    (workspace / "cases" / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    assert same(cli, workspace).code == 1 and not kept(workspace)


def test_a_cache_folder_that_is_a_link_is_not_believed(
    cli: Cli, workspace: Path, checks: list[tuple[str, ...]]
) -> None:
    assert same(cli, workspace).code == 0 and kept(workspace) and len(checks) == 2
    (workspace / ".signalscore-cache").rename(workspace.parent / "elsewhere")
    (workspace / ".signalscore-cache").symlink_to(workspace.parent / "elsewhere")
    assert cli("validate", cwd=workspace).code == 0 and len(checks) == 3
