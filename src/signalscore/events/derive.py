"""A derived case: one dyad and window coded from events with a mapping, its evidence the events behind each value."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from signalscore.case import Case, case_issues, coding_issues
from signalscore.events.codes import VOCABULARY, name
from signalscore.events.layouts import Layout
from signalscore.mapping import Mapping, Rule, coded_value
from signalscore.rubric import Feature, Rubric
from signalscore.yaml_core import dump

UNSEEN = (
    "event data cannot see this feature: mapping {mapping} codes no event for it, so it stays unknown (never guessed)"
)
SEARCH = "event-search"
_AGGREGATES = {"count": "events", "distinct_days": "distinct days with such an event", "goldstein_sum": "summed weight"}


@dataclass(frozen=True)
class Meta:
    """What a derived case is about: its id, title, dyad and window."""

    id: str
    title: str
    sender: str
    recipient: str
    start: dt.date
    end: dt.date


def slug(text: str) -> str:
    """Text as a case or source id: lowercase letters, digits and '-'."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "x"


def _date(day: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(day, "%Y%m%d").date()
    except (TypeError, ValueError):
        return None


def _rationale(rule: Rule, fid: str, row: dict[str, Any], layout: Layout, meta: Meta) -> str:
    count, measure = int(row.get(f"n_{fid}", 0)), row.get(f"v_{fid}", row.get(f"n_{fid}", 0))
    codes = ", ".join(rule.codes) + (f", actor type {rule.actor_type}" if rule.actor_type else "")
    text = f"{count} {layout.label} event(s) from {meta.sender} to {meta.recipient}, {meta.start} to {meta.end}, with codes {codes}"
    if rule.aggregate != "count":
        text += f"; {_AGGREGATES[rule.aggregate]}: {measure:g}"
    if rule.levels is not None:
        reached = ", ".join(f"{t:g}" for t in rule.levels if measure >= t) or "none"
        text += f"; thresholds {', '.join(f'{t:g}' for t in rule.levels)}: reached {reached}"
    return text + ". Machine-coded events are a proxy for this feature, not a reading of it."


def _evidence(
    events: pd.DataFrame, fid: str, layout: Layout, sources: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    items = []
    for event in events[events["feature"] == fid].itertuples(index=False):
        sid = "event-" + slug(str(event.event_id))
        vocabulary = VOCABULARY[layout.name]
        what = f"{name(vocabulary, str(event.code))} by {event.sender} toward {event.recipient}"
        date = _date(str(event.day))
        source: dict[str, Any] = {"id": sid, "title": f"{layout.label} event {event.event_id}: {what}"}
        source |= {"date": date} if date else {}
        source |= {"publisher": event.publisher} if isinstance(event.publisher, str) and event.publisher else {}
        source |= (
            {"url": event.url} if isinstance(event.url, str) and event.url.startswith(("http://", "https://")) else {}
        )
        sources.setdefault(sid, source)
        quote = f"{what} on {date or str(event.day)} (event {event.event_id!s}, counted for {fid})"
        items.append({"source": sid, "quote": quote, "note": "an event record, not a quotation"})
    return items


def _none_found(
    rule: Rule, mapping: Mapping, layout: Layout, meta: Meta, sources: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The evidence of an absence: the search itself, which found no event."""
    sources.setdefault(
        SEARCH, {"id": SEARCH, "title": f"{layout.label} event files searched with mapping {mapping.id}"}
    )
    codes = ", ".join(rule.codes) + (f" (actor type {rule.actor_type})" if rule.actor_type else "")
    quote = (
        f"no {layout.label} event with codes {codes} from {meta.sender} to {meta.recipient}, {meta.start} to {meta.end}"
    )
    return [{"source": SEARCH, "quote": quote, "note": "the search found no event"}]


def _coding(feature: Feature, rule: Rule, row: dict[str, Any], layout: Layout, meta: Meta) -> dict[str, Any]:
    measure = row.get(f"v_{feature.id}", row.get(f"n_{feature.id}", 0))
    value = coded_value(rule, feature, float(measure or 0))
    return {"value": value, "confidence": "low", "rationale": _rationale(rule, feature.id, row, layout, meta)}


def derived_case(
    mapping: Mapping, rubric: Rubric, layout: Layout, row: dict[str, Any], events: pd.DataFrame, meta: Meta
) -> dict[str, Any]:
    """The case data: every rubric feature coded from its rule, or unknown when the mapping has none."""
    sources: dict[str, dict[str, Any]] = {}
    codings: dict[str, Any] = {}
    for feature in rubric.features:
        rule = mapping.features.get(feature.id)
        if rule is None:
            codings[feature.id] = {"value": "unknown", "rationale": UNSEEN.format(mapping=mapping.id)}
            continue
        codings[feature.id] = _coding(feature, rule, row, layout, meta)
        evidence = _evidence(events, feature.id, layout, sources) or _none_found(rule, mapping, layout, meta, sources)
        codings[feature.id]["evidence"] = evidence
    summary = (
        f"Derived from {layout.label} events with mapping {mapping.id} (signalscore events derive): "
        "machine-coded counts, every value at confidence low; evidence lists a sample of the events behind each "
        "value (the rationale gives the count). Features event data cannot see are unknown."
    )
    return {
        "id": meta.id,
        "rubric": rubric.id,
        "title": meta.title,
        "sender": meta.sender,
        "recipient": meta.recipient,
        "period": {"start": meta.start, "end": meta.end},
        "coder": mapping.coder,
        "summary": summary,
        "sources": list(sources.values()),
        "codings": codings,
    }


def case_text(data: dict[str, Any], rubric: Rubric) -> str:
    """The case as YAML, checked as signalscore reads it (a derived case always validates)."""
    case = Case.model_validate(data)
    problems = case_issues(case) + coding_issues(case, rubric)
    if problems:  # a bug, not bad input: every value comes from coded_value
        raise AssertionError(f"derived case does not validate: {problems}")
    header = "# yaml-language-server: $schema=../schemas/case.schema.json\n# Derived by signalscore events derive.\n"
    return header + dump(data, sort_keys=False, allow_unicode=True, width=2**31, default_flow_style=False)
