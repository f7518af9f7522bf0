"""Mapping models: which events code which rubric feature, and the checks against the format and the rubric."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from signalscore.errors import Issue, excerpt
from signalscore.events.codes import VOCABULARY, code_problem
from signalscore.rubric import Feature, Model, Number, Rubric, Slug, Text

FORMATS = ("gdelt2", "icews", "polecat")
AGGREGATES = ("count", "distinct_days", "goldstein_sum")
Code = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class Actors(Model):
    """The default sender and recipient, as the format's country columns write them."""

    sender: Text | None = None
    recipient: Text | None = None


class Rule(Model):
    """How one feature is coded from events: which codes, which aggregate, and the levels it reaches."""

    codes: tuple[Code, ...] = Field(min_length=1)
    aggregate: Literal["count", "distinct_days", "goldstein_sum"] = "count"
    actor_type: Text | None = None
    levels: tuple[Number, ...] | None = Field(default=None, min_length=1)

    @field_validator("levels")
    @classmethod
    def _increasing(cls, levels: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if levels is not None and any(b <= a for a, b in pairwise(levels)):
            raise ValueError(f"levels must increase strictly (found {', '.join(f'{x:g}' for x in levels)})")
        return levels

    def level(self, aggregate: float) -> int:
        """The number of thresholds the aggregate reaches (0 when none)."""
        return sum(aggregate >= t for t in self.levels or ())


class Mapping(Model):
    """Event codes to codings of a rubric's features, for one event format (DESIGN.md section 10)."""

    id: Slug
    rubric: Slug
    format: Literal["gdelt2", "icews", "polecat"]
    title: str | None = None
    description: str | None = None
    actors: Actors = Actors()
    features: dict[str, Rule] = Field(min_length=1)

    @property
    def coder(self) -> str:
        """The coder of every case derived with this mapping."""
        return f"events:{self.id}"


def mapping_issues(mapping: Mapping) -> list[Issue]:
    """Codes that name nothing in the format's vocabulary (CAMEO for gdelt2 and icews, PLOVER for polecat)."""
    vocabulary = VOCABULARY.get(mapping.format) if isinstance(mapping.format, str) else None
    if vocabulary is None or not isinstance(mapping.features, dict):
        return []
    issues = []
    for fid, rule in mapping.features.items():
        for i, code in enumerate(rule.codes if isinstance(rule, Rule) else ()):
            if isinstance(code, str) and (why := code_problem(vocabulary, code)):
                issues.append(Issue(("features", fid, "codes", i), f"{why} (format {mapping.format})"))
    return issues


def _scale_problem(rule: Rule, feature: Feature) -> tuple[str, str] | None:
    """(key, message) when a rule cannot give a valid value on the feature's scale."""
    scale = feature.scale
    if scale.type in ("ordinal", "binary"):
        steps = len(scale.levels or {}) - 1 if scale.type == "ordinal" else 1
        if rule.levels is None:
            return "features", f"{feature.id} is {scale.type}: give levels (thresholds of the aggregate)"
        if len(rule.levels) > steps:
            return (
                "levels",
                f"{feature.id} has {steps + 1} levels, so at most {steps} thresholds (found {len(rule.levels)})",
            )
        return None
    if rule.levels is not None:
        return "levels", f"{feature.id} is a {scale.type} feature: its value is the aggregate itself; remove levels"
    if scale.type == "count" and rule.aggregate == "goldstein_sum":
        return (
            "aggregate",
            f"{feature.id} is a count feature: goldstein_sum is not a whole number; use count or distinct_days",
        )
    return None


def rubric_issues(mapping: Mapping, rubric: Rubric, damaged: Collection[str] = ()) -> list[Issue]:
    """Features the rubric lacks, and rules whose result is not a valid value for the feature's scale.

    Rules in `damaged` (with a structural error of their own) are checked for their feature id only.
    """
    issues = []
    known = [f.id for f in rubric.features]
    for fid, rule in mapping.features.items():
        feature = rubric.feature(fid)
        if feature is not None and fid in damaged:
            continue
        if feature is None:
            close = difflib.get_close_matches(fid, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            issues.append(Issue(("features", fid), f"rubric {rubric.id!r} has no feature {excerpt(fid)}{hint}", True))
        elif found := _scale_problem(rule, feature):
            key, message = found
            at_feature = key == "features"  # a missing key is said at its feature's key
            issues.append(Issue(("features", fid) if at_feature else ("features", fid, key), message, at_feature))
    return issues


def coded_value(rule: Rule, feature: Feature, aggregate: float) -> bool | int | float:
    """The value a rule codes from an aggregate, valid for the feature's scale."""
    scale = feature.scale
    if scale.type == "ordinal":
        return sorted(scale.levels or {})[rule.level(aggregate)]
    if scale.type == "binary":
        return rule.level(aggregate) >= 1
    return int(aggregate) if scale.type == "count" else float(aggregate)
