"""A case as a cache entry keeps it: its header and coded cells ready at once, the rest read when asked for.

Scoring a corpus reads only each case's header (id, rubric, title, sender, recipient, episode, period,
coder, adjudicates) and its cells (each feature's value and confidence). A `StoredCase` is built from
those alone, a small JSON list, so that a warm run or a pool of parsing workers hands over thousands of
cases without validating each again; the sources, summary and codings (rationales, evidence) are
validated from the stored JSON of the whole case the first time anything reads them (explain, report,
agree), and the case is then the same as one read from its file.

The entry is checked as it is read: a header or a cell of the wrong type makes it a miss (ValueError).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, PrivateAttr

from signalscore.case import CONFIDENCES, Case, Cell, Period
from signalscore.errors import UsageError

M = TypeVar("M", bound=BaseModel)
CACHE_NOTE = ".signalscore-cache"
HEADER = ("id", "rubric", "title", "sender", "recipient", "episode", "period", "coder", "adjudicates")
_LAZY = frozenset(Case.model_fields) - set(HEADER)  # sources, summary, codings
_SCALARS = {bool, int, float, str}
_decode = json.JSONDecoder().decode
_CONFIDENCES = set(CONFIDENCES)


def head_json(case: Case) -> bytes:
    """What a StoredCase is built from: the header fields and the cells, as one JSON list."""
    period = case.period
    dates = None if period is None else [period.start.isoformat(), period.end.isoformat()]
    cells = case.cells()
    columns = [list(cells), [value for value, _ in cells.values()], [confidence for _, confidence in cells.values()]]
    coders = None if case.adjudicates is None else list(case.adjudicates)
    row: list[Any] = [
        case.id,
        case.rubric,
        case.title,
        case.sender,
        case.recipient,
        case.episode,
        dates,
        case.coder,
        coders,
    ]
    row.append(columns)
    return json.dumps(row, ensure_ascii=True, allow_nan=True).encode("ascii")


class StoredCase(Case):
    """A validated case read back from its entry (see the module); a Case in every respect."""

    _whole: bytes | Callable[[], bytes] = PrivateAttr(default=b"")  # the JSON, or what reads it (ValueError)
    _cells: dict[str, Cell] = PrivateAttr(default_factory=dict)

    @classmethod
    def of(cls, head: bytes | list[Any], whole: bytes | Callable[[], bytes]) -> StoredCase:
        """The case of an entry's head (or the head read as JSON) and its whole-case JSON (or a function that
        reads it when first needed); ValueError if the head is not as written."""
        row = _decode(head.decode("ascii")) if type(head) is bytes else head  # (ASCII: else a ValueError)
        if not (type(row) is list and len(row) == 10 and _header(row)):
            raise ValueError("bad head")
        fields = dict(zip(HEADER[:6], row[:6], strict=True))
        fields.update(period=_period(row[6]), coder=row[7], adjudicates=_adjudicates(row[8]))
        return _bare(cls, fields, {"_whole": whole, "_cells": _cells(row[9])})

    def cells(self) -> dict[str, Cell]:
        private = object.__getattribute__(self, "__pydantic_private__")
        return dict(private["_cells"]) if private["_whole"] else super().cells()

    def whole(self) -> StoredCase:
        """This case with every field read from its stored JSON (once)."""
        if self._whole:
            try:
                read = Case.model_validate_json(self._whole() if callable(self._whole) else self._whole)
            except ValueError:  # the entry's digest matched, so only a forged or hand-edited entry gets here
                raise UsageError(f"{CACHE_NOTE}: an entry for case {self.id!r} is damaged; delete it") from None
            updated = {name for name in HEADER if self.__dict__[name] != read.__dict__[name]}  # by model_copy
            for name, value in read.__dict__.items():
                self.__dict__.setdefault(name, value)
            object.__setattr__(self, "__pydantic_fields_set__", read.model_fields_set | updated)
            self.__pydantic_private__.update(_whole=b"", _cells={})  # type: ignore[union-attr]
        return self

    def __getattr__(self, name: str) -> Any:
        if name in _LAZY and self._whole:
            return self.whole().__dict__[name]
        return super().__getattr__(name)  # type: ignore[misc]

    # What pydantic reads from the instance's fields directly needs them all.
    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        return super(StoredCase, self.whole()).model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        return super(StoredCase, self.whole()).model_dump_json(**kwargs)

    def __eq__(self, other: object) -> bool:
        """Equal to a Case (stored or not) with the same fields, as two Cases are."""
        if not isinstance(other, Case):
            return NotImplemented
        if isinstance(other, StoredCase):
            other.whole()
        return self.whole().__dict__ == other.__dict__ and other.__pydantic_extra__ is None

    def __hash__(self) -> int:
        return super(StoredCase, self.whole()).__hash__()

    def __repr_args__(self) -> Any:
        return super(StoredCase, self.whole()).__repr_args__()

    def __iter__(self) -> Any:
        return super(StoredCase, self.whole()).__iter__()

    def __getstate__(self) -> dict[Any, Any]:
        return super(StoredCase, self.whole()).__getstate__()


def _header(row: list[Any]) -> bool:
    """Whether the text fields of a head are text: id, rubric, title, sender and recipient not empty, episode
    and coder text or None."""
    texts, optional = row[:5], (row[5], row[7])
    return all(type(t) is str and t for t in texts) and all(t is None or type(t) is str for t in optional)


def _period(dates: Any) -> Period | None:
    if dates is None:
        return None
    start, end = (dt.date.fromisoformat(d) for d in dates)  # a TypeError or ValueError on anything else
    if start > end:
        raise ValueError("bad period")
    return _bare(Period, {"start": start, "end": end})


def _bare(cls: type[M], fields: dict[str, Any], private: dict[str, Any] | None = None) -> M:
    """A model with these fields, built without validating them again (they were when the entry was made)."""
    item = cls.__new__(cls)
    object.__setattr__(item, "__dict__", fields)
    object.__setattr__(item, "__pydantic_fields_set__", set(fields))
    object.__setattr__(item, "__pydantic_extra__", None)
    object.__setattr__(item, "__pydantic_private__", private)
    return item


def _adjudicates(coders: Any) -> tuple[str, ...] | None:
    if coders is None:
        return None
    if not (isinstance(coders, list) and coders and all(isinstance(c, str) for c in coders)):
        raise ValueError("bad adjudicates")
    return tuple(coders)


def _cells(rows: Any) -> dict[str, Cell]:
    fids, values, confidences = rows  # three lists of one length (a ValueError or TypeError otherwise)
    if not (
        len(fids) == len(values) == len(confidences)
        and set(map(type, fids)) <= {str}
        and set(map(type, values)) <= _SCALARS
        and set(confidences) <= _CONFIDENCES
    ):
        raise ValueError("bad cell")
    return dict(zip(fids, zip(values, confidences, strict=True), strict=True))
