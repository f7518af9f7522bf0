"""Every shipped rubric and case loads, validates and scores."""

from __future__ import annotations

import pytest

from signalscore.api import load_cases, score
from signalscore.loader import load, yaml_files
from tests.conftest import ROOT

SHIPPED = sorted(str(p.resolve().relative_to(ROOT)) for p in yaml_files([ROOT / "rubrics", ROOT / "cases"])[0])
BUNDLED = ["cn-ru-2008-georgia", "cn-ru-2014-crimea", "cn-ru-2022-ukraine"]


@pytest.mark.parametrize("path", SHIPPED)
def test_shipped_file_loads(path: str) -> None:
    corpus = load([ROOT / path], rubrics_dir=ROOT / "rubrics")
    assert corpus.rubrics


def test_bundled_cases_score_with_full_evidence() -> None:
    corpus = load_cases(ROOT / "cases", rubrics_dir=ROOT / "rubrics")
    assert sorted(c.id for c in corpus.cases) == BUNDLED
    scores = score(corpus)
    assert scores.cases["score"].notna().all()
    assert set(scores.cases["rank"]) == {1, 2, 3}
    for case in corpus.cases:
        rubric = corpus.rubric_for(case)
        assert set(case.codings) == {f.id for f in rubric.features}, case.id
        for fid, coding in case.codings.items():
            assert coding.rationale, (case.id, fid)
            if coding.status == "coded":
                assert coding.evidence and all(e.quote.strip() for e in coding.evidence), (case.id, fid)
