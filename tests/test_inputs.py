"""inputs.py: what signalscore reads (links kept inside the folders given, regular files only) and what it quotes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from signalscore.errors import excerpt
from signalscore.inputs import Scope, yaml_files
from tests.conftest import DATA, Run

TOKEN = "ghp_" + "S3cr3tT0k3n" * 6  # 70 characters, as a credentials file might hold
OUTSIDE_FILE = "a symbolic link to a file outside the folders given: not read (use --follow-links to allow)"
OUTSIDE_FOLDER = OUTSIDE_FILE.replace("a file", "a folder")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with a valid rubric and case, and a credentials file beside it (outside)."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "credentials").write_text(TOKEN + "\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "rubrics").mkdir(parents=True)
    (root / "cases").mkdir()
    shutil.copy(DATA / "valid" / "tiny-loader-rubric.yaml", root / "rubrics" / "tiny-loader.yaml")
    shutil.copy(DATA / "valid" / "tiny-loader-case.yaml", root / "cases" / "case.yaml")
    return root


def test_a_link_to_a_file_outside_is_not_read_and_its_content_never_printed(
    repo: Path, cli: Callable[..., Run]
) -> None:
    (repo / "cases" / "leak.yaml").symlink_to(repo.parent / "secret" / "credentials")
    run = cli("validate", cwd=repo)
    assert run.code == 1
    assert run.err.splitlines()[0] == f"cases/leak.yaml:1:1: (document): {OUTSIDE_FILE}"
    assert "S3cr3t" not in run.err + run.out
    followed = cli("validate", "--follow-links", cwd=repo)
    assert followed.code == 1
    assert TOKEN not in followed.err
    quoted = TOKEN[:39] + "…"
    assert f"found '{quoted}'" in followed.err  # a short excerpt, no more
    assert "S3cr3t" not in followed.err.replace(quoted, "")


def test_every_command_that_reads_takes_follow_links(repo: Path, cli: Callable[..., Run]) -> None:
    (repo / "cases" / "leak.yaml").symlink_to(repo.parent / "secret" / "credentials")
    report = ["report", "-o", "out.html"]
    for command in (["score"], ["compare"], report, ["sensitivity"], ["explain", "tiny-loader-case"]):
        run = cli(*command, cwd=repo)
        assert (run.code, run.err.splitlines()[0]) == (1, f"cases/leak.yaml:1:1: (document): {OUTSIDE_FILE}")
        assert cli(*command, "--follow-links", cwd=repo).err.count("found 'ghp_") == 1
    rubric = repo / "rubrics" / "tiny-loader.yaml"
    assert cli("diff", str(rubric), str(rubric), "--follow-links", cwd=repo).err.count("found 'ghp_") == 0


def test_a_link_in_the_rubrics_folder_or_given_as_rubric_is_checked(repo: Path, cli: Callable[..., Run]) -> None:
    outside = repo.parent / "secret" / "tiny.yaml"
    shutil.copy(repo / "rubrics" / "tiny-loader.yaml", outside)
    (repo / "rubrics" / "other.yaml").symlink_to(outside)
    run = cli("score", cwd=repo)
    assert run.err.splitlines()[0] == f"rubrics/other.yaml:1:1: (document): {OUTSIDE_FILE}"
    (repo / "rubrics" / "other.yaml").unlink()
    (repo / "link.yaml").symlink_to(outside)
    assert cli("score", "--rubric", "link.yaml", cwd=repo).err.startswith(f"link.yaml:1:1: (document): {OUTSIDE_FILE}")
    assert cli("score", "--rubric", "link.yaml", "--follow-links", cwd=repo).code == 0


def test_links_inside_the_folders_given_are_read(repo: Path, cli: Callable[..., Run]) -> None:
    (repo / "cases" / "sub").mkdir()
    (repo / "cases" / "sub" / "same.yaml").symlink_to(repo / "cases" / "case.yaml")  # the same file: read once
    (repo / "cases" / "rubrics").symlink_to(repo / "rubrics")  # into the rubrics folder
    (repo / "cases" / "here").symlink_to(repo / "cases")  # a loop inside the tree
    run = cli("validate", "cases", cwd=repo)
    assert (run.code, run.err.count("ok: 1 rubric(s) and 1 case(s) valid"), run.err.count("link")) == (0, 1, 0)


def test_folder_links_out_of_the_tree_or_up_it_are_not_walked(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "cases" / "up").symlink_to(repo)
    (repo / "cases" / "away").symlink_to(repo.parent / "secret")
    monkeypatch.chdir(repo)
    files, problems = yaml_files([Path("cases")])
    assert files == [Path("cases/case.yaml")]
    assert [str(p) for p in problems] == [
        f"cases/away:1:1: (document): {OUTSIDE_FOLDER}",
        f"cases/up:1:1: (document): {OUTSIDE_FOLDER}",
    ]
    files, problems = yaml_files([Path("cases")], Scope.of([Path("cases")], follow_links=True))
    assert (sorted(map(str, files)), problems) == (["cases/case.yaml", "rubrics/tiny-loader.yaml"], [])


def test_non_regular_files_are_refused_without_blocking(repo: Path, cli: Callable[..., Run]) -> None:
    os.mkfifo(repo / "cases" / "pipe.yaml")
    run = cli("validate", "cases", "/dev/null", "/proc/self/status", cwd=repo)
    assert run.code == 1
    assert run.err.splitlines()[:3] == [
        "/dev/null:1:1: (document): not a regular file (a character device): not read",
        f"/proc/{os.getpid()}/status:1:1: (document): a file of the kernel (/proc or /sys): not read",
        "cases/pipe.yaml:1:1: (document): not a regular file (a named pipe): not read",
    ]


@pytest.mark.skipif(not os.path.exists("/proc/kmsg"), reason="no /proc/kmsg here")
def test_a_link_to_proc_kmsg_does_not_hang(repo: Path) -> None:
    (repo / "cases" / "kmsg.yaml").symlink_to("/proc/kmsg")
    # A subprocess with a timeout: the bug this guards against is a read that never returns.
    command = [sys.executable, "-m", "signalscore", "validate"]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr.splitlines()[0]) == (1, f"cases/kmsg.yaml:1:1: (document): {OUTSIDE_FILE}")
    command.append("--follow-links")
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=120, check=False)
    kernel = "/proc/kmsg:1:1: (document): a file of the kernel (/proc or /sys): not read"
    assert (done.returncode, done.stderr.splitlines()[0]) == (1, kernel)


def test_excerpt_is_short_and_shows_invisible_characters() -> None:
    assert excerpt("plain") == "'plain'"
    assert excerpt("x" * 41) == "'" + "x" * 39 + "…'"
    assert excerpt("\x1b]52;c;aGk=\x07\u202e") == "'\\x1b]52;c;aGk=\\x07\\u202e'"
    assert excerpt(10**400) == "a whole number of 401 digits"
    assert excerpt(1e308) == "1e+308"


def test_messages_quote_a_value_and_a_key_only_in_short(repo: Path, cli: Callable[..., Run]) -> None:
    key = "k" * 500
    case = (repo / "cases" / "case.yaml").read_text(encoding="utf-8")
    (repo / "cases" / "case.yaml").write_text(case + f"  {key}: 1\n  \u202esummit: {'v' * 500}\n", encoding="utf-8")
    run = cli("validate", cwd=repo)
    assert run.code == 1
    assert max(len(line) for line in run.err.splitlines()) < 200
    assert "k" * 40 not in run.err and "v" * 40 not in run.err
    assert "\\u202esummit" in run.err


def test_a_named_link_to_nothing_is_no_such_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "cases" / "gone.yaml").symlink_to(repo / "cases" / "missing.yaml")
    monkeypatch.chdir(repo)
    files, problems = yaml_files([Path("cases/gone.yaml"), Path("cases")])
    assert (files, [str(p) for p in problems]) == (
        [Path("cases/case.yaml")],
        ["cases/gone.yaml:1:1: (document): no such file or folder"],
    )


def test_files_are_found_in_path_order_each_once_and_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Folders sort by their parts, as Path does ('a' before 'a-b', though '-' sorts before '/'); a file
    # reached twice (named, and through a link inside the tree) is listed once, under its real path.
    for name in ("cases/a-b/x.yaml", "cases/a/y.yaml", "cases/a/x.yml", "cases/b.yaml", "cases/a/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("id: x\n")
    (tmp_path / "cases" / "c.yaml").symlink_to(tmp_path / "cases" / "b.yaml")
    monkeypatch.chdir(tmp_path)
    files, problems = yaml_files([Path("cases"), tmp_path / "cases" / "b.yaml"])
    assert problems == []
    assert [str(f) for f in files] == ["cases/a/x.yml", "cases/a/y.yaml", "cases/a-b/x.yaml", "cases/b.yaml"]
