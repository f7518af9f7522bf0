"""A new workspace: the bundled rubric and cases, their JSON Schemas, and a short README."""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from signalscore.errors import UsageError
from signalscore.files import remove, reported, sweep, temp_name
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
        found.update(_yaml_below(root.joinpath(folder), folder))
    return found


def _yaml_below(folder: Traversable, name: str) -> dict[str, bytes]:
    """The YAML files of a packaged folder and its subfolders (each case's other codings), by workspace path."""
    found: dict[str, bytes] = {}
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.is_dir():
            found.update(_yaml_below(item, f"{name}/{item.name}"))
        elif item.name.endswith(".yaml"):
            found[f"{name}/{item.name}"] = item.read_bytes()
    return found


def workspace_files() -> dict[str, bytes]:
    """What `init` writes: the bundled files, and schemas generated from this version's models."""
    # A new workspace holds rubrics and cases (no mappings folder): the schemas of those two.
    schemas = {f"schemas/{file_name(kind)}": schema_text(kind).encode("utf-8") for kind in KINDS[:2]}
    return {**bundled(), **schemas}


def _refuse(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir():
        sweep(target)  # what a killed init left inside does not make the folder non-empty
        if any(target.iterdir()):
            raise UsageError(f"{target} is not empty; refusing to write into it")
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist")


def _write_tree(folder: Path, content: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in content.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _fill(target: Path, content: dict[str, bytes]) -> None:
    """Write into an existing empty folder (maybe the shell's current one): staged inside it, moved up."""
    staging = target / temp_name("init")
    moved: list[Path] = []
    try:
        _write_tree(staging, content)
        for name in sorted(os.listdir(staging)):
            if os.path.lexists(target / name):
                raise UsageError(f"{target} is not empty; refusing to write into it")
            os.rename(staging / name, target / name)
            moved.append(target / name)
    except BaseException:
        for path in moved:
            remove(path)
        raise
    finally:
        remove(staging)


def _make(target: Path, content: dict[str, bytes]) -> None:
    """Write a new folder: built beside it, then renamed, so an interrupted init leaves no half-made workspace."""
    sweep(target.parent)
    staging = target.parent / temp_name(target.name)
    try:
        _write_tree(staging, content)
        os.rename(staging, target)
    finally:
        remove(staging)


def create(target: Path) -> list[str]:
    """Write a new workspace into a missing or empty folder, whole or not at all; the paths written."""
    _refuse(target)
    content = workspace_files()
    with reported(str(target)):
        (_fill if target.is_dir() else _make)(target, content)
    return list(content)
