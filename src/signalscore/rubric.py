"""Rubric models: features, dimensions, scales, and their cross-field checks."""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from signalscore.errors import Issue, excerpt
from signalscore.errors import number as shown
from signalscore.messages import suggestion

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
FeatureId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
# Bounds that keep every sum, ratio and score finite in double precision (docs/format.md, "Numbers").
MIN_WEIGHT, MAX_WEIGHT = 1e-6, 1e6
MAX_NUMBER = 1e12


def _not_tiny(weight: float) -> float:
    # Checked after `gt=0`, so a zero or negative weight keeps its plainer message.
    if weight < MIN_WEIGHT:
        raise ValueError(f"expected a number at least {shown(MIN_WEIGHT)}")
    return weight


Weight = Annotated[
    float,
    Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False, strict=True, json_schema_extra={"minimum": MIN_WEIGHT}),
    AfterValidator(_not_tiny),
]
Positive = Annotated[float, Field(gt=0, le=MAX_NUMBER, allow_inf_nan=False, strict=True)]
Number = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False, strict=True)]
LevelKey = Annotated[int, Field(strict=True, ge=-int(MAX_NUMBER), le=int(MAX_NUMBER))]
Text = Annotated[str, StringConstraints(min_length=1)]


class Model(BaseModel):
    """Base for every input model: immutable, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(Model):
    """The score scale of a rubric."""

    min: Number = 0.0
    max: Number = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.min < self.max:
            raise ValueError(f"min ({self.min:g}) must be less than max ({self.max:g})")
        return self


class Level(Model):
    """One ordinal level: its anchor label and, optionally, its value in [0, 1]."""

    label: Text
    value: Annotated[float, Field(ge=0, le=1, strict=True)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_label(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"label": data}
        if not isinstance(data, dict | Level):
            raise ValueError("expected a label (text) or a mapping with label and value")
        return data


_SCALE_KEYS: dict[str, frozenset[str]] = {
    "ordinal": frozenset({"levels"}),
    "binary": frozenset(),
    "count": frozenset({"thresholds", "cap"}),
    "continuous": frozenset({"min", "max"}),
}


class Scale(Model):
    """How a coded value of one feature maps to a normalised value in [0, 1]."""

    type: Literal["ordinal", "binary", "count", "continuous"]
    levels: dict[LevelKey, Level] | None = None
    thresholds: tuple[Positive, ...] | None = None
    cap: Positive | None = None
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        given = {k for k in ("levels", "thresholds", "cap", "min", "max") if getattr(self, k) is not None}
        if stray := sorted(given - _SCALE_KEYS[self.type]):
            raise ValueError(f"a {self.type} scale does not take {', '.join(stray)}")
        problem = getattr(self, f"_check_{self.type}")()
        if problem:
            raise ValueError(problem)
        return self

    def _check_ordinal(self) -> str | None:
        if self.levels is None or len(self.levels) < 2:
            return f"an ordinal scale needs at least 2 levels (found {len(self.levels or {})})"
        levels = sorted(self.levels)
        values = [self.levels[k].value for k in levels]
        if None in values and any(v is not None for v in values):
            bare = ", ".join(str(k) for k, v in zip(levels, values, strict=True) if v is None)
            return f"give a value on every level or on none (no value on level {bare})"
        if values[0] is not None and any(b <= a for a, b in pairwise(values)):  # type: ignore[operator]
            shown = ", ".join(f"{k}: {v:g}" for k, v in zip(levels, values, strict=True))
            return f"level values must increase strictly with the level (found {shown})"
        return None

    def _check_binary(self) -> str | None:
        return None

    def _check_count(self) -> str | None:
        if self.thresholds is not None and self.cap is not None:
            return "a count scale takes thresholds or cap, not both"
        if self.thresholds is None and self.cap is None:
            return "a count scale needs thresholds (a list of counts) or cap (a count)"
        t = self.thresholds
        if t is not None and not t:
            return "thresholds must not be empty"
        if t is not None and any(b <= a for a, b in pairwise(t)):
            return f"thresholds must increase strictly (found {', '.join(f'{x:g}' for x in t)})"
        return None

    def _check_continuous(self) -> str | None:
        if self.min is None or self.max is None:
            return "a continuous scale needs min and max"
        return None if self.min < self.max else f"min ({self.min:g}) must be less than max ({self.max:g})"

    def value_problem(self, value: object) -> str | None:
        """Why `value` is not valid on this scale, or None when it is."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if self.type == "binary":
            ok = value in (True, False) and not isinstance(value, float | str)
            return None if ok else "expected true, false, 1 or 0, n/a or unknown"
        if self.type == "ordinal":
            assert self.levels is not None
            if number and isinstance(value, int) and value in self.levels:
                return None
            allowed = ", ".join(str(k) for k in sorted(self.levels))  # only when it is said: every case asks
            return f"expected one of the levels {allowed}, n/a or unknown"
        if self.type == "count":
            ok = number and isinstance(value, int) and 0 <= value <= MAX_NUMBER
            return None if ok else f"expected a whole number from 0 to {shown(MAX_NUMBER)}, n/a or unknown"
        ok = number and abs(value) <= MAX_NUMBER  # type: ignore[arg-type]  # False for NaN; no float() of a huge int
        return None if ok else f"expected a number from {shown(-MAX_NUMBER)} to {shown(MAX_NUMBER)}, n/a or unknown"

    def label_of(self, value: object) -> str | None:
        """The anchor label of an ordinal level, else None."""
        if self.levels is None or isinstance(value, bool) or not isinstance(value, int):
            return None
        level = self.levels.get(value)
        return level.label if level else None


class Reference(Model):
    """A work the rubric cites."""

    id: Slug
    citation: Text
    url: str | None = None


class Dimension(Model):
    """A group of features with a weight of its own."""

    id: FeatureId
    label: Text
    weight: Weight = 1.0
    description: str | None = None


class Feature(Model):
    """One observable signal and how to code it."""

    id: FeatureId
    label: Text
    dimension: str | None = None
    weight: Weight = 1.0
    direction: Literal["positive", "negative", "penalty"] = "positive"
    description: str | None = None
    guidance: str | None = None
    references: tuple[str, ...] = ()
    scale: Scale


Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, strict=True)]


class ByConfidence(Model):
    """One number per confidence level; a level left out keeps the default."""

    high: Share | None = None
    medium: Share | None = None
    low: Share | None = None


class Uncertainty(Model):
    """How far a coding may be off, by its confidence (read by `signalscore sensitivity`)."""

    level_shift: ByConfidence = ByConfidence()
    binary_flip: ByConfidence = ByConfidence()
    relative_error: ByConfidence = ByConfidence()


class Rubric(Model):
    """A weighted set of features that turns codings into a score."""

    id: Slug
    version: Text
    title: Text
    description: str | None = None
    scale: Range = Range()
    missing: Literal["renormalize", "zero", "midpoint", "fail"] = "renormalize"
    references: tuple[Reference, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    features: tuple[Feature, ...] = Field(min_length=1)
    uncertainty: Uncertainty = Uncertainty()

    def feature(self, feature_id: str) -> Feature | None:
        """The feature with this id, if the rubric has it (the first, should two share it)."""
        return self._by_id.get(feature_id)

    @cached_property
    def has_penalties(self) -> bool:
        """Whether any feature is a penalty (DESIGN.md section 9); without, section 3 alone applies."""
        return any(f.direction == "penalty" for f in self.features)

    @cached_property
    def _by_id(self) -> dict[str, Feature]:
        # A dict, not a scan: wide rubrics (thousands of features) look features up once per coding.
        return {f.id: f for f in reversed(self.features)}


def _duplicates(items: tuple[Any, ...], section: str) -> list[Issue]:
    counts = Counter(item.id for item in items)
    return [
        Issue((section, i, "id"), f"duplicate {section[:-1]} id {excerpt(item.id)}")
        for i, item in enumerate(items)
        if counts[item.id] > 1 and item.id in {x.id for x in items[:i]}
    ]


def _undeclared(noun: str, name: str, declared: list[str]) -> str:
    """Why a named dimension or reference is not there, with the closest declared id."""
    if not declared:
        return f"{noun} {excerpt(name)} is not declared (the rubric declares no {noun}s)"
    close = suggestion(name, declared)
    hint = f"did you mean {close!r}?" if close else f"declared: {', '.join(declared)}"
    return f"{noun} {excerpt(name)} is not declared ({hint})"


def _ids(items: tuple[Any, ...]) -> list[str]:
    """Declared ids in order, once each; an item the loader could not read (id None) declares nothing."""
    return list(dict.fromkeys(item.id for item in items if isinstance(item.id, str)))


def _feature_links(rubric: Rubric) -> list[Issue]:
    dims = _ids(rubric.dimensions)
    refs = set(_ids(rubric.references))
    declared = set(dims)
    issues: list[Issue] = []
    for i, f in enumerate(rubric.features):
        if f.dimension is None and dims:
            message = f"feature {f.id!r} needs a dimension: the rubric declares dimensions ({', '.join(dims)})"
            issues.append(Issue(("features", i, "dimension"), message))
        elif f.dimension is not None and f.dimension not in declared:
            issues.append(Issue(("features", i, "dimension"), _undeclared("dimension", f.dimension, dims)))
        for j, ref in enumerate(f.references):
            if ref not in refs:
                issues.append(
                    Issue(("features", i, "references", j), _undeclared("reference", ref, _ids(rubric.references)))
                )
    return issues


def _penalty_issues(rubric: Rubric) -> list[Issue]:
    """A penalty subtracts a share of its dimension's non-penalty weights: the dimension needs some."""
    supported = {f.dimension for f in rubric.features if f.direction != "penalty"}
    issues: list[Issue] = []
    for i, f in enumerate(rubric.features):
        if f.direction != "penalty" or f.dimension in supported:
            continue
        supported.add(f.dimension)  # one problem per dimension, at its first penalty
        where = f"dimension {f.dimension!r} has" if f.dimension is not None else "the rubric has"
        message = (
            f"{where} only penalty features: a penalty subtracts in proportion to the non-penalty"
            " (positive or negative) weights beside it, so add at least one"
        )
        issues.append(Issue(("features", i, "direction"), message))
    return issues


def rubric_issues(rubric: Rubric) -> list[Issue]:
    """Cross-field problems of a structurally valid rubric."""
    issues = _duplicates(rubric.features, "features")
    issues += _duplicates(rubric.dimensions, "dimensions") + _duplicates(rubric.references, "references")
    issues += _feature_links(rubric) + _penalty_issues(rubric)
    used = {f.dimension for f in rubric.features}
    issues += [
        Issue(("dimensions", i, "id"), f"dimension {d.id!r} has no feature")
        for i, d in enumerate(rubric.dimensions)
        if d.id not in used
    ]
    return issues
