"""signalscore: score how strongly one state signals support for another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Case", "Corpus", "InputError", "Problem", "Rubric", "Scores", "load_cases", "load_rubric", "score"]

if TYPE_CHECKING:
    from signalscore.api import load_cases, load_rubric, score
    from signalscore.case import Case
    from signalscore.engine import Scores
    from signalscore.errors import InputError, Problem
    from signalscore.loader import Corpus
    from signalscore.rubric import Rubric

_HOMES = {
    "load_cases": "api",
    "load_rubric": "api",
    "score": "api",
    "Scores": "engine",
    "Corpus": "loader",
    "Rubric": "rubric",
    "Case": "case",
    "InputError": "errors",
    "Problem": "errors",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that `signalscore --help` and `validate` never pay for importing pandas.
    if name not in _HOMES:
        raise AttributeError(f"module 'signalscore' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"signalscore.{_HOMES[name]}"), name)
