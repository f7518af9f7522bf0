"""Text from input files made harmless where it is shown: control and bidi characters escaped visibly.

A terminal obeys escape sequences (clear the screen, write the clipboard, retitle the window) and a
bidi override reorders what a reader sees; text from a case or rubric file must never do either.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; the bidi embeddings, overrides, isolates and marks;
# the Unicode line and paragraph separators. Python's str.isprintable() would also flag
# ordinary spaces and unassigned letters, so the set is spelled out.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")
# The same but the line feed: where lines are kept, each is not a match to look at.
UNSAFE_IN_LINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")
# Whitespace that breaks a line or jumps: a single-line field shows it as one space.
_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    r"""Text with every control, bidi and separator character escaped as `\x1b` or `\u202e`, except those in `keep`."""
    return UNSAFE.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)


def one_line(text: str) -> str:
    """A single-line field as shown: line breaks and tabs as one space, other controls escaped visibly."""
    if text.isascii() and text.isprintable():  # (space to tilde: nothing to change, and the common case)
        return text
    return visible(_BREAKS.sub(" ", text))


def terminal(text: str) -> str:
    """Text ready for a terminal: line breaks kept, every other control or bidi character escaped visibly."""
    return UNSAFE_IN_LINES.sub(_visible, text)


def first_unsafe(text: str) -> str | None:
    r"""The first control, bidi or separator character in text, shown as `U+202E`, or None."""
    match = UNSAFE.search(text)
    return f"U+{ord(match.group()):04X}" if match else None
