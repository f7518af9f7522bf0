"""The notebook API: everything the commands do, returning DataFrames and plain frozen objects.

Each function runs the code its command runs and returns the data before it is rendered: the numbers equal
those of the command's JSON and CSV output. Frames have features and dimensions as ordered categoricals in
rubric order and periods as datetime64. Bad input raises signalscore.InputError with every problem (each
`path:line:column: where: message`), a name that matches nothing signalscore.UsageError.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from signalscore.case import Case
from signalscore.codings import Codings
from signalscore.engine import Scores, score_codings
from signalscore.errors import UsageError
from signalscore.inputs import RUBRICS_DIR, rubrics_dir_for
from signalscore.loader import Corpus, load
from signalscore.options import DRAWS, MAX_MEMORY, REPORT_CASES, REPORT_DRAWS, check_draws, check_sensitivity
from signalscore.rubric import Rubric

if TYPE_CHECKING:  # the commands import this module to score: what only the other functions need loads with them
    import pandas as pd

    from signalscore.report import Report
    from signalscore.results import Agreements, Comparisons, Diff, Explanation, Sensitivity

PathLike = str | Path


def load_rubric(rubric: PathLike, rubrics_dir: PathLike = RUBRICS_DIR) -> Rubric:
    """One rubric, from a file path or an id found in the rubrics folder (default ./rubrics)."""
    corpus = load([], rubric=str(rubric), rubrics_dir=Path(rubrics_dir))
    return next(iter(corpus.rubrics.values()))


def _paths(paths: PathLike | Sequence[PathLike]) -> list[Path]:
    return [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]


def load_cases(
    paths: PathLike | Sequence[PathLike] = "cases",
    rubric: PathLike | None = None,
    rubrics_dir: PathLike | None = None,
    follow_links: bool = False,
) -> Corpus:
    """Cases under the paths (files or folders), each with the rubric it is scored with.

    rubric: score every case with this rubric (a file path or an id), as --rubric does.
    rubrics_dir: where rubric ids resolve; default: the `rubrics/` folder of the cases' workspace (in, beside
    or above the first path: load_cases("../ws/cases") finds ../ws/rubrics), else ./rubrics as the commands.
    Raises InputError with every problem.
    """
    items = _paths(paths)
    named = None if rubric is None else str(rubric)
    folder = rubrics_dir_for(items) if rubrics_dir is None else Path(rubrics_dir)
    return load(items, rubric=named, rubrics_dir=folder, follow_links=follow_links)


def scoring(corpus: Corpus, coder: str | None = None) -> Corpus:
    """The corpus the scoring commands score: one coding per case id (the adjudicated or only one), else one
    row ID@CODER per coder; with `coder`, that coder's codings wherever they exist (Corpus.scored)."""
    if corpus.source is not None and coder is None:
        return corpus
    return (corpus.source or corpus).scored(coder)


def score(corpus: Corpus, coder: str | None = None) -> Scores:
    """Score every case with its rubric; ranks are within each rubric.

    The codings are chosen as the commands choose them (see `scoring`). The frames: `.cases` (a row per case:
    score, score_low, score_high, coverage, rank), `.dimensions`, `.features` (status, value, normalized,
    signal, weight, contribution per case and feature).
    """
    groups = _codings(corpus)
    if corpus.source is None and (coder is not None or not _one_per_id(groups)):
        groups = _codings(scoring(corpus, coder))
    return Scores(tuple(score_codings(codings) for codings in groups))


def _codings(corpus: Corpus) -> list[Codings]:
    """Each rubric's codings as arrays (those collected while loading, where they still hold)."""
    return [corpus.codings(corpus.rubrics[rid], cases) for rid, cases in corpus.grouped().items()]


def _one_per_id(groups: Sequence[Codings]) -> bool:
    """Whether no case id is coded twice (asked of the arrays, which keep the answer: scoring again is quick)."""
    if len(groups) == 1:
        return groups[0].distinct
    return len({i for codings in groups for i in codings.index}) == sum(len(codings.ids) for codings in groups)


def collected(corpus: Corpus, rubric: Rubric, cases: Sequence[Case]) -> Codings:
    """The cases' codings as arrays, collected once per corpus while its rubric and cases stay the same."""
    return corpus.codings(rubric, cases)


def compare(corpus: Corpus, baseline: str | None = None, coder: str | None = None) -> Comparisons:
    """Cases side by side, per rubric in period order: points per feature, the change from the case before
    (or from `baseline`), and the features that moved most (`signalscore compare`)."""
    from signalscore.compare import compare_all
    from signalscore.results import comparisons

    chosen = scoring(corpus, coder)
    return comparisons(compare_all(score(chosen), chosen.rubrics, baseline))


def explain(corpus: Corpus, case: str, coder: str | None = None) -> Explanation:
    """One case feature by feature, ranked among every case of the corpus scored with its rubric
    (`signalscore explain`). `case`: an id, or ID@CODER for one coding of a case coded several times."""
    from signalscore.coders import find
    from signalscore.results import explanation

    chosen = scoring(corpus, coder)
    found = find(chosen.cases, case, "the corpus")
    return explanation(score(chosen), chosen.rubric_for(found), found, chosen.whose.get(found.id))


def agreement(corpus: Corpus, seed: int = 0, bootstrap: int = 1000) -> Agreements:
    """How well independent coders agree: Krippendorff's alpha per feature and overall with seeded bootstrap
    intervals, and every disagreement with the points it moves (`signalscore agree`). Empty frames when no
    case is coded by two or more coders."""
    from signalscore.agreement import agreements as computed
    from signalscore.results import agreements

    return agreements(computed(corpus, seed, bootstrap))


def sensitivity(
    corpus: Corpus,
    draws: int = 10_000,
    seed: int = 0,
    weight_spread: float = 0.5,
    sobol_samples: int = 1024,
    sobol_pair: tuple[str, str] | None = None,
    coder: str | None = None,
    max_memory: str = MAX_MEMORY,
    coders: bool = False,
) -> Sensitivity:
    """How sure the ranking is: scores and ranks over seeded draws of the weights (each times
    U[1 - weight_spread, 1 + weight_spread]) and of the codings (by their confidence), break-even weights,
    and Sobol indices of the two best cases (or `sobol_pair`; 0 samples: none) (`signalscore sensitivity`).
    coders: also draw, per case coded independently by two or more coders, whose coding is scored (`.coders`).
    A run estimated to need more than `max_memory` is refused before it starts (UsageError)."""
    from signalscore.results import sensitivities
    from signalscore.sensitivity.analysis import analyze_corpus
    from signalscore.sensitivity.budget import parse_bytes
    from signalscore.sensitivity.coders import coder_spreads
    from signalscore.sensitivity.montecarlo import Settings

    check_sensitivity(weight_spread, sobol_samples, draws)
    settings = Settings(draws=draws, seed=seed, spread=weight_spread)
    limit = parse_bytes(max_memory)
    chosen = scoring(corpus, coder)
    reports = analyze_corpus(chosen, settings, (sobol_pair, sobol_samples), limit)
    return sensitivities(reports, coder_spreads(chosen, settings, limit) if coders else [])


def diff(
    old: PathLike,
    new: PathLike,
    paths: PathLike | Sequence[PathLike] = "cases",
    coder: str | None = None,
    follow_links: bool = False,
) -> Diff:
    """Two versions of a rubric (files): what changed, and each case's score and rank under both, the cases
    read from the paths (`signalscore diff`)."""
    from signalscore.rescore import diff_rubrics
    from signalscore.results import diff_of

    return diff_of(diff_rubrics(Path(old), Path(new), _paths(paths), follow_links, coder))


def report(
    corpus: Corpus,
    output: PathLike | None = None,
    fmt: str | None = None,
    baseline: str | None = None,
    precision: int = 1,
    max_cases: int = REPORT_CASES,
    draws: int = REPORT_DRAWS,
    seed: int = 0,
    coder: str | None = None,
) -> Report:
    """The reviewers' report (`signalscore report`): `.text` and `.chart` (PNG bytes).

    With `output` (a .html or .md name) it is also written there whole or not at all, the chart beside a
    Markdown file, in the format the name says; without, in `fmt` ("html", the default, or "markdown"). A
    `fmt` the name contradicts is a UsageError. `draws` 0 leaves out how sure the ranking is.
    """
    from signalscore.files import target
    from signalscore.report import make_report, report_files, save_report

    check_draws(draws, off=True)
    chosen = scoring(corpus, coder)
    if output is None:
        return make_report(chosen, fmt or "html", "report.png", baseline, precision, max_cases, draws, seed)
    named, files = report_files(Path(output))
    if fmt is not None and fmt != named:
        raise UsageError(f"report to {output} in {fmt}: the name says {named}")
    for path in files:
        target(path, chosen.inputs)
    chart = Path(output).with_suffix(".png").name
    made = make_report(chosen, named, chart, baseline, precision, max_cases, draws, seed)
    save_report(made, files, chosen.inputs)
    return made


def trend(
    corpus: Corpus,
    sender: str | None = None,
    recipient: str | None = None,
    draws: int = 10_000,
    seed: int = 0,
    weight_spread: float = 0.5,
    panel: bool = False,
    coder: str | None = None,
    max_memory: str = MAX_MEMORY,
) -> pd.DataFrame:
    """A dyad over time (`signalscore trend`): a row per window (case) of each dyad, in order of the period's
    start, with score, bounds, coverage, the 90% interval over the sensitivity draws (p5, p95; NaN with
    draws=0) and the change from the dyad's window before. sender/recipient (any case) pick the dyad; None
    keeps every dyad. panel=True gives dyads by windows instead: a row per dyad, a column per window start."""
    from signalscore.sensitivity.analysis import corpus_intervals
    from signalscore.sensitivity.budget import parse_bytes
    from signalscore.sensitivity.montecarlo import Settings
    from signalscore.trend import Dyad, panel_frame, trend_frame

    check_sensitivity(weight_spread, 0, DRAWS[0])
    check_draws(draws, off=True)
    chosen = scoring(corpus, coder)
    cases = score(chosen).cases
    dyad = Dyad(sender, recipient)
    dyad.check(cases)
    wanted = set(cases.loc[dyad.mask(cases), "rubric"])
    settings = Settings(draws, seed, weight_spread)
    found = corpus_intervals(chosen, settings, parse_bytes(max_memory), wanted) if draws and not panel else None
    series = trend_frame(cases, dyad, found)
    return panel_frame(series) if panel else series
