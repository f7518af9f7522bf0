"""The `agree` output: alpha per feature and overall, then the disagreements, in every format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from signalscore.agreement import MIN_PAIRABLE, Agreement, Alpha, Disagreement
from signalscore.case import Coding
from signalscore.render.fitting import Layout
from signalscore.render.markup import Markup, markup_of
from signalscore.render.scores import heading, rubric_head
from signalscore.render.tabular import fill, grid, terminal_width, to_json

FEW = "*"  # marks an alpha resting on fewer than MIN_PAIRABLE pairable values


def alpha_json(alpha: Alpha) -> dict[str, Any]:
    """An alpha as the contract's JSON (with `stable`: whether MIN_PAIRABLE values were pairable)."""
    keys = ("alpha", "alpha_low", "alpha_high", "pairable", "agreement")
    return {**{k: getattr(alpha, k) for k in keys}, "stable": alpha.stable}


def coding_json(coding: Coding) -> dict[str, Any]:
    """One coder's coding of a disagreement: value, confidence, rationale."""
    return {"value": coding.value, "confidence": coding.confidence, "rationale": coding.rationale}


def agreement_json(result: Agreement) -> dict[str, Any]:
    """One rubric's agreement as section 8's JSON shape."""
    features = [
        {
            "id": f.id,
            "metric": f.metric,
            **alpha_json(f.alpha),
            "applicability_disagreements": f.applicability_disagreements,
        }
        for f in result.features
    ]
    disagreements = [
        {
            "case": d.case,
            "feature": d.feature,
            "kind": d.kind,
            "codings": {coder: coding_json(c) for coder, c in d.codings.items()},
            "points": d.points,
        }
        for d in result.disagreements
    ]
    head = {k: v for k, v in rubric_head(result.rubric).items() if k in ("id", "version", "title")}
    return {
        **head,
        "coders": result.coders,
        "cases": result.cases,
        "min_pairable": MIN_PAIRABLE,
        "overall": alpha_json(result.overall),
        "features": features,
        "disagreements": disagreements,
    }


# Columns of numbers written out here (with marks: 0.62*): drawn as they are, to the right.
NUMBERS = ("alpha", "agreement", "points")


def _number(value: float | None, precision: int) -> str:
    return "-" if value is None else f"{value:.{precision}f}"


def _row(name: str, metric: str, alpha: Alpha, split: int | str) -> dict[str, Any]:
    mark = FEW if not alpha.stable else " "  # (a space keeps the decimals of marked and unmarked alphas lined up)
    interval = "-" if alpha.alpha_low is None else f"{alpha.alpha_low:.2f} to {alpha.alpha_high:.2f}"
    return {
        "feature": name,
        "metric": metric,
        "alpha": _number(alpha.alpha, 2) + mark,
        "95% interval": interval,
        "pairable": alpha.pairable,
        "agreement": _number(alpha.agreement, 2),
        "n/a vs value": split,
    }


def alpha_frame(result: Agreement) -> pd.DataFrame:
    """Overall, then one row per feature: alpha (marked when unstable), interval, pairable, agreement."""
    rows = [_row("overall", "interval", result.overall, sum(f.applicability_disagreements for f in result.features))]
    rows += [_row(f.id, f.metric, f.alpha, f.applicability_disagreements) for f in result.features]
    if not any(row["alpha"].endswith(FEW) for row in rows):  # no mark to line up with
        rows = [{**row, "alpha": row["alpha"].rstrip()} for row in rows]
    return pd.DataFrame(rows)


def _said(coding: Coding) -> str:
    value = str(coding.value).lower() if isinstance(coding.value, bool) else str(coding.value)
    why = f": {' '.join(coding.rationale.split())}" if coding.rationale else ""
    return f"{value} ({coding.confidence}){why}"


def disagreement_frame(items: Sequence[Disagreement], coders: Sequence[str], precision: int) -> pd.DataFrame:
    """One row per disagreement, largest first: case, feature, points, and each coder's coding."""
    rows = [
        {
            "case": d.case,
            "feature": d.feature + (" (n/a?)" if d.kind == "applicability" else ""),
            "points": _number(d.points, precision),
            **{c: _said(d.codings[c]) if c in d.codings else "" for c in coders},
        }
        for d in items
    ]
    return pd.DataFrame(rows, columns=["case", "feature", "points", *coders])


def legend(markup: Markup, width: int | None) -> str:
    """What the marks of the alpha table mean."""
    text = (
        f"{FEW} fewer than {MIN_PAIRABLE} pairable values: alpha is shown but unstable. "
        "Interval: seeded bootstrap over cases, 2.5th to 97.5th percentile. "
        "n/a vs value: cases where one coder says n/a and another codes a value (not counted in alpha)."
    )
    return markup.paragraph([fill(markup.escape(text), width)])


def agreement_blocks(result: Agreement, fmt: str, precision: int, width: int, largest: int | None = None) -> list[str]:
    """Heading, alpha table, legend and disagreements (the `largest` many, if given) of one rubric, as markup."""
    markup = markup_of(fmt)
    wrap = width if fmt == "table" else None
    about = f"coders {', '.join(result.coders)}; {len(result.cases)} case(s) coded by two or more"
    blocks = [
        markup.heading(fill(markup.escape(heading(result.rubric)), wrap), 3),
        markup.paragraph([fill(markup.escape(about), wrap)]),
        grid(alpha_frame(result), fmt, precision, width=width, layout=Layout(keys=["feature"]), verbatim=NUMBERS),
        legend(markup, wrap),
        markup.heading(fill("Disagreements, largest first (points: how far the score moves)", wrap), 4),
    ]
    shown = result.disagreements[:largest] if largest is not None else result.disagreements
    table = disagreement_frame(shown, result.coders, precision)
    if len(shown) < len(result.disagreements):
        left = len(result.disagreements) - len(shown)
        blocks.append(
            markup.paragraph(
                [f"The {len(shown)} largest of {len(result.disagreements)} ({left} more: signalscore agree)."]
            )
        )
    if table.empty:
        blocks.append(markup.paragraph(["none"]))
    else:
        ids = [str(c) for c in table["case"]]
        layout = Layout(ids=ids, id_columns=["case"], shrink=result.coders, keys=["case", "feature"])
        blocks.append(grid(table, fmt, precision, width=width, layout=layout, verbatim=NUMBERS))
    return blocks


def render_agreement(results: Sequence[Agreement], fmt: str, precision: int = 2, width: int | None = None) -> str:
    """The `agree` command's output; the table format fits `width` (default: the terminal's)."""
    if fmt == "json":
        return to_json({"rubrics": [agreement_json(r) for r in results]})
    if fmt == "csv":
        return grid(csv_frame(results), "csv")
    limit = width or terminal_width()
    return markup_of(fmt).document([b for r in results for b in agreement_blocks(r, fmt, precision, limit)])


def csv_frame(results: Sequence[Agreement]) -> pd.DataFrame:
    """Every alpha (kind alpha) and every disagreement (kind disagreement), numbers as numbers."""
    rows: list[dict[str, Any]] = []
    for r in results:
        alphas: list[tuple[str, str, Alpha, int | None]] = [("overall", "interval", r.overall, None)]
        alphas += [(f.id, f.metric, f.alpha, f.applicability_disagreements) for f in r.features]
        for name, metric, alpha, split in alphas:
            rows.append(
                {
                    "rubric": r.rubric.id,
                    "kind": "alpha",
                    "feature": name,
                    "metric": metric,
                    **alpha_json(alpha),
                    "applicability_disagreements": split,
                }
            )
        for d in r.disagreements:
            said = {f"{coder}": _said(c) for coder, c in d.codings.items()}
            rows.append(
                {
                    "rubric": r.rubric.id,
                    "kind": "disagreement",
                    "case": d.case,
                    "feature": d.feature,
                    "disagreement": d.kind,
                    "points": d.points,
                    **said,
                }
            )
    return pd.DataFrame(rows)
