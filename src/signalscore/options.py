"""Bounds and checks of the analysis options, shared by the commands and the Python API.

Imports nothing heavy: the command line reads these when it starts.
"""

from __future__ import annotations

from signalscore.errors import UsageError

# Bounds of the sensitivity options: outside them a run is either meaningless or would not end.
DRAWS = (100, 10_000_000)
SOBOL_SAMPLES = (64, 1 << 20)
# The report's comparison table and explained cases stop at this many cases per rubric, with a note.
REPORT_CASES = 50
# Memory a sensitivity run may need unless told otherwise (the report's is always this).
MAX_MEMORY = "4GB"
# The report's sensitivity summary: enough draws for rank probabilities within a few percent, and quick.
REPORT_DRAWS = 1000


def check_sensitivity(spread: float, samples: int, draws: int) -> None:
    """Usage errors of a sensitivity run that the option types cannot express."""
    if not 0 <= spread < 1:
        raise UsageError(f"--weight-spread must be at least 0 and below 1 (got {spread:g})")
    low, high = SOBOL_SAMPLES
    if samples and (samples & (samples - 1) or not low <= samples <= high):
        raise UsageError(
            f"--sobol-samples must be 0 or a power of 2 from {low} to {high:,}, such as 512 or 1024 (got {samples})"
        )
    check_draws(draws)


def check_draws(draws: int, off: bool = False) -> None:
    """Draws within DRAWS, or 0 where `off` allows leaving the analysis out."""
    if (off and draws == 0) or DRAWS[0] <= draws <= DRAWS[1]:
        return
    either = "0 or " if off else ""
    raise UsageError(f"--draws must be {either}from {DRAWS[0]:,} to {DRAWS[1]:,} (got {draws:,})")
