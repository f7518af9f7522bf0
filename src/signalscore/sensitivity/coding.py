"""Coding uncertainty: how a coded value may move in a draw, by confidence and scale type."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signalscore.engine import CODED, UNKNOWN, normalize
from signalscore.rubric import ByConfidence, Feature, Uncertainty

LEVELS = ("high", "medium", "low")
DEFAULT_LEVEL_SHIFT = {"high": 0.0, "medium": 0.25, "low": 0.5}
DEFAULT_RELATIVE_ERROR = {"high": 0.0, "medium": 0.10, "low": 0.25}
NEVER = 2.0  # a breakpoint no uniform draw in [0, 1) reaches


@dataclass(frozen=True)
class CodingModel:
    """Per confidence: P(ordinal moves one level), P(binary flips), relative error of counts and numbers."""

    level_shift: dict[str, float]
    binary_flip: dict[str, float]
    relative_error: dict[str, float]

    @classmethod
    def of(cls, u: Uncertainty) -> CodingModel:
        """Defaults overridden by a rubric's `uncertainty:` block; flips default to half the level shift."""
        shift = _merge(DEFAULT_LEVEL_SHIFT, u.level_shift)
        return cls(
            level_shift=shift,
            binary_flip=_merge({k: v / 2 for k, v in shift.items()}, u.binary_flip),
            relative_error=_merge(DEFAULT_RELATIVE_ERROR, u.relative_error),
        )

    def per_case(self, table: str, confidence: np.ndarray) -> np.ndarray:
        """One number per entry of a confidence array."""
        values: dict[str, float] = getattr(self, table)
        return np.select([confidence == level for level in LEVELS], [values[level] for level in LEVELS], 0.0)


def _merge(defaults: dict[str, float], given: ByConfidence) -> dict[str, float]:
    return {k: defaults[k] if getattr(given, k) is None else float(getattr(given, k)) for k in LEVELS}


@dataclass
class Column:
    """One feature's draw rule for every case: exact, clip(alpha + beta * u) or a step function of u."""

    linear: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    stepped: np.ndarray
    at: np.ndarray
    values: np.ndarray

    @classmethod
    def empty(cls, n: int, steps: int) -> Column:
        """Every case exact until a rule says otherwise."""
        z = np.zeros(n)
        no = np.zeros(n, dtype=bool)
        return cls(no, z, z.copy(), no.copy(), np.full((n, steps), NEVER), np.zeros((n, steps + 1)))

    def step(self, rows: np.ndarray, at: np.ndarray, values: np.ndarray) -> None:
        """Rows whose value is values[k] with k the number of breakpoints at or below u."""
        self.stepped |= rows
        self.at[rows, : at.shape[-1]] = at[rows] if at.ndim == 2 else at
        self.values[rows, : values.shape[-1]] = values[rows] if values.ndim == 2 else values

    def line(self, rows: np.ndarray, alpha: np.ndarray | float, beta: np.ndarray | float) -> None:
        """Rows whose value is clip(alpha + beta * u, 0, 1)."""
        self.linear |= rows
        self.alpha[rows] = np.broadcast_to(alpha, rows.shape)[rows]
        self.beta[rows] = np.broadcast_to(beta, rows.shape)[rows]

    def flipped(self) -> Column:
        """The rule for signal = 1 - value (negative direction)."""
        return Column(self.linear, 1 - self.alpha, -self.beta, self.stepped, self.at, 1 - self.values)


def steps_of(feature: Feature) -> int:
    """The most breakpoints one case of this feature needs."""
    scale = feature.scale
    if scale.type == "ordinal":
        assert scale.levels is not None
        return max(2, len(scale.levels) - 1)
    if scale.type == "count" and scale.thresholds is not None:
        return len(scale.thresholds)
    return 2 if scale.type == "binary" else 0


def column(feature: Feature, status: np.ndarray, x: np.ndarray, confidence: np.ndarray, model: CodingModel) -> Column:
    """The draw rule of one feature for every case."""
    col = Column.empty(len(status), steps_of(feature))
    coded, unknown = status == CODED, status == UNKNOWN
    kind = feature.scale.type
    if kind == "ordinal":
        _ordinal(col, feature, coded, unknown, x, model.per_case("level_shift", confidence))
    elif kind == "binary":
        _binary(col, coded, unknown, x, model.per_case("binary_flip", confidence))
    elif feature.scale.thresholds is not None:
        _thresholds(col, feature.scale.thresholds, coded, unknown, x, model.per_case("relative_error", confidence))
    else:
        _linear(col, feature, coded, unknown, x, model.per_case("relative_error", confidence))
    return col.flipped() if feature.direction == "negative" else col


def _moves(p: np.ndarray) -> np.ndarray:
    """Breakpoints of a one-level move down (u < p/2) or up (u >= 1 - p/2)."""
    return np.column_stack([p / 2, 1 - p / 2])


def _ordinal(col: Column, f: Feature, coded: np.ndarray, unknown: np.ndarray, x: np.ndarray, p: np.ndarray) -> None:
    assert f.scale.levels is not None
    keys = np.array(sorted(f.scale.levels), dtype=float)
    ys = normalize(f.scale, keys)
    last = len(keys) - 1
    i = np.searchsorted(keys, np.where(coded, x, keys[0]))
    values = np.column_stack([ys[np.maximum(i - 1, 0)], ys[i], ys[np.minimum(i + 1, last)]])
    col.step(coded & (p > 0), _moves(p), values)
    col.step(unknown, np.arange(1, last + 1) / (last + 1), ys)


def _binary(col: Column, coded: np.ndarray, unknown: np.ndarray, x: np.ndarray, q: np.ndarray) -> None:
    v = np.where(coded, x, 0.0)
    col.step(coded & (q > 0), _moves(q), np.column_stack([1 - v, v, 1 - v]))
    col.step(unknown, np.array([0.5]), np.array([0.0, 1.0]))


def _thresholds(
    col: Column, t: tuple[float, ...], coded: np.ndarray, unknown: np.ndarray, x: np.ndarray, r: np.ndarray
) -> None:
    # x' = x (1 + r (2u - 1)) passes threshold t_k when u >= (t_k - x (1 - r)) / (2 r x).
    moving = coded & (r > 0) & (np.nan_to_num(x) > 0)
    lo, width = np.nan_to_num(x * (1 - r)), np.where(moving, 2 * r * np.nan_to_num(x), 1.0)
    levels = np.arange(len(t) + 1) / len(t)
    col.step(moving, (np.array(t) - lo[:, None]) / width[:, None], levels)
    col.step(unknown, np.arange(1, len(t) + 1) / (len(t) + 1), levels)


def _linear(col: Column, f: Feature, coded: np.ndarray, unknown: np.ndarray, x: np.ndarray, r: np.ndarray) -> None:
    # Cap and continuous scales are clip((x' - lo) / (hi - lo)) with x' = x (1 - r) + 2 r x u: linear in u.
    lo, hi = (f.scale.min, f.scale.max) if f.scale.type == "continuous" else (0.0, f.scale.cap)
    assert lo is not None and hi is not None
    x0 = np.nan_to_num(x)
    moving = coded & (r > 0) & (x0 != 0)
    col.line(moving, (x0 * (1 - r) - lo) / (hi - lo), 2 * r * x0 / (hi - lo))
    col.line(unknown, 0.0, 1.0)
