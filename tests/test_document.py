"""document.py: safe YAML to data with positions; every refusal is a located problem, never an exception."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from signalscore import document
from signalscore.document import MAX_ALIAS_NODES, MAX_BYTES, MAX_DEPTH, dotted, parse_file, parse_text
from signalscore.errors import Issue, Problem
from signalscore.yaml_core import core_loader


def messages(text: str) -> list[str]:
    """Problems of parsing text, as 'line:column: where: message'."""
    _, problems = parse_text("f.yaml", text)
    return [str(p).removeprefix("f.yaml:") for p in problems]


def laughs(levels: int = 10, width: int = 10) -> str:
    """A 'billion laughs' document: each level an alias list of the one before."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_positions_of_keys_and_values_are_one_based() -> None:
    doc, problems = parse_text("f.yaml", "id: x\nfeatures:\n  - id: a\n    weight: 2\n")
    assert problems == []
    assert doc.data == {"id": "x", "features": [{"id": "a", "weight": 2}]}
    assert doc.keys[("features",)] == (2, 1)
    assert doc.values[("features", 0)] == (3, 5)
    assert doc.values[("features", 0, "weight")] == (4, 13)
    assert doc.keys[("features", 0, "weight")] == (4, 5)


def test_problem_falls_back_to_the_nearest_located_parent() -> None:
    doc, _ = parse_text("f.yaml", "features:\n  - id: a\n")
    problem = doc.problem(Issue(("features", 0, "scale"), "missing required key 'scale'"))
    assert problem == Problem("f.yaml", 2, 5, "features.0.scale", "missing required key 'scale'")


def test_python_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f'id: x\nrun: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    doc, problems = parse_file(path)
    assert [str(p) for p in problems] == [f"{path}:2:6: run: unsupported YAML tag !!python/object/apply:os.system"]
    assert not marker.exists()
    assert doc.data == {"id": "x", "run": None}
    assert doc.damaged == [("run",)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!python/name:os.system ''\n", "1:4: a: unsupported YAML tag !!python/name:os.system"),
        ("a: !custom 1\n", "1:4: a: unsupported YAML tag !custom"),
        ("a: !!binary aGVsbG8=\n", "1:4: a: unsupported YAML tag !!binary"),
        ("a: !!set {x}\n", "1:4: a: unsupported YAML tag !!set"),
        ("a: !!omap [x: 1]\n", "1:4: a: unsupported YAML tag !!omap"),
        ("a: !!bool maybe\n", "1:4: a: 'maybe' is not a valid boolean"),
        ("a: !!int x1\n", "1:4: a: 'x1' is not a valid whole number"),
        ("d: 2008-13-45\n", "1:4: d: '2008-13-45' is not a valid date: month must be in 1..12"),
    ],
)
def test_values_we_will_not_read_are_located(text: str, expected: str) -> None:
    assert messages(text) == [expected]


def test_a_whole_document_under_a_tag_is_refused() -> None:
    doc, problems = parse_text("f.yaml", "--- !!python/object:os.system {}\n")
    assert [str(p) for p in problems] == ["f.yaml:1:5: (document): unsupported YAML tag !!python/object:os.system"]
    assert doc.damaged == [()]


def test_duplicate_keys_are_reported_at_the_second_and_the_first_value_stands() -> None:
    doc, problems = parse_text("f.yaml", "id: x\nfeatures:\n  - id: a\n    id: b\nid: y\n")
    assert [str(p) for p in problems] == [
        "f.yaml:4:5: features.0.id: duplicate key 'id' (first at line 3, column 5)",
        "f.yaml:5:1: id: duplicate key 'id' (first at line 1, column 1)",
    ]
    assert doc.data == {"id": "x", "features": [{"id": "a"}]}
    assert doc.damaged == []


def test_merge_and_complex_keys_drop_only_their_entry() -> None:
    doc, problems = parse_text("f.yaml", "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n? [a, b]\n: 1\n")
    assert [str(p).removeprefix("f.yaml:") for p in problems] == [
        "3:3: other: merge keys (<<) are not supported; write the keys out",
        "5:3: (document): a mapping key must be a plain value, not a list or mapping",
    ]
    assert doc.data == {"base": {"x": 1}, "other": {"y": 2}}


def test_recursive_alias_is_refused() -> None:
    doc, problems = parse_text("f.yaml", "a: &a [1, *a]\n")
    assert [str(p) for p in problems] == [
        "f.yaml:1:4: (document): an alias refers to the node that contains it (a recursive alias)"
    ]
    assert not doc.built


def test_billion_laughs_fails_fast_in_bounded_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    doc, problems = parse_text("f.yaml", laughs())
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Reported where the alias that crosses the bound is used: the 8th alias in l4's list (10**4 * 8 > 10**5).
    assert [str(p) for p in problems] == [
        f"f.yaml:5:5: l4.7: aliases expand to more than {MAX_ALIAS_NODES} values (a 'billion laughs' file?)"
    ]
    assert not doc.built and doc.data is None
    # 10**10 'lol's if expanded; the bound stops at 10**5 nodes. Generous limits, not a benchmark.
    assert peak < 200 * 1024 * 1024
    assert seconds < 30


def test_aliases_within_the_bound_are_expanded() -> None:
    doc, problems = parse_text("f.yaml", "a: &a [1, 2]\nb: *a\nc: *a\n")
    assert problems == []
    assert doc.data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_alias_bound_counts_every_expanded_value() -> None:
    size = 1000  # each alias of `a` expands to its list and 999 items
    aliases = MAX_ALIAS_NODES // size
    text = f"a: &a [{', '.join(['x'] * (size - 1))}]\n" + "".join(f"k{i}: *a\n" for i in range(aliases))
    assert parse_text("f.yaml", text)[1] == []  # exactly at the bound
    problems = parse_text("f.yaml", text + "last: [1, *a]\n")[1]
    assert [str(p) for p in problems] == [
        f"f.yaml:{aliases + 2}:7: last.1: aliases expand to more than {MAX_ALIAS_NODES} values"
        " (a 'billion laughs' file?)"
    ]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5000])
def test_deep_flow_nesting_is_refused(depth: int) -> None:
    problems = messages("a: " + "[" * depth + "]" * depth + "\n")
    assert len(problems) == 1
    assert problems[0].endswith(f"(document): nesting deeper than {MAX_DEPTH} levels")


def test_deep_block_nesting_is_refused() -> None:
    text = "".join(" " * i + "k:\n" for i in range(1500))
    assert messages(text) == [f"1000:1001: (document): nesting deeper than {MAX_DEPTH} levels"]


def test_nesting_at_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 1  # the top-level key is one level more
    doc, problems = parse_text("f.yaml", "a: " + "[" * depth + "]" * depth + "\n")
    assert problems == []
    assert doc.built


def test_pure_python_parser_is_as_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "_Loader", core_loader(yaml.SafeLoader))
    assert messages("a: 010\nb: 1e3\n") == []  # the same YAML 1.2 readings
    assert document.parse_text("t.yaml", "a: 010\nb: 1e3\n")[0].data == {"a": "010", "b": 1000.0}
    assert messages("a: !!python/object/apply:os.system [true]\n") == [
        "1:4: a: unsupported YAML tag !!python/object/apply:os.system"
    ]
    assert messages(laughs())[0].endswith("(a 'billion laughs' file?)")
    assert messages("a: " + "[" * 5000 + "]" * 5000 + "\n")[0].endswith(f"nesting deeper than {MAX_DEPTH} levels")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: x\nfeatures: [a, b\n",
            "3:1: (document): YAML syntax: did not find expected ',' or ']' "
            "(while parsing a flow sequence at line 2, column 11)",
        ),
        (
            "id: x\n  bad: indent\n",
            "2:6: (document): YAML syntax: this line is indented more than the keys above it:"
            " indent it as far as the keys of its mapping",
        ),
        (
            "id: a\n---\nid: b\n",
            "2:1: (document): YAML syntax: expected a single document in the stream, but found another document",
        ),
        (
            "a: 'open\n",
            "2:1: (document): YAML syntax: the quote ' opened at line 1, column 4 is never closed:"
            " end the value with '",
        ),
        ("a: \x01\n", "1:4: (document): YAML syntax: control character U+0001 is not allowed"),
        ("id: x\nb: ok\x00\n", "2:6: (document): YAML syntax: control character U+0000 is not allowed"),
        (
            "a: *nowhere\n",
            "1:4: (document): YAML syntax: *nowhere reads as an alias of an anchor &nowhere that is not defined:"
            " if it is text, put the whole value in quotes",
        ),
    ],
)
def test_syntax_errors_are_located(text: str, expected: str) -> None:
    assert messages(text) == [expected]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    doc, problems = parse_text("f.yaml", text)
    assert [str(p) for p in problems] == [
        "f.yaml:1:1: (document): the file is empty (nothing but blank lines or comments)"
    ]
    assert not doc.built


def test_non_utf8_byte_is_located_by_character(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes('id: x\ntitle: "été caf'.encode() + b'\xe9"\n')
    _, problems = parse_file(path)
    assert [str(p) for p in problems] == [
        f"{path}:2:16: (document): not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_utf16_file_is_refused_at_its_first_byte(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes("id: x\n".encode("utf-16"))
    _, problems = parse_file(path)
    assert [(p.line, p.column, p.message) for p in problems] == [
        (1, 1, "not valid UTF-8 (byte 0xff); save the file as UTF-8")
    ]


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: x\n")
    doc, problems = parse_file(path)
    assert problems == [] and doc.data == {"id": "x"}


def test_size_limit(tmp_path: Path) -> None:
    at_limit = tmp_path / "at.yaml"
    at_limit.write_bytes(b"a: " + b"x" * (MAX_BYTES - 4) + b"\n")
    doc, problems = parse_file(at_limit)
    assert problems == [] and doc.built
    over = tmp_path / "over.yaml"
    over.write_bytes(b"a: " + b"x" * (MAX_BYTES - 3) + b"\n")
    doc, problems = parse_file(over)
    assert [str(p) for p in problems] == [
        f"{over}:1:1: (document): the file is larger than the limit of {MAX_BYTES} bytes (4 MiB)"
    ]
    assert not doc.built


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    _, problems = parse_file(tmp_path)  # a folder cannot be read as a file
    assert [p.message for p in problems] == ["not a regular file (a folder): not read"]
    gone = tmp_path / "gone.yaml"
    assert parse_file(gone)[1][0].message == "cannot read: No such file or directory"


def test_dotted_quotes_keys_that_are_not_plain_words() -> None:
    assert dotted(("features", 3, "weight")) == "features.3.weight"
    assert dotted(("codings", "n/a", "x-y", "été")) == "codings.n/a.x-y.été"
    assert dotted(("codings", "a\nb", "two words", "x.y", None, 1.5)) == "codings.'a\\nb'.'two words'.'x.y'.None.1.5"


def test_a_key_with_a_newline_stays_on_one_line() -> None:
    assert messages('a: 1\n"x\\ny": 2\n"x\\ny": 3\n') == [
        "3:1: 'x\\ny': duplicate key 'x\\ny' (first at line 2, column 1)"
    ]


_FIX_QUOTES = "put the whole value in quotes"
MISTAKES = [
    ("id: x\n\tsender: b\n", "2:1", "a tab character: YAML indents with spaces only; replace the tab with spaces"),
    (
        "id: x\nc:\n  a:\n\t  value: 1\n",
        "4:1",
        "a tab character: YAML indents with spaces only; replace the tab with spaces",
    ),
    (
        "title: 'China's support'\n",
        "1:15",
        "an apostrophe inside a value in single quotes ends it: write the apostrophe twice (China''s),"
        " or put the value in double quotes",
    ),
    (
        "s:\n  - {id: a, title: 'It's'}\n",
        "2:24",
        "an apostrophe inside a value in single quotes ends it: write the apostrophe twice (It''s),"
        " or put the value in double quotes",
    ),
    (
        'title: "China" support\n',
        "1:16",
        f"text after a closing quote: {_FIX_QUOTES} (in single quotes if it holds double quotes)",
    ),
    (
        "title: 'a' b\n",
        "1:12",
        f"text after a closing quote: {_FIX_QUOTES} (in single quotes if it holds double quotes)",
    ),
    (
        "title: *bold* claims\n",
        "1:13",
        f"a value that begins with '*' starts an alias (a reference to an anchor): {_FIX_QUOTES}",
    ),
    ("title: & co\n", "1:9", f"a value that begins with '&' starts an anchor (a name for the value): {_FIX_QUOTES}"),
    ("title: [draft] text\n", "1:16", f"a value that begins with '[' starts a list: {_FIX_QUOTES}"),
    ("title: {draft} text\n", "1:16", f"a value that begins with '{{' starts a mapping: {_FIX_QUOTES}"),
    ("title: | a\n", "1:10", f"a value that begins with '|' starts a block of text on the lines below: {_FIX_QUOTES}"),
    ("quote: - a\n", "1:8", f"a value that begins with '-' starts a list item: {_FIX_QUOTES}"),
    ("title: @user said\n", "1:8", f"a plain value cannot start with '@': {_FIX_QUOTES}"),
    ("title: `code` here\n", "1:8", f"a plain value cannot start with a backtick (`): {_FIX_QUOTES}"),
    (
        "title: Note: this\n",
        "1:12",
        f"': ' (a colon and a space) inside a plain value reads as a new key: {_FIX_QUOTES}",
    ),
    (
        "c:\n  a:\n    rationale: He said: yes\n",
        "3:23",
        f"': ' (a colon and a space) inside a plain value reads as a new key: {_FIX_QUOTES}",
    ),
]


@pytest.mark.parametrize("parser", ["C", "Python"])
@pytest.mark.parametrize(("text", "at", "expected"), MISTAKES)
def test_syntax_mistakes_say_what_is_wrong_and_how_to_fix_it(
    text: str, at: str, expected: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if parser == "Python":
        monkeypatch.setattr(document, "_Loader", core_loader(yaml.SafeLoader))
    assert messages(text) == [f"{at}: (document): YAML syntax: {expected}"]


_LOST = "the text after ' #' is a comment, so the value {read}: if the '#' belongs to the value, put the whole value in quotes (comment-after-value)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: Talks #2\n", "1:14: title: warning: " + _LOST.format(read="reads 'Talks'")),
        ("c:\n  x:\n    rationale: #1 in rank\n", "3:16: c.x.rationale: warning: " + _LOST.format(read="is empty")),
        ("summary: a\n  b  # c\n", "2:6: summary: warning: " + _LOST.format(read="reads 'a b'")),
        ("features:\n  - label: A #b\n", "2:14: features.0.label: warning: " + _LOST.format(read="reads 'A'")),
    ],
)
def test_a_comment_after_a_plain_prose_value_is_a_warning_at_the_hash(text: str, expected: str) -> None:
    assert messages(text) == [expected]


@pytest.mark.parametrize(
    "text", ["title: 'a #b'  # c\n", "value: 2  # strong\n", "note: issue#1\n", 'quote: "x" # y\n']
)
def test_no_warning_for_a_quoted_value_a_non_prose_key_or_a_hash_inside_a_word(text: str) -> None:
    assert messages(text) == []
