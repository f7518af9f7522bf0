"""Best-effort models from invalid data, so cross-checks still run beside structural errors."""

from __future__ import annotations

import functools
import types
import typing
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

M = TypeVar("M", bound=BaseModel)


def partial(model: type[M], data: Any) -> M:
    """A model built, unvalidated, from the parts of `data` that are valid on their own.

    An invalid or missing field is its default, an empty tuple or dict, or None; a raw string is kept
    where a string belongs. Lists and dicts of sub-models keep every item (invalid ones partial too),
    so the positions of issues found on the result are the positions in `data`.
    """
    raw = data if isinstance(data, dict) else {}
    values = {
        name: _field(model, name, raw[name]) if name in raw else _empty(info)
        for name, info in model.model_fields.items()
    }
    return model.model_construct(**values)


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(annotation)


def _field(model: type[BaseModel], name: str, raw: Any) -> Any:
    try:
        return _adapter(model, name).validate_python(raw)
    except ValidationError:
        pass
    info = model.model_fields[name]
    tp = _bare(info.annotation)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple and isinstance(raw, list) and _is_model(args[0]):
        return tuple(_item(args[0], item) for item in raw)
    if origin is dict and isinstance(raw, dict) and _is_model(args[1]):
        return {key: _item(args[1], item) for key, item in raw.items() if args[0] is not str or isinstance(key, str)}
    if tp is str and isinstance(raw, str):
        return raw
    return _empty(info)


def _item(model: type[M], raw: Any) -> M:
    """One item of a list or dict: validated whole when it can be (before-validators included)."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        return partial(model, raw)


def _empty(info: FieldInfo) -> Any:
    if not info.is_required():
        return info.get_default(call_default_factory=True)
    origin = typing.get_origin(_bare(info.annotation))
    return () if origin is tuple else {} if origin is dict else None


def _bare(tp: Any) -> Any:
    """The type under Annotated and Optional."""
    if typing.get_origin(tp) is typing.Annotated:
        return _bare(typing.get_args(tp)[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _bare(inner[0]) if len(inner) == 1 else tp
    return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)
