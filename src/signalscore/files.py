"""Creating new files: whole or not at all, and never over an existing one."""

from __future__ import annotations

import os
import secrets
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
