"""`signalscore init`: a workspace from the packaged examples, which must not drift from the repository."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from signalscore.schema import schema_text
from signalscore.workspace import EXAMPLE_FOLDERS, bundled, workspace_files

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = [
    "README.md",
    *sorted(str(p.relative_to(ROOT)) for folder in EXAMPLE_FOLDERS for p in (ROOT / folder).rglob("*.yaml")),
    "schemas/rubric.schema.json",
    "schemas/case.schema.json",
]


@pytest.mark.parametrize("folder", EXAMPLE_FOLDERS)
def test_packaged_examples_are_the_repository_files(folder: str) -> None:
    repository = {str(p.relative_to(ROOT)): p.read_bytes() for p in sorted((ROOT / folder).rglob("*.yaml"))}
    packaged = {name: data for name, data in bundled().items() if name.startswith(f"{folder}/")}
    assert repository, f"no files in {folder}/"
    assert sorted(packaged) == sorted(repository), f"run: cp {folder}/*.yaml src/signalscore/examples/{folder}/"
    stale = [name for name in repository if packaged[name] != repository[name]]
    assert stale == [], f"src/signalscore/examples/ differs from the repository; run: cp {' '.join(stale)} ..."


def test_workspace_files() -> None:
    files = workspace_files()
    assert sorted(files) == sorted(EXPECTED)
    assert files["schemas/case.schema.json"].decode() == schema_text("case")
    assert files["README.md"].startswith(b"# A signalscore workspace\n")


def test_init_creates_a_workspace_that_validates_and_scores(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli("init", "ws", cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.err.splitlines()[0] == f"created ws/ with {len(EXPECTED)} files:"
    assert run.err.splitlines()[-1] == "next: cd ws && signalscore validate && signalscore score"
    written = sorted(str(p.relative_to(tmp_path / "ws")) for p in (tmp_path / "ws").rglob("*") if p.is_file())
    assert written == sorted(EXPECTED)
    assert [p.name for p in tmp_path.iterdir()] == ["ws"]
    assert cli("validate", cwd=tmp_path / "ws").code == 0
    scored = cli("score", "-f", "json", cwd=tmp_path / "ws")
    assert scored.code == 0, scored.err
    cases = json.loads(scored.out)["rubrics"][0]["cases"]
    # Each case id is coded twice and adjudicated: one scored row per id.
    assert len(cases) == len([name for name in EXPECTED if name.startswith("cases/") and name.count("/") == 1])
    assert all(c["score"] is not None for c in cases)


def test_init_writes_into_an_empty_folder(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    assert cli("init", str(tmp_path / "ws")).code == 0
    assert (tmp_path / "ws" / "rubrics" / "support-signals.yaml").is_file()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("non-empty", "Error: ws is not empty; refusing to write into it\n"),
        ("file", "Error: ws exists and is not a folder\n"),
        ("hidden-only", "Error: ws is not empty; refusing to write into it\n"),
    ],
)
def test_init_refuses(cli: Callable[..., Any], tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "ws"
    if setup == "file":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
        (target / (".git" if setup == "hidden-only" else "notes.txt")).write_text("x", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    run = cli("init", "ws", cwd=tmp_path)
    assert run.code == 2
    assert run.err == message
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_init_refuses_a_missing_parent(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli("init", "a/b", cwd=tmp_path)
    assert run.code == 2
    assert run.err == "Error: folder a does not exist\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("spelling", [".", "absolute"])
def test_init_in_the_current_empty_folder_keeps_that_folder(
    cli: Callable[..., Any], tmp_path: Path, spelling: str
) -> None:
    here = tmp_path / "ws"
    here.mkdir()
    inode = here.stat().st_ino
    run = cli("init", "." if spelling == "." else str(here), cwd=here)
    assert run.code == 0, run.err
    assert here.stat().st_ino == inode and Path.cwd().samefile(here)
    assert run.err.splitlines()[-1] == "next: signalscore validate && signalscore score"
    written = sorted(str(p.relative_to(here)) for p in here.rglob("*") if p.is_file())
    assert written == sorted(EXPECTED)
    assert [p.name for p in tmp_path.iterdir()] == ["ws"]
    assert cli("validate", cwd=here).code == 0


def test_init_sweeps_what_a_killed_init_left_behind(cli: Callable[..., Any], tmp_path: Path) -> None:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    (tmp_path / "new").mkdir()  # init new/ws: staged beside ws, in new/
    (tmp_path / "new" / f".ws.signalscore-{child.pid}-11ee.tmp" / "cases").mkdir(parents=True)
    (tmp_path / "empty").mkdir()  # init empty: staged inside it
    (tmp_path / "empty" / f".init.signalscore-{child.pid}-00ff.tmp" / "cases").mkdir(parents=True)
    for target in ("new/ws", "empty"):
        assert cli("init", target, cwd=tmp_path).code == 0
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["ws"]
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == ["README.md", "cases", "rubrics", "schemas"]


def test_init_where_nothing_may_be_written_is_a_usage_error(cli: Callable[..., Any], tmp_path: Path) -> None:
    import os

    if not os.path.isdir("/sys/kernel"):
        pytest.skip("no sysfs here")
    run = cli("init", "/sys/ws", cwd=tmp_path)
    assert run.code == 2 and run.err.startswith("Error: /sys/ws: cannot write: ")
    assert not os.path.exists("/sys/ws")
