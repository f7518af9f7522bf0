"""`--case PATTERN`: the scoring commands and `agree` keep only the cases whose id matches, every coder's file."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.conftest import ROOT, THREE, Run


def test_patterns_keep_matching_ids_and_rank_among_them(cli: Callable[..., Run]) -> None:
    run = cli("score", "-f", "json", "-c", "cn-ru-20[01]*", "--case", "ru-cn-*", cwd=ROOT)
    assert run.code == 0, run.err
    cases = json.loads(run.out)["rubrics"][0]["cases"]
    ids = sorted(c["id"] for c in cases)
    assert ids == [
        "cn-ru-2008-georgia",
        "cn-ru-2014-crimea",
        "cn-ru-2015-syria",
        "cn-ru-2018-salisbury",
        "ru-cn-2016-scs",
        "ru-cn-2019-hongkong",
        "ru-cn-2022-taiwan",
    ]
    assert sorted(c["rank"] for c in cases) == list(range(1, 8))


def test_every_coders_file_of_a_kept_id_stays(cli: Callable[..., Run]) -> None:
    run = cli("agree", "-f", "json", *THREE, cwd=ROOT)
    assert run.code == 0, run.err
    assert json.loads(run.out)["rubrics"][0]["cases"] == [
        "cn-ru-2008-georgia",
        "cn-ru-2014-crimea",
        "cn-ru-2022-ukraine",
    ]
    whole = json.loads(cli("score", "-f", "json", cwd=ROOT).out)["rubrics"][0]["cases"]
    kept = json.loads(cli("score", "-f", "json", *THREE, cwd=ROOT).out)["rubrics"][0]["cases"]
    # the adjudicated coding is still the one scored: the same scores as in the whole panel
    assert {c["id"]: c["score"] for c in kept} == {
        c["id"]: c["score"] for c in whole if c["id"] in dict(zip(THREE[1::2], THREE[1::2], strict=True))
    }


def test_patterns_that_match_nothing_are_all_named(cli: Callable[..., Run]) -> None:
    run = cli("compare", "-c", "zz*", "-c", "cn-ru-2099-georgia", cwd=ROOT)
    assert run.code == 2 and run.out == ""
    assert "--case 'zz*' matches no case id: known: by-ru-2022-ukraine" in run.err
    assert "--case 'cn-ru-2099-georgia' matches no case id: did you mean 'cn-ru-2008-georgia'?" in run.err


def test_a_coding_every_case_shares_is_named_once(cli: Callable[..., Run]) -> None:
    out = cli("compare", "-c", "cn-ru-*", cwd=ROOT).out
    said = " ".join(out[out.index("Codings shown:") :].split("\n\n")[0].split())
    assert said == "Codings shown: every case: adjudicated by adjudicator of coder-b, signalscore-research."
