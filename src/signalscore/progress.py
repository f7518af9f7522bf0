"""The progress line on a terminal: a bar while draws run, then the seconds spent on a long step (Sobol).

Written to stderr only when it is a terminal, rewritten in place, cleared when the work ends; Ctrl-C ends
it with a newline (see cli.guard) so that the shell prompt starts on a line of its own.
"""

from __future__ import annotations

import threading
import time
from typing import TextIO

TICK = 0.25  # seconds between redraws of a waiting line
_ACTIVE: list[Line] = []


class Line:
    """One progress line; nothing is drawn for work shorter than `after` seconds."""

    def __init__(self, stream: TextIO, after: float, width: int = 30) -> None:
        self.stream, self.after, self.width = stream, after, width
        self.start, self.shown = time.monotonic(), False
        self.then: str | None = None  # the step that follows the draws, shown while it runs
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        _ACTIVE.append(self)

    def _write(self, text: str) -> None:
        self.shown = True
        self.stream.write(text)
        self.stream.flush()

    def bar(self, done: int, total: int) -> None:
        """The draws so far; the last call clears the line, then shows the step that follows, if any."""
        if not self.shown and (done == total or time.monotonic() - self.start < self.after):
            if done == total and self.then:
                self.wait(self.then)
            return
        filled = self.width * done // total
        self._write(f"\rsimulating [{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{total:,} draws")
        if done == total:
            self._write("\r\033[K")
            if self.then:
                self.wait(self.then)

    def wait(self, what: str) -> None:
        """From now until close, `what` and the seconds it has taken (once it takes longer than `after`)."""
        self._stop.clear()
        began = time.monotonic()

        def tick() -> None:
            drawn = ""
            while not self._stop.wait(TICK):
                if (spent := time.monotonic() - began) >= self.after:
                    text = f"\r{what}: {spent:.0f} s (Ctrl-C stops)\033[K"
                    if text != drawn:
                        self._write(text)
                        drawn = text

        self._ticker = threading.Thread(target=tick, daemon=True)
        self._ticker.start()

    def _halt(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self in _ACTIVE:
            _ACTIVE.remove(self)

    def close(self) -> None:
        """The work is done: the line is cleared."""
        self._halt()
        if self.shown:
            self._write("\r\033[K")
            self.shown = False

    def interrupt(self) -> None:
        """The work was stopped: the line is ended with a newline, kept as the last word on progress."""
        self._halt()
        if self.shown:
            self._write("\n")
            self.shown = False


def interrupt_all() -> None:
    """End every progress line still drawn (on Ctrl-C)."""
    for line in list(_ACTIVE):
        line.interrupt()
