"""signalscore: score how strongly one state signals support for another.

The Python API (signalscore.api): load_rubric, load_cases, score, compare, explain, agreement, sensitivity,
diff and report, one per command, returning DataFrames and plain frozen objects (signalscore.results).
Nothing heavy is imported until a name is used: `import signalscore` stays quick and pandas-free.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Agreements",
    "Case",
    "Comparisons",
    "Corpus",
    "Diff",
    "Explanation",
    "InputError",
    "Problem",
    "Rubric",
    "Scores",
    "Sensitivity",
    "UsageError",
    "agreement",
    "compare",
    "diff",
    "explain",
    "load_cases",
    "load_rubric",
    "report",
    "score",
    "sensitivity",
]

if TYPE_CHECKING:
    from signalscore.api import (
        agreement,
        compare,
        diff,
        explain,
        load_cases,
        load_rubric,
        report,
        score,
        sensitivity,
    )
    from signalscore.case import Case
    from signalscore.engine import Scores
    from signalscore.errors import InputError, Problem, UsageError
    from signalscore.loader import Corpus
    from signalscore.results import Agreements, Comparisons, Diff, Explanation, Sensitivity
    from signalscore.rubric import Rubric

# Each public name (__all__) and the module it lives in, imported when the name is first used.
_HOMES = {
    **dict.fromkeys(
        ["load_rubric", "load_cases", "score", "compare", "explain", "agreement", "sensitivity", "diff", "report"],
        "api",
    ),
    # "trend": "api",  # with signalscore trend
    **dict.fromkeys(["Comparisons", "Explanation", "Agreements", "Sensitivity", "Diff"], "results"),
    "Scores": "engine",
    "Corpus": "loader",
    "Rubric": "rubric",
    "Case": "case",
    "InputError": "errors",
    "Problem": "errors",
    "UsageError": "errors",
}
# API functions named like a submodule: the import system sets a package attribute for each submodule it
# loads, which would hide the function behind the module (see _Package).
_SHADOWED = frozenset({"compare", "agreement", "sensitivity", "report"})


def __getattr__(name: str) -> Any:
    # Lazy, so that `signalscore --help` and `validate` never pay for importing pandas.
    if name not in _HOMES:
        raise AttributeError(f"module 'signalscore' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"signalscore.{_HOMES[name]}"), name)


def __dir__() -> list[str]:
    """The public names, for dir() and tab completion (and the module's dunders, as dir() lists them)."""
    return sorted({*_HOMES, *(name for name in globals() if name.startswith("__"))})


class _Package(ModuleType):
    """The package, keeping `signalscore.compare` (and the other _SHADOWED names) the API's function when
    the submodule of that name is loaded; the submodule stays importable (`from signalscore.compare import`)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
