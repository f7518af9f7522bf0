"""A panel in every output format: the tables of render.tabular, and JSON with the mapping and rubric named."""

from __future__ import annotations

import pandas as pd

from signalscore.mapping import Mapping
from signalscore.render.fitting import Layout
from signalscore.render.tabular import grid, plain, terminal_width, to_json
from signalscore.rubric import Rubric


def render_panel(frame: pd.DataFrame, mapping: Mapping, rubric: Rubric, fmt: str, precision: int = 1) -> str:
    """The panel: a table (rounded for display) or JSON (full floats) with the mapping, rubric and rows."""
    if fmt == "json":
        rows = [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
        head = {"mapping": mapping.id, "coder": mapping.coder, "rubric": rubric.id, "version": rubric.version}
        return to_json({**head, "features": list(mapping.features), "rows": rows})
    width = terminal_width() if fmt == "table" else None
    keys = [c for c in ("sender", "recipient", "window") if c in frame.columns]  # repeated in every block
    text = grid(frame, fmt, precision, width=width, layout=Layout(keys=keys))
    return text if text.endswith("\n") else text + "\n"
