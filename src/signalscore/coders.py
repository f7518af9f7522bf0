"""Several coders of one case: which files may share an id, and which coding a scoring command uses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from signalscore.case import Case
from signalscore.errors import Issue, UsageError, excerpt
from signalscore.messages import closest

Key = tuple[str, str | None]
AGREE_HINT = "see `signalscore agree`, or adjudicate with `signalscore adjudicate`"


def key_of(case: Case) -> Key:
    """What identifies a case file among the loaded ones: its id and its coder."""
    return case.id, case.coder


def label(case_id: str, coder: str | None) -> str:
    """The row label of one coder's coding of a case scored beside the others: ID@CODER."""
    return case_id if coder is None else f"{case_id}@{coder}"


def adjudicates(case: Case) -> tuple[str, ...]:
    """The coders whose codings a case adjudicates; empty for an independent coding."""
    named = case.adjudicates
    return tuple(c for c in named if isinstance(c, str)) if isinstance(named, tuple | list) else ()


def _usable(case: Case) -> bool:
    return isinstance(case.id, str) and (case.coder is None or isinstance(case.coder, str))


def group_issues(cases: Sequence[Case], paths: Sequence[str]) -> list[tuple[int, Issue]]:
    """Problems of files that share a case id, each with the index of the file it is in.

    (id, coder) is unique; several files of one id each name their coder; at most one adjudicates,
    naming only coders who coded that id, and never as the only coding of it.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        if _usable(case):
            groups[case.id].append(i)
    issues: list[tuple[int, Issue]] = []
    for members in groups.values():
        issues += _duplicates(cases, paths, members)
        if len(members) > 1:
            issues += _adjudication(cases, paths, members)
        elif adjudicates(cases[members[0]]):
            message = (
                f"case {excerpt(cases[members[0]].id)} has no other coding for this file to adjudicate "
                "(check it with the codings it settles: give their folder, e.g. `signalscore validate cases`)"
            )
            issues.append((members[0], Issue(("adjudicates",), message)))
    return issues


def _duplicates(cases: Sequence[Case], paths: Sequence[str], members: list[int]) -> list[tuple[int, Issue]]:
    first: dict[str | None, int] = {}
    issues: list[tuple[int, Issue]] = []
    for i in members:
        case = cases[i]
        if case.coder in first:
            where = f"first in {paths[first[case.coder]]}"
            if case.coder is None:
                issues.append((i, Issue(("id",), f"duplicate case id {excerpt(case.id)} ({where})")))
            else:
                message = f"duplicate case id {excerpt(case.id)} with coder {excerpt(case.coder)} ({where})"
                issues.append((i, Issue(("coder",), message)))
        elif case.coder is None and not adjudicates(case) and any(cases[j].coder is not None for j in members):
            message = f"case id {excerpt(case.id)} is in several files: each independent coding needs a coder"
            issues.append((i, Issue(("id",), message)))
        first.setdefault(case.coder, i)
    return issues


def _adjudication(cases: Sequence[Case], paths: Sequence[str], members: list[int]) -> list[tuple[int, Issue]]:
    coders = {cases[i].coder for i in members if not adjudicates(cases[i])}
    judged = [i for i in members if adjudicates(cases[i])]
    issues: list[tuple[int, Issue]] = []
    for i in judged[1:]:
        message = f"case {excerpt(cases[i].id)} is already adjudicated in {paths[judged[0]]} (at most one file may be)"
        issues.append((i, Issue(("adjudicates",), message)))
    known = {c for c in coders if c is not None}
    for i in judged:
        if not coders:
            message = f"case {excerpt(cases[i].id)} has no independent coding for this file to adjudicate"
            issues.append((i, Issue(("adjudicates",), message)))
            continue
        for j, coder in enumerate(adjudicates(cases[i])):
            if coder not in coders:
                message = f"coder {excerpt(coder)} has no coding of case {excerpt(cases[i].id)}"
                message += f" ({closest(coder, known, 'coders')})"
                issues.append((i, Issue(("adjudicates", j), message)))
    return issues


@dataclass
class Choice:
    """The codings a scoring command scores, each under its row label, and a warning per undecided id."""

    cases: list[Case] = field(default_factory=list)
    sources: dict[str, Case] = field(default_factory=dict)  # row label -> the coding as loaded
    warnings: list[str] = field(default_factory=list)
    whose: dict[str, str] = field(default_factory=dict)  # row label -> whose coding, where an id has several


def by_id(cases: Sequence[Case]) -> dict[str, list[Case]]:
    """The loaded codings grouped by case id, in loading order."""
    groups: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        groups[case.id].append(case)
    return groups


def pick(codings: Sequence[Case], coder: str | None) -> list[Case]:
    """The coding(s) of one id that a score uses (section 8): the coder asked for, the adjudicated, the only one,
    else every one."""
    return (
        [c for c in codings if coder is not None and c.coder == coder]
        or [c for c in codings if adjudicates(c)]
        or list(codings)
    )


def choose(cases: Sequence[Case], coder: str | None = None) -> Choice:
    """What every scoring command scores: per id the coder's, adjudicated or only coding, else each as ID@CODER."""
    groups = by_id(cases)
    if coder is not None and not any(c.coder == coder for c in cases):
        known = closest(coder, {c.coder for c in cases if c.coder is not None}, "coders")
        raise UsageError(f"--coder {coder!r}: no case is coded by {coder!r} ({known})")
    if len(groups) == len(cases):  # one coding of each id (the common case): it is what is scored, as it is
        return Choice(list(cases), {c.id: c for c in cases})
    choice = Choice()
    for case_id, codings in groups.items():
        chosen = pick(codings, coder)
        several = len(chosen) > 1
        if several:
            rows = ", ".join(label(case_id, c.coder) for c in chosen)
            choice.warnings.append(
                f"case {case_id!r} has {len(chosen)} independent codings and no adjudicated one: "
                f"each is scored as its own row ({rows}); {AGREE_HINT}"
            )
        for case in chosen:
            row = label(case_id, case.coder) if several else case_id
            choice.cases.append(case.model_copy(update={"id": row}) if several else case)
            choice.sources[row] = case
            if len(codings) > 1:
                choice.whose[row] = whose(case)
    return choice


def whose(case: Case) -> str:
    """Whose coding a case is, in words: 'coded by a', 'adjudicated by c of a, b', or 'coder not named'."""
    named = adjudicates(case)
    if named:
        by = f" by {case.coder}" if case.coder else ""
        return f"adjudicated{by} of {', '.join(named)}"
    return f"coded by {case.coder}" if case.coder else "coder not named"


def find(cases: Sequence[Case], wanted: str, where: str) -> Case:
    """The case with this id or row label (ID@CODER); a usage error names the rows to choose from."""
    for case in cases:
        if case.id == wanted:
            return case
    rows = [c.id for c in cases if c.id.startswith(f"{wanted}@")]
    if rows:
        raise UsageError(f"case {wanted!r} has several codings ({', '.join(rows)}): name one, or choose with --coder")
    from signalscore.messages import unknown_case

    raise UsageError(f"no case {wanted!r} in {where} ({unknown_case(wanted, [c.id for c in cases])})")
