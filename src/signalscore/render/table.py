"""A table of cells, column by column: what every text format draws and what fitting changes.

A command with a DataFrame passes it as it is (`Table.of` reads its cells); the score table is built
from the scores' arrays directly, so that a warm `score` never imports pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

NUMBER_KINDS = "iuf"  # numpy's kinds of integers and floats: columns drawn as numbers


@dataclass(frozen=True)
class Table:
    """Named columns of cells (None where a value is missing), each of a kind: numpy's dtype kind of the
    column ("i", "u", "f" for numbers, "b" for booleans, "O" for anything else)."""

    names: list[str]
    columns: list[list[Any]]
    kinds: list[str]

    @classmethod
    def of(cls, frame: pd.DataFrame | Table) -> Table:
        """The cells of a DataFrame (missing values as None), or the table itself."""
        if isinstance(frame, Table):
            return frame
        columns: list[list[Any]] = []
        kinds: list[str] = []
        for i, label in enumerate(frame.columns):
            column = frame.iloc[:, i]
            missing = column.isna().tolist()
            columns.append([None if gone else v for v, gone in zip(column.tolist(), missing, strict=True)])
            kinds.append(column.dtype.kind if isinstance(label, str) else "O")  # (numbers under other labels:
        return cls([str(c) for c in frame.columns], columns, kinds)  # drawn as tabulate draws them)

    @classmethod
    def build(cls, columns: Mapping[str, Sequence[Any]], kinds: Mapping[str, str]) -> Table:
        """A table of columns by name, of the kinds given ("O" for the others)."""
        return cls(list(columns), [list(c) for c in columns.values()], [kinds.get(n, "O") for n in columns])

    def to_frame(self) -> pd.DataFrame:
        """The cells as a DataFrame (missing values as None)."""
        import pandas as pd

        return pd.DataFrame(dict(zip(self.names, self.columns, strict=True)), columns=self.names)

    @property
    def width(self) -> int:
        """The number of columns."""
        return len(self.names)

    def rows(self) -> list[list[Any]]:
        """The cells, row by row."""
        return [list(row) for row in zip(*self.columns, strict=True)]

    def column(self, name: str) -> list[Any]:
        """The cells of the (first) column of that name."""
        return self.columns[self.names.index(name)]

    def pick(self, indices: Sequence[int]) -> Table:
        """Some of the columns, in the order given."""
        return Table(
            [self.names[i] for i in indices], [self.columns[i] for i in indices], [self.kinds[i] for i in indices]
        )

    def assign(self, columns: Mapping[str, list[Any]]) -> Table:
        """The table with the cells of some columns (by name) replaced, their kind now "O"."""
        table = self
        for name, cells in columns.items():
            table = table.replaced(self.names.index(name), cells)
        return table

    def replaced(self, i: int, cells: list[Any]) -> Table:
        """The table with the cells of column i replaced, their kind now "O"."""
        columns, kinds = list(self.columns), list(self.kinds)
        columns[i], kinds[i] = list(cells), "O"
        return Table(list(self.names), columns, kinds)
