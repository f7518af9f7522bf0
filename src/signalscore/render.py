"""Scored DataFrames to text: table, markdown, csv and json."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from tabulate import tabulate

from signalscore.case import Case
from signalscore.engine import Scores
from signalscore.rubric import Rubric

FORMATS = ("table", "markdown", "csv", "json")
_TABLEFMT = {"table": "simple", "markdown": "github"}
# Shares and signals live in [0, 1]: they need more decimals than points on the score scale.
_DECIMALS = {"coverage": ".2f", "signal": ".2f", "normalized": ".2f", "weight": ".3f"}
FEATURE_KEYS = ["id", "dimension", "status", "value", "normalized", "signal", "weight", "contribution", "confidence"]


def plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN and NA as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def grid(frame: pd.DataFrame, fmt: str, precision: int = 1) -> str:
    """A DataFrame as a table in a text format; numbers rounded for display only."""
    if fmt == "csv":
        return str(frame.to_csv(index=False, lineterminator="\n"))
    shown = frame.astype(object).where(frame.notna(), "")
    floatfmt = [_DECIMALS.get(str(c), f".{precision}f") for c in frame.columns]
    return tabulate(shown.values.tolist(), headers=list(frame.columns), tablefmt=_TABLEFMT[fmt], floatfmt=floatfmt)


def ordered(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases by rank (unranked last), then id."""
    return cases.sort_values(["rank", "case"], na_position="last", kind="stable")


def score_frame(scores: Scores, rubric: Rubric) -> pd.DataFrame:
    """The score table of one rubric: one row per case, one column per dimension."""
    cases = ordered(scores.cases[scores.cases["rubric"] == rubric.id])
    frame = cases[["rank", "case", "score", "score_low", "score_high", "coverage"]].reset_index(drop=True)
    dims = scores.dimensions[scores.dimensions["rubric"] == rubric.id]
    if len(dims):
        wide = dims.pivot(index="case", columns="dimension", values="score")
        for d in rubric.dimensions:
            frame[d.id] = frame["case"].map(wide[d.id]).to_numpy()
    return frame


def _heading(rubric: Rubric, fmt: str) -> str:
    text = f"{rubric.id} {rubric.version}: {rubric.title} (scale {rubric.scale.min:g} to {rubric.scale.max:g})"
    return f"### {text}" if fmt == "markdown" else text


def render_scores(scores: Scores, rubrics: Mapping[str, Rubric], fmt: str, precision: int = 1) -> str:
    """The `score` command's output."""
    if fmt == "json":
        return to_json({"rubrics": [rubric_json(scores, r) for r in rubrics.values()]})
    frames = [(r, score_frame(scores, r)) for r in rubrics.values()]
    if fmt == "csv":
        flat = pd.concat([f.assign(rubric=r.id) for r, f in frames], ignore_index=True)
        return grid(flat[["rubric", *[c for c in flat.columns if c != "rubric"]]], fmt)
    return "\n\n".join(f"{_heading(r, fmt)}\n\n{grid(f, fmt, precision)}" for r, f in frames) + "\n"


def to_json(data: Any) -> str:
    """Strict JSON (no NaN), indented."""
    return json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def case_json(scores: Scores, rubric: Rubric, row: pd.Series) -> dict[str, Any]:
    """One case as the contract's JSON object."""
    dims = scores.dimensions[(scores.dimensions["rubric"] == rubric.id) & (scores.dimensions["case"] == row["case"])]
    feats = scores.features[(scores.features["rubric"] == rubric.id) & (scores.features["case"] == row["case"])]
    keys = ["score", "score_low", "score_high", "coverage", "rank"]
    return {
        "id": row["case"],
        "title": row["title"],
        **{k: plain(row[k]) for k in keys},
        "dimensions": {d: plain(s) for d, s in zip(dims["dimension"], dims["score"], strict=True)},
        "features": [
            {k: plain(f[k if k != "id" else "feature"]) for k in FEATURE_KEYS} for f in feats.to_dict("records")
        ],
    }


def rubric_json(scores: Scores, rubric: Rubric) -> dict[str, Any]:
    """One rubric and its scored cases, as in the contract."""
    cases = ordered(scores.cases[scores.cases["rubric"] == rubric.id])
    return {
        "id": rubric.id,
        "version": rubric.version,
        "title": rubric.title,
        "scale": {"min": rubric.scale.min, "max": rubric.scale.max},
        "missing": rubric.missing,
        "cases": [case_json(scores, rubric, row) for _, row in cases.iterrows()],
    }


def _shown_value(status: str, value: Any) -> str:
    if status != "coded":
        return "?" if status == "unknown" else "n/a"
    return str(value).lower() if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)


def _short(text: str | None, width: int = 44) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def explain_frame(scores: Scores, rubric: Rubric, case: Case, full: bool = False) -> pd.DataFrame:
    """One case feature by feature: level, its label, signal, weight, points, confidence."""
    feats = scores.features[(scores.features["rubric"] == rubric.id) & (scores.features["case"] == case.id)]
    rows = []
    for f, row in zip(rubric.features, feats.to_dict("records"), strict=True):
        label = f.scale.label_of(row["value"]) or ""
        rows.append(
            {
                "feature": f.id,
                "dimension": f.dimension or "",
                "value": _shown_value(row["status"], row["value"]),
                "level": label if full else _short(label),
                "signal": row["signal"],
                "weight": row["weight"],
                "points": row["contribution"],
                "confidence": row["confidence"] if row["status"] == "coded" else "",
            }
        )
    return pd.DataFrame(rows)


def _evidence_lines(case: Case, fid: str) -> list[str]:
    coding = case.coding(fid)
    sources = {s.id: s for s in case.sources}
    lines = [f"  rationale: {' '.join(coding.rationale.split())}"] if coding.rationale else []
    for item in coding.evidence:
        src = sources.get(item.source)
        where = ", ".join(str(p) for p in (src.title, src.publisher, src.date, src.url) if p) if src else item.source
        lines.append(f'  [{item.source}] "{item.quote}" ({where})')
    return lines


def _summary(scores: Scores, rubric: Rubric, case: Case, precision: int) -> str:
    row = scores.cases[(scores.cases["rubric"] == rubric.id) & (scores.cases["case"] == case.id)].iloc[0]
    period = f", {case.period.start} to {case.period.end}" if case.period else ""
    rank = "-" if pd.isna(row["rank"]) else row["rank"]
    score = "no score" if pd.isna(row["score"]) else f"{row['score']:.{precision}f}"
    return (
        f"{case.id}: {case.title}\n{case.sender} -> {case.recipient}{period}; rubric {rubric.id} {rubric.version}\n"
        f"score {score} (bounds {row['score_low']:.{precision}f} to {row['score_high']:.{precision}f}), "
        f"coverage {row['coverage']:.2f}, rank {rank}"
    )


def render_explain(scores: Scores, rubric: Rubric, case: Case, fmt: str, precision: int = 1) -> str:
    """The `explain` command's output."""
    if fmt == "json":
        row = scores.cases[(scores.cases["rubric"] == rubric.id) & (scores.cases["case"] == case.id)].iloc[0]
        data = case_json(scores, rubric, row)
        for item in data["features"]:
            coding = case.coding(item["id"])
            item["label"] = rubric.feature(item["id"]).scale.label_of(coding.value)  # type: ignore[union-attr]
            item["rationale"] = coding.rationale
            item["evidence"] = [e.model_dump(exclude_none=True) for e in coding.evidence]
        data["sources"] = [s.model_dump(mode="json", exclude_none=True) for s in case.sources]
        return to_json({"rubric": rubric.id, "case": data})
    frame = explain_frame(scores, rubric, case, full=fmt == "csv")
    if fmt == "csv":
        frame["rationale"] = [case.coding(f).rationale or "" for f in frame["feature"]]
        frame["evidence"] = [
            " | ".join(_evidence_lines(case, f)[1:] if case.coding(f).rationale else _evidence_lines(case, f)).strip()
            for f in frame["feature"]
        ]
        return grid(frame, fmt)
    notes = [
        "\n".join([f"{f.id} = {_shown_value(case.coding(f.id).status, case.coding(f.id).value)}", *lines])
        for f in rubric.features
        if (lines := _evidence_lines(case, f.id))
    ]
    body = grid(frame, fmt, precision)
    if fmt == "markdown":
        return f"{_summary(scores, rubric, case, precision)}\n\n{body}\n\n" + "\n\n".join(notes) + "\n"
    return f"{_summary(scores, rubric, case, precision)}\n\n{body}\n\nEvidence\n\n" + "\n\n".join(notes) + "\n"
