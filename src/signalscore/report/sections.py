"""The report's sections as markup blocks: rubric summary, comparison, chart, and each case explained."""

from __future__ import annotations

import re

import pandas as pd

from signalscore.case import Case
from signalscore.compare import Comparison
from signalscore.engine import Scores, Weights, base_weights
from signalscore.loader import Corpus
from signalscore.penalty import penalty_columns
from signalscore.render.compare import render_comparison
from signalscore.render.explain import explain_blocks
from signalscore.render.markup import Markup, markup_of, url_target
from signalscore.render.tabular import grid
from signalscore.rubric import Rubric

# Report pages are read in a browser or an editor, never fitted to a terminal.
NO_LIMIT = 10_000
# The agreement section lists this many disagreements per rubric, the largest.
REPORT_DISAGREEMENTS = 10


def weights_frame(rubric: Rubric) -> pd.DataFrame:
    """Every feature with its dimension, direction, raw weight and share of the score when all are coded."""
    shares = base_weights(Weights.of(rubric), penalty_columns(rubric))
    return pd.DataFrame(
        {
            "feature": [f.id for f in rubric.features],
            "label": [f.label for f in rubric.features],
            "dimension": [f.dimension or "" for f in rubric.features],
            "direction": [f.direction for f in rubric.features],
            "weight": [f"{f.weight:g}" for f in rubric.features],
            "share": [f"{b:.1%}" for b in shares],
        }
    )


def paragraphs(text: str) -> list[str]:
    """Text split at its blank lines into paragraphs, each on one line."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def rubric_section(rubric: Rubric, fmt: str) -> list[str]:
    """What the rubric measures, its scale and missing-value policy, and every weight."""
    markup = markup_of(fmt)
    lines = [f"{rubric.title}. Scale {rubric.scale.min:g} to {rubric.scale.max:g}; missing codings: {rubric.missing}."]
    if rubric.dimensions:
        dims = ", ".join(f"{d.label} (weight {d.weight:g})" for d in rubric.dimensions)
        lines.append(f"Dimensions: {dims}.")
    share = "Share: a feature's part of the score when every feature is coded"
    if rubric.has_penalties:
        share += "; for a penalty, the most it can subtract (it adds nothing when absent)"
    lines.append(share + ".")
    blocks = [markup.heading(markup.escape(f"Rubric {rubric.id} {rubric.version}"), 2)]
    blocks += [markup.paragraph([markup.escape(p)]) for p in paragraphs(rubric.description or "")]
    return [
        *blocks,
        markup.paragraph([markup.escape(line) for line in lines]),
        grid(weights_frame(rubric), fmt, verbatim=["weight", "share"]),
    ]


def chart_section(fmt: str, source: str, alt: str) -> list[str]:
    """The chart, embedded (HTML data URI) or referenced beside the report (Markdown)."""
    caption = "Each case's score split into the points each dimension contributes; cases in period order."
    return [markup_of(fmt).heading("Contributions by dimension", 2), figure(fmt, source, alt, caption)]


def figure(fmt: str, source: str, alt: str, caption: str) -> str:
    """An image with its caption: embedded (HTML data URI) or a file beside the report (Markdown)."""
    markup = markup_of(fmt)
    if fmt == "html":
        image = f'<figure>\n<img src="{markup.escape(source)}" alt="{markup.escape(alt)}">\n'
        return image + f"<figcaption>{markup.escape(caption)}</figcaption>\n</figure>"
    target = url_target(source, also="<>\\")  # a file name beside the report, inside <...>
    return f"![{markup.escape(alt)}](<{target}>)\n\n{markup.escape(caption)}"


def cases_section(
    scores: Scores, comps: list[Comparison], cases: dict[str, Case], fmt: str, precision: int, max_cases: int
) -> list[str]:
    """Each case in comparison order (the first max_cases of each rubric), explained with its evidence and sources."""
    markup = markup_of(fmt)
    blocks = [markup.heading("Cases", 2)]
    for comp in comps:
        if len(comp.ids) > max_cases:
            note = (
                f"{comp.rubric.id}: the first {max_cases} of {len(comp.ids)} cases, in period order; "
                "`signalscore explain CASE` explains any case, and report --max-cases N includes more."
            )
            blocks.append(markup.paragraph([markup.escape(note)]))
        for case_id in comp.ids[:max_cases]:
            case = cases[case_id]
            parts = explain_blocks(scores, comp.rubric, case, fmt, precision, NO_LIMIT)
            summary = [markup.paragraph([markup.escape(" ".join(case.summary.split()))])] if case.summary else []
            blocks += [*parts[:2], *summary, *parts[2:]]
    return blocks


def comparison_section(comps: list[Comparison], fmt: str, precision: int, max_cases: int) -> list[str]:
    """Every rubric's comparison table (summarised beyond max_cases) and what changed."""
    markup: Markup = markup_of(fmt)
    return [
        markup.heading("Comparison", 2),
        *(render_comparison(c, fmt, precision, NO_LIMIT, max_cases).rstrip("\n") for c in comps),
    ]


def agreement_section(corpus: Corpus, fmt: str, precision: int) -> list[str]:
    """Agreement between coders (alpha per feature with intervals, the largest disagreements), where some case
    is coded by two or more; nothing otherwise."""
    from signalscore.agreement import agreements
    from signalscore.render.agreement import agreement_blocks

    results = agreements(corpus)
    if not results:
        return []
    markup = markup_of(fmt)
    blocks = [markup.heading("Agreement between coders", 2)]
    for result in results:
        blocks += agreement_blocks(result, fmt, max(precision, 2), NO_LIMIT, REPORT_DISAGREEMENTS)
    return blocks
