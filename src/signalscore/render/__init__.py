"""Scored DataFrames to text in every output format: table, markdown, csv, json, html, latex."""

from __future__ import annotations

from signalscore.render.compare import render_compare
from signalscore.render.explain import explain_frame, render_explain, shown_value
from signalscore.render.markup import Markup, markup_of
from signalscore.render.scores import FEATURE_KEYS, case_json, ordered, render_scores, rubric_json, score_frame
from signalscore.render.tabular import FORMATS, grid, plain, terminal_width, to_json

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
