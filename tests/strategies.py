"""Hypothesis strategies for valid rubrics and cases."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from signalscore.case import Case
from signalscore.rubric import Rubric

weights = st.floats(min_value=0.01, max_value=100, allow_nan=False, allow_infinity=False)


@st.composite
def scales(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid feature scale."""
    kind = draw(st.sampled_from(["ordinal", "ordinal-values", "binary", "count-thresholds", "count-cap", "continuous"]))
    if kind.startswith("ordinal"):
        keys = sorted(draw(st.sets(st.integers(-3, 6), min_size=2, max_size=5)))
        if kind == "ordinal":
            return {"type": "ordinal", "levels": {k: f"level {k}" for k in keys}}
        values = sorted(draw(st.sets(st.floats(0, 1), min_size=len(keys), max_size=len(keys))))
        return {
            "type": "ordinal",
            "levels": {k: {"label": f"level {k}", "value": v} for k, v in zip(keys, values, strict=True)},
        }
    if kind == "binary":
        return {"type": "binary"}
    if kind == "count-thresholds":
        return {"type": "count", "thresholds": sorted(draw(st.sets(st.integers(1, 20), min_size=1, max_size=4)))}
    if kind == "count-cap":
        return {"type": "count", "cap": draw(st.integers(1, 20))}
    low = draw(st.floats(-100, 100))
    return {"type": "continuous", "min": low, "max": low + draw(st.floats(0.5, 100))}


@st.composite
def rubrics(draw: st.DrawFn, missing: str | None = None) -> Rubric:
    """A valid rubric with 1-6 features, with or without dimensions."""
    n = draw(st.integers(1, 6))
    dims = draw(st.sampled_from([[], ["a"], ["a", "b"]]))
    dims = dims[: max(1, min(len(dims), n))] if dims else []
    features = []
    for i in range(n):
        feature: dict[str, Any] = {
            "id": f"f{i}",
            "label": f"Feature {i}",
            "weight": draw(weights),
            "direction": draw(st.sampled_from(["positive", "negative"])),
            "scale": draw(scales()),
        }
        if dims:
            feature["dimension"] = dims[i % len(dims)]
        features.append(feature)
    low = draw(st.floats(-50, 50))
    return Rubric.model_validate(
        {
            "id": "prop",
            "version": "1",
            "title": "Property rubric",
            "scale": {"min": low, "max": low + draw(st.floats(1, 200))},
            "missing": missing or draw(st.sampled_from(["renormalize", "zero", "midpoint"])),
            "dimensions": [{"id": d, "label": d.upper(), "weight": draw(weights)} for d in dims],
            "features": features,
        }
    )


def valid_values(scale: Any) -> st.SearchStrategy[Any]:
    """Coded values valid on a scale."""
    if scale.type == "ordinal":
        return st.sampled_from(sorted(scale.levels))
    if scale.type == "binary":
        return st.booleans()
    if scale.type == "count":
        return st.integers(0, 30)
    return st.floats(scale.min - 50, scale.max + 50)


@st.composite
def cases_for(draw: st.DrawFn, rubric: Rubric, min_size: int = 1, max_size: int = 6) -> list[Case]:
    """Cases coding some features of a rubric, with n/a and unknown mixed in."""
    n = draw(st.integers(min_size, max_size))
    result = []
    for i in range(n):
        codings = {}
        for f in rubric.features:
            value = draw(st.one_of(valid_values(f.scale), st.sampled_from(["n/a", "unknown", None])))
            if value is not None:
                codings[f.id] = {"value": value, "confidence": draw(st.sampled_from(["high", "medium", "low"]))}
        case = {"id": f"c{i}", "rubric": rubric.id, "title": f"Case {i}", "sender": "A", "recipient": "B"}
        result.append(Case.model_validate({**case, "codings": codings}))
    return result


@st.composite
def penalty_rubrics(draw: st.DrawFn, missing: str | None = None) -> Rubric:
    """A valid rubric (as `rubrics`) with 1-3 penalty features added, each beside a non-penalty one."""
    base = draw(rubrics(missing))
    data = base.model_dump(exclude_none=True)
    data["features"] = list(data["features"])
    dims = [d.id for d in base.dimensions]
    for i in range(draw(st.integers(1, 3))):
        penalty: dict[str, Any] = {
            "id": f"p{i}",
            "label": f"Penalty {i}",
            "weight": draw(weights),
            "direction": "penalty",
            "scale": draw(scales()),
        }
        if dims:
            penalty["dimension"] = draw(st.sampled_from(dims))
        data["features"].append(penalty)
    return Rubric.model_validate(data)
