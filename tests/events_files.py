"""Small event files in each published layout, written by the tests (no network)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from signalscore.events.layouts import GDELT2_COLUMNS, ICEWS_COLUMNS, POLECAT_COLUMNS


@dataclass(frozen=True)
class Event:
    id: str
    day: str  # YYYY-MM-DD
    sender: str
    recipient: str
    code: str  # CAMEO code, or PLOVER TYPE or TYPE.mode
    actor_type: str = "GOV"
    weight: float = 1.0
    url: str = ""


def _row(columns: Sequence[str], values: dict[str, str]) -> str:
    return "\t".join(values.get(c, "") for c in columns)


def gdelt_line(e: Event) -> str:
    values = {
        "GLOBALEVENTID": e.id,
        "SQLDATE": e.day.replace("-", ""),
        "Actor1CountryCode": e.sender,
        "Actor2CountryCode": e.recipient,
        "Actor1Type1Code": e.actor_type,
        "EventCode": e.code,
        "EventRootCode": e.code[:2],
        "GoldsteinScale": str(e.weight),
        "SOURCEURL": e.url or f"https://news.example/{e.id}",
        "Actor1Name": 'A "quoted" name',  # a stray quote: tab-separated exports quote nothing
    }
    return _row(GDELT2_COLUMNS, values)


def write_gdelt(path: Path, events: Sequence[Event]) -> Path:
    path.write_text("".join(gdelt_line(e) + "\n" for e in events), encoding="utf-8")
    return path


ICEWS_NAMES = {"CHN": "China", "RUS": "Russian Federation", "USA": "United States", "UKR": "Ukraine"}
SECTORS = {"GOV": "Government,Executive", "MED": "Media,News"}


def write_icews(path: Path, events: Sequence[Event]) -> Path:
    lines = ["\t".join(ICEWS_COLUMNS)]
    for e in events:
        values = {
            "Event ID": e.id,
            "Event Date": e.day,
            "Source Country": ICEWS_NAMES[e.sender],
            "Target Country": ICEWS_NAMES[e.recipient],
            "Source Sectors": SECTORS.get(e.actor_type, e.actor_type),
            "CAMEO Code": e.code,
            "Intensity": str(e.weight),
            "Publisher": "Example Wire",
            "Story ID": f"s{e.id}",
        }
        lines.append(_row(ICEWS_COLUMNS, values))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_polecat(path: Path, events: Sequence[Event]) -> Path:
    lines = ["\t".join(POLECAT_COLUMNS)]
    for e in events:
        kind, _, mode = e.code.partition(".")
        values = {
            "Event ID": e.id,
            "Event Date": e.day,
            "Event Type": kind.lower(),
            "Event Mode": mode,
            "Event Intensity": str(e.weight),
            "Actor Country": e.sender,
            "Recipient Country": e.recipient,
            "Primary Actor Sector": e.actor_type,
            "Source": "Example Wire",
        }
        lines.append(_row(POLECAT_COLUMNS, values))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
