"""The last verdict of `signalscore validate`, replayed while nothing it read has changed.

A run that finds no error keeps what it said in .signalscore-cache/validate, under a digest of its settings,
of signalscore and the libraries it reads YAML with, and of what stat tells of every file and folder below
the paths it checked (name, size, times, inode). The next run with the same digest says the same without
reading a file, and so without importing pydantic or building a model. Any change (an edit, a touch, a file
added, renamed or removed, a new version) gives another digest; a symbolic link below a path, or a file changed
in the last two seconds (timestamps too coarse to tell a later change by), means the run reads afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import time
from importlib.util import find_spec
from pathlib import Path

FILE = os.path.join(".signalscore-cache", "validate")
RACY_NS = 2_000_000_000  # as the file cache: FAT's 2 s, the coarsest timestamps a workspace is likely to sit on
LIBRARIES = ("yaml", "pydantic", "pydantic_core", "typer")


class Verdicts:
    """The digest of one run's inputs, to look its verdict up before reading them and keep it after."""

    def __init__(self, digest: str, settled: bool) -> None:
        self.digest, self.settled = digest, settled

    @classmethod
    def of(cls, roots: list[Path], settings: str) -> Verdicts | None:
        """The inputs below roots as they are now, or None if stat alone cannot tell their content apart."""
        started = time.time_ns()
        lines = [settings, os.path.realpath(os.curdir), sys.version, *_build()]
        newest = [0]
        if not all(_entries(str(root), lines, newest) for root in roots):
            return None
        digest = hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()
        return cls(digest, newest[0] < started - RACY_NS)

    def known(self) -> str | None:
        """What the last run with these inputs said, if that run found no error."""
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if _ours(os.path.dirname(FILE)):
                with open(FILE, "rb") as handle:
                    if handle.readline().rstrip(b"\n") == self.digest.encode():
                        return handle.read().decode("utf-8", "surrogatepass")
        return None

    def keep(self, said: str) -> None:
        """Keep what this run said, if the cache folder is ours and no input was too fresh to trust its times."""
        with contextlib.suppress(OSError, UnicodeEncodeError):
            if self.settled and _ours(os.path.dirname(FILE)):
                temporary = f"{FILE}.{os.getpid()}.tmp"
                with open(temporary, "wb") as handle:
                    handle.write(self.digest.encode() + b"\n" + said.encode("utf-8", "surrogatepass"))
                os.replace(temporary, FILE)


def _ours(folder: str) -> bool:
    """The cache folder exists (the file cache makes it) as a real folder of the current user."""
    st = os.lstat(folder)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == getattr(os, "getuid", lambda: st.st_uid)()


def _build() -> list[str]:
    """What an answer was made by: signalscore's modules and the libraries that read and check the files."""
    from signalscore import __version__

    lines = [__version__]
    _entries(str(Path(__file__).parent), lines, [0], suffix=".py")
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec and spec.origin else name
        _entries(origin, lines, [0])
    return lines


def _entries(path: str, lines: list[str], newest: list[int], suffix: str = "") -> bool:
    """Add what stat tells of path and all below it (each file's name, size, times; each folder's names) to lines
    and the latest time of a file to newest; False at a symbolic link or a folder that cannot be listed."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        lines.append(f"{path}\0absent")
        return True
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode):
        return False
    if not stat.S_ISDIR(st.st_mode):
        lines.append(
            f"{path}\0{st.st_mode}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
        )
        newest[0] = max(newest[0], st.st_mtime_ns, st.st_ctime_ns)
        return True
    lines.append(f"{path}\0{st.st_mode}")
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return False
    return all(
        _entries(os.path.join(path, name), lines, newest, suffix)
        for name in names
        if not suffix or name.endswith(suffix) or (name != "__pycache__" and os.path.isdir(os.path.join(path, name)))
    )


def wanted(flag: bool = True) -> bool:
    """Whether to use the cache: asked for, and not turned off by SIGNALSCORE_NO_CACHE (any value but 0)."""
    return flag and os.environ.get("SIGNALSCORE_NO_CACHE", "") in ("", "0")
