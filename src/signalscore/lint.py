"""Warnings about valid cases that are weakly supported: an explicit registry of small rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from signalscore.case import Case
from signalscore.coders import key_of
from signalscore.document import parse_file
from signalscore.errors import IN_ORDER, Issue, Problem, excerpt

if TYPE_CHECKING:  # the loader lints as it loads
    from signalscore.loader import Corpus

Check = Callable[[Case], Iterator[Issue]]


@dataclass(frozen=True)
class Rule:
    """One warning: an id to name it by, what it flags, and the check that finds it."""

    id: str
    summary: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, summary: str) -> Callable[[Check], Check]:
    """Register a check under an id; the registry keeps the order of definition."""

    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(rule_id, summary, check)
        return check

    return register


@rule("coded-without-evidence", "a coded value that no evidence backs")
def coded_without_evidence(case: Case) -> Iterator[Issue]:
    """A coded feature with an empty evidence list."""
    for fid, coding in case.codings.items():
        if coding.status == "coded" and not coding.evidence:
            yield Issue(("codings", fid), f"{fid} is coded without evidence", at_key=True)


@rule("source-never-cited", "a declared source that no evidence cites")
def source_never_cited(case: Case) -> Iterator[Issue]:
    """A source of the case that no evidence item names."""
    cited = {item.source for coding in case.codings.values() for item in coding.evidence}
    for i, source in enumerate(case.sources):
        if source.id not in cited:
            yield Issue(("sources", i, "id"), f"source {source.id!r} is declared but no evidence cites it")


@rule("missing-confidence", "a coded value without an explicit confidence")
def missing_confidence(case: Case) -> Iterator[Issue]:
    """A coded feature whose confidence was left to the default (medium)."""
    for fid, coding in case.codings.items():
        if coding.status == "coded" and "confidence" not in coding.model_fields_set:
            yield Issue(("codings", fid), f"{fid} is coded without a confidence (high, medium or low)", at_key=True)


@rule("period-outside-sources", "a case period that contains none of the case's dated sources")
def period_outside_sources(case: Case) -> Iterator[Issue]:
    """A period with no dated source inside it (bounds included): a wrong year or a wrong window."""
    dates = sorted(s.date for s in case.sources if s.date is not None)
    if case.period is None or not dates:
        return
    start, end = case.period.start, case.period.end
    if not any(start <= d <= end for d in dates):
        span = f"{dates[0]} to {dates[-1]}" if len(dates) > 1 else f"{dates[0]}"
        message = f"none of the {len(dates)} dated source(s) ({span}) falls within the period {start} to {end}"
        yield Issue(("period",), message)


@rule("quote-in-two-features", "one quote (same source and text) cited as evidence for two features")
def quote_in_two_features(case: Case) -> Iterator[Issue]:
    """A quote that already backs another feature: one statement counts for several only through different words."""
    first: dict[tuple[str, str], str] = {}
    for fid, coding in case.codings.items():
        for i, item in enumerate(coding.evidence):
            key = (item.source, " ".join(item.quote.split()))
            earlier = first.setdefault(key, fid)
            if earlier != fid:
                message = f"{fid} cites the same quote from source {excerpt(item.source)} as {earlier}"
                message += f" ({excerpt(key[1])}): one quote is evidence for one feature only"
                yield Issue(("codings", fid, "evidence", i, "quote"), message)


def lint_case(case: Case) -> list[Issue]:
    """Every warning of one case, each message ending with its rule id in parentheses."""
    return [
        Issue(issue.loc, f"{issue.message} ({r.id})", issue.at_key, "warning")
        for r in RULES.values()
        for issue in r.check(case)
    ]


def lint(corpus: Corpus) -> list[Problem]:
    """Every warning of the loaded cases, located in their files."""
    return sorted((p for case in corpus.cases for p in _problems(corpus, case)), key=IN_ORDER)


def _problems(corpus: Corpus, case: Case) -> list[Problem]:
    """The lint warnings of one case: as found while loading, or found now (its file read again for places)."""
    if key_of(case) in corpus.lints:  # found while loading, from the document already parsed
        return corpus.lints[key_of(case)]
    if issues := lint_case(case):  # a corpus loaded without lint: read the positions again
        doc, _ = parse_file(Path(corpus.file_of(case)))
        return [doc.problem(issue) for issue in issues]
    return []


def lint_text(corpus: Corpus) -> str:
    """Every warning of a load (the loader's and the rules'), each once, in order, a line each: what validate
    prints. A file whose warnings a parsing worker wrote out (load with lint="text") is taken as written,
    unless a warning of the loader's is among them."""
    found: dict[str, list[Problem]] = {}
    for problem in corpus.warnings:
        found.setdefault(problem.path, []).append(problem)
    blocks: dict[str, str] = {}
    for case in corpus.cases:
        path = str(corpus.file_of(case))
        if path in corpus.said and path not in found:
            blocks[path] = corpus.said[path]
        else:
            found.setdefault(path, []).extend(_problems(corpus, case))
    for path, problems in found.items():
        blocks[path] = "".join(f"{p}\n" for p in sorted(set(problems), key=IN_ORDER))
    return "".join(blocks[path] for path in sorted(blocks))  # (a problem's path comes first in its order)
