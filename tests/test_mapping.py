"""Mapping files (DESIGN.md section 10): the model, its checks against the format and the rubric, validate and schema."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from signalscore.loader import kind_of, load
from signalscore.mapping import Mapping, Rule, coded_value
from signalscore.rubric import Rubric
from tests.conftest import ROOT, Run

RUBRICS = ROOT / "rubrics"
SHIPPED = sorted((ROOT / "mappings").glob("*.yaml"))


def _write(folder: Path, text: str) -> Path:
    path = folder / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BAD = """\
id: bad-mapping
rubric: support-signals
format: gdelt2
features:
  leader_meeting:
    codes: ["042"]
  explicit_endorsement:
    codes: ["051", "999", "04*", "3*"]
    aggregate: total
    levels: [1, 5, 5]
  formal_commitment:
    codes: ["057"]
  economic_support:
    codes: ["061"]
    levels: [1, 2, 3, 4]
  leader_meetings:
    codes: ["042"]
    aggregate: goldstein_sum
"""


def test_every_problem_of_a_mapping_located_at_once(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = _write(tmp_path, BAD)
    run = cli("validate", str(path), "--rubrics-dir", str(RUBRICS), cwd=tmp_path)
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[:-1] == [
        "m.yaml:5:3: features.leader_meeting: rubric 'support-signals' has no feature 'leader_meeting' (did you mean 'leader_meetings'?)",
        "m.yaml:8:20: features.explicit_endorsement.codes.1: '999' is not a CAMEO event code (such as '042', '0211', or '04*') (format gdelt2)",
        "m.yaml:8:34: features.explicit_endorsement.codes.3: '3*' is not a CAMEO event code (such as '042', '0211', or '04*') (format gdelt2)",
        "m.yaml:9:16: features.explicit_endorsement.aggregate: expected 'count', 'distinct_days' or 'goldstein_sum', found 'total'",
        "m.yaml:10:13: features.explicit_endorsement.levels: levels must increase strictly (found 1, 5, 5)",
        "m.yaml:11:3: features.formal_commitment: formal_commitment is ordinal: give levels (thresholds of the aggregate)",
        "m.yaml:15:13: features.economic_support.levels: economic_support has 4 levels, so at most 3 thresholds (found 4)",
        "m.yaml:18:16: features.leader_meetings.aggregate: leader_meetings is a count feature: goldstein_sum is not a whole number; use count or distinct_days",
    ]
    assert lines[-1] == "8 problems found"


def test_unknown_format_and_unknown_plover_type(cli: Callable[..., Run], tmp_path: Path) -> None:
    text = "id: m\nrubric: support-signals\nformat: acled\nfeatures:\n  leader_meetings: {codes: [CONSULT]}\n"
    run = cli("validate", str(_write(tmp_path, text)), "--rubrics-dir", str(RUBRICS), cwd=tmp_path)
    assert run.code == 1
    assert "format: expected 'gdelt2', 'icews' or 'polecat', found 'acled'" in run.err
    text = "id: m\nrubric: support-signals\nformat: polecat\nfeatures:\n  leader_meetings: {codes: [CONSULT.visit, MEET]}\n"
    run = cli("validate", str(_write(tmp_path, text)), "--rubrics-dir", str(RUBRICS), cwd=tmp_path)
    assert run.code == 1
    assert "features.leader_meetings.codes.1: 'MEET' is not a PLOVER event type (AGREE, CONSULT," in run.err


def test_a_mapping_of_a_rubric_that_is_not_there(cli: Callable[..., Run], tmp_path: Path) -> None:
    text = "id: m\nrubric: support-signal\nformat: gdelt2\nfeatures:\n  leader_meetings: {codes: ['042']}\n"
    path = _write(tmp_path, text)
    run = cli("validate", str(path), "--rubrics-dir", str(RUBRICS), cwd=tmp_path)
    assert run.code == 1
    assert f"m.yaml:2:9: rubric: rubric 'support-signal' not found in the paths given or in {RUBRICS}/" in run.err
    assert "did you mean 'support-signals'?" in run.err


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_mappings_validate(path: Path) -> None:
    corpus = load([path], rubrics_dir=RUBRICS)
    (mapping,) = corpus.mappings
    rubric = corpus.rubrics[mapping.rubric]
    assert rubric.version == "2.0.0"
    # What event data cannot see is left out, never guessed.
    assert not {"un_votes", "territorial_recognition", "core_interest_framing", "official_framing"} & set(
        mapping.features
    )
    penalties = {f.id for f in rubric.features if f.direction == "penalty"}
    assert penalties <= set(mapping.features)  # both penalties are coded, with thresholds above a stray event
    assert all((mapping.features[p].levels or (0,))[0] >= 3 for p in penalties)


def test_validate_reads_the_mappings_folder_by_default(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "s.yaml").write_text((RUBRICS / "support-signals.yaml").read_text(encoding="utf-8"))
    (tmp_path / "cases").mkdir()
    (tmp_path / "mappings").mkdir()
    for path in SHIPPED:
        (tmp_path / "mappings" / path.name).write_text(path.read_text(encoding="utf-8"))
    run = cli("validate", cwd=tmp_path)
    assert (run.code, run.err) == (0, "ok: 1 rubric(s), 0 case(s) and 2 mapping(s) valid\n")


def test_kind_of_tells_a_mapping_from_a_rubric_and_a_case() -> None:
    assert kind_of({"features": [], "id": "r"}) == "rubric"
    assert kind_of({"features": {}, "rubric": "r"}) == "mapping"
    assert kind_of({"features": [], "rubric": "r", "format": "gdelt2"}) == "mapping"
    assert kind_of({"features": [], "rubric": "r"}) == "rubric"  # a rubric with a stray key stays a rubric
    assert kind_of({"codings": {}, "rubric": "r"}) == "case"


def test_levels_count_thresholds_reached() -> None:
    rubric = load([], rubric=str(RUBRICS / "support-signals.yaml")).rubrics["support-signals"]
    assert isinstance(rubric, Rubric)
    rule = Rule(codes=("051",), levels=(1, 5, 20))
    feature = rubric.feature("explicit_endorsement")
    assert feature is not None
    assert [coded_value(rule, feature, x) for x in (0, 1, 4, 5, 19, 20, 1000)] == [0, 1, 1, 2, 2, 3, 3]
    meetings = rubric.feature("leader_meetings")
    assert meetings is not None
    assert coded_value(Rule(codes=("042",)), meetings, 7.0) == 7  # a count feature: the aggregate itself
    assert (
        Mapping.model_validate(
            {"id": "m", "rubric": "r", "format": "icews", "features": {"a": {"codes": ["042"]}}}
        ).coder
        == "events:m"
    )


def test_help_and_validate_do_not_import_the_engines() -> None:
    code = (
        "import os, sys; os.chdir(sys.argv[1]); sys.argv=['signalscore', 'validate', 'mappings', 'rubrics']\n"
        "from signalscore.cli import app\ntry:\n    app()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print(sorted(m for m in ('duckdb', 'ibis', 'pyspark', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stderr
    code = "import sys\nfrom signalscore.cli import app\nprint(sorted(m for m in ('duckdb', 'ibis', 'pyspark') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
