"""Which input files may be read, and reading them safely: links, non-regular files, the size limit."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from signalscore.errors import Problem

MAX_BYTES = 4 * 1024 * 1024
SUFFIXES = (".yaml", ".yml")
# Where rubric ids resolve unless told otherwise: the commands' --rubrics-dir default.
RUBRICS_DIR = Path("rubrics")
OUTSIDE = "a symbolic link to a {} outside the folders given: not read (use --follow-links to allow)"
# Files of the kernel look regular but block (/proc/kmsg), consume (/proc/kmsg as root) or never end.
_KERNEL = ("/proc", "/sys")
_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def rubrics_dir_for(paths: Sequence[Path]) -> Path:
    """The rubrics folder of the workspace the paths are in, for when no folder is named.

    A `rubrics/` folder in the first of the paths that has one, or beside it, or beside a folder above
    it, so that `cases/`, `../ws/cases` and `ws/cases/2008/x.yaml` find the `rubrics/` of their
    workspace; else RUBRICS_DIR, the commands' default (run from a workspace, both agree).
    """
    for path in paths:
        for folder in (path, *path.parents):
            if (folder / RUBRICS_DIR).is_dir():
                return folder / RUBRICS_DIR
    return RUBRICS_DIR


class Unreadable(Exception):
    """A file signalscore will not read, and why (the message of a problem at its first line)."""


@dataclass(frozen=True)
class Scope:
    """The folders whose files may be read; a symbolic link out of them is followed only when asked."""

    roots: tuple[str, ...]
    follow_links: bool = False

    @classmethod
    def of(cls, paths: Iterable[Path], follow_links: bool = False) -> Scope:
        """The folders given, and for a named file or link, the folder that holds it."""
        roots = []
        for path in paths:
            named = os.path.abspath(path)
            if not os.path.lexists(named):
                continue
            real_folder = os.path.isdir(named) and not os.path.islink(named)
            roots.append(os.path.realpath(named if real_folder else os.path.dirname(named)))
        return cls(tuple(dict.fromkeys(roots)), follow_links)

    def allows(self, path: str) -> bool:
        """Whether the file or folder at path (links resolved) may be read."""
        real = os.path.realpath(path)
        return self.follow_links or any(
            real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in self.roots
        )

    def refusal(self, path: str) -> str | None:
        """Why a named path is not read: a link that leads out of the scope; None when it may be read."""
        if not os.path.islink(path) or self.allows(path):
            return None
        return OUTSIDE.format("folder" if os.path.isdir(path) else "file")


def display(path: str | Path) -> str:
    """A path relative to the working folder where it is below it, else as it is."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def yaml_files(paths: Iterable[Path], scope: Scope | None = None) -> tuple[list[Path], list[Problem]]:
    """Every YAML file named or found below the paths, each once, in a stable order; links out of scope refused."""
    paths = list(paths)
    scope = scope or Scope.of(paths)
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[str] = set()  # folders walked (links resolved): a link back up the tree ends here
    for path in paths:
        name = os.path.abspath(path)
        if os.path.lexists(name) and (why := scope.refusal(name)):
            problems.append(Problem(str(path), 1, 1, "", why))
        elif not os.path.exists(name):
            problems.append(Problem(str(path), 1, 1, "", "no such file or folder"))
        elif os.path.isdir(name):
            below: list[Path] = []
            _walk(name, scope, seen, below, problems)
            found += sorted(below)
        else:
            found.append(Path(name))
    unique = dict.fromkeys(p.resolve() for p in found)
    return [Path(display(p)) for p in unique], problems


def _walk(folder: str, scope: Scope, seen: set[str], found: list[Path], problems: list[Problem]) -> None:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        problems.append(Problem(display(folder), 1, 1, "", f"cannot read the folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        is_dir = entry.is_dir()  # follows a link
        if not is_dir and os.path.splitext(entry.name)[1] not in SUFFIXES:
            continue
        if entry.is_symlink() and not os.path.exists(entry.path):
            continue  # a link to nothing
        if entry.is_symlink() and not scope.allows(entry.path):
            problems.append(Problem(display(entry.path), 1, 1, "", OUTSIDE.format("folder" if is_dir else "file")))
        elif is_dir:
            _walk(entry.path, scope, seen, found, problems)
        else:
            found.append(Path(entry.path))


def read_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; Unreadable for anything else, without blocking."""
    _check(os.stat(path))  # before opening: opening a device can have effects of its own
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(fd)  # what was opened, not what the name pointed to a moment ago
        _check(opened)
        if opened.st_size == 0:  # an empty file, or a kernel file that only pretends to be one
            return b""
        too_large = Unreadable(f"the file is larger than the limit of {limit} bytes ({limit / 2**20:g} MiB)")
        if opened.st_size > limit:
            raise too_large
        raw = handle.read(limit + 1)  # at most one byte past the limit, whatever stat says
    if len(raw) > limit:
        raise too_large
    return raw


def _check(status: os.stat_result) -> None:
    """Refuse what is not a regular file, and the files of /proc and /sys."""
    if kind := _kind(status):
        raise Unreadable(f"not a regular file ({kind}): not read")
    if status.st_dev in _kernel_devices():
        raise Unreadable("a file of the kernel (/proc or /sys): not read")


@functools.cache
def _kernel_devices() -> frozenset[int]:
    """The devices of /proc and /sys (other kernel file systems' files say size 0 and are not read)."""
    return frozenset(os.stat(folder).st_dev for folder in _KERNEL if os.path.isdir(folder))


def _kind(status: os.stat_result) -> str | None:
    """What a file that is not regular is, or None for a regular file."""
    if stat.S_ISREG(status.st_mode):
        return None
    return _KINDS.get(stat.S_IFMT(status.st_mode), "not a regular file")
