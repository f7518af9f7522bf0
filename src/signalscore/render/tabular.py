"""Tables in every output format: number display, escaping, strict JSON; fitted to the terminal by render.fitting."""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import tabulate as tabulate_module
from tabulate import SEPARATING_LINE, tabulate

from signalscore.console import spell, spelling_needed
from signalscore.render.fitting import Draw, Layout, cell_key, fit_table
from signalscore.render.markup import markup_of
from signalscore.render.table import NUMBER_KINDS, Table
from signalscore.safe_text import UNSAFE_IN_LINES, one_line

if TYPE_CHECKING:  # (pandas is imported where a frame is made: a warm `score` never needs it)
    import pandas as pd

# A column's drawing, by its header, options and distinct cells: its header line, its rule, and each cell padded.
Memo = dict[tuple[str, str, tuple[Any, ...]], tuple[str, str, dict[Any, str]]]
FORMATS = ("table", "markdown", "csv", "json", "html", "latex")
# Raw variants: cells are escaped here, so that callers can put markup (bold, links) in them.
_TABLEFMT = {"table": "simple", "markdown": "github", "html": "unsafehtml", "latex": "latex_raw"}
# Shares and signals live in [0, 1]: they need more decimals than points on the score scale.
_DECIMALS = {"coverage": ".2f", "signal": ".2f", "normalized": ".2f", "weight": ".3f"}
FALLBACK_WIDTH = 80
# Narrower terminals (COLUMNS=1) get tables as wide as this, wrapped by the terminal: still readable, never a crash.
MIN_WIDTH = 40
# OWASP's CSV injection rule: a text cell a spreadsheet could read as a formula gets a leading quote.
# The full-width forms count too (some spreadsheets accept them); leading spaces are looked past.
_FORMULA = re.compile("^[ ]*[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def terminal_width() -> int:
    """Columns of the terminal (COLUMNS wins), at least MIN_WIDTH; 80 when output is not a terminal."""
    return max(shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns, MIN_WIDTH)


_AS_IS = frozenset({str, int, bool})


def plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN and NA as None."""
    kind = type(value)
    if kind in _AS_IS:  # (the common cases first: long outputs convert millions of values)
        return value
    if kind is float:
        return None if value != value else value
    if value is None or _pandas_missing(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def _pandas_missing(value: Any) -> bool:
    """Whether a value is pandas' NA or NaT (which only a loaded pandas can have made)."""
    pd = sys.modules.get("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def csv_cell(value: Any) -> Any:
    """A CSV cell no spreadsheet runs: text that could start a formula gets a leading `'`; numbers stay.

    Text is also kept to one line with controls shown escaped, so CSV printed to a terminal is safe too.
    """
    if not isinstance(value, str):
        return value
    if _FORMULA.match(value) and not _NUMBER.match(value):
        value = "'" + value
    return one_line(value)


def to_csv(frame: pd.DataFrame) -> str:
    """A frame as CSV, every text cell and header neutralised (the one place CSV is written)."""
    from pandas.api.types import is_numeric_dtype

    text = [c for c in frame.columns if not is_numeric_dtype(frame[c])]
    safe = frame.assign(**{str(c): frame[c].map(csv_cell) for c in text})
    return str(safe.to_csv(index=False, header=[csv_cell(str(c)) for c in frame.columns], lineterminator="\n"))


def to_json(data: Any) -> str:
    """Strict JSON: a non-finite number is null (never NaN or Infinity); controls as \\u escapes.

    Containers that hold containers are indented; one that holds only plain values (a feature, a
    case's dimension scores) stays on one line. That reads well and lets the C encoder do the bulk:
    json.dumps with `indent` runs CPython's pure-Python encoder, several times slower on large outputs.
    """
    try:
        text = _encode(data, "")
    except ValueError:  # rare: bounded inputs keep numbers finite; walk the data only then
        text = _encode(_finite(data), "")
    # json.dumps escapes C0 controls inside strings; a raw newline is the indentation's own.
    if text.isascii() and "\x7f" not in text:  # (quick: json escaped every other ASCII control)
        return text + "\n"
    return UNSAFE_IN_LINES.sub(lambda m: f"\\u{ord(m.group()):04x}", text + "\n")


_SCALARS = frozenset((str, int, float, bool, type(None)))  # what a container of plain values holds, mostly


def _nested(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else ()
    if _SCALARS.issuperset(map(type, items)):  # (quick: most containers hold only these)
        return False
    return any(isinstance(item, dict | list | tuple) for item in items)


def _one_encoder() -> Callable[[Any], str]:
    """One encoder for every plain value: json.dumps with options would build a new one for each (most of
    the time a long output takes). It is the C encoder JSONEncoder.encode builds on each call, built once,
    where this Python has it and it writes what JSONEncoder writes (else JSONEncoder.encode)."""
    encoder = json.JSONEncoder(allow_nan=False, ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    try:
        once = make(None, encoder.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, False)
        sample = {"a\u00e9\n": [1, 2.5, True, None, "x"], "b": {"c": -0.0}}
        if "".join(once(sample, 0)) == encoder.encode(sample):
            return lambda value: "".join(once(value, 0))
    except Exception:  # any other C encoder than CPython's: the documented one
        pass
    return encoder.encode


_plain = _one_encoder()
_text = json.encoder.encode_basestring  # what JSONEncoder(ensure_ascii=False).encode writes for a string


def _key(key: Any) -> str:
    """A mapping key as json.dumps writes it (a key is always a string in JSON)."""
    if isinstance(key, str):
        return _text(key)
    text = json.dumps({key: 0}, ensure_ascii=False)
    return text[1 : text.rindex(":")]


def _encode(value: Any, pad: str) -> str:
    """Indent containers of containers; everything else in one call of the C encoder."""
    if not _nested(value):
        return _plain(value)
    inner = pad + "  "
    if isinstance(value, dict):
        body = ",\n".join(f"{inner}{_key(k)}: {_encode(v, inner)}" for k, v in value.items())
        return "{\n" + body + "\n" + pad + "}"
    body = ",\n".join(inner + _encode(v, inner) for v in value)
    return "[\n" + body + "\n" + pad + "]"


def _finite(data: Any) -> Any:
    """The data with every non-finite float replaced by None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


def fill(text: str, width: int | None) -> str:
    """Text wrapped to a width (at least one character); unchanged without one (formats other than the terminal's)."""
    return textwrap.fill(text, max(width, 1), break_on_hyphens=False) if width else text


@contextmanager
def _no_min_padding() -> Iterator[None]:
    # tabulate pads every header by two spaces; in a terminal those columns are better spent on labels.
    saved = tabulate_module.MIN_PADDING
    tabulate_module.MIN_PADDING = 0
    try:
        yield
    finally:
        tabulate_module.MIN_PADDING = saved


def drawer(
    fmt: str,
    floatfmt: str | Sequence[str] = "g",
    align: Sequence[str] | None = None,
    verbatim: Sequence[int] = (),
    memo: Memo | None = None,
) -> Draw:
    """A function drawing a frame of display values with given headers in a format; markup passes through.

    `verbatim` columns hold numbers already formatted (+5.7): drawn as they are, to the right. A terminal
    table is drawn column by column (see _by_columns); `memo` keeps each column's drawing for the next draw
    of the same cells (fitting measures a column, then draws it)."""

    def draw(frame: Table | pd.DataFrame, headers: list[str]) -> str:
        table = Table.of(frame)
        rows = table.rows()
        options: dict[str, Any] = {"tablefmt": _TABLEFMT[fmt], "floatfmt": floatfmt, "preserve_whitespace": True}
        if align is not None:
            options.update(colalign=list(align), disable_numparse=True)
        elif rows:  # (tabulate cannot align or parse the columns of a table without rows)
            aligns = ["right" if i in verbatim else "global" for i in range(table.width)]
            options.update(colalign=aligns, disable_numparse=sorted({*verbatim, *_text_columns(rows)}))
        if fmt != "table":
            return tabulate(rows, headers=headers, **options)
        if spelling_needed():  # spelled before drawing, so that columns line up in what the terminal shows
            rows = [[spell(v) if isinstance(v, str) else v for v in row] for row in rows]
            headers = [spell(h) for h in headers]
        with _no_min_padding():
            if not rows or not _one_line(rows, headers):
                return tabulate(rows, headers=headers, **options)
            return _by_columns(rows, headers, options, memo if memo is not None else {})

    return draw


def _text_columns(rows: list[list[Any]]) -> list[int]:
    """The columns that hold only text: never read as numbers (a case id `2014` is not the number 2014.0)."""
    return [i for i, column in enumerate(zip(*rows, strict=True)) if all(isinstance(v, str) for v in column)]


def _one_line(rows: list[list[Any]], headers: list[str]) -> bool:
    """Whether no cell or header spans lines or may mark a separating line (tabulate draws those specially)."""
    text = "".join([*headers, *(c for row in rows for c in row if isinstance(c, str))])
    return not ("\n" in text or "\r" in text or SEPARATING_LINE in text)


def _column_options(options: dict[str, Any], i: int) -> dict[str, Any]:
    """The options tabulate applies to column i of a table, for that column drawn alone beside a sentinel."""
    floatfmt = options["floatfmt"]
    numparse = options.get("disable_numparse", False)
    return {
        "tablefmt": options["tablefmt"],
        "preserve_whitespace": True,
        "floatfmt": [floatfmt if isinstance(floatfmt, str) else floatfmt[i], "g"],
        "colalign": [options.get("colalign", ["global"] * (i + 1))[i], "left"],
        "disable_numparse": [0] if numparse is True or (numparse and i in numparse) else [],
    }


def _by_columns(rows: list[list[Any]], headers: list[str], options: dict[str, Any], memo: Memo) -> str:
    """A `simple` table drawn column by column: the same text as tabulate's own drawing of the whole table
    (in that format a column's type, format, alignment and width depend on its cells and header alone),
    several times faster for a long table. See _padded and _drawn."""
    columns = []
    for i, header in enumerate(headers):
        one = _column_options(options, i)
        cells = [row[i] for row in rows]
        columns.append(_padded(cells, header, one) or _drawn(cells, header, one, memo))
    lines = ["  ".join(c[0] for c in columns), "  ".join(c[1] for c in columns)]
    lines += map("  ".join, zip(*(c[2] for c in columns), strict=True))
    return "\n".join(line.rstrip() for line in lines)


Column = tuple[str, str, list[str]]  # a column drawn: its header line, its rule and its cells, each padded
_PLAIN = re.compile("[ -~]*")  # printable ASCII: as wide as it is long, nothing tabulate would hide or parse


def _padded(cells: list[Any], header: str, one: dict[str, Any]) -> Column | None:
    """A column of text that tabulate would only pad: printable ASCII, never read as a number, aligned left
    or right. None for any other column."""
    align = one["colalign"][0]
    if not one["disable_numparse"] or align not in ("left", "right", "global") or not _PLAIN.fullmatch(header):
        return None
    if not (all(type(c) is str for c in cells) and _PLAIN.fullmatch("".join(cells))):
        return None
    width = max(len(header) + tabulate_module.MIN_PADDING, *map(len, cells))
    pad = str.rjust if align == "right" else str.ljust  # (text not read as numbers is aligned left by default)
    return pad(header, width), "-" * width, [pad(c, width) for c in cells]


def _drawn(cells: list[Any], header: str, one: dict[str, Any], memo: Memo) -> Column:
    """A column drawn by tabulate from its distinct cells, beside a sentinel column of one character (0)
    that keeps its padding exactly as tabulate pads it; the drawing is kept in `memo` for the next draw."""
    distinct = {cell_key(c): c for c in cells}
    key = (header, repr(one), tuple(distinct))
    if key not in memo:
        table = tabulate([[c, 0] for c in distinct.values()], headers=[header, "0"], **one)
        drawn = [line[:-3] for line in table.split("\n")]
        memo[key] = (drawn[0], drawn[1], dict(zip(distinct, drawn[2:], strict=True)))
    head, rule, padded = memo[key]
    return head, rule, [padded[cell_key(c)] for c in cells]


def _shown(table: Table, precision: int, escape: Callable[[str], str] | None) -> tuple[Table, list[str]]:
    """The cells as drawn: a missing value blank; number columns written out in place with their decimals
    (as tabulate would write them), once, so that they are drawn as they are, right-aligned (a long table
    draws several times faster, and fitting can measure a column by its distinct cells); text escaped
    unless `escape` is None (cells already hold markup). Also the names of the number columns so written."""
    columns, numbers = [], []
    for name, cells, kind in zip(table.names, table.columns, table.kinds, strict=True):
        if kind in NUMBER_KINDS and any(v is not None for v in cells):  # (a column of no number: text)
            spec = _DECIMALS.get(name, f".{precision}f") if kind == "f" else ""
            columns.append(["" if v is None else format(v, spec) for v in cells])
            numbers.append(name)
        else:  # bool ("b") and other columns, drawn by tabulate as it sees them
            columns.append(["" if v is None else escape(v) if escape and isinstance(v, str) else v for v in cells])
    return Table(table.names, columns, ["O"] * table.width), numbers


def grid(
    frame: pd.DataFrame | Table,
    fmt: str,
    precision: int = 1,
    *,
    width: int | None = None,
    shrink: Sequence[str] = (),
    short: Mapping[str, str] | None = None,
    marked: bool = False,
    layout: Layout | None = None,
    verbatim: Sequence[str] = (),
) -> str:
    """A DataFrame (or a Table) as a table in a text format; numbers rounded for display only; user text escaped.

    In the `table` format with a width, a table wider than the width gives way as render.fitting says:
    `layout` says how (or, short of one, headers take their `short` names and the `shrink` columns are cut).
    `marked` cells already hold markup; `verbatim` columns hold numbers already formatted, such as +5.7.
    """
    if fmt == "csv":
        return to_csv(frame.to_frame() if isinstance(frame, Table) else frame)
    markup = markup_of(fmt)
    shown, numbers = _shown(Table.of(frame), precision, None if marked else markup.escape)
    verbatim = [*verbatim, *numbers]

    memo: Memo = {}

    def draw(part: Table | pd.DataFrame, headers: list[str]) -> str:  # decimals by name: fitting draws subsets
        part = Table.of(part)
        decimals = [_DECIMALS.get(c, f".{precision}f") for c in part.names]
        shown_verbatim = [i for i, c in enumerate(part.names) if c in verbatim]
        return drawer(fmt, decimals, verbatim=shown_verbatim, memo=memo)(part, headers)

    headers = list(shown.names)
    if fmt != "table" or width is None:
        return draw(shown, [markup.escape(h) for h in headers])
    layout = layout or Layout(short=short or {}, shrink=shrink)
    return str(fit_table(draw, shown, headers, width, layout))
