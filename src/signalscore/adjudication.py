"""A draft adjudicated case: what the coders agree on filled in, every disagreement left for a person to settle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from signalscore.case import Case, Coding, Source
from signalscore.errors import UsageError
from signalscore.rubric import Rubric
from signalscore.safe_text import UNSAFE, one_line
from signalscore.yaml_core import dump

HEADER_KEYS = ("id", "rubric", "title", "sender", "recipient", "episode", "period", "summary")
REQUIRED = frozenset(("id", "rubric", "title", "sender", "recipient"))  # the others may be left out


def _dump(data: Any, indent: int = 0) -> list[str]:
    """YAML lines by yaml's own quoting (controls and bidi characters escaped inside double quotes), indented."""
    options: dict[str, Any] = {"sort_keys": False, "width": 2**31, "default_flow_style": False}
    text = dump(data, allow_unicode=True, **options)
    if UNSAFE.search(text):  # yaml writes a bidi override as it is: then every non-ASCII character escaped
        text = dump(data, allow_unicode=False, **options)
    return [" " * indent + line for line in text.splitlines()]


def _comment(text: str, indent: int) -> str:
    """One YAML comment line: line breaks as spaces, control and bidi characters escaped visibly."""
    return " " * indent + "# " + one_line(text)


def _word(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _key(coding: Coding) -> object:
    """A coding's value as compared between coders (true and 1 alike, as the scale reads them)."""
    return coding.value if isinstance(coding.value, str) else float(coding.value)


def agreed(codings: Mapping[str, Coding]) -> bool:
    """Whether every coder coded the feature, and all alike (n/a alike counts; unknown never does)."""
    keys = {_key(c) for c in codings.values()}
    return len(keys) == 1 and "unknown" not in keys


def _merged(codings: Mapping[str, Coding]) -> dict[str, Any]:
    """An agreed coding: the value, the least confidence, the rationales, and every coder's evidence once."""
    first = next(iter(codings.values()))
    order = ["low", "medium", "high"]
    confidence = min((c.confidence for c in codings.values()), key=order.index)
    item: dict[str, Any] = {"value": first.value, "confidence": confidence}
    said = [f"{coder}: {c.rationale}" for coder, c in codings.items() if c.rationale]
    if said:
        item["rationale"] = " | ".join(said)
    evidence = {e.model_dump_json(): e for c in codings.values() for e in c.evidence}
    if evidence:
        item["evidence"] = [e.model_dump(exclude_none=True) for e in evidence.values()]
    return item


def _disputed(feature_id: str, codings: Mapping[str, Coding]) -> list[str]:
    """A disagreement: left unknown, each coder's value, confidence, rationale and evidence as comments."""
    lines = [f"  {_dump(feature_id)[0]}:", _comment("DISAGREEMENT: settle it, then replace `unknown`.", 4)]
    for coder, c in codings.items():
        lines.append(_comment(f"{coder}: {_word(c.value)} (confidence {c.confidence})", 4))
        if c.rationale:
            lines.append(_comment(f"  rationale: {c.rationale}", 4))
        lines += [
            _comment(f'  evidence [{e.source}]: "{e.quote}"' + (f" ({e.note})" if e.note else ""), 4)
            for e in c.evidence
        ]
    return [*lines, "    value: unknown"]


def _sources(cases: Sequence[Case]) -> list[Source]:
    """Every coder's sources, each id once (the first coder's where two declare the same id)."""
    found: dict[str, Source] = {}
    for case in cases:
        for source in case.sources:
            found.setdefault(source.id, source)
    return list(found.values())


def _header(codings: Mapping[str, Case]) -> list[str]:
    """The header fields the codings agree on; where they differ (a summary, say: each coder writes their own),
    every coding's value as comments, and the field left out for the adjudicator to write, or if required the
    first coding's, so that the draft validates as written."""
    heads = {coder: case.model_dump(mode="json", include=set(HEADER_KEYS)) for coder, case in codings.items()}
    lines: list[str] = []
    for key in HEADER_KEYS:
        values = {coder: head.get(key) for coder, head in heads.items()}
        first = next(iter(values.values()))
        if all(value == first for value in values.values()):
            lines += _dump({key: first}) if first is not None else []
            continue
        then = "replace the first coding's, written here" if key in REQUIRED else f"write `{key}:` here or leave it out"
        lines.append(_comment(f"DISAGREEMENT on {key}: settle it, then {then}.", 0))
        lines += [_comment(f"{coder}: {_word(_plain(value))}", 0) for coder, value in values.items()]
        lines += _dump({key: first}) if key in REQUIRED else []
    return lines


def _plain(value: object) -> object:
    """A header value as a comment shows it: a period as its dates, nothing as (none)."""
    if isinstance(value, dict):
        return " to ".join(str(v) for v in value.values())
    return "(none)" if value is None else value


def draft(codings: Mapping[str, Case], rubric: Rubric, adjudicator: str | None = None) -> str:
    """The text of a draft adjudicated case of one id's independent codings (by coder, two or more)."""
    if adjudicator in codings:
        raise UsageError(f"--coder {adjudicator!r} coded this case: the adjudicated file needs another name")
    cases = list(codings.values())
    first = cases[0]
    lines = [
        one_line(
            f"# A draft adjudication of case {first.id} by {', '.join(codings)} (made by signalscore adjudicate)."
        ),
        "# Agreed codings are filled in; each disagreement is `unknown` with every coding beside it.",
        *_header(codings),
        *(_dump({"coder": adjudicator}) if adjudicator else ["# coder: WHO-ADJUDICATED"]),
        *_dump({"adjudicates": list(codings)}),
    ]
    sources = _sources(cases)
    lines += _dump({"sources": [s.model_dump(mode="json", exclude_none=True) for s in sources]}) if sources else []
    lines.append("codings:")
    for feature in rubric.features:
        held = {coder: case.coding(feature.id) for coder, case in codings.items()}
        if all(c.status == "unknown" for c in held.values()):
            # Agreed unknown: kept, with each coder's reason, when any coder wrote the feature down.
            if any(c.rationale for c in held.values()):
                lines += _dump({feature.id: _merged(held)}, 2)
            continue
        lines += _dump({feature.id: _merged(held)}, 2) if agreed(held) else _disputed(feature.id, held)
    if lines[-1] == "codings:":
        lines[-1] = "codings: {}"
    return "\n".join(lines) + "\n"
