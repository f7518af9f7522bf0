"""The report's sensitivity summary: how sure the ranking is, from the same analysis `signalscore sensitivity` runs."""

from __future__ import annotations

from signalscore.errors import UsageError
from signalscore.loader import Corpus
from signalscore.options import MAX_MEMORY
from signalscore.render.markup import Markup, markup_of
from signalscore.render.tabular import grid
from signalscore.sensitivity.analysis import Report, analyze_corpus
from signalscore.sensitivity.budget import parse_bytes
from signalscore.sensitivity.montecarlo import Settings
from signalscore.sensitivity.output import heading, settings_lines
from signalscore.sensitivity.report import break_even_sentences, case_frame, pair_sentences

TITLE = "How sure is the ranking"


def ranking_reports(corpus: Corpus, draws: int, seed: int) -> list[Report] | str:
    """The sensitivity reports of a scoring corpus without Sobol indices, or why there are none (too big)."""
    try:
        return analyze_corpus(corpus, Settings(draws=draws, seed=seed), (None, 0), parse_bytes(MAX_MEMORY))
    except UsageError as exc:
        return f"Left out: {exc}."


def _about(markup: Markup, draws: int, seed: int) -> str:
    """What the section shows, and the commands that show more or leave it out (markup)."""
    command = markup.code(markup.escape(f"signalscore sensitivity --draws {draws} --seed {seed}"))
    leave = markup.code(markup.escape("signalscore report --draws 0"))
    return (
        markup.escape("Each case scored again over random draws of the weights and of the codings (by their ")
        + markup.escape("confidence): the rank probabilities and P(above) that ")
        + f"{command} {markup.escape('prints, which also gives Sobol indices.')} {leave} "
        + markup.escape("leaves this section out.")
    )


def ranking_section(reports: list[Report] | str, fmt: str, precision: int, max_cases: int) -> list[str]:
    """Per rubric: what was drawn, each case's score percentiles and rank probabilities (the best max_cases),
    how often each case stays above the next, and the single weight that must move least to swap them."""
    markup = markup_of(fmt)
    blocks = [markup.heading(TITLE, 2)]
    if isinstance(reports, str):
        return [*blocks, markup.paragraph([markup.escape(reports)])]
    if reports:
        settings = reports[0].settings
        blocks.append(markup.paragraph([_about(markup, settings.draws, settings.seed)]))
    for r in reports:
        table = case_frame(r, True)
        lines = settings_lines(r)
        if len(table) > max_cases:
            lines.append(f"The best {max_cases} of {len(table)} cases:")
        blocks += [
            markup.heading(markup.escape(heading(r)), 3),
            markup.paragraph([markup.escape(line) for line in lines]),
            grid(table.head(max_cases), fmt, precision),
            markup.paragraph([markup.escape(s) for s in pair_sentences(r) + break_even_sentences(r)]),
        ]
    return blocks
