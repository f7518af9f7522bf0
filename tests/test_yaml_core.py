"""yaml_core.py: plain scalars read as the YAML 1.2 core schema reads them (numbers, booleans), and YAML 1.1 forms."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signalscore.document import parse_text
from signalscore.yaml_core import yaml11_reading


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10", 10),
        ("-0", 0),
        ("+5", 5),
        ("0o17", 15),
        ("0x3", 3),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1.", 1.0),
        (".5", 0.5),
        ("01.5", 1.5),
        ("1e3", 1000.0),
        ("1.0e308", 1e308),
        ("1E-3", 0.001),
        ("-.inf", -math.inf),
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        # YAML 1.1 numbers and booleans that YAML 1.2 reads as text; a leading zero is text here too.
        ("010", "010"),
        ("-010", "-010"),
        ("09", "09"),
        ("1:30", "1:30"),
        ("0b10", "0b10"),
        ("1_0.5", "1_0.5"),
        ("1_000", "1_000"),
        ("yes", "yes"),
        ("No", "No"),
        ("on", "on"),
        ("=", "="),
        ("1e", "1e"),
        ("0x", "0x"),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, value: Any) -> None:
    doc, problems = parse_text("t.yaml", f"a: {text}\n")
    assert problems == []
    assert doc.data["a"] == value
    assert type(doc.data["a"]) is type(value)


def test_nan_is_a_float_and_explicit_tags_take_the_core_forms() -> None:
    doc, problems = parse_text("t.yaml", "a: .nan\nb: !!int 010\nc: !!float 1\nd: !!bool yes\ne: !!int 1_0\n")
    assert math.isnan(doc.data["a"])
    assert (doc.data["b"], doc.data["c"]) == (10, 1.0)
    assert [str(p) for p in problems] == [
        "t.yaml:4:4: d: 'yes' is not a valid boolean",
        "t.yaml:5:4: e: '1_0' is not a valid whole number",
    ]


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("010", "with a leading zero it is text, not octal or decimal; write 10"),
        ("1:30", "base-60 numbers are text; write 90"),
        ("-1:00:01.5", "base-60 numbers are text; write -3601.5"),
        ("0b101", "0b numbers are text; write 5"),
        ("1_0.5", "numbers with _ are text; write 10.5"),
        ("Yes", "Yes is text in YAML 1.2; write true"),
        ("off", "off is text in YAML 1.2; write false"),
        ("hello", None),
        ("10", None),
    ],
)
def test_yaml11_forms_say_what_to_write(text: str, reading: str | None) -> None:
    assert yaml11_reading(text) == reading


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=12), max_size=4))
def test_dump_writes_what_signalscore_reads_back(data: dict[str, str]) -> None:
    # PyYAML quotes by YAML 1.1 rules and would write `1e3` or `0o17` plain; read as YAML 1.2 they are numbers.
    from signalscore.document import parse_text
    from signalscore.yaml_core import dump

    doc, problems = parse_text("x.yaml", dump({"k": data, "tricky": ["1e3", "0o17", "0E0", ".5", "true", "~"]}))
    assert not problems and doc.data == {"k": data, "tricky": ["1e3", "0o17", "0E0", ".5", "true", "~"]}
