"""agreement.py and `signalscore agree`: Krippendorff's alpha against published values, and the command's contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalscore.agreement import MIN_PAIRABLE, alpha_of, percent_agreement
from tests.conftest import DATA, Run

CODERS = DATA / "valid" / "coders"
NAN = np.nan
# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication,
# University of Pennsylvania (repository.upenn.edu/asc_papers/43): the 4 observers x 12 units example of
# sections C and D (missing values as NaN). Published: alpha nominal 0.743 (section C), interval 0.849,
# ordinal 0.815 (section D), ratio 0.797.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
# The 3 coders x 15 units example of Krippendorff's alpha's computational example (Wikipedia, after
# Krippendorff 2011 and Content Analysis, 2004/2019): published alpha nominal 0.691, interval 0.811.
WIKIPEDIA = np.array(
    [
        [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
        [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
        [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
    ]
)


def test_alpha_matches_krippendorffs_published_values() -> None:
    assert round(alpha_of(KRIPPENDORFF_2011, "nominal") or 0, 3) == 0.743
    assert round(alpha_of(KRIPPENDORFF_2011, "interval") or 0, 3) == 0.849
    assert round(alpha_of(KRIPPENDORFF_2011, "ordinal") or 0, 3) == 0.815
    assert round(alpha_of(KRIPPENDORFF_2011, "ratio") or 0, 3) == 0.797
    assert round(alpha_of(WIKIPEDIA, "nominal") or 0, 3) == 0.691
    assert round(alpha_of(WIKIPEDIA, "interval") or 0, 3) == 0.811


def test_no_pair_or_no_variation_has_no_alpha() -> None:
    assert alpha_of(np.array([[1.0, NAN], [NAN, 2.0]]), "interval") is None
    assert alpha_of(np.array([[1.0, 1.0], [1.0, 1.0]]), "nominal") is None
    assert percent_agreement(np.array([[1.0, NAN], [NAN, 2.0]])) is None
    assert percent_agreement(np.array([[1.0, 2.0], [1.0, 3.0]])) == 0.5


reliability = st.integers(2, 4).flatmap(
    lambda coders: st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=coders, max_size=coders), min_size=2, max_size=12
    )
)


@given(units=reliability)
def test_identical_codings_agree_perfectly(units: list[list[int | None]]) -> None:
    row = np.array([next((v for v in unit if v is not None), NAN) for unit in units], dtype=float)
    data = np.vstack([row, row])
    expected = None if np.unique(row[~np.isnan(row)]).size < 2 else 1.0
    for metric in ("nominal", "ordinal", "interval"):
        assert alpha_of(data, metric) == expected


def write_cases(folder: Path, units: list[list[int | None]]) -> None:
    """One ordinal feature (endorse, levels 0-3) coded by coders c0, c1, ... on each unit; None is unknown."""
    for u, unit in enumerate(units):
        for k, value in enumerate(unit):
            coding = "unknown" if value is None else value
            text = f"id: u{u}\nrubric: demo\ntitle: T\nsender: A\nrecipient: B\ncoder: c{k}\ncodings: {{endorse: {coding}}}\n"
            (folder / f"u{u}-c{k}.yaml").write_text(text, encoding="utf-8")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(units=reliability)
def test_the_command_and_the_package_agree(
    units: list[list[int | None]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("cases")
    write_cases(folder, units)
    data = np.array([[NAN if v is None else v for v in unit] for unit in units], dtype=float).T
    from typer.testing import CliRunner

    from signalscore.cli import app

    rubrics = str(CODERS / "rubrics")
    result = CliRunner().invoke(app, ["agree", str(folder), "--rubrics-dir", rubrics, "-f", "json", "--bootstrap", "0"])
    assert result.exit_code == 0, result.stderr
    feature = json.loads(result.stdout)["rubrics"][0]["features"][0]
    pairable = data[:, (~np.isnan(data)).sum(axis=0) > 1]
    values = pairable[~np.isnan(pairable)]
    if values.size == 0 or np.unique(values).size < 2:
        assert feature["alpha"] is None
    else:
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal", value_domain=[0, 1, 2, 3])
        assert feature["alpha"] == pytest.approx(expected)
    assert feature["pairable"] == int(values.size)


def agree_json(cli: Callable[..., Run], *args: str) -> dict:  # type: ignore[type-arg]
    run = cli("agree", "-f", "json", *args, cwd=CODERS)
    assert run.code == 0, run.err
    return json.loads(run.out)["rubrics"][0]  # type: ignore[no-any-return]


def test_agree_json_has_section_8s_shape(cli: Callable[..., Run]) -> None:
    data = agree_json(cli)
    assert {"id", "version", "coders", "cases", "overall", "features", "disagreements"} <= set(data)
    assert data["coders"] == ["ana", "ben"]
    assert data["cases"] == ["alpha-2010", "alpha-2014"]  # independent codings only: cleo adjudicates
    assert {"alpha", "alpha_low", "alpha_high", "pairable", "agreement"} <= set(data["overall"])
    keys = {"id", "metric", "alpha", "alpha_low", "alpha_high", "pairable", "agreement", "applicability_disagreements"}
    assert all(keys <= set(f) for f in data["features"])
    metrics = {f["id"]: f["metric"] for f in data["features"]}
    assert metrics == {
        "endorse": "ordinal",
        "meetings": "interval",
        "hedging": "ordinal",
        "aid": "nominal",
        "trade_growth": "interval",
        "exercises": "interval",
    }
    first = data["disagreements"][0]
    assert set(first) >= {"case", "feature", "codings", "points"}
    assert first["case"] == "alpha-2014" and first["feature"] == "aid"
    assert first["codings"]["ben"] == {
        "value": False,
        "confidence": "low",
        "rationale": "The credit line was never drawn.",
    }


def test_agree_values_of_the_coders_workspace(cli: Callable[..., Run]) -> None:
    data = agree_json(cli)
    features = {f["id"]: f for f in data["features"]}
    # exercises: ana n/a, ben 1 in 2010 (applicability), ben unknown in 2014 (missing): no pair at all.
    assert features["exercises"]["alpha"] is None and features["exercises"]["pairable"] == 0
    assert features["exercises"]["applicability_disagreements"] == 1
    assert features["hedging"]["alpha"] == 1.0 and features["hedging"]["agreement"] == 1.0
    # aid: ana true/true, ben true/false: nominal alpha on [[1,1],[1,0]] is 0.
    assert features["aid"]["alpha"] == pytest.approx(0.0)
    assert features["aid"]["pairable"] == 4 < MIN_PAIRABLE and features["aid"]["stable"] is False
    points = [d["points"] for d in data["disagreements"]]
    assert points == sorted(points, reverse=True)
    # aid weighs 2 of 3 in deeds (3/4): true against false moves alpha-2014 (ana's other codings) by 3.75 points.
    assert data["disagreements"][0]["points"] == pytest.approx(3.75)
    kinds = {(d["case"], d["feature"]): d["kind"] for d in data["disagreements"]}
    assert kinds[("alpha-2010", "exercises")] == "applicability"


def test_agree_is_seeded(cli: Callable[..., Run]) -> None:
    one, two = agree_json(cli, "--seed", "3"), agree_json(cli, "--seed", "3")
    assert one == two


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "html", "latex"])
def test_agree_every_format_marks_unstable_alphas(cli: Callable[..., Run], fmt: str) -> None:
    run = cli("agree", "-f", fmt, cwd=CODERS)
    assert run.code == 0, run.err
    assert "alpha-2014" in run.out or ("2014" in run.out and "shared prefix alpha-" in run.out)
    if fmt != "csv":
        assert f"fewer than {MIN_PAIRABLE} pairable values" in run.out


def test_agree_writes_a_file_and_refuses_without_pairs(cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "agree.md"
    assert cli("agree", "-f", "markdown", "-o", str(out), cwd=CODERS).code == 0
    assert "Disagreements" in out.read_text(encoding="utf-8")
    run = cli("agree", "cases/alpha-2020.yaml", cwd=CODERS)
    assert run.code == 2
    assert "coded independently by two or more coders" in run.err


ATTACK = '\x1b[2J\u202e\r\n# Evil | heading\n=HYPERLINK("x")'


def test_hostile_coder_names_and_rationales_reach_no_reader_raw(cli: Callable[..., Run], tmp_path: Path) -> None:
    import yaml

    work = tmp_path / "w"
    (work / "cases").mkdir(parents=True)
    for coder, value in ((f"ana{ATTACK}", 1), ("ben", 2)):
        case = {"id": "x", "rubric": "demo", "title": ATTACK, "sender": "A", "recipient": "B", "coder": coder}
        case["codings"] = {"endorse": {"value": value, "rationale": ATTACK}}
        name = "ana" if coder != "ben" else "ben"
        (work / "cases" / f"{name}.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    (work / "cases" / "y.yaml").write_text((work / "cases" / "ana.yaml").read_text().replace("id: x", "id: y"))
    (work / "cases" / "y2.yaml").write_text((work / "cases" / "ben.yaml").read_text().replace("id: x", "id: y"))
    args = ("--rubrics-dir", str(CODERS / "rubrics"))
    for fmt in ("table", "markdown", "csv", "json", "html", "latex"):
        run = cli("agree", "cases", "-f", fmt, *args, cwd=work)
        assert run.code == 0, run.err
        assert "\x1b" not in run.out and "\u202e" not in run.out and "\r" not in run.out
        if fmt == "markdown":
            assert "\n# Evil" not in run.out
    for fmt in ("table", "markdown", "html"):
        run = cli("score", "cases", "-f", fmt, *args, cwd=work)
        assert run.code == 0
        assert "\x1b" not in run.out + run.err and "\u202e" not in run.out + run.err
    run = cli("adjudicate", "x", "cases", "-o", "cases/adj.yaml", *args, cwd=work)
    assert run.code == 0, run.err
    text = (work / "cases" / "adj.yaml").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text and "\n# Evil" not in text
    assert cli("validate", "cases", str(CODERS / "rubrics"), cwd=work).code == 0
