"""Where outputs may go: never through a link, over a folder or device node, never half; errors without tracebacks."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from signalscore.errors import UsageError
from signalscore.files import TEMP, reported, temp_name, write_files
from tests.conftest import DEMO

Cli = Callable[..., Any]
# Every command with -o, with the arguments it needs in the demo workspace.
COMMANDS = [
    ("score",),
    ("compare",),
    ("explain", "alpha-2010"),
    ("codebook", "demo"),
    ("schema", "case"),
    ("diff", "rubrics/demo.yaml", "rubrics/demo.yaml"),
    ("sensitivity", "--draws", "200", "--sobol-samples", "0"),
]
IDS = [c[0] for c in COMMANDS]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def device(tmp_path: Path) -> Callable[[str, str], Path]:
    """A character device node: a copy of /dev/null or /dev/full in tmp_path when running as root (as CI does).

    Never the real node as root: a regression would replace /dev/null for the whole machine. Without
    root, the real node is safe (/dev is not writable), and behaves the same.
    """

    def make(name: str, like: str, real_ok: bool = False) -> Path:
        if os.geteuid() != 0 and real_ok:
            return Path(like)
        path = tmp_path / name
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.stat(like).st_rdev)
            os.close(os.open(path, os.O_WRONLY))
        except OSError as exc:
            pytest.skip(f"cannot make a device node here: {exc}")
        return path

    return make


@pytest.mark.parametrize("args", COMMANDS, ids=IDS)
def test_output_through_a_symbolic_link_is_refused(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    precious = tmp_path / "bashrc"
    precious.write_text("export PATH\n", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(precious)
    run = cli(*args, "-o", str(link))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"Error: --output {link} is a symbolic link; refusing to write through it\n"
    assert precious.read_text(encoding="utf-8") == "export PATH\n"
    assert link.is_symlink() and listing(tmp_path) == ["bashrc", "out.txt"]


def test_a_dangling_link_is_refused_and_its_target_not_created(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "out.csv").symlink_to(tmp_path / "elsewhere.csv")
    run = cli("score", "-o", str(tmp_path / "out.csv"))
    assert run.code == 2 and "is a symbolic link" in run.err
    assert listing(tmp_path) == ["out.csv"]


@pytest.mark.parametrize("linked", ["report.md", "report.png"])
def test_report_refuses_a_link_as_the_report_or_its_chart(cli: Cli, tmp_path: Path, linked: str) -> None:
    precious = tmp_path / "precious"
    precious.write_bytes(b"keep")
    (tmp_path / linked).symlink_to(precious)
    run = cli("report", "-o", str(tmp_path / "report.md"))
    assert run.code == 2
    assert run.err == f"Error: --output {tmp_path / linked} is a symbolic link; refusing to write through it\n"
    assert precious.read_bytes() == b"keep"
    assert listing(tmp_path) == sorted(["precious", linked])


@pytest.mark.parametrize("args", COMMANDS[:4], ids=IDS[:4])
def test_dev_null_is_written_into_never_replaced(cli: Cli, args: tuple[str, ...], device: Callable[..., Path]) -> None:
    null = device("null", "/dev/null", real_ok=True)
    run = cli(*args, "-o", str(null))
    assert (run.code, run.out) == (0, ""), run.err
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert os.lstat(null).st_rdev == os.stat("/dev/null").st_rdev


def test_a_full_disk_is_a_clean_error(cli: Cli, device: Callable[..., Path]) -> None:
    full = device("full", "/dev/full", real_ok=True)
    run = cli("score", "-o", str(full))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"Error: --output {full}: cannot write: No space left on device\n"
    assert stat.S_ISCHR(os.lstat(full).st_mode)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    yield path
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


def test_a_fifo_is_written_into_as_a_stream(cli: Cli, fifo: Path) -> None:
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open first, so the writer finds a reader
    try:
        run = cli("score", "-f", "csv", "-o", str(fifo))
        sent = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert (run.code, run.err) == (0, "")
    assert sent.decode("utf-8") == cli("score", "-f", "csv").out


def test_a_fifo_without_a_reader_is_an_error_not_a_hang(cli: Cli, fifo: Path) -> None:
    run = cli("score", "-o", str(fifo))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"Error: --output {fifo}: no process is reading this FIFO\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("folder", "--output {tmp}/folder is a folder; name a file"),
        ("", "--output . is a folder; name a file"),
        ("afile/x.csv", "--output {tmp}/afile/x.csv: {tmp}/afile is not a folder"),
        ("missing/x.csv", "--output {tmp}/missing/x.csv: folder {tmp}/missing does not exist"),
        ("n" * 300, "--output {tmp}/" + "n" * 300 + ": cannot write: File name too long"),
    ],
)
def test_unusable_outputs_are_usage_errors_leaving_nothing(cli: Cli, tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    target = str(tmp_path / name) if name else ""
    for args in COMMANDS[:3]:
        run = cli(*args, "-o", target)
        assert (run.code, run.out) == (2, "")
        assert run.err == "Error: " + message.format(tmp=tmp_path) + "\n"
        assert listing(tmp_path) == ["afile", "folder"] and listing(tmp_path / "folder") == []


def test_a_folder_nobody_may_write_in_is_a_usage_error(cli: Cli) -> None:
    # Root may write almost anywhere; sysfs refuses new files even to root.
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("no sysfs here")
    run = cli("score", "-o", "/sys/scores.txt")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("Error: --output /sys/scores.txt: cannot write: ")
    assert not os.path.exists("/sys/scores.txt")


def test_report_into_a_folder_named_like_it_leaves_no_chart(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "d.md").mkdir()
    run = cli("report", "-o", str(tmp_path / "d.md"))
    assert run.code == 2 and run.err == f"Error: --output {tmp_path / 'd.md'} is a folder; name a file\n"
    assert listing(tmp_path) == ["d.md"]


def test_report_over_an_input_writes_not_even_its_chart(cli: Cli, tmp_path: Path) -> None:
    case = tmp_path / "case.md"
    case.write_bytes((DEMO / "cases" / "alpha-2010.yaml").read_bytes())
    run = cli("report", str(case), "-o", str(case), "--rubrics-dir", str(DEMO / "rubrics"))
    assert run.code == 2 and "refusing to overwrite" in run.err
    assert listing(tmp_path) == ["case.md"]


def test_report_and_chart_are_written_as_a_unit(cli: Cli, tmp_path: Path, device: Callable[[str, str], Path]) -> None:
    device("report.md", "/dev/full")  # the chart goes first and succeeds; then the report fails
    run = cli("report", "-o", str(tmp_path / "report.md"))
    assert run.code == 2
    assert run.err == f"Error: --output {tmp_path / 'report.md'}: cannot write: No space left on device\n"
    assert listing(tmp_path) == ["report.md"]


def test_report_into_a_device_writes_its_chart_beside_it(
    cli: Cli, tmp_path: Path, device: Callable[[str, str], Path]
) -> None:
    node = device("report.md", "/dev/null")
    assert cli("report", "-o", str(node)).code == 0
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert listing(tmp_path) == ["report-trend.png", "report.md", "report.png"]


def test_a_write_that_fails_removes_what_it_created_and_keeps_what_existed(
    tmp_path: Path, device: Callable[[str, str], Path]
) -> None:
    full = device("full", "/dev/full")
    (tmp_path / "old.txt").write_text("old", encoding="utf-8")
    with pytest.raises(UsageError, match="No space left on device"):
        write_files([(tmp_path / "new.txt", b"a"), (tmp_path / "old.txt", b"b"), (full, b"c")])
    assert listing(tmp_path) == ["full", "old.txt"]
    assert (tmp_path / "old.txt").read_text(encoding="utf-8") == "b"


def test_temp_files_name_their_process_and_stale_ones_are_removed(cli: Cli, tmp_path: Path) -> None:
    own = temp_name("scores.txt")
    assert own.startswith(".scores.txt.signalscore-") and TEMP.fullmatch(own)
    gone = dead_pid()
    stale_file = f".scores.txt.signalscore-{gone}-0a1b.tmp"
    stale_folder = f".ws.signalscore-{gone}-2c3d.tmp"
    live = f".other.signalscore-{os.getpid()}-4e5f.tmp"
    (tmp_path / stale_file).write_text("half", encoding="utf-8")
    (tmp_path / stale_folder).mkdir()
    (tmp_path / stale_folder / "README.md").write_text("half", encoding="utf-8")
    for name in (live, ".notes.tmp", f".x.signalscore-{gone}-zz.tmp"):
        (tmp_path / name).write_text("keep", encoding="utf-8")
    assert cli("score", "-o", str(tmp_path / "scores.txt")).code == 0
    assert listing(tmp_path) == sorted([live, ".notes.tmp", f".x.signalscore-{gone}-zz.tmp", "scores.txt"])


def test_concurrent_writers_leave_one_whole_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    payloads = [str(n).encode() * 100_000 for n in range(8)]
    threads = [threading.Thread(target=write_files, args=([(target, data)],)) for data in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_bytes() in payloads
    assert listing(tmp_path) == ["out.txt"]


def test_operating_system_errors_become_usage_errors_naming_the_output(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught, reported("--output x.csv"):
        os.open(tmp_path / "no" / "x.csv", os.O_WRONLY | os.O_CREAT)
    assert str(caught.value) == f"--output x.csv: cannot write: {os.strerror(errno.ENOENT)}"
    with pytest.raises(UsageError) as caught, reported("--output d"):
        os.open(tmp_path, os.O_WRONLY)
    assert str(caught.value) == f"--output d: cannot write: {os.strerror(errno.EISDIR)}"


KILLED_MID_WRITE = """
import os, sys
from pathlib import Path
from signalscore import files

def stall(source, target):
    print(sorted(os.listdir(Path(target).parent)), flush=True)
    sys.stdin.read()  # until killed

files.os.replace = stall
files.write_atomic(Path(sys.argv[1]), b"x" * 1000, [])
"""


def test_a_temp_file_left_by_sigkill_is_removed_by_the_next_write(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "scores.txt"
    args = [sys.executable, "-c", KILLED_MID_WRITE, str(target)]
    with subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        seen = child.stdout.readline()  # the folder while the temp file is complete, before its rename
        child.kill()
    assert f".scores.txt.signalscore-{child.pid}-" in seen and listing(tmp_path) != []
    assert cli("score", "-o", str(target)).code == 0
    assert listing(tmp_path) == ["scores.txt"]


@contextlib.contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A tiny tmpfs mounted on `folder` (needs root and mount, as in CI; the test is skipped elsewhere)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_leaves_no_temp_file_behind(cli: Cli, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "size=16k") as disk:
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as filler:
            filler.write(b"\0" * 65536)
        for args in (("score", "-o", str(disk / "scores.txt")), ("report", "-o", str(disk / "r.md"))):
            run = cli(*args)
            assert (run.code, run.out) == (2, "")
            assert run.err.startswith("Error: --output ") and run.err.endswith(": No space left on device\n")
            assert listing(disk) == ["filler"]


def test_a_read_only_folder_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=16k") as folder:
        for args in (("score", "-o", str(folder / "scores.txt")), ("init", str(folder))):
            run = cli(*args)
            assert (run.code, run.out) == (2, "")
            assert run.err.endswith(": cannot write: Read-only file system\n")
            assert listing(folder) == []
