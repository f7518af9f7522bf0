"""Models to the tidy codings table: one row per case and feature of its rubric."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from signalscore.case import Case, Coding
from signalscore.rubric import Rubric

CODING_COLUMNS = ["rubric", "case", "feature", "dimension", "status", "value", "x", "confidence"]
CASE_COLUMNS = ["rubric", "case", "title", "sender", "recipient", "episode", "period_start", "period_end"]


def _number(value: object) -> float:
    """The numeric reading of a coded value (true is 1); NaN for n/a and unknown."""
    return float(value) if isinstance(value, bool | int | float) else math.nan


def _cell(coding: Coding) -> tuple[str, object, float, str]:
    """status, value (None unless coded), numeric value, confidence."""
    status = coding.status
    return status, coding.value if status == "coded" else None, _number(coding.value), coding.confidence


def _objects(values: Sequence[object]) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def codings_frame(rubric: Rubric, cases: Sequence[Case]) -> pd.DataFrame:
    """Codings of the cases under one rubric, case-major in rubric feature order."""
    ids = [f.id for f in rubric.features]
    cells = np.empty((len(cases) * len(ids), 4), dtype=object)
    cells[:] = [_cell(case.coding(fid)) for case in cases for fid in ids]
    n = len(cases)
    return pd.DataFrame(
        {
            "rubric": _objects([rubric.id] * len(cells)),
            "case": np.repeat(_objects([c.id for c in cases]), len(ids)),
            "feature": np.tile(_objects(ids), n),
            "dimension": np.tile(_objects([f.dimension for f in rubric.features]), n),
            "status": cells[:, 0],
            "value": cells[:, 1],
            "x": cells[:, 2].astype(float),
            "confidence": cells[:, 3],
        }
    )


def cases_frame(rubric: Rubric, cases: Sequence[Case]) -> pd.DataFrame:
    """One row per case: who signals to whom, when."""
    rows = [
        (
            rubric.id,
            c.id,
            c.title,
            c.sender,
            c.recipient,
            c.episode,
            c.period.start if c.period else None,
            c.period.end if c.period else None,
        )
        for c in cases
    ]
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


def ordered(values: pd.Series, order: Sequence[str]) -> pd.Categorical:
    """Ids as an ordered categorical in the given (rubric) order, not alphabetical; None stays missing."""
    return pd.Categorical(values, categories=list(dict.fromkeys(order)), ordered=True)


def typed(frame: pd.DataFrame, rubrics: Sequence[Rubric]) -> pd.DataFrame:
    """A frame for notebooks: periods as datetime64, features and dimensions as ordered categoricals in
    rubric order (each rubric's in turn), whichever of those columns the frame has. A copy."""
    out = frame.copy()
    for column in ("period_start", "period_end"):
        if column in out:
            out[column] = pd.to_datetime(out[column])
    if "feature" in out:
        out["feature"] = ordered(out["feature"], [f.id for r in rubrics for f in r.features])
    if "dimension" in out:
        out["dimension"] = ordered(out["dimension"], [d.id for r in rubrics for d in r.dimensions])
    return out
