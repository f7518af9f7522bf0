"""Lint rules: the registry, and each rule's exact message and location."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from signalscore.case import Case
from signalscore.errors import Issue, Problem
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


def test_lint_locates_warnings_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c.yaml").write_text(
        "id: c\nrubric: demo\ntitle: T\nsender: A\nrecipient: B\n"
        "period: {start: 2020-01-01, end: 2020-12-31}\n"
        "sources:\n  - {id: old, title: Old, date: 2001-01-01}\n"
        "codings:\n  aid: true\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    corpus = load([Path("c.yaml")], rubrics_dir=DEMO / "rubrics")
    assert [str(p) for p in lint(corpus)] == [
        "c.yaml:6:9: period: warning: none of the 1 dated source(s) (2001-01-01) falls within the period 2020-01-01 "
        "to 2020-12-31 (period-outside-sources)",
        "c.yaml:8:10: sources.0.id: warning: source 'old' is declared but no evidence cites it (source-never-cited)",
        "c.yaml:10:3: codings.aid: warning: aid is coded without a confidence (high, medium or low) (missing-confidence)",
        "c.yaml:10:3: codings.aid: warning: aid is coded without evidence (coded-without-evidence)",
    ]
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
