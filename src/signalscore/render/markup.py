"""Inline and block markup of each text format; user text goes through `escape` exactly once."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import ClassVar
from urllib.parse import quote as percent

from signalscore.render.fitting import said_once
from signalscore.safe_text import UNSAFE, one_line, terminal

# Only these schemes become links: a URL from a case file must not run script in a reader's browser.
SAFE_URL = re.compile(r"^(https?|mailto):", re.IGNORECASE)


def url_target(url: str, also: str = "") -> str:
    """A URL with control, bidi and separator characters (and those in `also`) percent-encoded."""
    pattern = UNSAFE if not also else re.compile(f"{UNSAFE.pattern}|[{re.escape(also)}]")
    return pattern.sub(lambda m: percent(m.group(), safe=""), url)


class Markup:
    """Plain text for the terminal: the `table` format. Inline methods take and return markup."""

    dot = " · "
    arrow = " → "
    delta = "Δ"
    dash = "\u2013"  # an en dash, between the bounds
    indent = "  "
    links = False

    def escape(self, text: str) -> str:
        """User text made safe to place in this format, on one line: controls shown as `\\x1b`."""
        return one_line(text)

    def strong(self, markup: str) -> str:
        return markup

    def code(self, markup: str) -> str:
        return markup

    def quote(self, markup: str) -> str:
        return f'"{markup}"'

    def link(self, markup: str, url: str | None) -> str:
        """Text linking to a URL; formats without links show the URL after the text, in angle brackets."""
        return f"{markup} {self.escape(f'<{url}>')}" if url else markup

    def heading(self, markup: str, level: int) -> str:
        return markup

    def paragraph(self, lines: Sequence[str]) -> str:
        """Lines kept on separate lines."""
        return "\n".join(lines)

    def items(self, items: Sequence[str]) -> str:
        """A bulleted list; an item may hold a nested list after a newline."""
        return "\n".join("- " + item.replace("\n", "\n  ") for item in items)

    def document(self, blocks: Sequence[str]) -> str:
        """The blocks a blank line apart; no control character reaches the reader's terminal or editor."""
        return terminal(said_once("\n\n".join(b for b in blocks if b)) + "\n")


class MarkdownMarkup(Markup):
    """GitHub-flavoured Markdown."""

    links = True

    # Intraword underscores never emphasise (CommonMark), so feature ids stay readable unescaped.
    _SPECIAL = re.compile(r"([\\`*<\[\]|~]|(?<!\w)_|_(?!\w))")
    # What would open a block at the start of a line (a paragraph line follows a hard break):
    # a heading, quote, list item, setext underline or fence; an ordered list's number.
    _BLOCK = re.compile(r"^( {0,3})(?=#{1,6}(?: |$)|>|[-+](?: |$)|(?:=+|-+) *$)")
    _URL_SPECIAL = "<>\\"  # would end or escape the <...> around a link target
    _NUMBER = re.compile(r"^( {0,3}\d{1,9})([.)])(?= |$)")

    def escape(self, text: str) -> str:
        text = self._SPECIAL.sub(r"\\\1", re.sub(" {2,}", " ", one_line(text)))
        return self._NUMBER.sub(r"\1\\\2", self._BLOCK.sub(r"\1\\", text))

    def strong(self, markup: str) -> str:
        return f"**{markup}**"

    def code(self, markup: str) -> str:
        return f"`{markup}`"

    def link(self, markup: str, url: str | None) -> str:
        if not url or not SAFE_URL.match(url):
            return super().link(markup, url)
        return f"[{markup}](<{url_target(url, also=self._URL_SPECIAL)}>)"

    def heading(self, markup: str, level: int) -> str:
        return f"{'#' * level} {markup}"

    def paragraph(self, lines: Sequence[str]) -> str:
        return "\\\n".join(lines)


class HtmlMarkup(Markup):
    """An HTML fragment."""

    indent = "&emsp;"
    links = True

    def escape(self, text: str) -> str:
        return html.escape(one_line(text), quote=True)

    def strong(self, markup: str) -> str:
        return f"<strong>{markup}</strong>"

    def code(self, markup: str) -> str:
        return f"<code>{markup}</code>"

    def quote(self, markup: str) -> str:
        return f"<q>{markup}</q>"

    def link(self, markup: str, url: str | None) -> str:
        if not url or not SAFE_URL.match(url):
            return super().link(markup, url)
        return f'<a href="{html.escape(url_target(url), quote=True)}">{markup}</a>'

    def heading(self, markup: str, level: int) -> str:
        return f"<h{level}>{markup}</h{level}>"

    def paragraph(self, lines: Sequence[str]) -> str:
        return "<p>" + "<br>\n".join(lines) + "</p>"

    def items(self, items: Sequence[str]) -> str:
        return "<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>" if items else ""


class LatexMarkup(Markup):
    """A LaTeX fragment for any preamble: no hyperlinks, URLs shown as escaped text.

    Every TeX special character is escaped, `^` included (`^^5c` would otherwise read as a backslash),
    so no field can run a command, read a file or change category codes.
    """

    dot = r" $\cdot$ "
    arrow = r" $\rightarrow$ "
    delta = r"$\Delta$"
    dash = "--"
    indent = r"\quad "
    _RULES: ClassVar[dict[str, str]] = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "<": r"\textless{}",
        ">": r"\textgreater{}",
        # Brackets right after \item would be read as its optional label.
        "[": "{[}",
        "]": "{]}",
    }
    _SPECIAL = re.compile("|".join(re.escape(k) for k in _RULES))

    def escape(self, text: str) -> str:
        return self._SPECIAL.sub(lambda m: self._RULES[m.group()], one_line(text))

    def strong(self, markup: str) -> str:
        return rf"\textbf{{{markup}}}"

    def code(self, markup: str) -> str:
        return rf"\texttt{{{markup}}}"

    def quote(self, markup: str) -> str:
        return f"``{markup}''"

    def link(self, markup: str, url: str | None) -> str:
        """The URL as escaped typewriter text after the text, breakable after each slash."""
        if not url:
            return markup
        shown = re.sub("/(?!/)", r"/\\allowbreak{}", self.escape(url))
        return rf"{markup} \textless{{}}\texttt{{{shown}}}\textgreater{{}}"

    def heading(self, markup: str, level: int) -> str:
        command = {1: "section", 2: "subsection"}.get(level, "subsubsection")
        return rf"\{command}*{{{markup}}}"

    def paragraph(self, lines: Sequence[str]) -> str:
        return "\\\\\n".join(lines)

    def items(self, items: Sequence[str]) -> str:
        body = "\n".join(rf"\item {item}" for item in items)
        return "\\begin{itemize}\n" + body + "\n\\end{itemize}" if items else ""


_MARKUPS: dict[str, Markup] = {
    "table": Markup(),
    "csv": Markup(),
    "markdown": MarkdownMarkup(),
    "html": HtmlMarkup(),
    "latex": LatexMarkup(),
}


def markup_of(fmt: str) -> Markup:
    """The markup of an output format."""
    return _MARKUPS[fmt]
