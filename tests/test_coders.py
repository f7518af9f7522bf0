"""coders.py and the loader: several coders of one case id, adjudication, and which coding a command scores."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from signalscore.errors import InputError
from signalscore.loader import load
from tests.conftest import DATA, Run

CODERS = DATA / "valid" / "coders"
HEAD = "rubric: demo\ntitle: T\nsender: A\nrecipient: B\n"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the coders workspace (two coders, an adjudicated file, a single-coded case)."""
    shutil.copytree(CODERS, tmp_path / "w")
    monkeypatch.chdir(tmp_path / "w")
    return tmp_path / "w"


def case(path: Path, case_id: str, extra: str = "") -> None:
    path.write_text(f"id: {case_id}\n{HEAD}{extra}codings: {{endorse: 1}}\n", encoding="utf-8")


def problems() -> list[str]:
    with pytest.raises(InputError) as caught:
        load([Path("cases")])
    return [str(p) for p in caught.value.problems]


def test_the_coders_workspace_loads_keyed_by_id_and_coder(work: Path) -> None:
    corpus = load([Path("cases")])
    assert sorted(corpus.rubric_of) == [
        ("alpha-2010", "ana"),
        ("alpha-2010", "ben"),
        ("alpha-2014", "ana"),
        ("alpha-2014", "ben"),
        ("alpha-2014", "cleo"),
        ("alpha-2020", "ana"),
    ]
    assert corpus.files[("alpha-2014", "cleo")] == Path("cases/alpha-2014.adjudicated.yaml")


def test_same_id_and_coder_twice_is_a_duplicate(work: Path) -> None:
    case(work / "cases" / "zz.yaml", "alpha-2010", "coder: ben\n")
    assert problems() == [
        "cases/zz.yaml:6:8: coder: duplicate case id 'alpha-2010' with coder 'ben' (first in cases/alpha-2010.ben.yaml)"
    ]


def test_a_coding_without_a_coder_beside_coded_ones_needs_one(work: Path) -> None:
    case(work / "cases" / "zz.yaml", "alpha-2010")
    assert problems() == [
        "cases/zz.yaml:1:5: id: case id 'alpha-2010' is in several files: each independent coding needs a coder"
    ]


def test_adjudication_naming_a_coder_without_a_coding(work: Path) -> None:
    case(work / "cases" / "zz.yaml", "alpha-2010", "coder: cleo\nadjudicates: [ana, dora]\n")
    assert problems() == [
        "cases/zz.yaml:7:20: adjudicates.1: coder 'dora' has no coding of case 'alpha-2010' (coders: ana, ben)"
    ]


def test_two_adjudicated_files_for_one_id(work: Path) -> None:
    case(work / "cases" / "zz.yaml", "alpha-2014", "coder: dora\nadjudicates: [ana]\n")
    assert problems() == [
        "cases/zz.yaml:7:14: adjudicates: case 'alpha-2014' is already adjudicated in "
        "cases/alpha-2014.adjudicated.yaml (at most one file may be)"
    ]


def test_an_adjudicated_file_that_is_the_only_coding_of_its_id(work: Path) -> None:
    case(work / "cases" / "zz.yaml", "lonely", "coder: cleo\nadjudicates: [ana]\n")
    assert problems() == [
        "cases/zz.yaml:7:14: adjudicates: case 'lonely' has no other coding for this file to adjudicate "
        "(check it with the codings it settles: give their folder, e.g. `signalscore validate cases`)"
    ]


def test_every_problem_at_once(work: Path) -> None:
    case(work / "cases" / "zz1.yaml", "lonely", "coder: cleo\nadjudicates: [ana]\n")
    case(work / "cases" / "zz2.yaml", "alpha-2010", "coder: ben\n")
    assert len(problems()) == 2


def score_json(cli: Callable[..., Run], *args: str) -> tuple[list[str], str]:
    run = cli("score", "-f", "json", *args, cwd=CODERS)
    assert run.code == 0, run.err
    return [c["id"] for c in json.loads(run.out)["rubrics"][0]["cases"]], run.err


def test_score_chooses_adjudicated_only_or_each_coder(cli: Callable[..., Run]) -> None:
    ids, err = score_json(cli)
    assert sorted(ids) == ["alpha-2010@ana", "alpha-2010@ben", "alpha-2014", "alpha-2020"]
    assert err.count("warning:") == 1
    assert "case 'alpha-2010' has 2 independent codings and no adjudicated one" in err
    assert "signalscore agree" in err


def test_score_with_a_coder_takes_that_coders_codings_wherever_they_exist(cli: Callable[..., Run]) -> None:
    ids, err = score_json(cli, "--coder", "ben")
    assert sorted(ids) == ["alpha-2010", "alpha-2014", "alpha-2020"]  # alpha-2020: ana's, the only one
    assert err == ""
    scores = json.loads(cli("score", "-f", "json", "--coder", "ben", cwd=CODERS).out)["rubrics"][0]["cases"]
    aid = next(f for c in scores if c["id"] == "alpha-2014" for f in c["features"] if f["id"] == "aid")
    assert aid["value"] is False  # ben's coding, not the adjudicated true


def test_an_unknown_coder_is_a_usage_error(cli: Callable[..., Run]) -> None:
    run = cli("score", "--coder", "zed", cwd=CODERS)
    assert run.code == 2
    assert "--coder 'zed': no case is coded by 'zed' (coders: ana, ben, cleo)" in run.err


def test_explain_says_whose_coding_and_asks_which_of_several(cli: Callable[..., Run]) -> None:
    assert "the coding shown: adjudicated by cleo of ana, ben" in cli("explain", "alpha-2014", cwd=CODERS).out
    assert "the coding shown: coded by ben" in cli("explain", "alpha-2010@ben", cwd=CODERS).out
    run = cli("explain", "alpha-2010", cwd=CODERS)
    assert run.code == 2
    assert "has several codings (alpha-2010@ana, alpha-2010@ben): name one, or choose with --coder" in run.err


def test_compare_says_whose_coding(cli: Callable[..., Run]) -> None:
    out = cli("compare", "-f", "markdown", cwd=CODERS).out
    assert "alpha-2014: adjudicated by cleo of ana, ben" in out
    data = json.loads(cli("compare", "-f", "json", cwd=CODERS).out)
    assert data["codings"]["alpha-2010@ana"] == "coded by ana"


def test_sensitivity_and_report_score_the_chosen_codings(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("sensitivity", "--draws", "100", "--sobol-samples", "0", "-f", "json", cwd=CODERS)
    assert run.code == 0, run.err
    assert "alpha-2010@ben" in run.out
    run = cli("report", "-o", str(tmp_path / "r.html"), cwd=CODERS)
    assert run.code == 0, run.err
    assert "alpha-2010@ana" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_diff_scores_the_chosen_codings(cli: Callable[..., Run]) -> None:
    rubric = str(CODERS / "rubrics" / "demo.yaml")
    run = cli("diff", rubric, rubric, "cases", "-f", "csv", cwd=CODERS)
    assert run.code == 0, run.err
    assert "alpha-2010@ben" in run.out and "alpha-2014," in run.out
    assert run.err.count("warning:") == 1


def test_the_report_has_an_agreement_section_only_where_a_case_has_several_coders(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    assert cli("report", "-o", str(tmp_path / "c.md"), cwd=CODERS).code == 0
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    assert "## Agreement between coders" in text
    assert "| alpha-2014 | aid" in text  # the largest disagreement
    assert cli("report", "-o", str(tmp_path / "d.md")).code == 0  # the demo workspace: one coder per case
    assert "Agreement between coders" not in (tmp_path / "d.md").read_text(encoding="utf-8")


def test_the_python_api_scores_the_chosen_codings() -> None:
    from signalscore import api

    corpus = api.load_cases(CODERS / "cases", rubrics_dir=CODERS / "rubrics")
    ids = sorted(str(i) for part in api.score(corpus).parts for i in part.ids)
    assert ids == ["alpha-2010@ana", "alpha-2010@ben", "alpha-2014", "alpha-2020"]


def test_the_cache_keeps_coders_and_adjudication(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from signalscore import cache, loader

    monkeypatch.delenv("SIGNALSCORE_NO_CACHE")
    monkeypatch.setattr(cache, "RACY_NS", 0)  # files written just now are cacheable at once
    fresh = load([Path("cases")], cache=True)
    parsed: list[str] = []
    real = loader.parse_files
    monkeypatch.setattr(
        loader, "parse_files", lambda paths, n=1, said=False: parsed.extend(map(str, paths)) or real(paths, n, said)
    )
    cached = load([Path("cases")], cache=True)
    assert parsed == ["rubrics/demo.yaml"]  # every case from the cache (rubrics are not cached)
    assert [c.model_dump() for c in cached.cases] == [c.model_dump() for c in fresh.cases]
    assert cached.rubric_of == fresh.rubric_of and cached.files == fresh.files
    case(work / "cases" / "zz.yaml", "alpha-2014", "coder: dora\nadjudicates: [ana]\n")
    assert "already adjudicated" in problems()[0]  # located from a cached file's neighbour, too


@pytest.mark.parametrize("coder", [None, "ana"])
def test_one_coding_of_each_id_is_scored_as_loaded(work: Path, coder: str | None) -> None:
    """Where no id is coded twice, the scored corpus is the loaded one: the same cases in the same order, their
    rubrics and files, no notes, and the arrays collected while loading, which hold what the cases say."""
    import numpy as np

    from signalscore.codings import Codings

    for name in ("alpha-2010.ben.yaml", "alpha-2014.ben.yaml", "alpha-2014.adjudicated.yaml"):
        (work / "cases" / name).unlink()
    corpus = load([Path("cases")])
    scored = corpus.scored(coder)
    assert [id(c) for c in scored.cases] == [id(c) for c in corpus.cases] and scored.cases is not corpus.cases
    assert scored.rubric_of == corpus.rubric_of and scored.files == corpus.files
    assert (scored.notes, scored.whose, scored.source) == ([], {}, corpus)
    rubric = scored.rubrics["demo"]
    kept, fresh = scored.codings(rubric, scored.cases), Codings.collect(rubric, scored.cases)
    assert kept is corpus.collected["demo"]  # not collected again
    assert list(kept.ids) == list(fresh.ids) == ["alpha-2010", "alpha-2014", "alpha-2020"]
    for a, b in ((kept.x, fresh.x), (kept.status, fresh.status), (kept.confidence, fresh.confidence)):
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
