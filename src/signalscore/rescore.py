"""Cases scored under two versions of a rubric: how far each moves, in score and in rank."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from signalscore.case import Case, case_issues
from signalscore.coders import group_issues
from signalscore.codings import Codings
from signalscore.document import Document, parse_file
from signalscore.engine import score_codings
from signalscore.errors import InputError, Problem, UsageError, excerpt
from signalscore.inputs import Scope
from signalscore.loader import kind_of, validate_model, yaml_files
from signalscore.render import grid, markup_of, plain, terminal_width, to_json
from signalscore.render.changes import signed
from signalscore.render.fitting import Layout
from signalscore.rubric import Rubric, rubric_issues
from signalscore.rubric_diff import Change

MOVE_COLUMNS = ["case", "old", "new", "change", "old_rank", "new_rank", "moved"]
CHANGE_COLUMNS = ["item", "id", "change", "old", "new"]


def read_rubric(path: Path, follow_links: bool = False) -> Rubric:
    """One rubric file, validated and cross-checked; InputError with every problem."""
    if not path.is_file():
        raise UsageError(f"{path}: no such rubric file")
    if why := Scope.of([path], follow_links).refusal(str(path)):
        raise InputError([Problem(str(path), 1, 1, "", why)])
    doc, problems = parse_file(path)
    if problems:
        raise InputError(problems)
    if kind_of(doc.data) != "rubric":
        raise UsageError(f"{path} is not a rubric (no 'features' key)")
    rubric, problems = validate_model(Rubric, doc)
    problems += [doc.problem(issue) for issue in rubric_issues(rubric)] if rubric else []
    if rubric is None or problems:
        raise InputError(problems)
    return rubric


def read_cases(paths: Sequence[Path], follow_links: bool = False) -> tuple[list[Case], list[Path]]:
    """Every case file under the paths (other YAML files are skipped), and the files read."""
    files, problems = yaml_files(paths, Scope.of(paths, follow_links))
    cases: list[Case] = []
    docs: list[Document] = []
    for path in files:
        doc, found = parse_file(path)
        if not found and kind_of(doc.data) == "case":
            case, found = validate_model(Case, doc)
            found += [doc.problem(issue) for issue in case_issues(case)] if case else []
            if case and not found:
                cases.append(case)
                docs.append(doc)
        problems += found
    problems += [docs[i].problem(issue) for i, issue in group_issues(cases, [d.path for d in docs])]
    if problems:
        raise InputError(problems)
    return cases, files


def _refusal(case: Case, fid: str, rubric: Rubric) -> str | None:
    """Why this rubric cannot read a coded value of the case, if it cannot."""
    coding, feature = case.coding(fid), rubric.feature(fid)
    if feature is None or coding.status != "coded" or not (why := feature.scale.value_problem(coding.value)):
        return None
    return f"{case.id}: {fid} = {excerpt(coding.value)} is not valid under {rubric.id} {rubric.version} ({why})"


def fit(case: Case, rubric: Rubric) -> tuple[Case | None, list[str]]:
    """The case as this rubric reads it: codings it lacks dropped, values it refuses unknown."""
    refused = {fid: why for fid in case.codings if (why := _refusal(case, fid, rubric))}
    notes = [f"{why}; scored as unknown" for why in refused.values()]
    kept = {fid: c for fid, c in case.codings.items() if rubric.feature(fid) and fid not in refused}
    fitted = case.model_copy(update={"codings": kept})
    lost = [f.id for f in rubric.features if fitted.coding(f.id).status == "unknown"]
    if rubric.missing == "fail" and lost:
        where = f"{rubric.id} {rubric.version}"
        return None, [*notes, f"{case.id}: no score under {where}: {', '.join(lost)} unknown, and missing is fail"]
    return fitted, notes


@dataclass
class Rescored:
    """Both versions' scores of every case, and what had to be adjusted to score them."""

    moves: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _scores(cases: Sequence[Case], rubric: Rubric, notes: list[str]) -> pd.DataFrame:
    fitted = [c for c in (_note(fit(case, rubric), notes) for case in cases) if c is not None]
    scored = score_codings(Codings.collect(rubric, fitted))
    frame = pd.DataFrame({"score": scored.score, "rank": pd.array(scored.rank, dtype="Int64")}, index=scored.ids)
    return frame.reindex([c.id for c in cases])


def _note(result: tuple[Case | None, list[str]], notes: list[str]) -> Case | None:
    notes += result[1]
    return result[0]


def _moved(old: Any, new: Any) -> str:
    if pd.isna(old) and pd.isna(new):
        return ""
    if pd.isna(old) or pd.isna(new):
        return "ranked" if pd.isna(old) else "unranked"
    step = int(old) - int(new)
    return "" if step == 0 else f"up {step}" if step > 0 else f"down {-step}"


def rescore(cases: Sequence[Case], old: Rubric, new: Rubric) -> Rescored:
    """Score the cases under both rubrics; rows by size of the move, largest first, no score last."""
    notes: list[str] = []
    before, after = _scores(cases, old, notes), _scores(cases, new, notes)
    moves = pd.DataFrame({"case": [c.id for c in cases]})
    moves["old"], moves["new"] = before["score"].to_numpy(), after["score"].to_numpy()
    moves["change"] = moves["new"] - moves["old"]
    moves["old_rank"] = before["rank"].astype("Int64").reset_index(drop=True)
    moves["new_rank"] = after["rank"].astype("Int64").reset_index(drop=True)
    moves["moved"] = [_moved(a, b) for a, b in zip(moves["old_rank"], moves["new_rank"], strict=True)]
    moves["size"] = moves["change"].abs()
    moves = moves.sort_values(["size", "case"], ascending=[False, True], na_position="last", kind="stable")
    return Rescored(moves[MOVE_COLUMNS].reset_index(drop=True), notes)


@dataclass(frozen=True)
class RubricDiff:
    """Two versions of a rubric: what changed, and the cases scored under both (the `diff` command's data).

    `warnings`: what the choice of codings warns about; `skipped`: cases coded against other rubrics.
    """

    old: Rubric
    new: Rubric
    changes: list[Change]
    rescored: Rescored
    files: list[Path]
    warnings: list[str]
    skipped: int


def diff_rubrics(
    old: Path,
    new: Path,
    paths: Sequence[Path],
    follow_links: bool = False,
    coder: str | None = None,
    warn: Callable[[list[str]], object] | None = None,
) -> RubricDiff:
    """Read both rubric files and the cases under the paths, and score the cases of either rubric under both.

    warn: called with the warnings about the choice of codings as soon as they are known (before any error).
    """
    from signalscore.coders import choose
    from signalscore.rubric_diff import rubric_changes

    before, after = read_rubric(old, follow_links), read_rubric(new, follow_links)
    cases, files = read_cases(paths, follow_links)
    choice = choose(cases, coder)
    if warn is not None:
        warn(choice.warnings)
    ids = {before.id, after.id}
    chosen = [c for c in choice.cases if c.rubric in ids]
    if not chosen:
        where = " ".join(str(p) for p in paths)
        raise UsageError(f"no cases of rubric {' or '.join(sorted(ids))} in {where}")
    rescored = rescore(chosen, before, after)
    changes = rubric_changes(before, after)
    return RubricDiff(before, after, changes, rescored, files, choice.warnings, len(choice.cases) - len(chosen))


def _title(old: Rubric, new: Rubric) -> str:
    return f"{old.id} {old.version} -> {new.id} {new.version}"


def render_diff(changes: list[Change], rescored: Rescored, old: Rubric, new: Rubric, fmt: str, precision: int) -> str:
    """The `diff` command's output; csv carries the case table only."""
    moves = rescored.moves
    if fmt == "json":
        rows = [{k: plain(v) for k, v in row.items()} for row in moves.to_dict("records")]
        head = {name: {"id": r.id, "version": r.version} for name, r in (("old", old), ("new", new))}
        return to_json({**head, "changes": [asdict(c) for c in changes], "cases": rows, "notes": rescored.notes})
    if fmt == "csv":
        return grid(moves, fmt)
    mark = "### " if fmt == "markdown" else ""
    width = terminal_width()
    table = pd.DataFrame([asdict(c) for c in changes], columns=CHANGE_COLUMNS)
    listed = grid(table, fmt, width=width, layout=Layout(wrap=["old", "new"], keys=["id"])) if changes else "no changes"
    shown = moves.assign(change=[signed(v, precision) for v in moves["change"]])
    ids = [str(c) for c in moves["case"]]
    layout = Layout(ids=ids, id_columns=["case"], keys=["case"])
    parts = [
        f"{mark}{markup_of(fmt).escape(f'Changes: {_title(old, new)}')}",
        listed,
        f"{mark}Cases, largest move first",
        grid(shown, fmt, precision, width=width, layout=layout, verbatim=["change"]),
    ]
    return "\n\n".join(parts) + "\n"
