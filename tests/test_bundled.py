"""Every shipped rubric and case loads, validates and scores."""

from __future__ import annotations

import pytest

from signalscore.api import load_cases, score
from signalscore.loader import load, yaml_files
from tests.conftest import ROOT

SHIPPED = sorted(str(p.resolve().relative_to(ROOT)) for p in yaml_files([ROOT / "rubrics", ROOT / "cases"])[0])
BUNDLED = sorted(
    [
        "by-ru-2022-ukraine",
        "cn-ru-2008-georgia",
        "cn-ru-2014-crimea",
        "cn-ru-2015-syria",
        "cn-ru-2018-salisbury",
        "cn-ru-2022-ukraine",
        "cn-ru-2023-ukraine",
        "cn-ru-2024-ukraine",
        "cn-sy-2011-syria",
        "in-ru-2022-ukraine",
        "kz-ru-2022-ukraine",
        "ru-cn-2016-scs",
        "ru-cn-2019-hongkong",
        "ru-cn-2022-taiwan",
        "us-il-2023-gaza",
    ]
)


@pytest.mark.parametrize("path", SHIPPED)
def test_shipped_file_loads(path: str) -> None:
    # An adjudicated file is checked beside the codings it adjudicates (alone, it is an error by design).
    paths = [ROOT / "cases"] if path.startswith("cases/adjudicated/") else [ROOT / path]
    corpus = load(paths, rubrics_dir=ROOT / "rubrics")
    assert corpus.rubrics
    assert not path.startswith("cases/") or any(str(f).endswith(path) for f in corpus.inputs)


def test_bundled_cases_score_with_full_evidence() -> None:
    corpus = load_cases(ROOT / "cases", rubrics_dir=ROOT / "rubrics")
    # Each bundled case is coded twice, blind, and adjudicated: three files an id; the adjudicated one is scored.
    assert sorted({c.id for c in corpus.cases}) == BUNDLED and len(corpus.cases) == 3 * len(BUNDLED)
    assert sorted(c.id for c in corpus.cases if c.adjudicates) == BUNDLED
    scores = score(corpus)
    assert sorted(scores.cases["case"]) == BUNDLED
    assert scores.cases["score"].notna().all()
    assert scores.cases["rank"].min() == 1 and scores.cases["rank"].max() == len(BUNDLED)
    for case in corpus.cases:
        rubric = corpus.rubric_for(case)
        assert set(case.codings) == {f.id for f in rubric.features}, case.id
        for fid, coding in case.codings.items():
            # Every coded value, and every value of a scored (adjudicated) coding, says why; an independent
            # coder's bare `n/a` is kept as written.
            assert coding.rationale or (coding.status != "coded" and not case.adjudicates), (case.id, fid)
            if coding.status == "coded":
                assert coding.evidence and all(e.quote.strip() for e in coding.evidence), (case.id, fid)
