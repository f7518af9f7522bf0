"""How much memory one rubric's sensitivity analysis needs, estimated before anything is built.

The estimate adds the arrays the analysis holds at its peak, each bounded above from the sizes
alone: cases x features (codings, draw plan), one chunk of draws (chunk_size keeps it near
CHUNK_ENTRIES, down to one draw), the kept scores (draws x cases, summary.py), the rank and
pairwise tallies (linear in cases), Sobol's sample (samples x (weights + 2) x weights, SALib
builds it whole) and the break-even table. It errs on the high side; the limit is --max-memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signalscore.errors import UsageError
from signalscore.rubric import Rubric
from signalscore.sensitivity.coding import steps_of
from signalscore.sensitivity.montecarlo import chunk_size
from signalscore.sensitivity.summary import BLOCK_CELLS, DENSE_CASES, RANK_COLUMNS, scores_bytes

DEFAULT_LIMIT = "4GB"
BASE = 200 << 20  # the interpreter, numpy, pandas and the loaded corpus's objects, roughly
PER_CELL = 400  # bytes per case x feature: codings frame, matrices, draw plan, strings
PER_ENTRY = 64  # bytes per drawn entry of a chunk: signals, 16-bit draws, step indices, sums
PER_BLOCK_CELL = 96  # bytes per draw x case being ranked: scores, sort keys, order, ranks, masks
PER_CASE = 4096  # bytes per case of output: rows of tables, JSON, strings
PER_BREAK_EVEN = 2048  # bytes per (pair, weight) of the break-even table, as objects and text
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
# Per part: what it is, and what makes it smaller.
PARTS = {
    "codings": ("the codings", "analyse fewer cases or features at once"),
    "chunk": ("one chunk of draws", "analyse fewer cases or features at once"),
    "scores": ("the scores of every draw", "lower --draws"),
    "sobol": ("Sobol's sample", "lower --sobol-samples (0 skips Sobol indices)"),
    "break_even": ("the break-even table", "analyse fewer features at once"),
}


@dataclass(frozen=True)
class Size:
    """What the memory depends on: cases, features, dimensions, draws, Sobol samples, cases shown."""

    cases: int
    features: int
    dimensions: int
    width: int
    draws: int
    samples: int
    shown: int

    @classmethod
    def of(cls, rubric: Rubric, cases: int, draws: int, samples: int, shown: int) -> Size:
        """The sizes of one rubric's run."""
        width = max((steps_of(f) for f in rubric.features), default=0)
        dims = max(1, len(rubric.dimensions))
        return cls(cases, len(rubric.features), dims, width, draws, samples, min(shown, cases))

    @property
    def weights(self) -> int:
        """Sobol's variables: every feature weight, and the dimension weights when there are two or more."""
        return self.features + (self.dimensions if self.dimensions > 1 else 0)


def parts(s: Size) -> dict[str, int]:
    """Bytes per part of the analysis at its peak."""
    cells = s.cases * s.features
    entries = chunk_size(s.cases, s.features) * cells
    block = min(s.draws * s.cases, max(s.cases, BLOCK_CELLS))
    ranks = s.cases * s.cases if s.cases <= DENSE_CASES else s.cases * (RANK_COLUMNS + s.shown)
    sobol = s.samples * (s.weights + 2) * (3 * s.weights + 6 * s.features) * 8 if s.cases > 1 else 0
    return {
        "codings": cells * (PER_CELL + 16 * s.width),
        "chunk": entries * (PER_ENTRY + 16 * s.width // max(1, s.features)) + s.features * s.dimensions * 16,
        "scores": scores_bytes(s.draws, s.cases) + block * PER_BLOCK_CELL + ranks * 8 + s.cases * PER_CASE,
        "sobol": sobol,
        "break_even": max(0, s.shown - 1) * (s.weights * PER_BREAK_EVEN + s.features * s.dimensions * 8),
    }


def needed(s: Size) -> int:
    """Bytes the whole analysis needs, roughly and on the high side."""
    return BASE + sum(parts(s).values())


def parse_bytes(text: str) -> int:
    """A size such as 4GB, 512M, 1.5G or 1000000 (bytes); K, M, G, T are powers of 1024."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if match is None or float(match[1]) <= 0:
        raise UsageError(f"--max-memory must be a size such as 4GB, 512MB or 1.5G (got {text!r})")
    return int(float(match[1]) * UNITS[match[2].upper()])


def show_bytes(n: int) -> str:
    """1.2 GB, 350 MB, 12 KB: for messages."""
    for unit in ("T", "G", "M", "K"):
        if n >= UNITS[unit]:
            return f"{n / UNITS[unit]:.3g} {unit}B"
    return f"{n} bytes"


def check(rubric_id: str, s: Size, limit: int) -> None:
    """Refuse up front, with what to change, when the analysis would need more than `limit` bytes."""
    total = needed(s)
    if total <= limit:
        return
    p = parts(s)
    biggest = max(p, key=lambda k: p[k])
    what, hint = PARTS[biggest] if p[biggest] > BASE else ("the program itself", "")
    raise UsageError(
        f"sensitivity under rubric {rubric_id!r} would need about {show_bytes(total)} of memory, over the "
        f"limit of {show_bytes(limit)} (--max-memory): {s.cases:,} cases x {s.features:,} features x "
        f"{s.draws:,} draws, Sobol {s.samples:,} samples x {s.weights:,} weights; most of it for {what}. "
        f"To run it, {hint + ', or ' if hint else ''}raise --max-memory."
    )
