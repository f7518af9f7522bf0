"""The draw plan: which entries of the case-by-feature signal matrix move in a draw, and how."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signalscore.engine import CODED, NA
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import NEVER, CodingModel, Column, column


@dataclass(frozen=True)
class Plan:
    """Fixed entries, linear entries clip(alpha + beta u), and step entries values[#breakpoints <= u].

    Entries are flat indices into the case-major (cases x features) matrix. Step entries are
    sorted by how many live breakpoints they have, most first, so breakpoint j concerns a prefix.
    """

    fixed: np.ndarray
    active: np.ndarray
    linear: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    stepped: np.ndarray
    at: np.ndarray
    values: np.ndarray
    prefix: tuple[int, ...]

    @classmethod
    def of(cls, cases: CaseSet, model: CodingModel) -> Plan:
        """Every case's draw rule; unknown features are drawn over their whole scale."""
        m, feats = cases.matrices, cases.rubric.features
        cols = [column(f, m.status[:, j], cases.x[:, j], cases.confidence[:, j], model) for j, f in enumerate(feats)]
        width = max(c.at.shape[1] for c in cols)
        fixed = np.where(m.status == CODED, np.nan_to_num(m.signal), 0.0).ravel()
        linear, alpha, beta = _linear(cols, fixed)
        stepped, at, values = _stepped(cols, width, fixed)
        live = (at < NEVER).sum(axis=1)
        order = np.argsort(-live, kind="stable")
        prefix = tuple(int((live > j).sum()) for j in range(width))
        return cls(
            fixed.reshape(m.status.shape), m.status != NA, linear, alpha, beta,
            stepped[order], at[order], values[order], prefix,
        )  # fmt: skip

    @property
    def sizes(self) -> tuple[int, int]:
        """Uniforms one draw needs: for linear entries, for step entries."""
        return len(self.linear), len(self.stepped)

    def signals(self, u_linear: np.ndarray, u_steps: np.ndarray, scratch: Scratch | None = None) -> np.ndarray:
        """Signals of a chunk of draws, shape (draws, cases, features); reuses scratch buffers when given."""
        draws = len(u_linear)
        s = scratch or Scratch.of(self, draws)
        out = s.out[:draws]
        out[:] = self.fixed.ravel()
        lin = s.linear[:draws]
        np.multiply(self.beta, u_linear, out=lin)
        lin += self.alpha
        out[:, self.linear] = np.clip(lin, 0.0, 1.0, out=lin)
        index, hit = s.index[:draws], s.hit[:draws]
        index[:] = np.arange(len(self.stepped)) * self.values.shape[1]
        for j, n in enumerate(self.prefix):
            np.greater_equal(u_steps[:, :n], self.at[:n, j], out=hit[:, :n])
            index[:, :n] += hit[:, :n]
        out[:, self.stepped] = np.take(self.values.ravel(), index, out=s.stepped[:draws])
        return out.reshape(draws, *self.fixed.shape)


@dataclass(frozen=True)
class Scratch:
    """Buffers for one chunk of draws, allocated once: a loop that allocates pays page faults every chunk."""

    out: np.ndarray
    linear: np.ndarray
    index: np.ndarray
    hit: np.ndarray
    stepped: np.ndarray

    @classmethod
    def of(cls, plan: Plan, draws: int) -> Scratch:
        """Buffers for up to `draws` draws."""
        n_lin, n_steps = plan.sizes
        return cls(
            out=np.empty((draws, plan.fixed.size)),
            linear=np.empty((draws, n_lin)),
            index=np.empty((draws, n_steps), dtype=np.intp),
            hit=np.empty((draws, n_steps), dtype=bool),
            stepped=np.empty((draws, n_steps)),
        )


def _stack(cols: list[Column], name: str, width: int | None = None) -> np.ndarray:
    """One attribute of every feature's rule, stacked case-major: entry i * features + j."""
    parts = [getattr(c, name) for c in cols]
    if width is not None:
        fill = 0.0 if name == "values" else NEVER  # padded values are never reached: padded breakpoints are NEVER
        parts = [np.pad(p, ((0, 0), (0, width - p.shape[1])), constant_values=fill) for p in parts]
    stacked = np.stack(parts, axis=1)
    return stacked.reshape(stacked.shape[0] * stacked.shape[1], *stacked.shape[2:])


def _linear(cols: list[Column], fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear entries; those clipped to one end for every u are fixed instead (written into `fixed`)."""
    index = np.flatnonzero(_stack(cols, "linear"))
    alpha, beta = _stack(cols, "alpha")[index], _stack(cols, "beta")[index]
    ends = np.column_stack([alpha, alpha + beta])
    constant = (ends.min(axis=1) >= 1) | (ends.max(axis=1) <= 0)
    fixed[index[constant]] = np.clip(alpha[constant], 0.0, 1.0)
    keep = ~constant
    return index[keep], alpha[keep], beta[keep]


def _stepped(cols: list[Column], width: int, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step entries with breakpoints outside (0, 1) folded away; those left with none are fixed instead."""
    index = np.flatnonzero(_stack(cols, "stepped"))
    at, values = _stack(cols, "at", width)[index], _stack(cols, "values", width + 1)[index]
    always = (at <= 0).sum(axis=1)
    at = np.where(at >= 1, NEVER, at)
    rows = np.arange(len(index))[:, None]
    shift = np.minimum(always[:, None] + np.arange(width + 1), width)
    values = values[rows, shift]
    at = np.where(np.arange(width) + always[:, None] < width, at[rows, np.minimum(shift[:, :-1], width - 1)], NEVER)
    live = (at < NEVER).sum(axis=1) > 0
    fixed[index[~live]] = values[~live, 0]
    return index[live], at[live], values[live]
