"""typer's coercion of command-line values, with its pydantic TypeAdapter built only for a value that needs one.

typer (0.2x) coerces every parameter's value through a pydantic TypeAdapter, and building the first one
costs a tenth of a second (a warm `score` takes little more than a second). The values most commands get
need none: no value at all, a path, text, a flag, or a whole number such as a default. Those are coerced
here exactly as typer's adapters would (its own coerce_cli_path for paths); any other value goes to typer's
own coercion, built when first needed.

This leans on parts of typer that are not its public API, so every use is guarded: a typer without them
(older or newer) keeps its own coercion, untouched, and a path typer's function cannot take goes to typer's
own coercion too. tests/test_coercion.py checks that the results and errors are typer's.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

DIGITS = re.compile("[0-9]{1,18}")  # ASCII (pydantic reads other digits as no number), and short of int's limit


class Deferred:
    """The coercion of one parameter (typer's RuntimeParam.coerce), typer's own built on first real need."""

    def __init__(self, descriptor: Any, build: Callable[[], Any]) -> None:
        self.descriptor = descriptor
        self.build = build
        self.built: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # as typer's RuntimeParam.coerce: no value is () for a repeatable parameter
            return () if param.multiple or param.nargs == -1 else None
        with contextlib.suppress(Exception):  # a path that fails typer's checks: typer's own coercion says why
            paths = self._paths(value, param, ctx)
            if paths is not None:
                return paths
        plain = self._plain(value)
        if plain is not None:
            return plain
        if self.built is None:
            self.built = self.build()
        return self.built.coerce(value, param=param, ctx=ctx)

    def _plain(self, value: Any) -> Any:
        """A text, flag or whole-number parameter's value as typer's adapter gives it, where that is the value
        itself (text as text, a flag's True or False, an int or ASCII digits within the bounds), else None."""
        annotation, info = self.descriptor.annotation, self.descriptor.parameter_info
        if info.parser is not None or self.descriptor.file_annotation is not None or info.path_type is not None:
            return None
        if annotation in (str, bool) and type(value) is annotation:
            return value
        if annotation is not int or info.clamp:
            return None
        number = int(value) if type(value) is str and DIGITS.fullmatch(value) else value  # (18 digits at most)
        low, high = info.min, info.max
        if type(number) is int and (low is None or number >= low) and (high is None or number <= high):
            return number
        return None

    def _paths(self, value: Any, param: Any, ctx: Any) -> Any:
        """A Path parameter's value (or a list[Path] one's values) given as text or Path, else None."""
        annotation, info = self.descriptor.annotation, self.descriptor.parameter_info
        if info.parser is not None or self.descriptor.file_annotation is not None or info.path_type is not None:
            return None
        if annotation is Path and isinstance(value, str | Path):
            return _path(value, info, param, ctx)
        listed = get_origin(annotation) is list and get_args(annotation) == (Path,) and isinstance(value, list | tuple)
        if listed and all(isinstance(item, str | Path) for item in value):
            return [_path(item, info, param, ctx) for item in value]
        return None


def _path(value: str | Path, info: Any, param: Any, ctx: Any) -> Any:
    """typer's check of one path (exists, file or folder...), on the Path that pydantic would make of text."""
    from typer._param_types import coerce_cli_path

    return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)


def install() -> None:
    """Coerce every typer parameter through Deferred; a typer without runtime coercion is left as it is."""
    from typer import core

    parameter = getattr(core, "_TyperParameter", None)
    own = getattr(parameter, "get_runtime_param", None)
    if parameter is None or own is None:
        return

    def typers_own(self: Any) -> Any:
        """What typer's own get_runtime_param builds for the parameter."""
        saved, self._runtime_param = self._runtime_param, None
        try:
            return own(self)
        finally:
            self._runtime_param = saved

    def get_runtime_param(self: Any) -> Any:
        descriptor = getattr(self, "type_descriptor", None)
        if descriptor is None or not hasattr(self, "_runtime_param"):  # not the typer this was written for
            return own(self)
        if self._runtime_param is None:
            self._runtime_param = Deferred(descriptor, lambda: typers_own(self))
        return self._runtime_param

    parameter.get_runtime_param = get_runtime_param
