"""`signalscore events derive` and `events panel` on small files in each published layout (no network)."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from signalscore.events.layouts import GDELT2_COLUMNS
from signalscore.loader import load
from tests.conftest import ROOT, Run
from tests.events_files import Event, gdelt_line, write_gdelt, write_icews, write_polecat

RUBRICS = ROOT / "rubrics"
CAMEO = ROOT / "mappings" / "cameo-support.yaml"
PLOVER = ROOT / "mappings" / "plover-support.yaml"
PERIOD = "2008-08-08:2009-08-07"
UNSEEN = {"core_interest_framing", "official_framing", "un_votes", "territorial_recognition", "costliness"}


def _events() -> list[Event]:
    """CHN to RUS in a window 2008-08-08..2009-08-07, with events just outside it and in other dyads."""
    cn, ru = "CHN", "RUS"
    found = [
        Event("101", "2008-08-08", cn, ru, "042"),  # first day of the window: counts
        Event("102", "2008-08-08", cn, ru, "043"),  # same day: a second event, not a second day
        Event("103", "2008-09-01", cn, ru, "044", actor_type="MED"),  # not GOV: leader_meetings skips it
        Event("104", "2009-08-07", cn, ru, "042"),  # last day: counts
        Event("105", "2009-08-08", cn, ru, "042"),  # the day after: does not
        Event("106", "2008-08-07", cn, ru, "042"),  # the day before: does not
        Event("107", "2008-10-01", ru, cn, "042"),  # the other direction
        Event("108", "2008-10-02", cn, "USA", "042"),  # another recipient
        Event("121", "2008-11-01", cn, ru, "111"),  # distancing: 11* matches 111, 1121, 112 ...
        Event("122", "2008-11-02", cn, ru, "1121"),
        Event("123", "2008-11-03", cn, ru, "112"),
        Event("124", "2008-11-04", cn, ru, "011"),  # ... but not 011 (a prefix matches from the start)
        Event("131", "2008-12-01", cn, ru, "057"),
        Event("132", "2008-12-01", cn, ru, "057"),
    ]
    found += [Event(f"11{i}", f"2008-08-1{i}", cn, ru, "051") for i in range(5)]  # 5 days of endorsement
    found += [Event(f"14{i}", f"2009-0{i + 1}-15", cn, ru, "062") for i in range(4)]  # 4 days of military cooperation
    return found


EXPECTED = {
    "leader_meetings": 2,  # days 2008-08-08 and 2009-08-07 (3 GOV events)
    "explicit_endorsement": 2,  # 5 days: thresholds 1, 5 reached
    "formal_commitment": 1,  # 1 day (2 events)
    "economic_support": 0,
    "military_cooperation": 2,  # 4 days: thresholds 1, 4
    "distancing": 1,  # 3 days: threshold 3
    "sanction_compliance": 0,
}


def derive_args(events: Path, *extra: str, mapping: Path = CAMEO, command: str = "derive") -> list[str]:
    """The arguments of `events derive` (or panel) on some events with a mapping and the repository's rubrics."""
    return ["events", command, str(events), "-m", str(mapping), "--rubrics-dir", str(RUBRICS), *extra]


def _derive(cli: Callable[..., Run], events: Path, tmp_path: Path, *extra: str, mapping: Path = CAMEO) -> dict:
    out = tmp_path / "derived.yaml"
    run = cli(*derive_args(events, "--period", PERIOD, "-o", str(out), *extra, mapping=mapping), cwd=tmp_path)
    assert run.code == 0, run.err
    data: dict = yaml.safe_load(out.read_text(encoding="utf-8"))
    return data


def _values(case: dict) -> dict:
    return {k: v["value"] for k, v in case["codings"].items() if v["value"] != "unknown"}


def test_gdelt_derive_counts_levels_windows_filters_and_evidence(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = write_gdelt(tmp_path / "20080808.export.CSV", _events())
    case = _derive(cli, events, tmp_path, "--evidence", "2")
    assert _values(case) == EXPECTED
    assert {k for k, v in case["codings"].items() if v["value"] == "unknown"} == UNSEEN
    assert "event data cannot see this feature" in case["codings"]["un_votes"]["rationale"]
    assert case["coder"] == "events:cameo-support" and case["sender"] == "CHN" and case["recipient"] == "RUS"
    meetings = case["codings"]["leader_meetings"]
    assert meetings["confidence"] == "low"
    assert meetings["rationale"].startswith("3 GDELT event(s) from CHN to RUS, 2008-08-08 to 2009-08-07")
    assert "distinct days with such an event: 2" in meetings["rationale"]
    # A capped sample, earliest first: the events and their source URLs.
    assert [e["source"] for e in meetings["evidence"]] == ["event-101", "event-102"]
    sources = {s["id"]: s for s in case["sources"]}
    assert sources["event-101"]["url"] == "https://news.example/101"
    assert sources["event-101"]["title"] == "GDELT event 101: CAMEO 042 (make a visit) by CHN toward RUS"
    assert [e["source"] for e in case["codings"]["distancing"]["evidence"]] == ["event-121", "event-122"]
    assert "thresholds 3, 10, 30: reached 3" in case["codings"]["distancing"]["rationale"]


def test_a_derived_case_validates_and_scores_like_a_hand_coded_one(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = write_gdelt(tmp_path / "e.tsv", _events())
    _derive(cli, events, tmp_path, "--id", "cn-ru-2008-georgia")
    assert cli("validate", "derived.yaml", "--rubrics-dir", str(RUBRICS), "--strict", cwd=tmp_path).code == 0
    run = cli("score", "derived.yaml", "--rubrics-dir", str(RUBRICS), "-f", "json", cwd=tmp_path)
    assert run.code == 0, run.err
    (scored,) = json.loads(run.out)["rubrics"][0]["cases"]
    assert scored["id"] == "cn-ru-2008-georgia" and scored["score"] is not None and 0 < scored["coverage"] < 1


@pytest.mark.parametrize("layout", ["icews", "polecat"])
def test_icews_and_polecat_layouts_give_the_same_codings(cli: Callable[..., Run], tmp_path: Path, layout: str) -> None:
    if layout == "icews":
        events = write_icews(tmp_path / "events.2008.tab", _events())
        case = _derive(
            cli, events, tmp_path, "--layout", "icews", "--sender", "China", "--recipient", "Russian Federation"
        )
        assert case["sources"][0]["publisher"] == "Example Wire" and "url" not in case["sources"][0]
        assert _values(case) == EXPECTED
        return
    plover = {"042": "CONSULT.visit", "043": "CONSULT.visit", "044": "CONSULT.third-party", "051": "SUPPORT"}
    plover |= {
        "111": "ACCUSE",
        "1121": "ACCUSE.allege",
        "112": "REJECT",
        "011": "CONCEDE",
        "057": "AGREE",
        "062": "COOPERATE",
    }
    events = [Event(e.id, e.day, e.sender, e.recipient, plover[e.code], e.actor_type) for e in _events()]
    case = _derive(cli, write_polecat(tmp_path / "ngec_2008.txt", events), tmp_path, mapping=PLOVER)
    # PLOVER's COOPERATE is economic_support there (no military mode): 4 days reach threshold 2.
    assert _values(case) == {**EXPECTED, "economic_support": 1, "military_cooperation": 0}
    assert case["codings"]["leader_meetings"]["evidence"][0]["quote"].startswith(
        "PLOVER CONSULT.visit by CHN toward RUS"
    )


def test_files_folders_compression_and_parquet(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = _events()
    folder = tmp_path / "gdelt"
    (folder / "sub").mkdir(parents=True)
    write_gdelt(folder / "a.export.CSV", events[:6])
    with gzip.open(folder / "sub" / "b.export.CSV.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(gdelt_line(e) + "\n" for e in events[6:12])
    with zipfile.ZipFile(folder / "c.export.CSV.zip", "w") as archive:
        archive.writestr("c.export.CSV", "".join(gdelt_line(e) + "\n" for e in events[12:16]))
    rows = [dict(zip(GDELT2_COLUMNS, gdelt_line(e).split("\t"), strict=True)) for e in events[16:]]
    pd.DataFrame(rows).astype({"GoldsteinScale": float}).to_parquet(folder / "d.parquet")
    case = _derive(cli, folder, tmp_path)
    assert _values(case) == EXPECTED


def test_a_bigquery_csv_export_with_a_header_reads_too(cli: Callable[..., Run], tmp_path: Path) -> None:
    rows = [dict(zip(GDELT2_COLUMNS, gdelt_line(e).split("\t"), strict=True)) for e in _events()]
    pd.DataFrame(rows).to_csv(tmp_path / "bq.csv", index=False)
    assert _values(_derive(cli, tmp_path / "bq.csv", tmp_path)) == EXPECTED


def test_panel_every_dyad_and_year(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = write_gdelt(tmp_path / "e.tsv", _events())
    args = derive_args(events, "--dyads", "CHN:RUS,RUS:CHN", command="panel")
    run = cli(*args, "--period", "2008-01-01:2009-12-31", "-f", "csv", cwd=tmp_path)
    assert run.code == 0, run.err
    frame = pd.read_csv(__import__("io").StringIO(run.out), dtype={"window": str})
    assert list(frame[["sender", "recipient", "window"]].itertuples(index=False, name=None)) == [
        ("CHN", "RUS", "2008"),
        ("CHN", "RUS", "2009"),
        ("RUS", "CHN", "2008"),
        ("RUS", "CHN", "2009"),
    ]
    chn_2008 = frame.iloc[0]
    # 2008: meetings on 08-07 and 08-08 (GOV), 5 days of endorsement, 3 of distancing; 2009: 08-07, 08-08; 4 days of 062.
    assert chn_2008[list(EXPECTED)].tolist() == [2, 2, 1, 0, 0, 1, 0]
    assert frame.iloc[1][list(EXPECTED)].tolist() == [2, 0, 0, 0, 2, 0, 0]
    assert frame.iloc[2]["leader_meetings"] == 1 and frame.iloc[3]["leader_meetings"] == 0
    assert (frame["start"].tolist(), frame["end"].tolist()) == (
        ["2008-01-01", "2009-01-01"] * 2,
        ["2008-12-31", "2009-12-31"] * 2,
    )
    run = cli(*args, "--period", "2008-08-08:2009-08-07", "-f", "json", cwd=tmp_path)
    rows = json.loads(run.out)["rows"]
    assert [(r["start"], r["end"]) for r in rows[:2]] == [("2008-08-08", "2008-12-31"), ("2009-01-01", "2009-08-07")]
    assert rows[0]["leader_meetings"] == 1 and rows[1]["leader_meetings"] == 1  # 08-07 of each year is outside


def test_a_panel_split_to_fit_names_the_dyad_and_window_in_every_block(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = write_gdelt(tmp_path / "e.tsv", _events())
    monkeypatch.setenv("COLUMNS", "60")
    args = derive_args(events, "--dyads", "CHN:RUS,RUS:CHN", command="panel")
    run = cli(*args, "--period", "2008-01-01:2009-12-31", cwd=tmp_path)
    assert run.code == 0, run.err
    blocks = [b for b in run.out.split("\n\n") if b.strip()]
    assert len(blocks) > 1 and all(len(line) <= 60 for line in run.out.splitlines())
    assert all(b.split()[:3] == ["sender", "recipient", "window"] for b in blocks)


def test_panel_scores_match_derived_cases(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = write_gdelt(tmp_path / "e.tsv", _events())
    run = cli(
        *derive_args(
            events,
            "--dyads",
            "CHN:RUS",
            "--every",
            "year",
            "--period",
            "2009-01-01:2009-12-31",
            "-f",
            "json",
            command="panel",
        ),
        cwd=tmp_path,
    )
    (row,) = json.loads(run.out)["rows"]
    out = tmp_path / "d.yaml"
    cli(*derive_args(events, "--period", "2009-01-01:2009-12-31", "-o", str(out), mapping=CAMEO), cwd=tmp_path)
    scored = json.loads(cli("score", str(out), "--rubrics-dir", str(RUBRICS), "-f", "json", cwd=tmp_path).out)
    assert scored["rubrics"][0]["cases"][0]["score"] == pytest.approx(row["score"], abs=1e-12)


def test_agree_compares_a_derived_coding_with_a_hand_coding(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = write_gdelt(tmp_path / "e.tsv", _events())
    cases = tmp_path / "cases"
    cases.mkdir()
    hand = ROOT / "src" / "signalscore" / "examples" / "cases" / "cn-ru-2008-georgia.yaml"
    shutil.copy(hand, cases / "hand.yaml")
    hand_case = load([cases / "hand.yaml"], rubrics_dir=RUBRICS).cases[0]
    start, end = hand_case.period.start, hand_case.period.end  # type: ignore[union-attr]
    out = cases / "derived.yaml"
    run = cli(
        *derive_args(events, "--period", f"{start}:{end}", "--id", hand_case.id, "-o", str(out), mapping=CAMEO),
        cwd=tmp_path,
    )
    assert run.code == 0, run.err
    run = cli("agree", str(cases), "--rubrics-dir", str(RUBRICS), "-f", "json", cwd=tmp_path)
    assert run.code == 0, run.err
    (rubric,) = json.loads(run.out)["rubrics"]
    assert rubric["coders"] == sorted([hand_case.coder or "", "events:cameo-support"])
    assert rubric["cases"] == [hand_case.id]
    features = {f["id"]: f for f in rubric["features"]}
    assert features["leader_meetings"]["pairable"] == 2  # both coders code it
    assert features["un_votes"]["pairable"] == 0  # unknown in the derived coding: missing data, not a disagreement


def test_bad_events_input(cli: Callable[..., Run], tmp_path: Path) -> None:
    base = ["events", "derive", "-m", str(CAMEO), "--rubrics-dir", str(RUBRICS), "--period", PERIOD]
    assert cli(*base[:2], str(tmp_path / "nope"), *base[2:], cwd=tmp_path).code == 2
    bad = tmp_path / "icews.tsv"
    bad.write_text("Event ID\tEvent Date\n1\t2008-08-08\n", encoding="utf-8")
    run = cli(*base[:2], str(bad), *base[2:], "--layout", "icews", cwd=tmp_path)
    assert run.code == 1
    assert run.err.startswith(f"{bad}:1:1: (document): not a ICEWS file: its header lacks 'Source Country', ")
    run = cli(*base[:2], str(bad), *base[2:], "--layout", "polecat", cwd=tmp_path)
    assert run.code == 2 and "mapping 'cameo-support' is for gdelt2 (cameo codes)" in run.err
    assert cli(*base[:2], str(bad), *base[2:6], "--period", "2009-01-01:2008-01-01", cwd=tmp_path).code == 2
    assert cli(*base[:2], str(bad), *base[2:6], cwd=tmp_path).code == 2  # no --period
    run = cli(*base[:2], str(bad), *base[2:], "--memory-limit", "lots", cwd=tmp_path)
    assert run.code == 2 and "--memory-limit 'lots': expected an amount such as 512MB" in run.err
    short = write_gdelt(tmp_path / "short.tsv", _events())
    short.write_text("1\t20080808\tCHN\n", encoding="utf-8")
    run = cli(*base[:2], str(short), *base[2:], cwd=tmp_path)
    assert run.code == 1 and "a GDELT export has 61 tab-separated columns; found 3" in run.err


def test_output_never_overwrites_an_event_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    events = write_gdelt(tmp_path / "e.tsv", _events())
    before = events.read_bytes()
    run = cli(*derive_args(events, "--period", PERIOD, "-o", str(events), mapping=CAMEO), cwd=tmp_path)
    assert run.code != 0 and events.read_bytes() == before


def _spark_ready() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[events]')"
    return None if shutil.which("java") else "no Java runtime for Spark (.ci/run installs openjdk-17-jre-headless)"


@pytest.mark.skipif(_spark_ready() is not None, reason=str(_spark_ready()))
def test_duckdb_and_spark_give_identical_panels(tmp_path: Path) -> None:
    from signalscore.events.jobs import panel_text
    from signalscore.events.source import Engine

    events = [write_gdelt(tmp_path / "e.tsv", _events())]
    common = (CAMEO, RUBRICS, None)
    rest = (None, None, "month", "json", 1)
    duck = json.loads(panel_text(events, *common, Engine("duckdb"), *rest))
    spark = json.loads(panel_text(events, *common, Engine("spark", spark_master="local[1]"), *rest))
    assert len(duck["rows"]) > 12 and duck == spark
