"""The two event commands end to end: mapping and events in, case YAML or a panel table out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from signalscore.errors import UsageError
from signalscore.events.derive import Meta, case_text, derived_case, slug
from signalscore.events.layouts import Layout
from signalscore.events.panel import panel
from signalscore.events.query import Scope, aggregate, sample
from signalscore.events.run import execute, layout_for, load_mapping
from signalscore.events.source import Engine, events
from signalscore.mapping import Mapping


def _actor(given: str | None, default: str | None, role: str) -> str:
    if given or default:
        return str(given or default)
    raise UsageError(f"--{role} is required (the mapping names no default actors.{role})")


def derive_text(
    paths: Sequence[Path],
    mapping_path: Path,
    rubrics_dir: Path,
    layout_name: str | None,
    engine: Engine,
    period: tuple[dt.date, dt.date],
    *,
    sender: str | None,
    recipient: str | None,
    case_id: str | None,
    title: str | None,
    sample: int,
) -> str:
    """A derived case as YAML."""
    mapping, rubric = load_mapping(mapping_path, rubrics_dir)
    layout = layout_for(mapping, layout_name)
    who = (_actor(sender, mapping.actors.sender, "sender"), _actor(recipient, mapping.actors.recipient, "recipient"))
    scope = Scope((who[0],), (who[1],), *period)
    with events(paths, layout, engine) as table:
        rows = execute(aggregate(table, mapping, layout, scope), paths)
        cited = execute(_sample(table, mapping, layout, scope, sample), paths)
    row = {str(k): v for k, v in rows.iloc[0].items()} if len(rows) else {}
    start, end = period
    meta = Meta(
        case_id or slug(f"{who[0]}-{who[1]}-{start}-{end}"),
        title or f"{who[0]} to {who[1]}, {start} to {end}, coded from {layout.label} events",
        *who,
        start,
        end,
    )
    return case_text(derived_case(mapping, rubric, layout, row, cited, meta), rubric)


def _sample(table: Any, mapping: Mapping, layout: Layout, scope: Scope, cap: int) -> Any:
    """The cited events, or none (an empty result of the same columns) when no evidence is asked for."""
    return sample(table, mapping, layout, scope, max(cap, 1)).filter(lambda t: t["rank"] < cap)


def panel_text(
    paths: Sequence[Path],
    mapping_path: Path,
    rubrics_dir: Path,
    layout_name: str | None,
    engine: Engine,
    period: tuple[dt.date, dt.date] | None,
    dyads: list[tuple[str, str]] | None,
    every: str,
    fmt: str,
    precision: int,
) -> str:
    """The panel in an output format."""
    from signalscore.events.render import render_panel

    mapping, rubric = load_mapping(mapping_path, rubrics_dir)
    layout = layout_for(mapping, layout_name)
    senders = tuple(sorted({s for s, _ in dyads})) if dyads else None
    recipients = tuple(sorted({r for _, r in dyads})) if dyads else None
    start, end = period or (None, None)
    scope = Scope(senders, recipients, start, end, every)
    with events(paths, layout, engine) as table:
        rows = execute(aggregate(table, mapping, layout, scope), paths)
    frame = panel(rows, mapping, rubric, dyads, scope)
    return render_panel(frame, mapping, rubric, fmt, precision)
