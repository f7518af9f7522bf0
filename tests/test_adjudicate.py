"""adjudication.py and `signalscore adjudicate`: a draft that validates as written and never overwrites."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalscore.adjudication import draft
from signalscore.case import Case, case_issues, coding_issues
from signalscore.document import parse_file
from signalscore.loader import load, validate_model
from signalscore.rubric import Rubric
from tests.conftest import DATA, Run
from tests.strategies import cases_for, rubrics

CODERS = DATA / "valid" / "coders"


def test_adjudicate_writes_a_draft_that_loads_and_is_then_scored(cli: Callable[..., Run], tmp_path: Path) -> None:
    work = tmp_path / "w"
    shutil.copytree(CODERS, work)
    run = cli("adjudicate", "alpha-2010", "-o", "cases/alpha-2010.adjudicated.yaml", "--coder", "cleo", cwd=work)
    assert run.code == 0, run.err
    text = (work / "cases" / "alpha-2010.adjudicated.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["adjudicates"] == ["ana", "ben"] and data["coder"] == "cleo"
    assert data["codings"]["meetings"] == {"value": 3, "confidence": "medium"}  # agreed: filled in
    assert data["codings"]["endorse"] == {"value": "unknown"}  # disputed: left unknown, codings as comments
    assert "    # ana: 2 (confidence high)" in text and '    #   evidence [joint-2010]: "we understand"' in text
    assert data["codings"]["exercises"] == {"value": "unknown"}  # n/a against 1
    corpus = load([work / "cases"], rubrics_dir=work / "rubrics")  # validates as written
    assert [c.coder for c in corpus.scored().cases if c.id == "alpha-2010"] == ["cleo"]


def test_an_unknown_both_coders_explained_is_kept_with_their_reasons(tmp_path: Path) -> None:
    rubric = load([], rubric=str(CODERS / "rubrics" / "demo.yaml")).rubrics["demo"]
    base = yaml.safe_load((CODERS / "cases" / "alpha-2010.ana.yaml").read_text(encoding="utf-8"))
    codings = {}
    for coder in ("ana", "ben"):
        data = dict(base, coder=coder)
        data["codings"] = dict(base["codings"], meetings={"value": "unknown", "rationale": f"{coder} found no count"})
        codings[coder] = Case.model_validate(data)
    drafted = yaml.safe_load(draft(codings, rubric, "cleo"))
    assert drafted["codings"]["meetings"]["value"] == "unknown"
    assert drafted["codings"]["meetings"]["rationale"] == "ana: ana found no count | ben: ben found no count"


def test_a_header_field_the_codings_differ_on_is_shown_and_left_for_the_adjudicator(tmp_path: Path) -> None:
    rubric = load([], rubric=str(CODERS / "rubrics" / "demo.yaml")).rubrics["demo"]
    base = yaml.safe_load((CODERS / "cases" / "alpha-2010.ana.yaml").read_text(encoding="utf-8"))
    base.pop("episode", None)
    said = {"ana": {"summary": "Ana's account.", "title": "Alpha backs Beta"}, "ben": {"summary": "Ben's account."}}
    codings = {coder: Case.model_validate({**base, "coder": coder, **said[coder]}) for coder in ("ana", "ben")}
    codings["ben"] = codings["ben"].model_copy(update={"episode": "the 2010 crisis"})
    text = draft(codings, rubric, "cleo")
    drafted = yaml.safe_load(text)
    assert "summary" not in drafted and "episode" not in drafted  # optional: for the adjudicator to write
    assert drafted["title"] == "Alpha backs Beta" and drafted["sender"] == base["sender"]  # required: the first's
    lines = text.splitlines()
    at = lines.index("# DISAGREEMENT on summary: settle it, then write `summary:` here or leave it out.")
    assert lines[at + 1 : at + 3] == ["# ana: Ana's account.", "# ben: Ben's account."]
    assert "# DISAGREEMENT on title: settle it, then replace the first coding's, written here." in lines
    assert "# ana: (none)" in lines and "# ben: the 2010 crisis" in lines
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    doc, problems = parse_file(path)
    assert problems == [] and validate_model(Case, doc)[1] == []


def test_adjudicate_refuses_to_overwrite_and_to_readjudicate(cli: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "draft.yaml"
    target.write_text("mine\n", encoding="utf-8")
    run = cli("adjudicate", "alpha-2010", "-o", str(target), cwd=CODERS)
    assert run.code == 2 and "already exists; refusing to overwrite it" in run.err
    assert target.read_text(encoding="utf-8") == "mine\n"
    run = cli("adjudicate", "alpha-2014", "-o", str(tmp_path / "x.yaml"), cwd=CODERS)
    assert run.code == 2 and "already adjudicated in cases/alpha-2014.adjudicated.yaml" in run.err
    run = cli("adjudicate", "alpha-2020", "-o", str(tmp_path / "x.yaml"), cwd=CODERS)
    assert run.code == 2 and "not coded by two or more coders" in run.err
    run = cli("adjudicate", "alpha-2010", "-o", str(tmp_path / "x.yaml"), "--coder", "ana", cwd=CODERS)
    assert run.code == 2 and "coded this case" in run.err
    assert not (tmp_path / "x.yaml").exists()


HOSTILE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), rubric=rubrics(), rationale=HOSTILE, quote=HOSTILE.filter(str.strip))
def test_a_draft_of_any_codings_validates_as_written(
    data: st.DataObject, rubric: Rubric, rationale: str, quote: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pair = data.draw(cases_for(rubric, min_size=2, max_size=2))
    coders = {}
    for coder, case in zip(("ana", "ben"), pair, strict=True):
        said = {"rationale": rationale, "evidence": [{"source": "s", "quote": quote}]}
        codings = {fid: {"value": c.value, "confidence": c.confidence, **said} for fid, c in case.codings.items()}
        raw = {**case.model_dump(exclude_none=True), "id": "x", "coder": coder, "codings": codings}
        coders[coder] = Case.model_validate({**raw, "sources": [{"id": "s", "title": "Source \x1b[2J\u202e"}]})
    text = draft(coders, rubric, "cleo")
    path = tmp_path_factory.mktemp("draft") / "x.yaml"
    path.write_text(text, encoding="utf-8")
    doc, problems = parse_file(path)
    model, problems = validate_model(Case, doc) if not problems else (None, problems)
    assert model is not None and problems == []
    assert case_issues(model) == [] and coding_issues(model, rubric) == []
    assert model.adjudicates == ("ana", "ben") and model.coder == "cleo"
    for fid, held in ((f.id, [c.coding(f.id) for c in coders.values()]) for f in rubric.features):
        if len({str(c.value) for c in held}) > 1:
            assert model.coding(fid).value == "unknown"
    assert not any(c in text for c in "\x1b\u202e\r\x85\u2028\u2029")
