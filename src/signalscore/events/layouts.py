"""The published column layouts of event files, and which of their columns mean what."""

from __future__ import annotations

from dataclasses import dataclass

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code")
_TYPES = ("Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
# GDELT 2.0 event export (GDELT Event Codebook V2.0): 61 tab-separated columns, no header.
GDELT2_COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *tuple(f"Actor1{c}" for c in _ACTOR + _TYPES),
    *tuple(f"Actor2{c}" for c in _ACTOR + _TYPES),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *tuple(f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in _GEO),
    "DATEADDED",
    "SOURCEURL",
)
# ICEWS coded event files (Harvard Dataverse): tab-separated, with this header.
ICEWS_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
_POLECAT_SIDE = ("Name", "Country", "COW", "Primary {} Sector", "Sectors", "Title", "Name Raw", "Wikipedia {} ID")
# POLECAT weekly files (PLOVER ontology, Harvard Dataverse): tab-separated, with this header.
POLECAT_COLUMNS = (
    "Event ID",
    "Event Date",
    "Event Type",
    "Event Mode",
    "Event Intensity",
    "Quad Code",
    "Contexts",
    *tuple(c.format("Actor") if "{}" in c else f"Actor {c}" for c in _POLECAT_SIDE),
    *tuple(c.format("Recipient") if "{}" in c else f"Recipient {c}" for c in _POLECAT_SIDE),
    "Placename",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
    "GeoNames ID",
    "Raw Placename",
    "Feature Type",
    "Source",
    "Publication Date",
    "Story People",
    "Story Organizations",
    "Story Locations",
    "Language",
    "Version",
)


# CAMEO actor type codes (GDELT's Actor1Type1Code) and the ICEWS sector each is named by.
_ICEWS_TYPES = (("GOV", "Government"), ("MIL", "Military"), ("BUS", "Business"), ("MED", "Media"), ("JUD", "Judicial"))


@dataclass(frozen=True)
class Layout:
    """One published layout: its columns, and the column behind each thing the aggregation reads."""

    name: str
    label: str  # as evidence names the data set
    columns: tuple[str, ...]
    header: bool  # whether its text files start with a header line
    event_id: str
    date: str  # YYYYMMDD or YYYY-MM-DD
    sender: str
    recipient: str
    sender_type: str
    code: str
    weight: str  # GoldsteinScale or intensity: what goldstein_sum adds up
    url: str | None = None
    publisher: str | None = None
    mode: str | None = None  # PLOVER's event mode, joined to the type as TYPE.mode
    sectors: bool = False  # sender_type holds a comma-separated list of sectors
    type_names: tuple[tuple[str, str], ...] = ()  # CAMEO actor types as this layout names them

    def actor_type(self, name: str) -> str:
        """A mapping's actor_type as this layout writes it (ICEWS: GOV is the sector Government)."""
        return dict(self.type_names).get(name, name)

    def needed(self) -> list[str]:
        """The columns the aggregation and the evidence read."""
        named = (self.event_id, self.date, self.sender, self.recipient, self.sender_type, self.code, self.weight)
        return [c for c in (*named, self.url, self.publisher, self.mode) if c is not None]


LAYOUTS = {
    "gdelt2": Layout(
        "gdelt2",
        "GDELT",
        GDELT2_COLUMNS,
        False,
        "GLOBALEVENTID",
        "SQLDATE",
        "Actor1CountryCode",
        "Actor2CountryCode",
        "Actor1Type1Code",
        "EventCode",
        "GoldsteinScale",
        url="SOURCEURL",
    ),
    "icews": Layout(
        "icews",
        "ICEWS",
        ICEWS_COLUMNS,
        True,
        "Event ID",
        "Event Date",
        "Source Country",
        "Target Country",
        "Source Sectors",
        "CAMEO Code",
        "Intensity",
        publisher="Publisher",
        sectors=True,
        type_names=_ICEWS_TYPES,
    ),
    "polecat": Layout(
        "polecat",
        "POLECAT",
        POLECAT_COLUMNS,
        True,
        "Event ID",
        "Event Date",
        "Actor Country",
        "Recipient Country",
        "Primary Actor Sector",
        "Event Type",
        "Event Intensity",
        publisher="Source",
        mode="Event Mode",
    ),
}
