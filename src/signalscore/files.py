"""Writing files whole or not at all: outputs never over an input, new files never over anything."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path

from signalscore.errors import UsageError


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet; a reader sees it complete or not at all."""
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} already exists; refusing to overwrite it")
    if not path.parent.is_dir():
        raise UsageError(f"folder {path.parent} does not exist")
    # Plain open() keeps the user's umask, unlike mkstemp's 0600.
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
        # link() fails if the target appeared meanwhile, where replace() would overwrite it.
        os.link(tmp, path)
    except FileExistsError:
        raise UsageError(f"{path} already exists; refusing to overwrite it") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes, inputs: Iterable[Path]) -> None:
    """Replace or create an output file atomically; refuse to write over any of the inputs."""
    target = path.resolve()
    if any(target == Path(p).resolve() for p in inputs):
        raise UsageError(f"--output {path} is one of the input files; refusing to overwrite it")
    if not target.parent.is_dir():
        raise UsageError(f"--output {path}: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)  # mkstemp makes 0600 files; an output to share gets the usual permissions
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
