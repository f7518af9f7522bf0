"""The event vocabularies a mapping may name: CAMEO event codes and PLOVER event types."""

from __future__ import annotations

from functools import cache
from importlib import resources

# PLOVER's sixteen event types (POLECAT's "Event Type"); a mode may follow a dot, e.g. CONSULT.visit.
PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
VOCABULARY = {"gdelt2": "cameo", "icews": "cameo", "polecat": "plover"}


@cache
def cameo() -> dict[str, str]:
    """CAMEO event code -> its name (the codebook's 2-, 3- and 4-digit codes)."""
    text = resources.files("signalscore.events").joinpath("cameo.txt").read_text(encoding="utf-8")
    return dict(line.split("\t", 1) for line in text.splitlines() if line.strip())


def name(vocabulary: str, code: str) -> str:
    """A code as evidence shows it: 'CAMEO 042 (make a visit)', 'PLOVER CONSULT.visit'."""
    if vocabulary == "cameo":
        known = cameo().get(code)
        return f"CAMEO {code} ({known})" if known else f"CAMEO {code}"
    return f"PLOVER {code}"


def code_problem(vocabulary: str, code: str) -> str | None:
    """Why a mapping's code (exact, or a prefix ending in *) names nothing in the vocabulary, or None."""
    stem = code.removesuffix("*")
    if vocabulary == "cameo":
        codes = cameo()
        found = any(c.startswith(stem) for c in codes) if code.endswith("*") else stem in codes
        return None if found else f"{code!r} is not a CAMEO event code (such as '042', '0211', or '04*')"
    kind, _, mode = stem.partition(".")
    if kind in PLOVER_TYPES and (mode == "" or mode.replace("-", "").replace("_", "").isalnum()):
        return None
    shown = ", ".join(PLOVER_TYPES)
    return f"{code!r} is not a PLOVER event type ({shown}), optionally with a mode such as 'CONSULT.visit'"
