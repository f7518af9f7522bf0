"""What the terminal can show: the one place deciding how a character it cannot encode is spelled.

Output goes through stdout and stderr in their own encoding. Where that encoding lacks a character
(PYTHONIOENCODING=ascii, a cp1252 console), it is spelled in ASCII: the symbols signalscore prints by
their usual ASCII spellings (Δ as d, … as ..., ± as +/-), accented letters without their accents, and
anything else as a backslash escape. Files written with --output are always UTF-8 and keep every character.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata

ERRORS = "signalscore-ascii"
ASCII = {
    "Δ": "d",
    "…": "...",
    "·": ".",
    "\u2013": "-",  # en dash
    "\u2014": "--",  # em dash
    "\u2212": "-",  # minus sign
    "±": "+/-",
    "→": "->",
    "←": "<-",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "\u00d7": "x",  # multiplication sign
    "\u2018": "'",  # quotation marks
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}


def ascii_of(char: str) -> str:
    """One character in ASCII: its usual spelling, its letter without accents, or a backslash escape."""
    if char in ASCII:
        return ASCII[char]
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return base or char.encode("ascii", "backslashreplace").decode("ascii")


def _spell(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(ascii_of(c) for c in error.object[error.start : error.end]), error.end


codecs.register_error(ERRORS, _spell)


def _encoding() -> str:
    return getattr(sys.stdout, "encoding", None) or "utf-8"


def spelling_needed() -> bool:
    """Whether stdout may lack characters: any encoding but UTF-8."""
    return codecs.lookup(_encoding()).name != "utf-8"


def spell(text: str) -> str:
    """Text as stdout will show it: unchanged where its encoding has every character, else spelled in ASCII."""
    if not spelling_needed():
        return text
    encoding = _encoding()
    return text.encode(encoding, ERRORS).decode(encoding)


def install() -> None:
    """Make stdout and stderr spell what their encoding lacks instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)
