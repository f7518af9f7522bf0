"""Lint rules: the registry, and each rule's exact message and location."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from signalscore.case import Case
from signalscore.cli import app
from signalscore.errors import IN_ORDER, Issue, Problem
from signalscore.lint import RULES, lint, lint_case
from signalscore.loader import load

DEMO = Path(__file__).resolve().parent / "data" / "valid" / "demo"
BASE: dict[str, Any] = {"id": "c", "rubric": "demo", "title": "T", "sender": "A", "recipient": "B"}
SOURCE = {"id": "s1", "title": "S1", "date": "2010-03-01"}
EVIDENCE = [{"source": "s1", "quote": "q"}]


def case(**fields: Any) -> Case:
    return Case.model_validate({**BASE, **fields})


def test_registry_lists_every_rule_in_order() -> None:
    assert {r.id: r.summary for r in RULES.values()} == {
        "coded-without-evidence": "a coded value that no evidence backs",
        "source-never-cited": "a declared source that no evidence cites",
        "missing-confidence": "a coded value without an explicit confidence",
        "period-outside-sources": "a case period that contains none of the case's dated sources",
        "quote-in-two-features": "one quote (same source and text) cited as evidence for two features",
    }


def test_a_well_supported_case_has_no_warning() -> None:
    coding = {"value": 2, "confidence": "high", "evidence": EVIDENCE}
    period = {"start": "2010-01-01", "end": "2010-12-31"}
    assert lint_case(case(sources=[SOURCE], period=period, codings={"endorse": coding, "aid": "n/a"})) == []


def test_coded_without_evidence_and_confidence() -> None:
    assert lint_case(case(codings={"meetings": 3, "aid": "unknown"})) == [
        Issue(("codings", "meetings"), "meetings is coded without evidence (coded-without-evidence)", True, "warning"),
        Issue(
            ("codings", "meetings"),
            "meetings is coded without a confidence (high, medium or low) (missing-confidence)",
            True,
            "warning",
        ),
    ]


def test_an_explicit_medium_confidence_is_not_missing() -> None:
    coding = {"value": 1, "confidence": "medium", "evidence": EVIDENCE}
    assert lint_case(case(sources=[SOURCE], codings={"endorse": coding})) == []


def test_source_never_cited() -> None:
    sources = [SOURCE, {"id": "s2", "title": "S2"}]
    found = lint_case(
        case(sources=sources, codings={"endorse": {"value": 1, "confidence": "low", "evidence": EVIDENCE}})
    )
    assert found == [
        Issue(
            ("sources", 1, "id"),
            "source 's2' is declared but no evidence cites it (source-never-cited)",
            False,
            "warning",
        )
    ]


@pytest.mark.parametrize(
    ("period", "dates", "message"),
    [
        (
            ("2018-01-01", "2018-12-31"),
            ["2008-08-28", "2008-09-02"],
            "none of the 2 dated source(s) (2008-08-28 to 2008-09-02) falls within the period 2018-01-01 to 2018-12-31",
        ),
        (
            ("2008-01-01", "2008-01-31"),
            ["2008-02-01"],
            "none of the 1 dated source(s) (2008-02-01) falls within the period 2008-01-01 to 2008-01-31",
        ),
        (("2008-01-01", "2008-01-31"), ["2008-01-31", "2009-05-01"], None),
        (("2008-01-01", "2008-01-31"), ["2007-12-31", "2008-01-01"], None),
        (("2008-01-01", "2008-01-31"), [], None),
    ],
)
def test_period_outside_sources(period: tuple[str, str], dates: list[str], message: str | None) -> None:
    sources = [{"id": f"s{i}", "title": "S", "date": d} for i, d in enumerate(dates)]
    sources.append({"id": "undated", "title": "U"})
    found = [i for i in lint_case(case(sources=sources, period=dict(zip(("start", "end"), period, strict=True))))]
    periods = [i.message.removesuffix(" (period-outside-sources)") for i in found if i.loc == ("period",)]
    assert periods == ([message] if message else [])


def test_no_period_no_period_warning() -> None:
    assert all(i.loc != ("period",) for i in lint_case(case(sources=[SOURCE])))


def lint_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> list[str]:
    """The located warnings of one case file c.yaml (rubric demo) written with this body after its header."""
    (tmp_path / "c.yaml").write_text(
        "id: c\nrubric: demo\ntitle: T\nsender: A\nrecipient: B\n" + body, encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return [str(p) for p in lint(load([Path("c.yaml")], rubrics_dir=DEMO / "rubrics"))]


def test_lint_locates_warnings_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        "period: {start: 2020-01-01, end: 2020-12-31}\n"
        "sources:\n  - {id: old, title: Old, date: 2001-01-01}\n"
        "codings:\n  aid: true\n"
    )
    assert lint_file(tmp_path, monkeypatch, body) == [
        "c.yaml:6:9: period: warning: none of the 1 dated source(s) (2001-01-01) falls within the period 2020-01-01 "
        "to 2020-12-31 (period-outside-sources)",
        "c.yaml:8:10: sources.0.id: warning: source 'old' is declared but no evidence cites it (source-never-cited)",
        "c.yaml:10:3: codings.aid: warning: aid is coded without a confidence (high, medium or low) (missing-confidence)",
        "c.yaml:10:3: codings.aid: warning: aid is coded without evidence (coded-without-evidence)",
    ]
    corpus = load([Path("c.yaml")], rubrics_dir=DEMO / "rubrics")
    assert all(isinstance(p, Problem) and p.severity == "warning" for p in lint(corpus))


def test_lint_uses_the_documents_the_loader_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded with lint, the warnings are located as the files are parsed: no file is read again."""
    shutil.copytree(DEMO, tmp_path / "ws")
    monkeypatch.chdir(tmp_path / "ws")
    before = lint(load([Path("cases")]))
    corpus = load([Path("cases")], lint=True)
    shutil.rmtree("cases")  # lint must not need the files any more
    assert lint(corpus) == before
    assert len(before) > 3 and all(p.line > 1 for p in before)


def test_dates_are_compared_as_dates() -> None:
    c = case(period={"start": dt.date(2010, 1, 1), "end": dt.date(2010, 1, 2)}, sources=[SOURCE])
    assert any(i.loc == ("period",) for i in lint_case(c))


def test_lint_never_imports_pandas() -> None:
    assert "signalscore.lint" in sys.modules
    import subprocess

    code = "import sys, signalscore.lint, signalscore.commands.validate; assert 'pandas' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def coded(*evidence: dict[str, str]) -> dict[str, Any]:
    return {"value": 1, "confidence": "high", "evidence": list(evidence)}


def test_one_quote_for_two_features_warns_at_the_second() -> None:
    sources = [SOURCE, {"id": "s2", "title": "S2"}]
    said = {"source": "s1", "quote": "We   understand\n the concerns"}
    codings = {
        "endorse": coded(said),
        "hedging": coded({"source": "s2", "quote": "x"}, {"source": "s1", "quote": "We understand the concerns"}),
        "aid": coded(said),
    }
    found = lint_case(case(sources=sources, codings=codings))
    assert found == [
        Issue(
            ("codings", "hedging", "evidence", 1, "quote"),
            "hedging cites the same quote from source 's1' as endorse ('We understand the concerns'): one quote is "
            "evidence for one feature only (quote-in-two-features)",
            False,
            "warning",
        ),
        Issue(
            ("codings", "aid", "evidence", 0, "quote"),
            "aid cites the same quote from source 's1' as endorse ('We understand the concerns'): one quote is "
            "evidence for one feature only (quote-in-two-features)",
            False,
            "warning",
        ),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"source": "s1", "quote": "same words"}, {"source": "s2", "quote": "same words"}),  # another source
        ({"source": "s1", "quote": "same words"}, {"source": "s1", "quote": "Same words"}),  # other text
        ({"source": "s1", "quote": "same words"}, {"source": "s1", "quote": "same words."}),
    ],
)
def test_different_quotes_do_not_warn(first: dict[str, str], second: dict[str, str]) -> None:
    sources = [SOURCE, {"id": "s2", "title": "S2"}]
    codings = {"endorse": coded(first), "hedging": coded(second)}
    assert [i for i in lint_case(case(sources=sources, codings=codings)) if "two-features" in i.message] == []


def test_a_quote_repeated_within_one_feature_is_not_double_counting() -> None:
    said = {"source": "s1", "quote": "q"}
    assert lint_case(case(sources=[SOURCE], codings={"endorse": coded(said, said)})) == []


def test_quote_in_two_features_is_located_and_strict_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        "sources:\n  - {id: s1, title: S1}\n"
        "codings:\n"
        "  endorse: {value: 2, confidence: high, evidence: [{source: s1, quote: we support}]}\n"
        "  aid:\n    value: true\n    confidence: low\n    evidence:\n"
        "      - {source: s1, quote: 'we  support'}\n"
    )
    assert lint_file(tmp_path, monkeypatch, body) == [
        "c.yaml:14:29: codings.aid.evidence.0.quote: warning: aid cites the same quote from source 's1' as endorse "
        "('we support'): one quote is evidence for one feature only (quote-in-two-features)"
    ]
    args = ["validate", "c.yaml", "--rubrics-dir", str(DEMO / "rubrics"), "--no-cache"]
    assert CliRunner().invoke(app, args).exit_code == 0
    strict = CliRunner().invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "(quote-in-two-features)" in strict.output


def test_problems_sort_by_the_key_as_by_their_order() -> None:
    problems = [
        Problem(p, line, column, where, message, severity)
        for p in ("b.yaml", "a.yaml")
        for line in (10, 2)
        for column in (3, 1)
        for where, message, severity in (("x", "m", "warning"), ("x", "m", "error"), ("a", "z", "error"))
    ]
    assert sorted(problems, key=IN_ORDER) == sorted(problems)
