"""The draw plan: which entries of the case-by-feature signal matrix move in a draw, and how.

Every moving entry takes one uniform number per draw, drawn as a 16-bit integer k and read as
u = (k + 1/2) / 2**16: half the random bits and a quarter of the memory of float64 uniforms.
Probabilities are then multiples of 2**-16; those of the default model (1/8, 1/4, ...) exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signalscore.engine import CODED, NA
from signalscore.penalty import penalty_columns
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import CodingModel, Column, column

LEVELS = 1 << 16
UNIFORM = np.uint16


def uniform(k: np.ndarray) -> np.ndarray:
    """The uniform number in (0, 1) that a 16-bit draw stands for."""
    return (k + 0.5) / LEVELS


@dataclass(frozen=True)
class Plan:
    """Fixed entries, linear entries clip(alpha + beta k), step entries values[#thresholds <= k].

    Entries are flat indices into the case-major (cases x features) matrix. Step entries are
    sorted by how many live thresholds they have, most first, so threshold j concerns a prefix.
    """

    fixed: np.ndarray
    active: np.ndarray
    linear: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    stepped: np.ndarray
    thresholds: np.ndarray
    values: np.ndarray
    prefix: tuple[int, ...]
    penalty: np.ndarray

    @classmethod
    def of(cls, cases: CaseSet, model: CodingModel) -> Plan:
        """Every case's draw rule; unknown features are drawn over their whole scale."""
        m, feats = cases.matrices, cases.rubric.features
        cols = [column(f, m.status[:, j], cases.x[:, j], cases.confidence[:, j], model) for j, f in enumerate(feats)]
        width = max(c.at.shape[1] for c in cols)
        fixed = np.where(m.status == CODED, np.nan_to_num(m.signal), 0.0).ravel()
        linear, alpha, beta = _linear(cols, fixed)
        stepped, thresholds, values, live = _stepped(cols, width, fixed)
        order = np.argsort(-live, kind="stable")
        prefix = tuple(int((live > j).sum()) for j in range(width))
        return cls(
            fixed.reshape(m.status.shape), m.status != NA, linear, alpha, beta,
            stepped[order], thresholds[order].astype(UNIFORM), values[order], prefix, penalty_columns(cases.rubric),
        )  # fmt: skip

    @property
    def offsets(self) -> np.ndarray:
        """Where each step entry's values start in the flattened values."""
        offsets: np.ndarray = np.arange(len(self.stepped)) * self.values.shape[1]
        return offsets

    @property
    def sizes(self) -> tuple[int, int]:
        """Uniforms one draw needs: for linear entries, for step entries."""
        return len(self.linear), len(self.stepped)

    def signals(self, k_linear: np.ndarray, k_steps: np.ndarray, scratch: Scratch | None = None) -> np.ndarray:
        """Signals of a chunk of draws, shape (draws, cases, features), from 16-bit draws (draws, size).

        The result is a view of the scratch buffer: read it, do not write it; the next call reuses it.
        """
        draws = len(k_linear)
        s = scratch or Scratch.of(self, draws)
        out = s.out[:draws]  # fixed entries were written once, when the scratch was made
        lin = np.multiply(k_linear, self.beta, out=s.linear[:draws])
        lin += self.alpha
        out[:, self.linear] = np.clip(lin, 0.0, 1.0, out=lin)
        passed, hit = s.passed[:draws], s.hit[:draws]
        passed[:] = 0
        for j, n in enumerate(self.prefix):  # one-byte arrays: four comparisons cost one float64 pass
            np.greater_equal(k_steps[:, :n], self.thresholds[:n, j], out=hit[:, :n])
            passed[:, :n] += hit[:, :n].view(np.uint8)
        index = np.add(self.offsets, passed, out=s.index[:draws])
        out[:, self.stepped] = np.take(self.values.ravel(), index, out=s.stepped[:draws])
        return out.reshape(draws, *self.fixed.shape)


@dataclass(frozen=True)
class Scratch:
    """Buffers for one chunk of draws, allocated once: a loop that allocates pays page faults every chunk."""

    out: np.ndarray
    linear: np.ndarray
    index: np.ndarray
    passed: np.ndarray
    hit: np.ndarray
    stepped: np.ndarray

    @classmethod
    def of(cls, plan: Plan, draws: int) -> Scratch:
        """Buffers for up to `draws` draws."""
        n_lin, n_steps = plan.sizes
        out = np.empty((draws, plan.fixed.size))
        out[:] = plan.fixed.ravel()
        return cls(
            out=out,
            linear=np.empty((draws, n_lin)),
            index=np.empty((draws, n_steps), dtype=np.intp),
            passed=np.empty((draws, n_steps), dtype=np.uint8),
            hit=np.empty((draws, n_steps), dtype=bool),
            stepped=np.empty((draws, n_steps)),
        )


def _stack(cols: list[Column], name: str, width: int | None = None) -> np.ndarray:
    """One attribute of every feature's rule, stacked case-major: entry i * features + j."""
    parts = [getattr(c, name) for c in cols]
    if width is not None:
        fill = 0.0 if name == "values" else np.inf  # padded values are never reached: padded thresholds never pass
        parts = [np.pad(p, ((0, 0), (0, width - p.shape[1])), constant_values=fill) for p in parts]
    stacked = np.stack(parts, axis=1)
    return stacked.reshape(stacked.shape[0] * stacked.shape[1], *stacked.shape[2:])


def _linear(cols: list[Column], fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear entries in terms of k; those clipped to one end for every u are fixed instead (into `fixed`)."""
    index = np.flatnonzero(_stack(cols, "linear"))
    alpha, beta = _stack(cols, "alpha")[index], _stack(cols, "beta")[index]
    ends = np.column_stack([alpha, alpha + beta])
    constant = (ends.min(axis=1) >= 1) | (ends.max(axis=1) <= 0)
    fixed[index[constant]] = np.clip(alpha[constant], 0.0, 1.0)
    keep = ~constant
    return index[keep], alpha[keep] + beta[keep] * 0.5 / LEVELS, beta[keep] / LEVELS


def _stepped(cols: list[Column], width: int, fixed: np.ndarray) -> tuple[np.ndarray, ...]:
    """Step entries as 16-bit thresholds; thresholds every k passes, or none, are folded away.

    u >= at  is  k >= ceil(at * 2**16 - 1/2). Entries left with no live threshold are fixed instead.
    """
    index = np.flatnonzero(_stack(cols, "stepped"))
    at, values = _stack(cols, "at", width)[index], _stack(cols, "values", width + 1)[index]
    k = np.ceil(np.minimum(at, 2.0) * LEVELS - 0.5)
    always = (k <= 0).sum(axis=1)
    live = ((k > 0) & (k < LEVELS)).sum(axis=1)
    rows, shift = np.arange(len(index))[:, None], always[:, None] + np.arange(width + 1)
    values = values[rows, np.minimum(shift, width)]
    k = np.where(np.arange(width) < live[:, None], k[rows, np.minimum(shift[:, :-1], width - 1)], 0)
    moving = live > 0
    fixed[index[~moving]] = values[~moving, 0]
    return index[moving], k[moving], values[moving], live[moving]
