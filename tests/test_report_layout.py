"""The report keeps the rubric description's paragraphs and never wraps an id cell (issue 13 item 4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from signalscore.report.sections import paragraphs
from tests.conftest import ROOT, Run

Cli = Callable[..., Run]


def _description() -> list[str]:
    text = yaml.safe_load((ROOT / "rubrics" / "support-signals.yaml").read_text(encoding="utf-8"))["description"]
    return paragraphs(text)


def test_paragraphs_split_at_blank_lines() -> None:
    assert paragraphs("one\ntwo\n\n three \n\n\nfour") == ["one two", "three", "four"]
    assert len(_description()) > 3


def test_html_and_markdown_keep_the_description_paragraphs(cli: Cli, tmp_path: Path) -> None:
    wanted = _description()
    assert cli("report", "-o", str(tmp_path / "r.html"), cwd=ROOT).code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    first, second = (re.escape(p[:40].replace('"', "&quot;").replace("'", "&#x27;")) for p in wanted[:2])
    assert re.search(f"<p>{first}.*?</p>\n\n<p>{second}", page, re.DOTALL)
    assert "td:first-child" in page and "white-space: nowrap" in page  # ids under their indent stay whole
    assert cli("report", "-o", str(tmp_path / "r.md"), cwd=ROOT).code == 0
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"{wanted[0]}\n\n{wanted[1]}\n\n" in text.replace("\\", "")
