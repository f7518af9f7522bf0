"""A ready-to-fill case file for a rubric: every feature unknown, its levels and guidance as comments."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

import yaml

from signalscore.document import parse_text
from signalscore.errors import UsageError
from signalscore.inputs import MAX_BYTES, Scope, Unreadable, read_limited, yaml_files
from signalscore.rubric import Dimension, Feature, Rubric, Scale
from signalscore.safe_text import one_line

WIDTH = 100
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")  # matched whole (fullmatch): no trailing newline slips through
# A key or slug written plain only when every YAML reader takes it as that same string.
_PLAIN = re.compile(r"[a-z][a-z0-9_-]*")
EXAMPLE_SOURCE = "source-1"  # the id the commented examples use, so that uncommenting them gives a valid case
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
        '    # rationale: "..."',
        "    # evidence:",
        f"    #   - source: {EXAMPLE_SOURCE}  # the id of a source above",
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
        '# episode: "..."',
        "# period: {start: 2008-08-01, end: 2008-10-31}  # dates as YYYY-MM-DD",
        '# coder: "..."',
        '# summary: "..."',
        "# The documents that evidence quotes: uncomment the lines below (they read as written) and fill them in.",
        "# sources:",
        f"#   - id: {EXAMPLE_SOURCE}  # lowercase letters, digits and dashes",
        '#     title: "..."',
        '#     publisher: "..."',
        "#     date: 2008-08-28  # YYYY-MM-DD",
        "#     url: https://example.org/",
    ]
    return "\n".join(head + _codings(rubric)) + "\n"


def file_of_case(case_id: str, folders: Iterable[Path]) -> Path | None:
    """The first case file below the folders (or among the files) whose id is case_id; a file that does not
    name it is not parsed, and one that cannot be read or parsed is skipped (validate reports it)."""
    found = [f for f in folders if f.is_dir() or f.is_file()]
    for path in yaml_files(found, Scope.of(found))[0]:
        try:
            text = read_limited(path, MAX_BYTES).decode("utf-8-sig")
        except (OSError, Unreadable, UnicodeDecodeError):
            continue
        if case_id not in text:
            continue
        data = parse_text(str(path), text)[0].data
        if isinstance(data, dict) and "features" not in data and data.get("id") == case_id:
            return path
    return None


def refuse_used_id(case_id: str, folders: Iterable[Path]) -> None:
    """A usage error when a case of the workspace already has this id, naming its file."""
    if (used := file_of_case(case_id, folders)) is not None:
        raise UsageError(
            f"case id {case_id!r} is already used by {used}: choose another id"
            " (a second coder's coding of that case is a copy of that file with its own coder:)"
        )
