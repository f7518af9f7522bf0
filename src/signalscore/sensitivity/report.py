"""Sensitivity reports as tables, sentences and JSON (through render.grid and render.to_json)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signalscore.sensitivity.analysis import Report
from signalscore.sensitivity.breakeven import smallest
from signalscore.sensitivity.summary import PERCENTILES, RANK_COLUMNS


def percent(p: float) -> str:
    """A share of draws for people: never shows 0% or 100% unless it is exactly that."""
    if p in (0.0, 1.0):
        return f"{p:.0%}"
    return "<0.1%" if p < 0.001 else ">99.9%" if p > 0.999 else f"{p:.1%}"


def factor_text(factor: float | None, status: str) -> str:
    """A break-even cell: x4.21 (multiply by 4.21), never, inactive in both, or tied."""
    if status == "swap" and factor is not None:
        return f"x{factor:.3g}"
    return {"inactive": "inactive in both", "tied": "tied"}.get(status, "never")


def rank_range(counts: np.ndarray, draws: int | None = None) -> tuple[int | None, int | None]:
    """The 5th and 95th percentile ranks of one case's counts at ranks 1, 2, ...; None past the counts given.

    With `draws`, the counts may stop at rank k (RankStats.top): a percentile beyond k is None.
    """
    cum = np.cumsum(counts) / (counts.sum() if draws is None else draws)
    lo, hi = (int(np.searchsorted(cum, q) + 1) for q in (0.05, 0.95))
    return (lo if lo <= len(cum) else None), (hi if hi <= len(cum) else None)


def range_text(lo: int | None, hi: int | None, k: int) -> str:
    """2-5, 3 (one rank), 4-5+ (the 95th percentile past rank k), >5 (both past it)."""
    if lo is None:
        return f">{k}"
    if hi is None:
        return f"{lo}-{k}+"
    return f"{lo}-{hi}" if lo != hi else str(lo)


def ranges(r: Report) -> list[str]:
    """Every case's 90% rank range: from its whole rank distribution where kept, else from ranks 1 .. k."""
    s, k = r.summary, r.summary.top.shape[1]
    kept = [rank_range(c) for c in s.rank_counts]
    rest = [rank_range(c, r.settings.draws) for c in s.top[len(kept) :]]
    return [range_text(lo, hi, k) for lo, hi in kept + rest]


def case_frame(r: Report, display: bool) -> pd.DataFrame:
    """One row per scored case: point score and rank, mean, percentiles, rank probabilities."""
    s, draws = r.summary, r.settings.draws
    frame = pd.DataFrame({"rank": r.cases.rank().astype(int), "case": list(r.cases.ids), "score": r.cases.point})
    frame["mean"] = s.mean
    for q, values in zip(PERCENTILES, s.percentiles, strict=True):
        frame[f"p{q:g}"] = values
    frame["ranks 90%"] = ranges(r)
    for k in range(min(RANK_COLUMNS, len(r.cases.ids))):
        p = s.top[:, k] / draws
        frame[f"P(rank {k + 1})"] = [percent(v) for v in p] if display else p
    return frame


def pairwise_frame(r: Report) -> pd.DataFrame:
    """P(row scores above column) among the shown cases."""
    ids = list(r.cases.ids[: r.shown])
    cells = [["" if i == j else percent(v) for j, v in enumerate(row)] for i, row in enumerate(r.summary.above)]
    frame = pd.DataFrame(cells, columns=ids)
    frame.insert(0, "case", ids)
    return frame


def pair_sentences(r: Report) -> list[str]:
    """One sentence per pair adjacent in rank: how often the better one stays above."""
    out = []
    for i in range(r.shown - 1):
        a, b = r.cases.ids[i], r.cases.ids[i + 1]
        above, tie = r.summary.above[i, i + 1], r.summary.tie[i, i + 1]
        ties = f" (tied in {percent(tie)})" if tie > 0 else ""
        out.append(f"{a} scores above {b} in {percent(above)} of draws{ties}.")
    return out


def break_even_frame(r: Report, display: bool) -> pd.DataFrame:
    """Long for csv: pair, weight, factor, status; wide for tables: one row per weight, one column per pair."""
    rows = [
        {
            "above": e.above,
            "below": e.below,
            "kind": e.target.kind,
            "weight": e.target.id,
            "factor": e.factor,
            "status": e.status,
        }
        for e in r.break_even
    ]
    long = pd.DataFrame(rows, columns=["above", "below", "kind", "weight", "factor", "status"])
    if not display:
        return long
    long["pair"] = long["above"] + " > " + long["below"]
    long["weight"] = long["kind"] + " " + long["weight"]
    long["cell"] = [factor_text(f, s) for f, s in zip(long["factor"], long["status"], strict=True)]
    wide = long.pivot(index="weight", columns="pair", values="cell")
    order = list(dict.fromkeys(long["weight"]))
    return wide.loc[order, list(dict.fromkeys(long["pair"]))].reset_index()


def break_even_sentences(r: Report) -> list[str]:
    """Per adjacent pair, the single weight that must move least to swap them."""
    out = []
    for (a, b), e in smallest(r.break_even).items():
        if e is None:
            out.append(f"No single weight, multiplied by any factor, makes {a} and {b} swap.")
        elif e.status == "tied":
            out.append(f"{a} and {b} are tied already.")
        else:
            out.append(f"{a} and {b} swap only if the weight of {e.target.name} is multiplied by {e.factor:.3g}.")
    return out


def sobol_frame(r: Report) -> pd.DataFrame:
    """First- and total-order indices with the half-width of their 95% intervals."""
    s = r.sobol
    assert s is not None
    return pd.DataFrame(
        {"weight": [t.name for t in s.targets], "S1": s.s1, "S1 ±": s.s1_conf, "ST": s.st, "ST ±": s.st_conf}
    )


def sobol_sentence(r: Report) -> str:
    """What the Sobol table is about, or why there is none."""
    s = r.sobol
    if s is None:
        return "Skipped (fewer than two scored cases, --sobol-samples 0, or --sobol-pair names another rubric's cases)."
    what = f"Of score({s.above}) - score({s.below}) with respect to the raw weights, {s.samples:,} base samples"
    if s.stable:
        return f"{what}: stable (the difference does not vary with the weights)."
    return f"{what} (± is the half-width of a 95% confidence interval):"
