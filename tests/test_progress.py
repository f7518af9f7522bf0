"""Progress while Sobol indices run, on a terminal only; Ctrl-C ends the line and exits 130 (issue 13 item 5)."""

from __future__ import annotations

import io
import os
import select
import signal
import sys
import time

import pytest

from signalscore.progress import Line, interrupt_all
from tests.conftest import ROOT


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _drawn(stream: Terminal, wanted: str) -> None:
    for _ in range(1200):  # the ticker draws within a tick (0.25 s); a cap of a minute, never a hang
        if wanted in stream.getvalue():
            return
        time.sleep(0.05)
    raise AssertionError(f"never drawn: {wanted!r} in {stream.getvalue()!r}")


def test_the_draws_are_followed_by_the_step_that_takes_long() -> None:
    stream = Terminal()
    line = Line(stream, after=0.0, width=4)
    line.then = "Sobol indices, 1,024 base samples"
    line.bar(5, 10)
    line.bar(10, 10)
    _drawn(stream, "Sobol indices, 1,024 base samples: ")
    line.close()
    text = stream.getvalue()
    assert text.startswith("\rsimulating [##..] 5/10 draws\rsimulating [####] 10/10 draws\r\033[K\rSobol indices")
    assert text.endswith("\r\033[K") and "\n" not in text


def test_ctrl_c_ends_the_line_with_a_newline() -> None:
    stream = Terminal()
    line = Line(stream, after=0.0)
    line.wait("Sobol indices")
    _drawn(stream, "Sobol indices: ")
    interrupt_all()
    assert stream.getvalue().endswith("\n")
    line.close()  # after the interruption nothing more is drawn
    assert stream.getvalue().endswith("(Ctrl-C stops)\033[K\n")


def test_nothing_is_drawn_off_a_terminal_or_for_short_work() -> None:
    stream = Terminal()
    line = Line(stream, after=3600.0)
    line.then = "Sobol indices"
    line.bar(5, 10)
    line.bar(10, 10)
    line.close()
    assert stream.getvalue() == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_ctrl_c_during_sobol_exits_130_with_one_line_and_no_traceback() -> None:
    import pty

    args = [sys.executable, "-m", "signalscore", "sensitivity", "--draws", "1000", "--sobol-samples", "65536"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: signalscore on a terminal
        os.chdir(ROOT)
        os.environ.update(COLUMNS="100", SIGNALSCORE_NO_CACHE="1")
        os.execv(sys.executable, args)
    out, sent = b"", False
    while True:
        ready, _, _ = select.select([fd], [], [], 1.0)
        try:
            data = os.read(fd, 4096) if ready else b"."
        except OSError:  # the child has ended
            break
        if not data:
            break
        out += data if data != b"." else b""
        if not sent and b"Sobol indices, 65,536 base samples: " in out:
            os.kill(pid, signal.SIGINT)
            sent = True
    _, status = os.waitpid(pid, 0)
    text = out.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 130, text[-500:]
    assert text.endswith("(Ctrl-C stops)\x1b[K\r\ninterrupted (Ctrl-C)\r\n") and "Traceback" not in text
