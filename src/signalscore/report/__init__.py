"""A reviewers' report in one file: rubric and weights, comparison, what changed, a chart, every case explained."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from signalscore import __version__
from signalscore.compare import Comparison, compare_all
from signalscore.engine import Scores
from signalscore.errors import UsageError
from signalscore.loader import Corpus
from signalscore.options import REPORT_CASES, REPORT_DRAWS
from signalscore.render.markup import markup_of
from signalscore.report.chart import ALT_TEXT, contributions_chart
from signalscore.report.page import html_page
from signalscore.report.panel import CAPTION, panel_section, panel_summary, panel_trend
from signalscore.report.ranking import ranking_reports, ranking_section
from signalscore.report.sections import (
    agreement_section,
    cases_section,
    chart_section,
    comparison_section,
    figure,
    rubric_section,
)
from signalscore.report.trend_chart import TREND_ALT_TEXT, trend_chart

if TYPE_CHECKING:
    from signalscore.sensitivity.analysis import Report as SensitivityReport

REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


@dataclass(frozen=True)
class Report:
    """The report's text and its chart (a PNG: inside the HTML, or to write beside the Markdown)."""

    text: str
    chart: bytes
    trend: bytes | None = None  # the panel's trend chart, when some dyad has two windows or more


def _intro(corpus: Corpus, comps: list[Comparison], max_cases: int) -> list[str]:
    pairs = sorted({f"{c.sender} -> {c.recipient}" for c in corpus.cases})
    lines = [
        f"{len(c.ids)} case(s) under rubric {c.rubric.id} {c.rubric.version}: {_listed(c.ids, max_cases)}."
        for c in comps
    ]
    return [f"Signals: {'; '.join(pairs)}.", *lines, f"Made with signalscore {__version__}."]


def _listed(ids: list[str], max_cases: int) -> str:
    return ", ".join(ids) if len(ids) <= max_cases else ", ".join(ids[:max_cases]) + f" and {len(ids) - max_cases} more"


def build_report(
    corpus: Corpus,
    scores: Scores,
    comps: list[Comparison],
    fmt: str,
    precision: int = 1,
    chart_name: str = "",
    max_cases: int = REPORT_CASES,
    ranking: list[SensitivityReport] | str | None = None,
) -> Report:
    """The whole report in `html` (self-contained) or `markdown` (the chart is `chart_name`, beside it).

    ranking: the sensitivity reports (or why there are none) for the section on how sure the ranking is;
    None leaves the section out.
    """
    markup = markup_of(fmt)
    chart = contributions_chart(comps, precision)
    source = embedded(chart) if fmt == "html" else chart_name
    title = "signalscore report: " + ", ".join(f"{c.rubric.title}" for c in comps)
    blocks = [
        markup.heading(markup.escape(title), 1),
        markup.paragraph([markup.escape(x) for x in _intro(corpus, comps, max_cases)]),
    ]
    for comp in comps:
        blocks += rubric_section(comp.rubric, fmt)
    blocks += comparison_section(comps, fmt, precision, max_cases)
    blocks += chart_section(fmt, source, ALT_TEXT)
    if ranking is not None:
        blocks += ranking_section(ranking, fmt, precision, max_cases)
    trend = panel_trend(scores, ranking)
    if trend is not None and len(trend) > max_cases:  # a panel of thousands of windows says nothing at a glance
        blocks += panel_summary(trend, fmt, max_cases)
        trend = None
    drawn = None if trend is None else trend_chart(trend, corpus.rubrics)
    if trend is not None and drawn is not None:
        where = embedded(drawn) if fmt == "html" else trend_name(chart_name)
        image = figure(fmt, where, TREND_ALT_TEXT, CAPTION)
        blocks += panel_section(trend, corpus.rubrics, fmt, precision, image)
    blocks += agreement_section(corpus, fmt, precision)
    blocks += cases_section(scores, comps, {c.id: c for c in corpus.cases}, fmt, precision, max_cases)
    body = markup.document(blocks)
    return Report(html_page(title, body) if fmt == "html" else body, chart, drawn)


def embedded(png: bytes) -> str:
    """A PNG as a data URI, for the self-contained HTML report."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def trend_name(chart_name: str) -> str:
    """The file name of the trend chart beside a Markdown report, from its main chart's (r.png: r-trend.png)."""
    path = Path(chart_name)
    return path.with_name(f"{path.stem}-trend{path.suffix}").name


def make_report(
    corpus: Corpus,
    fmt: str,
    chart_name: str = "",
    baseline: str | None = None,
    precision: int = 1,
    max_cases: int = REPORT_CASES,
    draws: int = REPORT_DRAWS,
    seed: int = 0,
) -> Report:
    """Score and compare a scoring corpus (Corpus.scored), run the sensitivity summary (draws 0: none), build
    the report: what `signalscore report` writes."""
    from signalscore.api import score

    scores = score(corpus)
    comps = compare_all(scores, corpus.rubrics, baseline)
    ranking = ranking_reports(corpus, draws, seed) if draws else None
    return build_report(corpus, scores, comps, fmt, precision, chart_name, max_cases, ranking)


def report_files(output: Path) -> tuple[str, list[Path]]:
    """The format a report's file name asks for and the files it writes, the chart first (Markdown only)."""
    fmt = REPORT_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise UsageError(f"--output {output}: name a .html or .md file")
    chart = output.with_suffix(".png")
    return fmt, [chart, chart.with_name(trend_name(chart.name)), output] if fmt == "markdown" else [output]


def save_report(made: Report, files: list[Path], inputs: Iterable[Path]) -> list[tuple[Path, int]]:
    """Write the report (and its chart beside a Markdown one) whole or not at all, never over an input;
    each file written and its size in bytes."""
    from signalscore.files import write_files

    chart = files[-1].with_suffix(".png")
    data = {
        files[-1]: made.text.encode("utf-8"),
        chart: made.chart,
        chart.with_name(trend_name(chart.name)): made.trend,
    }
    # The charts first, so the report never points at a missing image; all or none.
    written = [(path, content) for path in files if (content := data[path]) is not None]
    write_files(written, inputs)
    return [(path, len(content)) for path, content in written]
