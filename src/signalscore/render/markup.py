"""Inline and block markup of each text format; user text goes through `escape` exactly once."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import ClassVar

# Only these schemes become links: a URL from a case file must not run script in a reader's browser.
SAFE_URL = re.compile(r"^(https?|mailto):", re.IGNORECASE)


class Markup:
    """Plain text for the terminal: the `table` format. Inline methods take and return markup."""

    dot = " · "
    arrow = " → "
    delta = "Δ"
    dash = "\u2013"  # an en dash, between the bounds
    indent = "  "
    links = False

    def escape(self, text: str) -> str:
        """User text made safe to place in this format."""
        return text

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
        return "\n\n".join(b for b in blocks if b) + "\n"


class MarkdownMarkup(Markup):
    """GitHub-flavoured Markdown."""

    links = True

    # Intraword underscores never emphasise (CommonMark), so feature ids stay readable unescaped.
    # '>' only matters at the start of a line, where no table cell or list item puts user text.
    _SPECIAL = re.compile(r"([\\`*<\[\]|]|(?<!\w)_|_(?!\w))")

    def escape(self, text: str) -> str:
        return self._SPECIAL.sub(r"\\\1", text)

    def strong(self, markup: str) -> str:
        return f"**{markup}**"

    def code(self, markup: str) -> str:
        return f"`{markup}`"

    def link(self, markup: str, url: str | None) -> str:
        if not url or not SAFE_URL.match(url):
            return super().link(markup, url)
        return f"[{markup}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"

    def heading(self, markup: str, level: int) -> str:
        return f"{'#' * level} {markup}"

    def paragraph(self, lines: Sequence[str]) -> str:
        return "\\\n".join(lines)


class HtmlMarkup(Markup):
    """An HTML fragment."""

    indent = "&emsp;"
    links = True

    def escape(self, text: str) -> str:
        return html.escape(text, quote=True)

    def strong(self, markup: str) -> str:
        return f"<strong>{markup}</strong>"

    def code(self, markup: str) -> str:
        return f"<code>{markup}</code>"

    def quote(self, markup: str) -> str:
        return f"<q>{markup}</q>"

    def link(self, markup: str, url: str | None) -> str:
        if not url or not SAFE_URL.match(url):
            return super().link(markup, url)
        return f'<a href="{self.escape(url)}">{markup}</a>'

    def heading(self, markup: str, level: int) -> str:
        return f"<h{level}>{markup}</h{level}>"

    def paragraph(self, lines: Sequence[str]) -> str:
        return "<p>" + "<br>\n".join(lines) + "</p>"

    def items(self, items: Sequence[str]) -> str:
        return "<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>" if items else ""


class LatexMarkup(Markup):
    """A LaTeX fragment (links need the hyperref package)."""

    dot = r" $\cdot$ "
    arrow = r" $\rightarrow$ "
    delta = r"$\Delta$"
    dash = "--"
    indent = r"\quad "
    links = True
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
        return self._SPECIAL.sub(lambda m: self._RULES[m.group()], text)

    def strong(self, markup: str) -> str:
        return rf"\textbf{{{markup}}}"

    def code(self, markup: str) -> str:
        return rf"\texttt{{{markup}}}"

    def quote(self, markup: str) -> str:
        return f"``{markup}''"

    def link(self, markup: str, url: str | None) -> str:
        if not url or not SAFE_URL.match(url):
            return super().link(markup, url)
        target = re.sub(r"([\\#%{}])", r"\\\1", url)
        return rf"\href{{{target}}}{{{markup}}}"

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
