"""Fitting a terminal table to a width: the one way every command's table gives way when it is too wide.

Step by step, until the table fits: headers take their short names, the prefix every case id shares is
dropped (and a line says so), long text is wrapped onto several lines, then cut, then the columns are
split into blocks printed one under the other (each repeating the key columns), and only then are the
key columns (ids) cut, never so far that two of them read the same.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from signalscore.console import spell
from signalscore.render.table import Table

if TYPE_CHECKING:
    import pandas as pd

Draw = Callable[["Table | pd.DataFrame", list[str]], str]  # (a frame's cells are read as a Table)
MIN_CELL = 10  # text columns are cut or wrapped to no fewer characters than this
MIN_ID = 6  # ids are cut to no fewer characters than this
PREFIX_NOTE = "ids without the shared prefix "


@dataclass(frozen=True)
class Layout:
    """What a table may give up to fit, by column name (the frame's columns), in the order of the steps."""

    ids: Sequence[str] = ()  # the case ids the table shows (in cells of `keys`/`id_columns` and in headers)
    id_columns: Sequence[str] = ()  # columns whose cells name cases (their shared prefix goes first)
    short: Mapping[str, str] = field(default_factory=dict)  # header -> a shorter header
    wrap: Sequence[str] = ()  # text columns wrapped onto several lines
    shrink: Sequence[str] = ()  # text columns cut, in order
    keys: Sequence[str] = ()  # columns repeated in every block when the columns are split
    groups: Sequence[Sequence[str]] = ()  # columns kept in one block (a case and its delta)
    narrower: Table | pd.DataFrame | None = None  # the same table with shorter row names (feature ids for labels)


@dataclass(frozen=True)
class Fitted:
    """A drawn table and the lines that say what fitting changed (the prefix dropped)."""

    text: str
    notes: list[str]

    def __str__(self) -> str:
        return "\n\n".join([self.text, *self.notes])


def cell_key(cell: object) -> Hashable:
    """A cell as a key for its drawing: equal cells of different types (1, 1.0, True) or signs (0.0, -0.0)
    apart, as they are drawn apart."""
    return (float, repr(cell)) if isinstance(cell, float) else (type(cell), cell)


def widest(text: str) -> int:
    """The length of the longest line."""
    return max((len(line) for line in text.splitlines()), default=0)


def common_prefix(ids: Sequence[str]) -> str:
    """The leading part all ids share, up to a hyphen; empty when it would leave an id empty."""
    prefix = os.path.commonprefix(list(ids))  # noqa: RUF071 -- ids are not paths; character-wise is meant
    prefix = prefix[: prefix.rfind("-") + 1]
    return prefix if len(ids) > 1 and all(len(i) > len(prefix) for i in ids) else ""


def abbreviate(text: str, width: int) -> str:
    """Text cut to `width` characters, an ellipsis (as the terminal can show it) marking the cut."""
    ellipsis = spell("…")
    return text if len(text) <= width else text[: max(width - len(ellipsis), 1)].rstrip() + ellipsis


def distinct_cut(texts: Sequence[str], width: int) -> list[str]:
    """Texts cut to `width`, at the end or else in the middle, or less far: never two reading the same."""
    ellipsis = spell("…")

    def middle(t: str, w: int) -> str:
        keep = max(w - len(ellipsis), 2)
        return t if len(t) <= w else t[: keep - keep // 2] + ellipsis + t[len(t) - keep // 2 :]

    wanted = len(set(texts))
    longest = max((len(t) for t in texts), default=0)
    for w in range(max(width, MIN_ID), longest + 1):
        for cut in (abbreviate, middle):
            out = [cut(t, w) for t in texts]
            if len(set(out)) == wanted:
                return out
    return list(texts)


class Fitter:
    """Draws one table, giving way step by step (see the module) until it fits the width."""

    def __init__(self, draw: Draw, frame: Table, headers: list[str], width: int, layout: Layout) -> None:
        self.draw, self.frame, self.headers, self.width, self.layout = draw, frame, list(headers), width, layout
        self.notes: list[str] = []
        self._drawn: dict[tuple[int, tuple[int, ...], tuple[str, ...]], tuple[Table, str]] = {}

    def fits(self, frame: Table | None = None, columns: Sequence[int] | None = None) -> bool:
        return self.measure(frame, columns) <= self.width

    def measure(self, frame: Table | None = None, columns: Sequence[int] | None = None) -> int:
        """The width the columns would take, from each column drawn alone (once): long tables draw slowly."""
        frame = self.frame if frame is None else frame
        picked = list(range(frame.width)) if columns is None else list(columns)
        return sum(self.column_width(frame, i) for i in picked) + 2 * (len(picked) - 1)  # 2 spaces apart

    def column_width(self, frame: Table, column: int) -> int:
        """The width of one column drawn alone, drawn from its distinct cells: the same width (a column's
        type, format and width depend on the set of its cells, not on their number or order), in far less
        time for a long table."""
        key = (id(frame), (column,), (self.headers[column],))
        if key in self._drawn:
            return widest(self._drawn[key][1])
        cells = frame.columns[column]
        if all(type(c) is str for c in cells):  # (the common case, and quicker: equal text is the same text)
            kept = list(dict.fromkeys(cells))
        else:
            kept = list({cell_key(c): c for c in cells}.values())
        distinct = Table([frame.names[column]], [kept], [frame.kinds[column]])
        self._drawn[key] = (frame, self.draw(distinct, [self.headers[column]]))  # kept with its frame: see drawn
        return widest(self._drawn[key][1])

    def drawn(self, frame: Table | None = None, columns: Sequence[int] | None = None) -> str:
        """The table (or some of its columns) drawn; each drawing once (long tables take a while to draw)."""
        frame = self.frame if frame is None else frame
        picked = list(range(frame.width)) if columns is None else list(columns)
        headers = [self.headers[i] for i in picked]
        key = (id(frame), tuple(picked), tuple(headers))
        if key not in self._drawn:  # the frame is kept with its drawing, so that its id is not reused
            self._drawn[key] = (frame, self.draw(frame.pick(picked), headers))
        return self._drawn[key][1]

    def __call__(self) -> Fitted:
        for step in (self.shorten, self.drop_prefix, self.narrow, self.wrap):
            if self.fits():
                return Fitted(self.drawn(), self.notes)
            step()
        whole = self.frame
        self.shrink(None)
        if self.fits():
            return Fitted(self.drawn(), self.notes)
        self.frame = whole  # split instead, the text columns last, where they have room (cut only if still needed)
        return Fitted("\n\n".join(self.blocks()), self.notes)

    def drop_prefix(self) -> None:
        prefix = common_prefix(list(self.layout.ids))
        if not prefix:
            return
        short = {i: i.removeprefix(prefix) for i in self.layout.ids}  # cells name one case each: a lookup
        named = sorted({i for i in short for h in self.headers if i in h}, key=len, reverse=True)
        if named:  # headers may name several cases ("A > B"): whole ids only
            pattern = re.compile("|".join(f"(?<![\\w-]){re.escape(i)}(?![\\w-])" for i in named))
            self.headers = [pattern.sub(lambda m: short[m.group()], h) for h in self.headers]
        columns = [c for c in self.layout.id_columns if c in self.frame.names]
        cells = {c: [short.get(v, v) if isinstance(v, str) else v for v in self.frame.column(c)] for c in columns}
        self.frame = self.frame.assign(cells)
        self.notes.append(PREFIX_NOTE + prefix)

    def narrow(self) -> None:
        if self.layout.narrower is not None:
            ids = [c for c in self.layout.id_columns if c in self.frame.names]
            self.frame = Table.of(self.layout.narrower).assign({c: self.frame.column(c) for c in ids})

    def shorten(self) -> None:
        short = self.layout.short
        self.headers = [short.get(c, h) for c, h in zip(self.frame.names, self.headers, strict=True)]

    def _narrowed(self, column: str, cut: Callable[[str, int], str], columns: Sequence[int] | None) -> None:
        """The column's text cut or wrapped by the excess width, to no fewer than MIN_CELL characters."""
        excess = self.measure(columns=columns) - self.width
        cells = ["" if v is None else str(v) for v in self.frame.column(column)]
        longest = max((max(map(len, c.splitlines()), default=0) for c in cells), default=0)
        target = max(MIN_CELL, longest - excess)
        if target < longest:
            self.frame = self.frame.assign({column: [cut(c, target) for c in cells]})

    def wrap(self) -> None:
        """The wrapped columns share the room the others leave, the narrowest first (each MIN_CELL at least)."""
        names = self.frame.names
        wrapped = [c for c in self.layout.wrap if c in names]
        if not wrapped:
            return
        rest = [i for i, c in enumerate(names) if c not in wrapped]
        room = self.width - self.measure(columns=rest) - 2 * len(wrapped)
        cells = {c: ["" if v is None else str(v) for v in self.frame.column(c)] for c in wrapped}
        longest = {c: max((len(v) for v in cells[c]), default=0) for c in wrapped}
        for k, column in enumerate(sorted(wrapped, key=longest.__getitem__)):
            share = min(longest[column], max(MIN_CELL, room // (len(wrapped) - k)))
            room -= share
            fill = [textwrap.fill(v, share, break_on_hyphens=False) if v else v for v in cells[column]]
            self.frame = self.frame.assign({column: fill})

    def shrink(self, columns: Sequence[int] | None) -> None:
        names = self.frame.names
        for column in self.layout.shrink:
            shown = columns is None or (column in names and names.index(column) in columns)
            if shown and not self.fits(columns=columns):
                self._narrowed(column, abbreviate, columns)

    def blocks(self) -> list[str]:
        """The columns split into blocks that fit, each repeating the key columns; text columns last."""
        names = self.frame.names
        keys = [names.index(k) for k in self.layout.keys if k in names]
        grouped = {names.index(c) for g in self.layout.groups for c in g if c in names}
        groups = [[names.index(c) for c in g if c in names] for g in self.layout.groups]
        groups += [[i] for i in range(len(names)) if i not in keys and i not in grouped]
        last = {names.index(c) for c in self.layout.shrink if c in names}
        groups = sorted((g for g in groups if g), key=lambda g: (bool(last & set(g)), min(g)))
        blocks: list[list[int]] = []
        for group in groups:
            if blocks and self.fits(columns=keys + blocks[-1] + group):
                blocks[-1] += group
            else:
                blocks.append(list(group))
        return [self.block(keys + block) for block in blocks or [[]]]

    def block(self, columns: list[int]) -> str:
        """One block of columns: its text columns cut if it is still too wide, then (the last resort) its
        key columns, every one kept distinct."""
        whole = self.frame
        self.shrink(columns)
        frame = self.frame
        for k in [i for i in columns if frame.names[i] in self.layout.keys]:
            excess = self.measure(frame, columns) - self.width
            cells = [str(v) for v in frame.columns[k]]
            longest = max(map(len, cells), default=0)
            if excess > 0 and longest > MIN_ID:
                frame = frame.replaced(k, distinct_cut(cells, longest - excess))
        self.frame = whole
        return self.drawn(frame, columns)


def said_once(text: str) -> str:
    """Text with the note on a dropped prefix kept where it is first said, for a document of several tables."""
    seen: set[str] = set()

    def first(match: re.Match[str]) -> str:
        said = match.group(2) in seen
        seen.add(match.group(2))
        return "" if said else match.group()

    return re.sub(f"(\\n\\n)({re.escape(PREFIX_NOTE)}\\S+)(?=\\n|$)", first, text)


def fit_table(draw: Draw, frame: Table | pd.DataFrame, headers: list[str], width: int, layout: Layout) -> Fitted:
    """The table (or a DataFrame's cells) drawn to fit the width where it can (see the module), with what
    fitting changed."""
    return Fitter(draw, Table.of(frame), headers, width, layout)()
