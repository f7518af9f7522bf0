"""Rendering: escaping per format, links, fitting the terminal width, deltas and sentences."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from signalscore.render import grid, markup_of, terminal_width
from signalscore.render.changes import signed
from signalscore.render.fitting import Layout, abbreviate, common_prefix, fit_table, widest
from signalscore.render.tabular import drawer
from tests.conftest import ROOT, THREE

Cli = Callable[..., Any]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", "a_b <i> & [x] | *y*"),
        ("markdown", r"a_b \<i> & \[x\] \| \*y\*"),
        ("html", "a_b &lt;i&gt; &amp; [x] | *y*"),
        ("latex", r"a\_b \textless{}i\textgreater{} \& {[}x{]} | *y*"),
    ],
)
def test_escape_makes_user_text_literal_in_each_format(fmt: str, expected: str) -> None:
    assert markup_of(fmt).escape("a_b <i> & [x] | *y*") == expected


def test_markdown_escapes_underscores_only_where_they_could_emphasise() -> None:
    assert markup_of("markdown").escape("trade_growth _x_") == r"trade_growth \_x\_"


def test_latex_escapes_every_special_character() -> None:
    assert markup_of("latex").escape("100% #1 $5 ~ ^ {} \\") == (
        r"100\% \#1 \$5 \textasciitilde{} \textasciicircum{} \{\} \textbackslash{}"
    )


def test_html_links_only_safe_schemes_and_escapes_the_url() -> None:
    html = markup_of("html")
    assert html.link("T", 'https://x.org/?a=1&b="2"') == '<a href="https://x.org/?a=1&amp;b=&quot;2&quot;">T</a>'
    assert html.link("T", "javascript:alert(1)") == "T <javascript:alert(1)>".replace("<j", "&lt;j").replace(
        ")>", ")&gt;"
    )
    assert html.link("T", None) == "T"


def test_other_formats_link_their_own_way() -> None:
    assert markup_of("markdown").link("T", "https://x.org/a b") == "[T](<https://x.org/a b>)"
    assert markup_of("latex").link("T", "https://x.org/#a%20") == (
        r"T \textless{}\texttt{https://\allowbreak{}x.org/\allowbreak{}\#a\%20}\textgreater{}"
    )
    assert markup_of("table").link("T", "https://x.org") == "T <https://x.org>"


def test_nested_lists_indent_in_plain_text_and_markdown() -> None:
    for fmt in ("table", "markdown"):
        m = markup_of(fmt)
        assert m.items(["a\n" + m.items(["b", "c"])]) == "- a\n  - b\n  - c"


def test_abbreviate_marks_the_cut() -> None:
    assert abbreviate("Explicit endorsement", 9) == "Explicit…"
    assert abbreviate("short", 9) == "short"


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [(1.25, 1, "+1.2"), (-0.04, 1, "0.0"), (0.0, 2, "0.00"), (-3.0, 0, "-3"), (math.nan, 1, "")],
)
def test_signed_deltas(value: float, precision: int, shown: str) -> None:
    assert signed(value, precision) == shown


def test_common_prefix_stops_at_a_hyphen_and_never_empties_an_id() -> None:
    assert common_prefix(["cn-ru-2008-georgia", "cn-ru-2014-crimea"]) == "cn-ru-"
    assert common_prefix(["cn-ru-2008", "cn-ru-2009"]) == "cn-ru-"
    assert common_prefix(["a-1", "a-1-b"]) == "a-"
    assert common_prefix(["a-", "a-b"]) == ""
    assert common_prefix(["cn-ru-2008"]) == ""
    assert common_prefix(["alpha", "beta"]) == ""


def test_grid_escapes_cells_and_headers_in_latex_and_html() -> None:
    frame = pd.DataFrame({"score_low": [1.25], "case": ["a&b<c>"]})
    assert r"score\_low" in grid(frame, "latex") and r"a\&b\textless{}c\textgreater{}" in grid(frame, "latex")
    assert "<td>a&amp;b&lt;c&gt;</td>" in grid(frame, "html").replace(" ", "")
    assert "1.2" in grid(frame, "table") and "1.250" in grid(frame, "table", precision=3)


def test_fit_cuts_the_named_columns_in_order_until_the_table_fits() -> None:
    frame = pd.DataFrame({"label": ["a rather long label for a feature", "short"], "other": ["x" * 20, "y"]})
    draw = drawer("table")
    text = fit_table(draw, frame, ["label", "other"], 40, Layout(shrink=["label"])).text
    assert widest(text) <= 40
    assert text.splitlines()[2] == "a rather long lab…  " + "x" * 20


def test_grid_uses_short_headers_only_when_the_full_table_is_too_wide() -> None:
    frame = pd.DataFrame({"case": ["c1"], "score_low": [1.0], "score_high": [2.0]})
    assert "score_low" in grid(frame, "table", width=80, short={"score_low": "low"})
    narrow = grid(frame, "table", width=20, short={"score_low": "low", "score_high": "high"})
    assert "score_low" not in narrow and widest(narrow) <= 20


def test_terminal_width_follows_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "123")
    assert terminal_width() == 123


@pytest.mark.skipif(sys.__stdout__ is not None and sys.__stdout__.isatty(), reason="stdout is a terminal")
def test_terminal_width_is_80_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert terminal_width() == 80


@pytest.mark.parametrize("args", [["compare"], ["score"], ["explain", "cn-ru-2022-ukraine"]])
def test_bundled_cases_read_in_an_80_column_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = cli(*args, cwd=ROOT)
    assert run.code == 0, run.err
    assert widest(run.out) <= 80, [line for line in run.out.splitlines() if len(line) > 80]


def test_bundled_compare_shows_every_case_and_feature(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("compare", *THREE, cwd=ROOT).out
    header = out.splitlines()[2].split()
    assert header == ["2008-georgia", "2014-crimea", "Δ", "2022-ukraine", "Δ"]
    for feature in ("explicit_endorsement", "sanction_compliance", "costliness"):
        assert f"  {feature} " in out
    assert "ids without the shared prefix cn-ru-" in out
    assert out.count("\n  - ") == 6  # three sentences for each of the two pairs


def test_wide_terminal_shows_full_labels_and_ids(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = cli("compare").out
    assert "alpha-2010" in out.splitlines()[2] and "  Trade growth (percent)" in out and "…" not in out


HOSTILE_CASE = """\
id: hostile
rubric: demo
title: <script>alert("t")</script> & co
sender: A
recipient: B
sources:
  - {id: s1, title: "<b>T</b>", url: "javascript:alert(1)"}
  - {id: s2, title: "Fine & dandy", url: "https://example.org/?a=1&b=2"}
codings:
  endorse:
    value: 1
    rationale: "x < y & z"
    evidence:
      - {source: s1, quote: "</li><script>evil()</script>"}
      - {source: s2, quote: "it's \\"quoted\\""}
"""


def test_explain_html_escapes_hostile_text_and_links_only_safe_urls(cli: Cli, tmp_path: Path) -> None:
    case = tmp_path / "hostile.yaml"
    case.write_text(HOSTILE_CASE, encoding="utf-8")
    run = cli("explain", str(case), "--format", "html", "--rubrics-dir", str(ROOT / "tests/data/valid/demo/rubrics"))
    assert run.code == 0, run.err
    assert "<script>" not in run.out and "javascript:" not in run.out.replace("&lt;javascript:", "")
    assert "&lt;/li&gt;&lt;script&gt;evil()&lt;/script&gt;" in run.out
    assert '<a href="https://example.org/?a=1&amp;b=2">Fine &amp; dandy</a>' in run.out
    assert "x &lt; y &amp; z" in run.out


def test_json_never_carries_nan_or_infinity() -> None:
    from signalscore.render.tabular import to_json

    data = {"score": math.inf, "rows": [{"low": -math.inf, "mean": math.nan, "n": 1.5}], "pair": (math.nan, 2)}
    text = to_json(data)
    assert json.loads(text) == {"score": None, "rows": [{"low": None, "mean": None, "n": 1.5}], "pair": [None, 2]}
    assert "NaN" not in text and "Infinity" not in text


_HOSTILE = st.text(st.characters() | st.sampled_from("\x00\x1b\x7f\x85\x9b\u202e\u2028\u2029\n\t"), max_size=8)
_JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), _HOSTILE
)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_HOSTILE, inner, max_size=4),
    max_leaves=30,
)


@given(_JSON)
@example({"del\x7f": ["\x7f", "\x1b[2J"]})  # ASCII, with the one control json leaves as it is
def test_to_json_is_the_same_data_as_json_dumps(data: object) -> None:
    import json

    from signalscore.render.tabular import to_json
    from signalscore.safe_text import UNSAFE_IN_LINES

    text = to_json(data)
    assert json.loads(text) == json.loads(json.dumps(data))
    assert UNSAFE_IN_LINES.search(text) is None  # every control, bidi and separator character escaped


def test_to_json_indents_containers_of_containers_and_keeps_plain_ones_on_a_line() -> None:
    from signalscore.render.tabular import to_json

    text = to_json({"cases": [{"id": "a", "dims": {"d": 1.5}, "features": [{"id": "f", "value": None}]}]})
    assert text == (
        '{\n  "cases": [\n    {\n      "id": "a",\n      "dims": {"d": 1.5},\n'
        '      "features": [\n        {"id": "f", "value": null}\n      ]\n    }\n  ]\n}\n'
    )
    assert to_json({2: [1.0, float("inf")], None: {}}) == '{\n  "2": [1.0, null],\n  "null": {}\n}\n'
