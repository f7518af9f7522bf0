"""Writing files whole or not at all: never through a link, over an input or over a device node.

Every output is checked before anything is written. A symbolic link, a folder, a block device or a
socket is refused, and so is an input file. A regular file is replaced atomically: the data goes to a
temp file in the same folder, `.NAME.signalscore-PID-RANDOM.tmp`, renamed over the target when complete;
a temp file whose process is gone (killed mid-write) is removed by the next write into that folder.
A character device (/dev/null) or a FIFO is written into as a stream, never replaced; a FIFO that no
process reads is an error, not a hang. Operating-system errors (a full disk, a read-only folder) are
usage errors naming the output, with nothing left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from signalscore.errors import UsageError

TEMP = re.compile(r"\..*\.signalscore-([0-9]{1,9})-[0-9a-f]+\.tmp")
_REFUSED = {
    stat.S_IFLNK: "is a symbolic link; refusing to write through it",
    stat.S_IFDIR: "is a folder; name a file",
    stat.S_IFBLK: "is a block device; refusing to write to it",
    stat.S_IFSOCK: "is a socket; refusing to write to it",
}


@dataclass(frozen=True)
class Target:
    """A checked output: a regular file to create or replace, or a device or FIFO to write into (`stream`)."""

    path: Path
    label: str
    stream: bool = False
    existed: bool = False


def temp_name(name: str) -> str:
    """A hidden name for a temp file or folder beside `name`, telling a later run which process made it."""
    return f".{name[:100]}.signalscore-{os.getpid()}-{secrets.token_hex(4)}.tmp"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return True  # kill(0) would signal a whole process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def remove(path: Path) -> None:
    """Remove a file, a link or a whole folder (never what a link points to); no error if it is gone."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def sweep(folder: Path) -> None:
    """Remove the temp files and folders that a killed signalscore left in `folder` (their process is gone)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = TEMP.fullmatch(name)
        if match and not _alive(int(match[1])):
            remove(folder / name)


@contextlib.contextmanager
def reported(label: str) -> Iterator[None]:
    """Turn an operating-system error into a usage error that names the output."""
    try:
        yield
    except OSError as exc:
        raise UsageError(f"{label}: cannot write: {exc.strerror or exc}") from None


def check_folder(path: Path, label: str) -> None:
    """The folder of `path` must exist (links to it are followed)."""
    prefix = f"{label}: " if label else ""
    if not path.parent.exists():
        raise UsageError(f"{prefix}folder {path.parent} does not exist")
    if not path.parent.is_dir():
        raise UsageError(f"{prefix}{path.parent} is not a folder")


def target(path: Path, inputs: Iterable[Path] = ()) -> Target:
    """Check where an output may go before anything is written; a UsageError says why it may not."""
    label = f"--output {path}"
    check_folder(path, label)
    with reported(label):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return Target(path, label)
    if stat.S_ISREG(mode):
        resolved = path.resolve()
        if any(resolved == Path(p).resolve() for p in inputs):
            raise UsageError(f"{label} is one of the input files; refusing to overwrite it")
        return Target(path, label, existed=True)
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return Target(path, label, stream=True, existed=True)
    raise UsageError(f"{label} {_REFUSED.get(stat.S_IFMT(mode), 'is not a regular file; refusing to write to it')}")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _temp_file(path: Path, data: bytes) -> Path:
    """The data in a new temp file beside `path`, with the usual permissions (the umask applies)."""
    sweep(path.parent)
    temp = path.parent / temp_name(path.name)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)  # may report a full disk too
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _open_stream(out: Target) -> int:
    """Open a device or FIFO for writing, without following a link, creating a file or waiting for a reader."""
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(out.path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise UsageError(f"{out.label}: no process is reading this FIFO") from None
        raise
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        os.close(fd)
        raise UsageError(f"{out.label}: changed while being written; nothing written")
    os.set_blocking(fd, True)
    return fd


@dataclass
class _Staged:
    """An output ready to be put in place: its temp file, or its open stream."""

    out: Target
    data: bytes
    temp: Path | None = None
    fd: int | None = None

    def stage(self) -> None:
        if self.out.stream:
            self.fd = _open_stream(self.out)
        else:
            self.temp = _temp_file(self.out.path, self.data)

    def place(self) -> None:
        if self.fd is not None:
            _write_all(self.fd, self.data)
        elif self.temp is not None:
            os.replace(self.temp, self.out.path)

    def discard(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)


def write_files(files: Sequence[tuple[Path, bytes]], inputs: Iterable[Path] = ()) -> None:
    """Write outputs as a unit: every one checked, then staged, then put in place in order.

    When one fails, the files this call created are removed again; a file that existed keeps its
    new content, and a stream keeps what it was sent.
    """
    known = list(inputs)
    staged = [_Staged(target(path, known), data) for path, data in files]
    placed: list[Target] = []
    try:
        for item in staged:
            with reported(item.out.label):
                item.stage()
        for item in staged:
            with reported(item.out.label):
                item.place()
            placed.append(item.out)
    except BaseException:
        for out in placed:
            if not (out.existed or out.stream):
                out.path.unlink(missing_ok=True)
        raise
    finally:
        for item in staged:
            item.discard()


def write_atomic(path: Path, data: bytes, inputs: Iterable[Path]) -> None:
    """Replace or create one output file atomically (or write into a device or FIFO); never over an input."""
    write_files([(path, data)], inputs)


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet; a reader sees it complete or not at all."""
    if os.path.lexists(path):
        raise UsageError(f"{path} already exists; refusing to overwrite it")
    check_folder(path, "")
    with reported(str(path)):
        temp = _temp_file(path, text.encode("utf-8"))
        try:
            # link() fails if the target appeared meanwhile, where replace() would overwrite it.
            os.link(temp, path)
        except FileExistsError:
            raise UsageError(f"{path} already exists; refusing to overwrite it") from None
        finally:
            temp.unlink(missing_ok=True)
