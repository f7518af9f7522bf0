"""pydantic's plugins, which the command line turns off: then not even pydantic's search for them is imported.

Building the first model imports pydantic's plugin loader, which imports importlib.metadata (a tenth of a
command's start-up) whether or not PYDANTIC_DISABLE_PLUGINS turns plugins off. While it does, a stand-in
loader answers "no plugins"; should plugins be turned on again, the stand-in hands over to the real loader.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from importlib import import_module
from types import ModuleType
from typing import Any

LOADER = "pydantic.plugin._loader"
OFF = ("__all__", "1", "true")  # the values with which pydantic's loader itself looks for no plugin


def get_plugins() -> Iterable[Any]:
    """No plugins while they are off; else whatever pydantic's own loader finds."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in OFF:
        return ()
    if sys.modules.get(LOADER) is _STAND_IN:
        del sys.modules[LOADER]
    real: Iterable[Any] = import_module(LOADER).get_plugins()
    return real


_STAND_IN = ModuleType(LOADER, __doc__)
_STAND_IN.get_plugins = get_plugins  # type: ignore[attr-defined]


def skip_search() -> None:
    """Put the stand-in in place of pydantic's loader, if plugins are off and the loader is not loaded yet."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in OFF and LOADER not in sys.modules:
        sys.modules[LOADER] = _STAND_IN
