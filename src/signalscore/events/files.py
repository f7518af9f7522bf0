"""Event files on disk: which files a path names, how each is read (delimiter, header), zip archives unpacked."""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from signalscore.errors import InputError, Problem, UsageError
from signalscore.events.layouts import Layout

TEXT = (".csv", ".tsv", ".tab", ".txt", ".csv.gz", ".tsv.gz", ".tab.gz", ".txt.gz", ".zip")
PARQUET = (".parquet", ".parq")
ALIASES = {"Intensity": "Event Intensity"}  # some POLECAT files name the intensity column so


@dataclass(frozen=True)
class Form:
    """How a group of files is read."""

    kind: str  # text | parquet
    delimiter: str = "\t"
    header: bool = False


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return next((s for s in (*TEXT, *PARQUET) if name.endswith(s)), "")


def discover(paths: Sequence[Path]) -> list[Path]:
    """The event files a list of files and folders names (folders searched recursively), sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"events {path}: no such file or folder")
    if not found:
        raise UsageError(f"no event files (CSV, TSV, Parquet, .gz, .zip) in {' '.join(str(p) for p in paths)}")
    return found


def unpack(files: Sequence[Path], folder: Path) -> list[tuple[Path, Path]]:
    """(file, readable file) pairs: zip archives (GDELT's .export.CSV.zip) unpacked into a folder."""
    out: list[tuple[Path, Path]] = []
    for i, path in enumerate(files):
        if _suffix(path) != ".zip":
            out.append((path, path))
            continue
        with zipfile.ZipFile(path) as archive:
            for j, member in enumerate(m for m in archive.infolist() if not m.is_dir()):
                target = folder / f"{i}-{j}.txt"
                with archive.open(member) as src, target.open("wb") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
                out.append((path, target))
    return out


def _first_line(path: Path) -> str:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        return str(handle.readline()).rstrip("\r\n")


def form_of(path: Path, layout: Layout, shown: str) -> Form:
    """How to read a file: Parquet, or text with its delimiter and whether it has a header line."""
    if _suffix(path) in PARQUET:
        return Form("parquet", header=True)
    line = _first_line(path)
    delimiter = "\t" if "\t" in line else ","
    names = [n.strip().strip('"') for n in line.split(delimiter)]
    header = layout.header or names[:1] == [layout.columns[0]]
    if header:
        have = set(names) | {ALIASES.get(n, n) for n in names}
        missing = [c for c in layout.needed() if c not in have]
        if missing:
            message = f"not a {layout.label} file: its header lacks {', '.join(repr(c) for c in missing)}"
            raise InputError([Problem(shown, 1, 1, "", message)])
    elif len(names) != len(layout.columns):
        message = f"a {layout.label} export has {len(layout.columns)} tab-separated columns; found {len(names)}"
        raise InputError([Problem(shown, 1, 1, "", message)])
    return Form("text", delimiter, header)
