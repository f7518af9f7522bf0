"""Case models: one sender's signals to one recipient, coded against a rubric."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from signalscore.errors import Issue, excerpt
from signalscore.messages import coded_text, did_you_mean
from signalscore.rubric import Feature, Model, Rubric, Slug, Text
from signalscore.safe_text import first_unsafe

MISSING_VALUES = ("n/a", "unknown")
CONFIDENCES = ("high", "medium", "low")


def _date_only(value: Any) -> Any:
    # pydantic would read a bare number as a Unix timestamp; a YAML date is a date or an ISO string.
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date | str):
        raise ValueError("expected a date such as 2008-08-28")
    return value


Date = Annotated[dt.date, BeforeValidator(_date_only)]


class Period(Model):
    """The window of time a case covers."""

    start: Date
    end: Date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self


class Source(Model):
    """A document that evidence quotes."""

    id: Slug
    title: Text
    publisher: str | None = None
    date: Date | None = None
    url: str | None = None
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _one_line_url(cls, url: str | None) -> str | None:
        # A line break in a URL would end the link in Markdown and start whatever follows.
        if url is not None and (char := first_unsafe(url)):
            raise ValueError(f"a URL must not contain a control or bidi character ({char})")
        return url


class Evidence(Model):
    """A short quote from a declared source that backs a coding."""

    source: str
    quote: Text
    note: str | None = None


class Coding(Model):
    """One feature's coded value with its confidence, rationale and evidence."""

    value: bool | int | float | str
    confidence: Literal["high", "medium", "low"] = "medium"
    rationale: str | None = None
    evidence: tuple[Evidence, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"value": data}

    @field_validator("value", mode="plain")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        # Text other than n/a and unknown is checked against the feature's scale, which can say what was meant.
        if isinstance(value, bool | int | float) or (isinstance(value, str) and value):
            return value
        raise ValueError("expected a coded value (a level, a number, true or false), n/a or unknown")

    @property
    def status(self) -> Literal["coded", "n/a", "unknown"]:
        """coded, n/a or unknown."""
        return self.value if self.value in MISSING_VALUES else "coded"  # type: ignore[return-value]


UNKNOWN = Coding(value="unknown")
Value = bool | int | float | str
Cell = tuple[Value, str]  # a coding's value and confidence
UNKNOWN_CELL: Cell = ("unknown", "medium")


class Case(Model):
    """A sender's support signals to a recipient in one episode."""

    id: Slug
    rubric: Slug
    title: Text
    sender: Text
    recipient: Text
    episode: str | None = None
    period: Period | None = None
    coder: str | None = None
    adjudicates: tuple[str, ...] | None = Field(default=None, min_length=1)
    summary: str | None = None
    sources: tuple[Source, ...] = ()
    codings: dict[str, Coding] = Field(default_factory=dict)

    def coding(self, feature_id: str) -> Coding:
        """The coding of a feature; `unknown` when the case does not mention it."""
        return self.codings.get(feature_id, UNKNOWN)

    def cells(self) -> dict[str, Cell]:
        """Each coded feature's value and confidence: all that scoring and the rubric checks read."""
        return {fid: (c.value, c.confidence) for fid, c in self.codings.items()}


def case_issues(case: Case) -> list[Issue]:
    """Problems inside one case that need no rubric: duplicate and undeclared sources."""
    counts = Counter(s.id for s in case.sources)
    seen: set[str] = set()
    issues: list[Issue] = []
    for i, source in enumerate(case.sources):
        if counts[source.id] > 1 and source.id in seen:
            issues.append(Issue(("sources", i, "id"), f"duplicate source id {excerpt(source.id)}"))
        seen.add(source.id)
    for fid, coding in case.codings.items():
        for j, item in enumerate(coding.evidence):
            if item.source not in counts:
                loc = ("codings", fid, "evidence", j, "source")
                hint = did_you_mean(item.source, counts)
                issues.append(Issue(loc, f"source {excerpt(item.source)} is not declared in this case's sources{hint}"))
    return issues


def _unknown_feature(fid: str, rubric: Rubric) -> str:
    hint = did_you_mean(fid, [f.id for f in rubric.features])
    return f"rubric {rubric.id!r} has no feature {excerpt(fid)}{hint}"


def coding_issues(case: Case, rubric: Rubric, *, override: bool = False) -> list[Issue]:
    """Problems of a case's codings against a rubric; under an override, extra codings only warn."""
    return CodingCheck(rubric, override=override)(case)


class CodingCheck:
    """`coding_issues` for the cases of one rubric: its features read once, each distinct value checked once."""

    def __init__(self, rubric: Rubric, *, override: bool = False) -> None:
        self.rubric, self.override = rubric, override
        self.features: dict[str, Feature] = {}
        for f in rubric.features:  # the first of a duplicated id, as rubric.feature finds it
            self.features.setdefault(f.id, f)
        self.seen: dict[tuple[str, type, object], str | None] = {}
        self.good: set[tuple[str, type, object]] = set()  # (feature, type, value) found valid: the common case

    def __call__(self, case: Case) -> list[Issue]:
        cells, good = case.cells(), self.good
        checked = [(fid, value) for fid, (value, _) in cells.items() if (fid, type(value), value) not in good]
        issues = [issue for fid, value in checked if (issue := self.cell(fid, value))]
        if self.rubric.missing == "fail":
            issues += [
                Issue(
                    ("codings", f.id),
                    f"feature {f.id!r} is unknown, and rubric {self.rubric.id!r} has missing: fail"
                    " (code it, or write n/a)",
                )
                for f in self.rubric.features
                if cells.get(f.id, UNKNOWN_CELL)[0] == "unknown"
            ]
        return issues

    def cell(self, fid: str, value: Value) -> Issue | None:
        """The problem of one coded value, if any."""
        feature = self.features.get(fid)
        if feature is None:
            severity = "warning" if self.override else "error"
            said = _unknown_feature(fid, self.rubric) + ("; coding ignored" if self.override else "")
            return Issue(("codings", fid), said, at_key=True, severity=severity)
        key = (fid, type(value), value)
        if value in MISSING_VALUES:
            self.good.add(key)
            return None
        if key not in self.seen:
            self.seen[key] = _value_message(fid, feature, value)
        message = self.seen[key]
        if message is None:
            self.good.add(key)
            return None
        return Issue(("codings", fid, "value"), message)


def _value_message(fid: str, feature: Feature, value: Value) -> str | None:
    """Why a coded value is not valid for a feature, or None."""
    why = feature.scale.value_problem(value)
    if why is None:
        return None
    message = f"{_show(value)} is not valid for {fid} ({feature.scale.type} scale): {why}"
    return message + (coded_text(value, feature.scale) if isinstance(value, str) else "")


def _show(value: object) -> str:
    """A coded value as the YAML author wrote it."""
    return str(value).lower() if isinstance(value, bool) else excerpt(value)
