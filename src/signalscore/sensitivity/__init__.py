"""How sure is the ranking: weight and coding uncertainty, break-even weights, Sobol indices."""

from __future__ import annotations

from signalscore.sensitivity.analysis import Report, analyze
from signalscore.sensitivity.breakeven import BreakEven, break_even
from signalscore.sensitivity.cases import CaseSet
from signalscore.sensitivity.coding import CodingModel
from signalscore.sensitivity.montecarlo import Settings, simulate
from signalscore.sensitivity.sobol import SobolResult, sobol_indices
from signalscore.sensitivity.summary import summarise

__all__ = [
    "BreakEven",
    "CaseSet",
    "CodingModel",
    "Report",
    "Settings",
    "SobolResult",
    "analyze",
    "break_even",
    "simulate",
    "sobol_indices",
    "summarise",
]
