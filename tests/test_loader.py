"""loader.py: discovery, classification, cross-file checks, --rubric, and the wording of problems."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from signalscore.errors import InputError, Problem, UsageError
from signalscore.loader import kind_of, load, yaml_files
from tests.conftest import DATA, Run

VALID = DATA / "valid"
RUBRIC = VALID / "tiny-loader-rubric.yaml"
CASE = VALID / "tiny-loader-case.yaml"
CASE_HEAD = "rubric: tiny-loader\ntitle: T\nsender: A\nrecipient: B\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the tiny rubric in rubrics/ and the tiny case in cases/."""
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "cases").mkdir()
    shutil.copy(RUBRIC, tmp_path / "rubrics" / "tiny-loader.yaml")
    shutil.copy(CASE, tmp_path / "cases" / "tiny-loader-case.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(paths: list[Path], rubric: str | None = None) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(paths, rubric=rubric)
    return [str(p) for p in caught.value.problems]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_tiny_fixtures_load(work: Path) -> None:
    corpus = load([Path("cases")])
    assert [c.id for c in corpus.cases] == ["tiny-loader-case"]
    assert list(corpus.rubrics) == ["tiny-loader"]
    assert corpus.rubric_of == {("tiny-loader-case", None): "tiny-loader"}
    assert corpus.files == {("tiny-loader-case", None): Path("cases/tiny-loader-case.yaml")}
    assert corpus.warnings == []


def test_kind_of() -> None:
    assert kind_of({"features": [], "rubric": "x"}) == "rubric"
    assert kind_of({"rubric": "x"}) == "case"
    assert kind_of({"codings": {}}) == "case"
    assert kind_of({"id": "x"}) is None
    assert kind_of(["features"]) is None
    assert kind_of(None) is None


def test_yaml_files_finds_each_file_once_in_a_stable_order(work: Path) -> None:
    write(work / "cases" / "b.yml", "x: 1\n")
    (work / "cases" / "sub").mkdir()
    write(work / "cases" / "sub" / "a.yaml", "x: 1\n")
    write(work / "cases" / "notes.txt", "x: 1\n")
    found, missing = yaml_files([Path("cases"), Path("cases/b.yml"), Path("./cases/sub/a.yaml"), Path("nowhere")])
    assert found == [Path("cases/b.yml"), Path("cases/sub/a.yaml"), Path("cases/tiny-loader-case.yaml")]
    assert missing == [Problem("nowhere", 1, 1, "", "no such file or folder")]


def test_duplicate_case_ids_across_files_name_the_first_file(work: Path) -> None:
    copy = write(work / "cases" / "zz-copy.yaml", CASE.read_text(encoding="utf-8"))
    assert problems([Path("cases")]) == [
        f"{copy.relative_to(work)}:1:5: id: duplicate case id 'tiny-loader-case' (first in cases/tiny-loader-case.yaml)"
    ]
    # The first file is the first read: named paths in the order given.
    assert problems([copy.relative_to(work), Path("cases/tiny-loader-case.yaml")]) == [
        "cases/tiny-loader-case.yaml:1:5: id: duplicate case id 'tiny-loader-case' (first in cases/zz-copy.yaml)"
    ]


def test_duplicate_rubric_ids_across_files(work: Path) -> None:
    write(work / "other.yaml", RUBRIC.read_text(encoding="utf-8"))
    assert problems([Path("rubrics"), Path("other.yaml")]) == [
        "other.yaml:1:5: id: duplicate rubric id 'tiny-loader' (first in rubrics/tiny-loader.yaml)"
    ]


def test_a_case_with_an_invalid_id_is_no_duplicate_of_anything(work: Path) -> None:
    write(work / "cases" / "bad.yaml", "id: Tiny-Loader-Case\n" + CASE_HEAD)
    assert problems([Path("cases")]) == [
        "cases/bad.yaml:1:5: id: expected an id of lowercase letters, digits and '-' (such as 'support-signals'),"
        " found 'Tiny-Loader-Case'"
    ]


def test_a_case_naming_a_broken_rubric_gets_no_second_complaint(work: Path) -> None:
    text = RUBRIC.read_text(encoding="utf-8").replace('version: "1.0"', "version: [1]")
    write(work / "rubrics" / "tiny-loader.yaml", text)
    assert problems([Path("cases")]) == ["rubrics/tiny-loader.yaml:2:10: version: expected text, found a list"]


def test_problems_of_rubrics_in_the_rubrics_folder_are_reported(work: Path) -> None:
    write(work / "rubrics" / "broken.yaml", "id: broken\nfeatures: [1]\n")
    assert problems([Path("cases")]) == [
        "rubrics/broken.yaml:1:1: title: missing required key 'title'",
        "rubrics/broken.yaml:1:1: version: missing required key 'version'",
        "rubrics/broken.yaml:2:12: features.0: expected a mapping (key: value lines), found 1",
    ]


def test_unknown_feature_suggests_the_closest_feature_id(work: Path) -> None:
    write(work / "cases" / "c.yaml", "id: c\n" + CASE_HEAD + "codings:\n  sumit: true\n  trade_deal: 1\n")
    assert problems([Path("cases/c.yaml")]) == [
        "cases/c.yaml:7:3: codings.sumit: rubric 'tiny-loader' has no feature 'sumit' (did you mean 'summit'?)",
        "cases/c.yaml:8:3: codings.trade_deal: rubric 'tiny-loader' has no feature 'trade_deal'"
        " (did you mean 'trade_deals'?)",
    ]


ALT = """id: alt
version: "1"
title: An alternative rubric without dimensions
features:
  - {id: endorsement, label: Endorsement, scale: {type: binary}}
  - {id: military_aid, label: Military aid, scale: {type: count, cap: 4}}
"""


def test_under_another_rubric_extra_codings_warn_and_scoring_proceeds(work: Path, cli: Callable[..., Run]) -> None:
    write(work / "alt.yaml", ALT)
    write(
        work / "cases" / "tiny-loader-case.yaml", "id: o\n" + CASE_HEAD + "codings:\n  endorsement: 1\n  summit: true\n"
    )
    corpus = load([Path("cases")], rubric="alt.yaml")
    assert [str(w) for w in corpus.warnings] == [
        "cases/tiny-loader-case.yaml:8:3: codings.summit: warning: rubric 'alt' has no feature 'summit'; coding ignored"
    ]
    assert list(corpus.rubrics) == ["alt"]
    assert corpus.rubric_of == {("o", None): "alt"}
    run = cli("score", "cases", "--rubric", "alt.yaml", "--format", "csv", cwd=work)
    assert run.code == 0
    assert run.err == f"{corpus.warnings[0]}\n"
    header, row = run.out.splitlines()[:2]
    assert header.startswith("rubric,rank,case,score,")
    assert row.startswith("alt,1,o,100")  # endorsement 1 is the only coded feature; military_aid is unknown


def test_under_another_rubric_a_shared_feature_still_checks_its_value(work: Path) -> None:
    write(work / "alt.yaml", ALT)
    # The tiny case codes endorsement 2 (ordinal 0..2 in its own rubric); alt's endorsement is binary.
    assert problems([Path("cases")], rubric="alt.yaml") == [
        "cases/tiny-loader-case.yaml:12:12: codings.endorsement.value: 2 is not valid for endorsement (binary scale):"
        " expected true, false, 1 or 0, n/a or unknown",
        *(
            f"cases/tiny-loader-case.yaml:{line}:3: codings.{fid}: warning: rubric 'alt' has no feature {fid!r};"
            " coding ignored"
            for line, fid in [(17, "summit"), (18, "trade_deals"), (19, "arms_share")]
        ),
    ]


def test_rubric_option_naming_a_case_is_a_usage_error(work: Path, cli: Callable[..., Run]) -> None:
    with pytest.raises(UsageError, match=r"^rubric cases/tiny-loader-case.yaml: the file is not a rubric"):
        load([Path("cases")], rubric="cases/tiny-loader-case.yaml")
    run = cli("score", "cases", "--rubric", "cases/tiny-loader-case.yaml", cwd=work)
    assert run.code == 2
    assert run.err == (
        "Error: rubric cases/tiny-loader-case.yaml: the file is not a rubric (a rubric has a 'features' key)\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "id: Broken Case\nrubric: [x]\ncodings: 5\n",  # a case, and an invalid one
        "just: a mapping\n",  # neither a rubric nor a case
        "- a list\n",
        "",
    ],
)
def test_rubric_option_naming_any_non_rubric_file_is_a_usage_error(
    text: str, work: Path, cli: Callable[..., Run]
) -> None:
    write(work / "other.yaml", text)
    run = cli("score", "cases", "--rubric", "other.yaml", cwd=work)
    if text:
        assert (run.code, run.err) == (
            2,
            "Error: rubric other.yaml: the file is not a rubric (a rubric has a 'features' key)\n",
        )
    else:  # an empty file is a located input problem like any other
        assert run.code == 1
        assert (
            run.err.splitlines()[0]
            == "other.yaml:1:1: (document): the file is empty (nothing but blank lines or comments)"
        )


def test_rubric_option_with_a_broken_rubric_file_reports_its_problems(work: Path, cli: Callable[..., Run]) -> None:
    write(work / "r.yaml", "id: r\nversion: '1'\ntitle: R\nfeatures: [{id: a, label: A, scale: {type: dice}}]\n")
    run = cli("score", "cases", "--rubric", "r.yaml", cwd=work)
    assert run.code == 1
    assert run.err.splitlines() == [
        "r.yaml:4:44: features.0.scale.type: expected 'ordinal', 'binary', 'count' or 'continuous', found 'dice'",
        "1 problem found",
    ]


def test_rubric_option_naming_an_unknown_id_is_a_usage_error(work: Path, cli: Callable[..., Run]) -> None:
    run = cli("score", "cases", "--rubric", "tiny-loadr", cwd=work)
    assert run.code == 2
    assert (
        run.err
        == "Error: rubric 'tiny-loadr': no such file, and no rubric with that id in rubrics/ (did you mean 'tiny-loader'?)\n"
    )


def test_rubric_option_naming_a_broken_rubric_id_reports_its_problems(work: Path) -> None:
    text = RUBRIC.read_text(encoding="utf-8").replace("title: Tiny", "titel: Tiny")
    write(work / "rubrics" / "tiny-loader.yaml", text)
    assert problems([Path("cases")], rubric="tiny-loader") == [
        "rubrics/tiny-loader.yaml:3:1: titel: unknown key 'titel' (did you mean 'title'?)"
    ]


def test_structural_and_cross_problems_are_reported_together_in_files_order(work: Path) -> None:
    write(work / "cases" / "a.yaml", "id: a\n" + CASE_HEAD + "episode: [x]\ncodings:\n  summit: 2\n")
    write(work / "cases" / "b.yaml", "id: b\n" + CASE_HEAD + "codings:\n  sumit: 1\n")
    assert problems([Path("cases")]) == [
        "cases/a.yaml:6:10: episode: expected text, found a list",
        "cases/a.yaml:8:11: codings.summit.value: 2 is not valid for summit (binary scale):"
        " expected true, false, 1 or 0, n/a or unknown",
        "cases/b.yaml:7:3: codings.sumit: rubric 'tiny-loader' has no feature 'sumit' (did you mean 'summit'?)",
    ]


@pytest.mark.parametrize(
    ("codings", "expected"),
    [
        ("  1: true\n", "7:3: codings.1: expected text, found 1 (quote it to make it text)"),
        (
            "  summit: {value: true, rationale: 2008-08-08}\n",
            "7:36: codings.summit.rationale: expected text, found the date 2008-08-08 (quote it to make it text)",
        ),
        (
            "  summit: {value: true, rationale: false}\n",
            "7:36: codings.summit.rationale: expected text, found false (quote it to make it text)",
        ),
        (
            "  summit: {value: true, confidence: " + "x" * 60 + "}\n",
            "7:37: codings.summit.confidence: expected 'high', 'medium' or 'low', found '" + "x" * 39 + "…'",
        ),
        (
            "  summit: {value: true, confidence: hihg}\n",
            "7:37: codings.summit.confidence: expected 'high', 'medium' or 'low', found 'hihg' (did you mean 'high'?)",
        ),
        (
            "  summit: {value: true, evidence: []}\n  summit: false\n",
            "8:3: codings.summit: duplicate key 'summit' (first at line 7, column 3)",
        ),
    ],
)
def test_message_wording(codings: str, expected: str, work: Path) -> None:
    write(work / "cases" / "c.yaml", "id: c\n" + CASE_HEAD + "codings:\n" + codings)
    assert [p.removeprefix("cases/c.yaml:") for p in problems([Path("cases/c.yaml")])] == [expected]


def test_validate_cli_exit_codes(work: Path, cli: Callable[..., Run]) -> None:
    ok = cli("validate", cwd=work)
    assert ok.code == 0
    assert "ok: 1 rubric(s) and 1 case(s) valid" in ok.err.splitlines()
    write(work / "cases" / "bad.yaml", "id: bad\nrubric: tiny-loader\n")
    bad = cli("validate", cwd=work)
    assert bad.code == 1
    assert bad.err.splitlines()[-1] == "3 problems found"


def test_rubric_not_found_lists_a_few_known_ids_when_none_is_close(work: Path) -> None:
    for i in range(10):
        write(work / "rubrics" / f"r{i}.yaml", RUBRIC.read_text(encoding="utf-8").replace("tiny-loader", f"zz{i}"))
    write(work / "cases" / "tiny-loader-case.yaml", "id: c\n" + CASE_HEAD.replace("tiny-loader", "support-signals"))
    assert problems([Path("cases")]) == [
        "cases/tiny-loader-case.yaml:2:9: rubric: rubric 'support-signals' not found in the paths given or in"
        " rubrics/ (known: tiny-loader, zz0, zz1, zz2, zz3, zz4, zz5, zz6 and 3 more)"
    ]


def test_what_is_loaded_is_never_walked_by_the_collector_again() -> None:
    """The first collection after loading walked every loaded object (seconds at 50,000 cases)."""
    gc.unfreeze()
    corpus = load([DATA / "valid" / "demo" / "cases"], rubrics_dir=DATA / "valid" / "demo" / "rubrics")
    assert corpus.cases and gc.get_freeze_count() > 0


def test_loading_collects_the_codings_that_scoring_then_reuses() -> None:
    # The codings are gathered into arrays once, while loading; choosing one coding per id takes their
    # rows, and scoring a loaded corpus starts from those arrays instead of walking every case again.
    import numpy as np

    from signalscore.api import load_cases, score
    from signalscore.codings import Codings
    from tests.conftest import ROOT

    loaded = load_cases(ROOT / "cases", rubrics_dir=ROOT / "rubrics")
    assert set(loaded.collected) == set(loaded.rubrics)
    chosen = loaded.scored()
    assert len(chosen.cases) < len(loaded.cases)  # several coders of one id: the adjudicated coding is chosen
    for rid, cases in chosen.grouped().items():
        taken = chosen.collected[rid]
        fresh = Codings.collect(chosen.rubrics[rid], cases)
        assert list(taken.ids) == list(fresh.ids) == [c.id for c in cases]
        for name in ("x", "status", "confidence"):
            np.testing.assert_array_equal(getattr(taken, name), getattr(fresh, name))
        assert score(chosen).of(rid).codings is taken
