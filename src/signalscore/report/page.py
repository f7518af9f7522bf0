"""The HTML page around the report: self-contained, with its own small stylesheet and no external resources."""

from __future__ import annotations

from signalscore.render.markup import markup_of

STYLE = """\
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; margin: 0; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; } h3 { margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
thead th { border-bottom: 2px solid #999; text-align: left; }
td:first-child, td[style*="right"] { white-space: nowrap; }
tbody tr:nth-child(even) { background: #f7f7f7; }
figure { margin: 1rem 0; } img { max-width: 100%; height: auto; }
figcaption, p { max-width: 48rem; } q { font-style: italic; }
li { margin: 0.2rem 0; }
"""


def html_page(title: str, body: str) -> str:
    """A complete HTML5 document around a body fragment; `title` is plain text."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{markup_of('html').escape(title)}</title>\n<style>\n{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
