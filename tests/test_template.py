"""`signalscore new case`: the template validates as written, scores once filled in, never overwrites."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalscore.api import load_cases, score
from signalscore.errors import UsageError
from signalscore.loader import load
from signalscore.rubric import Rubric
from signalscore.schema import schema_of
from signalscore.template import allowed_values, case_template

DEMO = Path(__file__).resolve().parent / "data" / "valid" / "demo"
# The values of the demo case alpha-2010, which scores 8.125 (tests/golden/score.json).
ALPHA_2010 = {
    "endorse": "2",
    "meetings": "3",
    "hedging": "1",
    "aid": "true",
    "trade_growth": "12.5",
    "exercises": "n/a",
}


class _Quoting(yaml.SafeDumper):
    """Writes every string double-quoted: PyYAML's dumper follows YAML 1.1 and leaves `0E0` plain,
    which signalscore (reading YAML 1.2) takes as a number."""


_Quoting.add_representer(str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(DEMO / "rubrics", tmp_path / "rubrics")
    (tmp_path / "cases").mkdir()
    return tmp_path


def demo_rubric() -> Rubric:
    return next(iter(load([DEMO / "rubrics" / "demo.yaml"]).rubrics.values()))


def fill(text: str, values: dict[str, str]) -> str:
    """Edit a template as an analyst would: each feature's `value: unknown` line, the sources, one evidence."""
    lines, feature = [], None
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            feature = line.strip().removesuffix(":")
        if line == "    value: unknown" and feature in values:
            line = f"    value: {values[feature]}"
            if values[feature] not in ("n/a", "unknown"):
                line += "\n    confidence: high\n    evidence:\n      - {source: joint-2010, quote: 'q'}"
        lines.append("sources:\n  - {id: joint-2010, title: Joint statement}" if line == "# sources:" else line)
    return "\n".join(lines) + "\n"


def test_template_lists_every_feature_as_unknown() -> None:
    rubric = demo_rubric()
    text = case_template("beta-2024", rubric, "T", "A", "B")
    data = yaml.safe_load(text)
    assert list(data["codings"]) == [f.id for f in rubric.features]
    assert all(c == {"value": "unknown"} for c in data["codings"].values())
    assert "sources" not in data  # optional: the example below the header is commented out, to uncomment
    assert "    #   2: adopts the frame" in text.splitlines()
    assert "    # ordinal scale, weight 1; NEGATIVE: higher values lower the score. Values:" in text.splitlines()
    assert "  # --- deeds: Deeds (dimension weight 3) ---" in text.splitlines()


def test_template_validates_as_written_and_against_the_schema(workspace: Path) -> None:
    path = workspace / "cases" / "beta-2024.yaml"
    path.write_text(case_template("beta-2024", demo_rubric(), 'He said: "no"', "A", "B"), encoding="utf-8")
    corpus = load([path], rubrics_dir=workspace / "rubrics")
    assert [c.title for c in corpus.cases] == ['He said: "no"']
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema_of("case"))


# A commented example line: a key of a case, source, coding or evidence item, or a list item, after '# '.
EXAMPLE = re.compile(
    r"^(\s*)# (\s*(?:- )?(?:episode|period|coder|summary|sources|id|title|publisher|date|url|confidence|rationale"
    r"|evidence|source|quote):)",
    re.MULTILINE,
)


def test_uncommenting_every_example_gives_a_valid_case(workspace: Path) -> None:
    text = case_template("beta-2024", demo_rubric(), "T", "A", "B")
    uncommented = EXAMPLE.sub(r"\1\2", text)
    features = len(demo_rubric().features)
    assert len(uncommented.splitlines()) == len(text.splitlines())
    assert text.count("\n# ") - uncommented.count("\n# ") == 10  # the header and source examples
    assert uncommented.count("    evidence:\n      - source: source-1  #") == features
    path = workspace / "cases" / "beta-2024.yaml"
    path.write_text(uncommented, encoding="utf-8")
    corpus = load([path], rubrics_dir=workspace / "rubrics")  # raises InputError on any problem
    (case,) = corpus.cases
    assert [s.id for s in case.sources] == ["source-1"]
    assert case.period is not None and case.coder == "..."
    assert all(len(c.evidence) == 1 and c.confidence == "medium" for c in case.codings.values())


def test_filled_in_template_scores_like_the_case_it_copies(workspace: Path) -> None:
    path = workspace / "cases" / "beta-2010.yaml"
    path.write_text(fill(case_template("beta-2010", demo_rubric(), "T", "A", "B"), ALPHA_2010), encoding="utf-8")
    scores = score(load_cases(path, rubrics_dir=workspace / "rubrics")).cases
    assert scores["score"].tolist() == [pytest.approx(8.125)]
    assert scores["coverage"].tolist() == [1.0]


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        ({"type": "binary"}, ["true or false"]),
        ({"type": "count", "cap": 4}, ["a whole number >= 0; 4 or more scores 1"]),
        ({"type": "continuous", "min": -10, "max": 30}, ["a number; -10 or less scores 0, 30 or more scores 1"]),
        (
            {"type": "ordinal", "levels": {1: {"label": "b", "value": 1.0}, 0: {"label": "a", "value": 0.0}}},
            [
                "0: a (scores 0)",
                "1: b (scores 1)",
            ],
        ),
    ],
)
def test_allowed_values(scale: dict[str, Any], expected: list[str]) -> None:
    from signalscore.rubric import Scale

    assert allowed_values(Scale.model_validate(scale)) == expected


def test_new_case_cli_writes_then_refuses_to_overwrite(cli: Callable[..., Any], workspace: Path) -> None:
    args = ("new", "case", "beta-2024", "--rubric", "demo", "--sender", "Alpha", "-o", "cases/beta-2024.yaml")
    first = cli(*args, cwd=workspace)
    assert first.code == 0, first.err
    written = (workspace / "cases" / "beta-2024.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(written)["sender"] == "Alpha"
    assert cli("validate", "--strict", cwd=workspace).code == 0
    second = cli(*args, cwd=workspace)
    assert second.code == 2
    assert second.err == "Error: cases/beta-2024.yaml already exists; refusing to overwrite it\n"
    assert (workspace / "cases" / "beta-2024.yaml").read_text(encoding="utf-8") == written
    assert [p.name for p in (workspace / "cases").iterdir()] == ["beta-2024.yaml"]


def test_new_case_refuses_an_id_a_case_of_the_workspace_already_has(cli: Callable[..., Any], workspace: Path) -> None:
    shutil.copy(DEMO / "cases" / "alpha-2010.yaml", workspace / "cases" / "a.yaml")
    (workspace / "cases" / "notes.yaml").write_text("id: [broken\n", encoding="utf-8")  # unreadable: skipped
    for output in ([], ["-o", "cases/alpha-2010.yaml"]):
        run = cli("new", "case", "alpha-2010", "-r", "demo", *output, cwd=workspace)
        assert (run.code, run.out) == (2, "")
        assert run.err == (
            "Error: case id 'alpha-2010' is already used by cases/a.yaml: choose another id"
            " (a second coder's coding of that case is a copy of that file with its own coder:)\n"
        )
    assert sorted(p.name for p in (workspace / "cases").iterdir()) == ["a.yaml", "notes.yaml"]
    assert cli("new", "case", "alpha-2011", "-r", "demo", cwd=workspace).code == 0


def test_new_case_refuses_an_id_a_case_beside_its_output_already_has(cli: Callable[..., Any], workspace: Path) -> None:
    (workspace / "panel" / "deeper").mkdir(parents=True)
    shutil.copy(DEMO / "cases" / "alpha-2010.yaml", workspace / "panel" / "a.yaml")
    run = cli("new", "case", "alpha-2010", "-r", "demo", "-o", "panel/alpha-2010.yaml", cwd=workspace)
    assert (run.code, run.err.split(": choose")[0]) == (
        2,
        "Error: case id 'alpha-2010' is already used by panel/a.yaml",
    )
    assert sorted(p.name for p in (workspace / "panel").iterdir()) == ["a.yaml", "deeper"]
    # the folder's own files only: one below it, or elsewhere outside ./cases, is not looked for
    assert cli("new", "case", "alpha-2010", "-r", "demo", "-o", "panel/deeper/x.yaml", cwd=workspace).code == 0


def test_new_case_cli_prints_without_output(cli: Callable[..., Any]) -> None:
    run = cli("new", "case", "beta-2024", "-r", "rubrics/demo.yaml")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "# yaml-language-server: $schema=../schemas/case.schema.json"
    assert yaml.safe_load(run.out)["id"] == "beta-2024"


def test_new_case_points_at_the_nearest_schemas_folder(cli: Callable[..., Any], workspace: Path) -> None:
    (workspace / "schemas").mkdir()
    (workspace / "schemas" / "case.schema.json").write_text(json.dumps(schema_of("case")), encoding="utf-8")
    (workspace / "cases" / "deep").mkdir()
    assert cli("new", "case", "x", "-r", "demo", "-o", "cases/deep/x.yaml", cwd=workspace).code == 0
    first = (workspace / "cases" / "deep" / "x.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/case.schema.json"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("Beta 2024", "-r", "demo"),
            "Error: case id 'Beta 2024' is not a slug (lowercase letters, digits and dashes)",
        ),
        (("beta", "-r", "demo", "-o", "nowhere/beta.yaml"), "Error: folder nowhere does not exist"),
        (("beta", "-r", "nosuch"), "Error: rubric 'nosuch': no such file, and no rubric with that id"),
    ],
)
def test_new_case_cli_refusals(cli: Callable[..., Any], workspace: Path, args: tuple[str, ...], message: str) -> None:
    run = cli("new", "case", *args, cwd=workspace)
    assert run.code == 2
    assert run.err.startswith(message)
    assert run.out == ""
    assert list((workspace / "cases").iterdir()) == []


def test_new_case_needs_a_rubric(cli: Callable[..., Any]) -> None:
    run = cli("new", "case", "beta")
    assert run.code == 2
    assert "Missing option '--rubric'" in run.err


# Any text a rubric can hold (YAML escapes reach every character but surrogates); options may hold anything.
RUBRIC_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
OPTION_TEXT = st.text(st.characters(exclude_categories=[]), max_size=40)
HOSTILE = ["1\ncoder: mallory", "x\r\n  extra: 1", "\x85\u2028\u2029\x1b\x7f\x9b\u202e", "#", "'\"", "\udcff", ""]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case_id=st.one_of(st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True), st.text(max_size=8)),
    version=st.one_of(RUBRIC_TEXT, st.sampled_from(HOSTILE[:5])),
    label=st.one_of(RUBRIC_TEXT, st.sampled_from(HOSTILE[:5])),
    title=st.one_of(OPTION_TEXT, st.sampled_from(HOSTILE)),
    sender=OPTION_TEXT,
)
def test_template_structure_holds_for_any_text(case_id: str, version: str, label: str, title: str, sender: str) -> None:
    data = yaml.safe_load((DEMO / "rubrics" / "demo.yaml").read_text(encoding="utf-8"))
    data |= {"version": version, "title": label, "description": label}
    data["features"][0] |= {"label": label, "guidance": label}
    data["features"][0]["scale"]["levels"][1] = label
    data["dimensions"][0]["label"] = label
    with tempfile.TemporaryDirectory() as folder:
        rubric = Path(folder) / "rubric.yaml"
        rubric.write_text(yaml.dump(data, Dumper=_Quoting, allow_unicode=True), encoding="utf-8")
        chosen = next(iter(load([rubric]).rubrics.values()))
        try:
            text = case_template(case_id, chosen, title, sender, "B", "../x\ny: 1")
        except UsageError:
            assert (
                not re.fullmatch(r"[a-z0-9][a-z0-9-]*", case_id)
                or not title.strip()
                or not sender.strip()
                or any(0xD800 <= ord(c) <= 0xDFFF for c in title + sender)
            )
            return
        written = yaml.safe_load(text)
        assert list(written) == ["id", "rubric", "title", "sender", "recipient", "codings"]
        assert (written["id"], written["title"], written["sender"]) == (case_id, title, sender)
        assert list(written["codings"]) == [f.id for f in chosen.features]
        path = Path(folder) / "case.yaml"
        path.write_text(text, encoding="utf-8")
        corpus = load([path], rubric=str(rubric))
        assert [c.title for c in corpus.cases] == [title]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--title", "\udcff", "Error: --title is not valid UTF-8 text ('\\udcff')"),
        ("--sender", "", "Error: --sender must not be empty"),
    ],
)
def test_new_case_refuses_text_a_case_cannot_hold(
    cli: Callable[..., Any], workspace: Path, option: str, value: str, message: str
) -> None:
    run = cli("new", "case", "beta", "-r", "demo", option, value, "-o", "cases/beta.yaml", cwd=workspace)
    assert run.code == 2
    assert run.err.splitlines() == [message]
    assert list((workspace / "cases").iterdir()) == []


def test_new_case_keeps_a_hostile_rubric_version_in_its_comment(cli: Callable[..., Any], workspace: Path) -> None:
    rubric = workspace / "rubrics" / "demo.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace('"1.0.0"', '"1\\ncoder: mallory"'), "utf-8")
    title = "A\x1bB\nC\x7f"
    run = cli("new", "case", "beta", "-r", "demo", "--title", title, "-o", "cases/beta.yaml", cwd=workspace)
    assert run.code == 0, run.err
    data = yaml.safe_load((workspace / "cases" / "beta.yaml").read_text(encoding="utf-8"))
    assert "coder" not in data and data["title"] == title
    assert cli("validate", cwd=workspace).code == 0


@pytest.mark.parametrize(("case_id", "feature_id"), [("2024-01-01", "yes"), ("123", "null"), ("1e5", "on")])
def test_ids_yaml_would_read_as_other_types_are_quoted(tmp_path: Path, case_id: str, feature_id: str) -> None:
    data = yaml.safe_load((DEMO / "rubrics" / "demo.yaml").read_text(encoding="utf-8"))
    data["features"][0]["id"] = feature_id
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(yaml.dump(data, Dumper=_Quoting), encoding="utf-8")
    text = case_template(case_id, next(iter(load([rubric]).rubrics.values())), "T", "A", "B")
    assert f'id: "{case_id}"' in text and f'  "{feature_id}":' in text
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    assert [c.id for c in load([path], rubric=str(rubric)).cases] == [case_id]
