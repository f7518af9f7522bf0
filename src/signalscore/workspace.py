"""A new workspace: the bundled rubric and cases, their JSON Schemas, and a short README."""

from __future__ import annotations

import os
import secrets
import shutil
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from signalscore.errors import UsageError
from signalscore.schema import KINDS, file_name, schema_text

EXAMPLE_FOLDERS = ("rubrics", "cases")


def examples() -> Traversable:
    """The examples shipped inside the package (copies of the repository's rubrics/ and cases/)."""
    return files("signalscore") / "examples"


def bundled() -> dict[str, bytes]:
    """Every bundled file by its path in a workspace, byte for byte."""
    root = examples()
    found = {"README.md": root.joinpath("README.md").read_bytes()}
    for folder in EXAMPLE_FOLDERS:
        for item in sorted(root.joinpath(folder).iterdir(), key=lambda t: t.name):
            if item.name.endswith(".yaml"):
                found[f"{folder}/{item.name}"] = item.read_bytes()
    return found


def workspace_files() -> dict[str, bytes]:
    """What `init` writes: the bundled files, and schemas generated from this version's models."""
    schemas = {f"schemas/{file_name(kind)}": schema_text(kind).encode("utf-8") for kind in KINDS}
    return {**bundled(), **schemas}


def _refuse(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; refusing to write into it")
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist")


def create(target: Path) -> list[str]:
    """Write a new workspace into a missing or empty folder, whole or not at all; the paths written."""
    _refuse(target)
    content = workspace_files()
    # Build beside the target, then rename: an interrupted init leaves no half-made workspace.
    staging = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    staging.mkdir()
    try:
        for name, data in content.items():
            (staging / name).parent.mkdir(exist_ok=True)
            (staging / name).write_bytes(data)
        if target.is_dir():
            target.rmdir()
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return list(content)
