"""Running an event query: load the mapping and its rubric, open the events, execute on the engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from signalscore.errors import InputError, Problem, UsageError
from signalscore.events.layouts import LAYOUTS, Layout
from signalscore.mapping import FORMATS, Mapping
from signalscore.rubric import Rubric
from signalscore.safe_text import one_line

_ENGINE_ERRORS = ("duckdb", "pyspark", "py4j", "_duckdb")


def load_mapping(path: Path, rubrics_dir: Path) -> tuple[Mapping, Rubric]:
    """A mapping file and the rubric it codes (from the rubrics folder); every problem located."""
    from signalscore.loader import load

    if not path.is_file():
        raise UsageError(f"mapping {path}: no such file")
    corpus = load([path], rubrics_dir=rubrics_dir)
    if not corpus.mappings:
        raise UsageError(f"mapping {path}: the file is not a mapping (a mapping has 'rubric' and 'features' keys)")
    mapping = corpus.mappings[0]
    return mapping, corpus.rubrics[mapping.rubric]


def layout_for(mapping: Mapping, name: str | None) -> Layout:
    """The layout to read: the mapping's format, or another with the same event vocabulary."""
    from signalscore.events.codes import VOCABULARY

    layout = LAYOUTS[name or mapping.format]
    if VOCABULARY[layout.name] != VOCABULARY[mapping.format]:
        raise UsageError(
            f"--layout {layout.name}: mapping {mapping.id!r} is for {mapping.format} ({VOCABULARY[mapping.format]} codes); "
            f"layouts with those codes: {', '.join(f for f in FORMATS if VOCABULARY[f] == VOCABULARY[mapping.format])}"
        )
    return layout


def execute(expr: Any, paths: Sequence[Path]) -> pd.DataFrame:
    """Run an expression; an engine's complaint about the files becomes an input problem (exit 1)."""
    try:
        frame: pd.DataFrame = expr.to_pandas()
        return frame
    except Exception as exc:
        if not type(exc).__module__.startswith(_ENGINE_ERRORS):
            raise
        message = one_line(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)[:300]
        raise InputError([Problem(str(paths[0]), 1, 1, "", f"cannot read the events: {message}")]) from None
