"""The invalid corpus: every file in tests/data/invalid/ yields exactly the problems it states (see its README).

Inputs that cannot carry comments (binary, oversize, generated) are made here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from signalscore.document import MAX_ALIAS_NODES, MAX_BYTES, MAX_DEPTH
from signalscore.errors import InputError, Problem
from signalscore.loader import load
from tests.conftest import DATA, Run

INVALID = DATA / "invalid"
RUBRICS = Path("_rubrics")  # relative to INVALID, the working folder of these tests
FILES = sorted(p.name for p in INVALID.glob("*.yaml"))


class Header:
    """What a corpus file states at its top: expected problems, and how to load it."""

    def __init__(self, name: str) -> None:
        self.expected: list[str] = []
        self.rubric: str | None = None
        self.also: list[str] = []
        for line in (INVALID / name).read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            directive, _, value = line.removeprefix("# ").partition(": ")
            if directive == "expect":
                self.expected.append(value)
            elif directive == "rubric":
                self.rubric = value.strip()
            elif directive == "also":
                self.also.append(value.strip())


def shown(problem: Problem) -> str:
    """A problem as validate prints it, without the leading 'path:'."""
    return str(problem).removeprefix(f"{problem.path}:")


def problems_of(paths: list[Path], rubric: str | None = None) -> list[Problem]:
    """Every problem (errors and warnings) the loader reports for the files."""
    try:
        return load(paths, rubric=rubric, rubrics_dir=RUBRICS).warnings
    except InputError as exc:
        return exc.problems


def test_the_corpus_is_large_and_every_file_states_its_expectations() -> None:
    assert len(FILES) >= 30
    kinds = {name.split("-")[0] for name in FILES}
    assert kinds == {"rubric", "case", "doc"}
    assert [name for name in FILES if not Header(name).expected] == []
    assert (INVALID / "README.md").is_file()
    assert all((INVALID / also).is_file() for name in FILES for also in Header(name).also)


@pytest.mark.parametrize("name", FILES)
def test_loader_reports_exactly_what_the_file_states(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    head = Header(name)
    problems = problems_of([*map(Path, head.also), Path(name)], head.rubric)
    assert sorted(shown(p) for p in problems) == sorted(head.expected)
    assert any(p.severity == "error" for p in problems)
    assert {p.path for p in problems} == {name}


@pytest.mark.parametrize("name", FILES)
def test_cli_prints_every_problem_located_and_exits_1(name: str, cli: Callable[..., Run]) -> None:
    head = Header(name)
    if head.rubric is None:
        run = cli("validate", *head.also, name, "--rubrics-dir", str(RUBRICS), cwd=INVALID)
    else:
        run = cli("score", *head.also, name, "--rubric", head.rubric, "--rubrics-dir", str(RUBRICS), cwd=INVALID)
    assert run.code == 1
    *lines, summary = run.err.splitlines()
    assert sorted(lines) == sorted(f"{name}:{e}" for e in head.expected)
    positions = [tuple(map(int, re.match(r"[^:]+:(\d+):(\d+):", line).groups())) for line in lines]  # type: ignore[union-attr]
    assert positions == sorted(positions)
    errors = sum(": warning: " not in line for line in lines)
    assert summary == f"{errors} problem{'s' * (errors != 1)} found"
    assert run.out == ""


def test_validate_on_the_whole_corpus_reports_every_file(cli: Callable[..., Run]) -> None:
    run = cli("validate", ".", "--rubrics-dir", str(RUBRICS), cwd=INVALID)
    assert run.code == 1
    printed = set(run.err.splitlines()[:-1])
    alone = [name for name in FILES if Header(name).rubric is None]
    # Together, the files know more rubric ids than _rubrics/ alone: only 'known: ...' lists differ.
    stated = {f"{name}:{e}" for name in alone for e in Header(name).expected if "(known: " not in e}
    assert stated <= printed
    assert {line.split(":")[0] for line in printed} == set(alone) | {"case-other-rubric.yaml"}


# Inputs that cannot carry comment lines: made here, each a located error with exit status 1, never a traceback.


def laughs(levels: int = 10) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "rubric: tiny\n" + "\n".join(lines) + "\n"


GENERATED: dict[str, tuple[bytes, str]] = {
    "latin1.yaml": (
        b"id: latin1\nrubric: tiny\ntitle: Caf\xe9 diplomacy\n",
        "latin1.yaml:3:11: (document): not valid UTF-8 (byte 0xe9); save the file as UTF-8",
    ),
    "latin1-after-utf8.yaml": (
        "id: x\ntitle: \u00e9t\u00e9 ".encode() + b"\xff\n",
        "latin1-after-utf8.yaml:2:12: (document): not valid UTF-8 (byte 0xff); save the file as UTF-8",
    ),
    "utf16.yaml": (
        "id: utf16\nrubric: tiny\n".encode("utf-16"),
        "utf16.yaml:1:1: (document): not valid UTF-8 (byte 0xff); save the file as UTF-8",
    ),
    "oversize.yaml": (
        b"id: oversize\nsummary: " + b"x" * MAX_BYTES + b"\n",
        f"oversize.yaml:1:1: (document): the file is larger than the limit of {MAX_BYTES} bytes (4 MiB)",
    ),
    "laughs.yaml": (
        laughs().encode(),
        f"laughs.yaml:6:5: l4.7: aliases expand to more than {MAX_ALIAS_NODES} values (a 'billion laughs' file?)",
    ),
    "deep-flow.yaml": (
        b"rubric: tiny\ncodings: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
        f"deep-flow.yaml:2:1009: (document): nesting deeper than {MAX_DEPTH} levels",
    ),
    "deep-block.yaml": (
        b"rubric: tiny\ncodings:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 1200)),
        f"deep-block.yaml:1001:1000: (document): nesting deeper than {MAX_DEPTH} levels",
    ),
    "recursive.yaml": (
        b"rubric: tiny\ncodings: &c {summit: *c}\n",
        "recursive.yaml:2:10: (document): an alias refers to the node that contains it (a recursive alias)",
    ),
    "nul-byte.yaml": (
        b"id: nul\nrubric: tiny\x00\n",
        "nul-byte.yaml:2:13: (document): YAML syntax: control character U+0000 is not allowed",
    ),
    "empty.yaml": (b"", "empty.yaml:1:1: (document): the file is empty (nothing but blank lines or comments)"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bad_input_is_one_located_error(name: str, tmp_path: Path, cli: Callable[..., Run]) -> None:
    content, message = GENERATED[name]
    (tmp_path / name).write_bytes(content)
    run = cli("validate", name, "--rubrics-dir", "none", cwd=tmp_path)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [message, "1 problem found"]


def test_a_python_tag_that_would_create_a_file_is_never_run(tmp_path: Path, cli: Callable[..., Run]) -> None:
    marker = tmp_path / "created-by-yaml"
    tags = [
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f'!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
        f'!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
        "!!python/name:os.system",
    ]
    body = "".join(f"k{i}: {tag}\n" for i, tag in enumerate(tags))
    (tmp_path / "evil.yaml").write_text("id: evil\nrubric: tiny\ntitle: Evil\n" + body, encoding="utf-8")
    run = cli("validate", "evil.yaml", "--rubrics-dir", "none", cwd=tmp_path)
    assert run.code == 1
    assert not marker.exists()
    lines = run.err.splitlines()
    for i, tag in enumerate(tags):
        name = tag.split(" ")[0]
        assert f"evil.yaml:{4 + i}:5: k{i}: unsupported YAML tag {name}" in lines
    assert not marker.exists()


def test_billion_laughs_in_a_valid_looking_rubric(tmp_path: Path, cli: Callable[..., Run]) -> None:
    lines = laughs().splitlines()[1:]
    text = "id: laughs\nversion: '1'\ntitle: L\n" + "\n".join(lines) + "\nfeatures: [*l9]\n"
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    run = cli("validate", "r.yaml", "--rubrics-dir", "none", cwd=tmp_path)
    assert run.code == 1
    assert "(a 'billion laughs' file?)" in run.err


def test_an_unreadable_path_is_a_located_error(tmp_path: Path, cli: Callable[..., Run]) -> None:
    run = cli("validate", "missing.yaml", "--rubrics-dir", "none", cwd=tmp_path)
    assert run.code == 1
    assert run.err.splitlines() == ["missing.yaml:1:1: (document): no such file or folder", "1 problem found"]


# The YAML mistakes that docs/format.md ("Errors") shows with their messages.
DOCUMENTED = [
    "doc-tab.yaml",
    "doc-apostrophe.yaml",
    "doc-text-after-quote.yaml",
    "doc-alias-value.yaml",
    "doc-reserved-character.yaml",
    "doc-colon-in-value.yaml",
    "doc-unclosed-quote.yaml",
    "doc-undefined-alias.yaml",
    "doc-bad-indentation.yaml",
]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_the_format_documents_each_yaml_syntax_message(name: str) -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "format.md").read_text(encoding="utf-8")
    (expected,) = Header(name).expected
    assert f"`{expected.split('YAML syntax: ', 1)[1]}`" in docs
