"""Scored DataFrames to text in every output format: table, markdown, csv, json, html, latex.

Each name is imported from its module when first used: `score`'s table never imports pandas, which the
other renderers need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signalscore.render.compare import render_compare
    from signalscore.render.explain import explain_frame, render_explain, shown_value
    from signalscore.render.markup import Markup, markup_of
    from signalscore.render.scores import FEATURE_KEYS, case_json, ordered, render_scores, rubric_json, score_frame
    from signalscore.render.tabular import FORMATS, grid, plain, terminal_width, to_json

_MODULES = {
    "render_compare": "compare",
    **dict.fromkeys(("explain_frame", "render_explain", "shown_value"), "explain"),
    **dict.fromkeys(("Markup", "markup_of"), "markup"),
    **dict.fromkeys(("FEATURE_KEYS", "case_json", "ordered", "render_scores", "rubric_json", "score_frame"), "scores"),
    **dict.fromkeys(("FORMATS", "grid", "plain", "terminal_width", "to_json"), "tabular"),
}
__all__ = [
    "FEATURE_KEYS",
    "FORMATS",
    "Markup",
    "case_json",
    "explain_frame",
    "grid",
    "markup_of",
    "ordered",
    "plain",
    "render_compare",
    "render_explain",
    "render_scores",
    "rubric_json",
    "score_frame",
    "shown_value",
    "terminal_width",
    "to_json",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
