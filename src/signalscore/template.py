"""A ready-to-fill case file for a rubric: every feature unknown, its levels and guidance as comments."""

from __future__ import annotations

import re
import textwrap

import yaml

from signalscore.errors import UsageError
from signalscore.rubric import Dimension, Feature, Rubric, Scale
from signalscore.safe_text import one_line

WIDTH = 100
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")  # matched whole (fullmatch): no trailing newline slips through
# A key or slug written plain only when every YAML reader takes it as that same string.
_PLAIN = re.compile(r"[a-z][a-z0-9_-]*")
_WORDS = frozenset({"y", "yes", "n", "no", "on", "off", "true", "false", "null"})


def _scalar(text: str) -> str:
    """A YAML double-quoted scalar by yaml's own rules: line breaks and controls escaped, so one line."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def _plain(text: str) -> str:
    """An id or key: plain when it cannot read as anything but itself, else double-quoted."""
    return text if _PLAIN.fullmatch(text) and text not in _WORDS else _scalar(text)


def _representable(option: str, text: str) -> str:
    """Text an option gives, refused (a usage error) if a case file cannot hold it."""
    if not text.strip():
        raise UsageError(f"{option} must not be empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{option} is not valid UTF-8 text ({one_line(ascii(text))})") from None
    return text


def _comment(text: str, indent: int, first: str = "", rest: str = "") -> list[str]:
    """Text as wrapped YAML comment lines; paragraphs kept apart."""
    pad = " " * indent + "# "
    lines: list[str] = []
    for paragraph in (p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()):
        width = WIDTH - len(pad)
        flat = " ".join(one_line(paragraph).split())
        wrapped = textwrap.wrap(flat, width, initial_indent=first, subsequent_indent=rest)
        lines += [pad + line for line in wrapped]
        first = rest
    return lines


def _number(x: float) -> str:
    return f"{x:g}"


def allowed_values(scale: Scale) -> list[str]:
    """What a coder may write as the value, one line per level or rule."""
    if scale.type == "ordinal":
        assert scale.levels is not None
        scored = ["" if lvl.value is None else f" (scores {_number(lvl.value)})" for lvl in scale.levels.values()]
        return [f"{k}: {lvl.label}{v}" for (k, lvl), v in sorted(zip(scale.levels.items(), scored, strict=True))]
    if scale.type == "binary":
        return ["true or false"]
    if scale.type == "continuous":
        lo, hi = _number(scale.min or 0.0), _number(scale.max or 0.0)
        return [f"a number; {lo} or less scores 0, {hi} or more scores 1"]
    if scale.thresholds is not None:
        steps = ", ".join(_number(t) for t in scale.thresholds)
        return [f"a whole number >= 0; each threshold reached ({steps}) adds an equal step"]
    return [f"a whole number >= 0; {_number(scale.cap or 0.0)} or more scores 1"]


def _feature(feature: Feature) -> list[str]:
    sign = {
        "positive": "",
        "negative": "; NEGATIVE: higher values lower the score",
        "penalty": "; PENALTY: adds nothing when absent, subtracts when present",
    }[feature.direction]
    lines = [f"  {_plain(feature.id)}:"]
    lines += _comment(feature.label, 4)
    lines += [f"    # {feature.scale.type} scale, weight {_number(feature.weight)}{sign}. Values:"]
    lines += [line for value in allowed_values(feature.scale) for line in _comment(value, 4, "  ", "      ")]
    lines += ["    #   n/a (the channel did not exist) or unknown (not yet established)"]
    if feature.guidance:
        lines += _comment(feature.guidance, 4, "Guidance: ", "  ")
    lines += [
        "    value: unknown",
        "    # confidence: medium  # high | medium | low",
        "    # rationale: ...",
        "    # evidence:",
        "    #   - source: SOURCE-ID  # an id from sources above",
        '    #     quote: "..."',
    ]
    return lines


def _dimension(dimension: Dimension, first: bool) -> list[str]:
    label = one_line(f"{dimension.id}: {dimension.label}")
    title = f"  # --- {label} (dimension weight {_number(dimension.weight)}) ---"
    return [title] if first else ["", title]


def _codings(rubric: Rubric) -> list[str]:
    lines = ["codings:"]
    groups: list[tuple[Dimension | None, list[Feature]]] = [(None, list(rubric.features))]
    if rubric.dimensions:
        groups = [(d, [f for f in rubric.features if f.dimension == d.id]) for d in rubric.dimensions]
    for i, (dimension, features) in enumerate(groups):
        lines += _dimension(dimension, i == 0) if dimension else []
        for feature in features:
            lines += _feature(feature)
    return lines


def case_template(
    case_id: str, rubric: Rubric, title: str, sender: str, recipient: str, schema: str | None = None
) -> str:
    """The text of a new case file that validates as written and scores once values are filled in.

    No text can change its structure: values are quoted by yaml, comments are single lines.
    Text a case cannot hold (empty, or not UTF-8) is a usage error.
    """
    if not SLUG.fullmatch(case_id):
        raise UsageError(f"case id {one_line(repr(case_id))} is not a slug (lowercase letters, digits and dashes)")
    values = {
        o: _representable(f"--{o}", t) for o, t in (("title", title), ("sender", sender), ("recipient", recipient))
    }
    head = [one_line(f"# yaml-language-server: $schema={schema}")] if schema else []
    head += [
        one_line(f"# A new case for rubric {rubric.id} {rubric.version}: {rubric.title}."),
        "# Replace each `value: unknown` once established; cite a source for every coded value.",
        f"id: {_plain(case_id)}",
        f"rubric: {_plain(rubric.id)}",
        *(f"{option}: {_scalar(text)}" for option, text in values.items()),
        "# episode: ...",
        "# period: {start: YYYY-MM-DD, end: YYYY-MM-DD}",
        "# coder: ...",
        "# summary: ...",
        "sources: []",
        "# sources:",
        "#   - id: SOURCE-ID  # lowercase letters, digits and dashes",
        '#     title: "..."',
        "#     publisher: ...",
        "#     date: YYYY-MM-DD",
        "#     url: ...",
    ]
    return "\n".join(head + _codings(rubric)) + "\n"
