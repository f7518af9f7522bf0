"""What makes long tables fast changes nothing that is drawn: number columns written out once draw as tabulate
would draw the numbers, and a column measured by its distinct cells is as wide as the whole column."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from signalscore.render.fitting import Fitter, Layout, widest
from signalscore.render.markup import markup_of
from signalscore.render.table import Table
from signalscore.render.tabular import _DECIMALS, Memo, _by_columns, _key, _no_min_padding, _plain, drawer, grid, plain

FORMATS = ["table", "markdown", "html", "latex"]
floats = st.floats(min_value=-1e6, max_value=1e6) | st.just(float("nan"))
texts = st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=12)
cells = st.one_of(st.none(), st.integers(-1000, 1000), floats, texts, st.booleans())


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 30))
    columns = {
        "score": draw(st.lists(floats, min_size=n, max_size=n)),
        "coverage": draw(st.lists(floats, min_size=n, max_size=n)),
        "rank": pd.array(draw(st.lists(st.none() | st.integers(1, 99), min_size=n, max_size=n)), dtype="Int64"),
        "count": draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n)),
        "case": draw(st.lists(texts, min_size=n, max_size=n)),
        "flag": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
    }
    return pd.DataFrame(columns)


@settings(max_examples=80, deadline=None)
@given(frames(), st.sampled_from(FORMATS), st.integers(0, 3))
def test_number_columns_written_once_draw_as_tabulate_draws_the_numbers(
    frame: pd.DataFrame, fmt: str, precision: int
) -> None:
    escape = markup_of(fmt).escape
    shown = frame.astype(object).where(frame.notna(), "").map(lambda v: escape(v) if isinstance(v, str) else v)
    decimals = [_DECIMALS.get(str(c), f".{precision}f") for c in frame.columns]
    by_tabulate = drawer(fmt, decimals)(shown, [str(c) for c in frame.columns])
    assert grid(frame, fmt, precision) == by_tabulate


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=40))
def test_a_column_measured_by_its_distinct_cells_is_as_wide_as_the_whole_column(rows: list[list[object]]) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    frame = frame.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v)
    draw, table = drawer("table", "g"), Table.of(frame)
    fitter = Fitter(draw, table, ["a", "b", "c"], 80, Layout())
    for i, name in enumerate(frame.columns):
        assert fitter.column_width(table, i) == widest(draw(frame.iloc[:, [i]], [str(name)]))


def test_a_repeated_cell_is_measured_once() -> None:
    drawn: list[int] = []
    draw = drawer("table", "g")

    def counting(part: Table | pd.DataFrame, headers: list[str]) -> str:
        drawn.append(len(Table.of(part).columns[0]))
        return draw(part, headers)

    table = Table.of(pd.DataFrame({"x": ["ab", "abc", "ab", 1, True, 1.0] * 500}))
    assert Fitter(counting, table, ["x"], 80, Layout()).column_width(table, 0) == 4  # "True"
    assert drawn == [5]  # "ab", "abc", 1, True and 1.0: equal values of different types are kept apart


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_score_column_draws_as_before(fmt: str) -> None:
    frame = pd.DataFrame({"score": [float("nan")] * 3, "case": ["a", "b", "c"]})
    shown = frame.astype(object).where(frame.notna(), "")
    assert grid(frame, fmt, 1) == drawer(fmt, [".1f", ".1f"])(shown, ["score", "case"])


anything = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1, 1.0, True, False, "1", "1.0", "2014", "008", "1e5", "1,000", " x ", "中文", "é"]),
    st.text(st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\x01"), max_size=8),
)


ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8)


@st.composite
def tabulate_calls(draw: st.DrawFn) -> tuple[list[list[object]], list[str], dict[str, object]]:
    n, m = draw(st.integers(1, 25)), draw(st.integers(1, 4))
    cell = draw(st.sampled_from([anything, ascii_text]))  # plain text is padded without tabulate: see _padded
    rows = draw(st.lists(st.lists(cell, min_size=m, max_size=m), min_size=n, max_size=n))
    header = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=6) | ascii_text
    headers = draw(st.lists(header, min_size=m, max_size=m))
    fmts = st.sampled_from(["g", ".1f", ".2f", ".3f"])
    options: dict[str, object] = {"tablefmt": "simple", "preserve_whitespace": True}
    options["floatfmt"] = draw(fmts | st.lists(fmts, min_size=m, max_size=m))
    if draw(st.booleans()):
        aligns = st.sampled_from(["global", "left", "right", "center", "decimal"])
        options["colalign"] = draw(st.lists(aligns, min_size=m, max_size=m))
    options["disable_numparse"] = draw(st.booleans() | st.lists(st.integers(0, m - 1), unique=True))
    return rows, headers, options


@settings(max_examples=300, deadline=None)
@given(tabulate_calls())
def test_a_terminal_table_drawn_column_by_column_is_tabulates_drawing(
    call: tuple[list[list[object]], list[str], dict[str, object]],
) -> None:
    rows, headers, options = call
    with _no_min_padding():
        assert _by_columns(rows, headers, options, {}) == tabulate(rows, headers=headers, **options)


def test_a_column_drawn_twice_is_drawn_once() -> None:
    memo: Memo = {}
    draw = drawer("table", "g", memo=memo)
    frame = pd.DataFrame({"id": [f"casé-{i % 7}" for i in range(300)], "n": [0.0, -0.0, 1.5] * 100})
    first = draw(frame, ["id", "n"])
    assert len(memo) == 2  # one drawing per column, each of its distinct cells (7 ids; 0.0, -0.0 and 1.5)
    assert sorted(len(cells) for _, _, cells in memo.values()) == [3, 7]
    assert draw(frame, ["id", "n"]) == first and len(memo) == 2
    assert "-0" in first.splitlines()[3]  # -0.0 is drawn as itself, not as the 0.0 it equals


def test_plain_text_is_padded_without_a_drawing() -> None:
    memo: Memo = {}
    frame = pd.DataFrame({"id": [f"case-{i}" for i in range(12)], "score": ["1.0", "22.5", ""] * 4})
    drawn = drawer("table", "g", verbatim=[1], memo=memo)(frame, ["id", "score"])
    assert memo == {}
    assert drawn.splitlines()[:4] == ["id       score", "-------  -----", "case-0     1.0", "case-1    22.5"]


def test_text_that_looks_like_a_number_is_drawn_as_written() -> None:
    frame = pd.DataFrame({"case": ["008", "1e5", "2014"], "score": [1.0, 2.0, 3.0]})
    for fmt in FORMATS:
        shown = grid(frame, fmt, 1)
        assert all(i in shown for i in ("008", "1e5", "2014")), shown
        assert "100000" not in shown and "2014.0" not in shown


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_the_one_encoder_writes_what_jsonencoder_writes(value: object) -> None:
    assert _plain(value) == json.JSONEncoder(allow_nan=False, ensure_ascii=False).encode(value)


@pytest.mark.parametrize("value", [1, 1.5, True, "x", None, float("nan")])
def test_plain_values_stay_as_they_are(value: object) -> None:
    got = plain(value)
    assert got is None if value != value else (got == value and type(got) is type(value))


@settings(max_examples=200, deadline=None)
@given(st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False))
def test_a_mapping_key_is_written_as_json_dumps_writes_it(key: object) -> None:
    text = json.dumps({key: 0}, ensure_ascii=False)
    assert _key(key) == text[1 : text.rindex(":")]
