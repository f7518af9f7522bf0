"""Models to the tidy codings table: one row per case and feature of its rubric."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from signalscore.case import Case
from signalscore.rubric import Rubric

CODING_COLUMNS = ["rubric", "case", "feature", "dimension", "status", "value", "x", "confidence"]
CASE_COLUMNS = ["rubric", "case", "title", "sender", "recipient", "episode", "period_start", "period_end"]


def _number(value: object) -> float:
    """The numeric reading of a coded value (true is 1); NaN for n/a and unknown."""
    return float(value) if isinstance(value, bool | int | float) else math.nan


def codings_frame(rubric: Rubric, cases: Sequence[Case]) -> pd.DataFrame:
    """Codings of the cases under one rubric, case-major in rubric feature order."""
    columns: dict[str, list[object]] = {name: [] for name in CODING_COLUMNS}
    for case in cases:
        for feature in rubric.features:
            coding = case.coding(feature.id)
            columns["case"].append(case.id)
            columns["feature"].append(feature.id)
            columns["dimension"].append(feature.dimension)
            columns["status"].append(coding.status)
            columns["value"].append(coding.value if coding.status == "coded" else None)
            columns["x"].append(_number(coding.value))
            columns["confidence"].append(coding.confidence)
    columns["rubric"] = [rubric.id] * len(columns["case"])
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    frame["x"] = frame["x"].astype(float)
    return frame


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
