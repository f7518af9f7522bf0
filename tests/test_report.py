"""The reviewers' report: a self-contained HTML page (or Markdown with its chart beside it), written atomically."""

from __future__ import annotations

import base64
import html
import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from signalscore.api import load_cases, score
from signalscore.compare import compare_all
from signalscore.report.chart import contributions_chart
from signalscore.sensitivity.report import percent
from tests.conftest import DEMO, ROOT, THREE

Cli = Callable[..., Any]
PNG = b"\x89PNG\r\n\x1a\n"
VOID = {"meta", "img", "br", "hr", "link", "input"}


class Page(HTMLParser):
    """Tags, text, quotes, links and images of a page; fails on a closing tag that does not match."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[str] = []
        self.quotes: list[str] = []
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "q":
            self.quotes.append("")
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")
        if tag == "img":
            self.images.append(dict(attrs))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.open and self.open[-1] == "q":
            self.quotes[-1] += data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.open == [], f"unclosed: {page.open}"
    return page


def _report(cli: Cli, target: Path, cwd: Path = DEMO, *args: str) -> str:
    run = cli("report", "--output", str(target), *args, cwd=cwd)
    assert run.code == 0, run.err
    assert run.out == ""
    return target.read_text(encoding="utf-8")


def _quotes(cases_dir: Path, rubrics_dir: Path) -> list[str]:
    corpus = load_cases(cases_dir, rubrics_dir=rubrics_dir).scored()  # the codings the report shows
    return [" ".join(e.quote.split()) for c in corpus.cases for coding in c.codings.values() for e in coding.evidence]


def test_html_report_parses_and_holds_table_chart_and_every_quote(cli: Cli, tmp_path: Path) -> None:
    page = parse(_report(cli, tmp_path / "report.html"))
    assert page.tags[0] == "html" and "head" in page.tags and "title" in page.tags
    assert page.tags.count("table") == 1 + 1 + 1 + 1 + 3  # weights, comparison, ranking, panel, one per case
    assert len(page.images) == 2  # the contributions, then the dyads over time
    source = page.images[0]["src"] or ""
    assert source.startswith("data:image/png;base64,")
    assert base64.b64decode(source.split(",", 1)[1]).startswith(PNG)
    assert page.images[0]["alt"]
    assert sorted(page.quotes) == sorted(_quotes(DEMO / "cases", DEMO / "rubrics")) == ["we understand and support"]
    assert page.links == ["https://example.org/joint-2010"]
    text = "".join(page.text)
    for needed in ("What changed", "Economic aid went from true to false: -5.0 points.", "37.5%", "Cases"):
        assert needed in text


def test_html_report_is_self_contained(cli: Cli, tmp_path: Path) -> None:
    page = parse(_report(cli, tmp_path / "report.html"))
    assert not {"script", "link", "iframe"} & set(page.tags)
    assert all((i["src"] or "").startswith("data:") for i in page.images)


def test_bundled_report_has_every_case_and_every_evidence_quote(cli: Cli, tmp_path: Path) -> None:
    page = parse(_report(cli, tmp_path / "report.html", ROOT))
    quotes = _quotes(ROOT / "cases", ROOT / "rubrics")
    assert len(quotes) > 20
    assert sorted(page.quotes) == sorted(quotes)
    text = "".join(page.text)
    for case in ("cn-ru-2008-georgia", "cn-ru-2014-crimea", "cn-ru-2022-ukraine"):
        assert f"{case}: China" in text
    assert all(link.startswith(("http://", "https://")) for link in page.links) and len(page.links) >= len(quotes) // 2


def test_markdown_report_writes_its_chart_beside_it(cli: Cli, tmp_path: Path) -> None:
    text = _report(cli, tmp_path / "review.md")
    assert (tmp_path / "review.png").read_bytes().startswith(PNG)
    assert "![" in text and "](<review.png>)" in text
    assert text.startswith("# signalscore report: Demo rubric for tests\n")
    assert "| **Words**" in text and '"we understand and support"' in text


def test_report_files_are_readable_by_others_like_any_output(cli: Cli, tmp_path: Path) -> None:
    _report(cli, tmp_path / "report.md")
    umask = os.umask(0)
    os.umask(umask)
    for name in ("report.md", "report.png"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask


def test_report_needs_an_html_or_markdown_name(cli: Cli, tmp_path: Path) -> None:
    run = cli("report", "--output", str(tmp_path / "report.pdf"))
    assert run.code == 2
    assert run.err == f"Error: --output {tmp_path / 'report.pdf'}: name a .html or .md file\n"
    assert list(tmp_path.iterdir()) == []


def test_report_without_output_is_a_usage_error(cli: Cli) -> None:
    assert cli("report").code == 2


def test_report_into_a_missing_folder_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    run = cli("report", "--output", str(tmp_path / "nowhere" / "report.md"))
    assert run.code == 2 and "does not exist" in run.err
    assert list(tmp_path.iterdir()) == []


def test_report_never_overwrites_an_input(cli: Cli, tmp_path: Path) -> None:
    case = tmp_path / "case.md"
    case.write_text((DEMO / "cases" / "alpha-2010.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = case.read_bytes()
    run = cli("report", str(case), "--output", str(case), "--rubrics-dir", str(DEMO / "rubrics"))
    assert run.code == 2 and "refusing to overwrite" in run.err
    assert case.read_bytes() == before


HOSTILE = """\
id: hostile
rubric: demo
title: '<img src=x onerror="alert(1)"> & $x$'
sender: A
recipient: B
summary: "</p><script>alert(2)</script>"
sources: [{id: s1, title: "<b>t</b>", url: "javascript:alert(3)"}]
codings:
  endorse: {value: 1, evidence: [{source: s1, quote: "</q><script>alert(4)</script>"}]}
"""


def test_hostile_text_stays_text(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    run = cli("report", "-o", str(tmp_path / "r.html"), "--rubrics-dir", str(DEMO / "rubrics"), cwd=tmp_path)
    assert run.code == 0, run.err
    page = parse((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "script" not in page.tags and len(page.images) == 1 and page.links == []
    assert page.quotes == ["</q><script>alert(4)</script>"]
    assert '<img src=x onerror="alert(1)"> & $x$' in "".join(page.text)


def test_chart_is_a_png_with_one_panel_per_rubric() -> None:
    corpus = load_cases(DEMO / "cases", rubrics_dir=DEMO / "rubrics")
    png = contributions_chart(compare_all(score(corpus), corpus.rubrics))
    assert png.startswith(PNG)


def test_only_report_imports_matplotlib() -> None:
    script = (
        "import sys; from typer.testing import CliRunner; from signalscore.cli import app; "
        "r = CliRunner().invoke(app, ['compare', '-f', 'html']); assert r.exit_code == 0, r.output; "
        "assert 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", script], cwd=DEMO, check=True)


def test_report_on_many_cases_summarises_and_the_chart_keeps_top_and_bottom(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    # issue 10: a report on thousands of cases explained every one and drew a bar per case.
    from signalscore.report.chart import CHART_CASES, charted
    from tests.test_compare import _many

    workspace = _many(tmp_path, 45)
    run = cli("report", "-o", "r.md", "--max-cases", "5", cwd=workspace)
    assert run.code == 0, run.err
    text = (workspace / "r.md").read_text(encoding="utf-8")
    assert "other: the first 5 of 45 cases, in period order" in text
    assert "### case-004" in text and "### case-005" not in text
    assert "case-000, case-001, case-002, case-003, case-004 and 40 more." in text
    corpus = load_cases(workspace / "cases", rubrics_dir=workspace / "rubrics")
    (comp,) = compare_all(score(corpus), corpus.rubrics)
    shown, note = charted(comp)
    assert len(shown.ids) == CHART_CASES and "highest" in note and "of 45 cases" in note
    assert list(shown.cases["score"][:20]) == [100.0] * 15 + [0.0] * 5


def _section(page: str, title: str) -> str:
    """The HTML between a section's heading and the next one of its level."""
    return page.split(f"<h2>{title}</h2>", 1)[1].split("<h2>", 1)[0]


def _rows(section: str) -> list[list[str]]:
    """The cells of every table row, as text."""
    cells = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.DOTALL)
    return [[html.unescape(c).strip() for c in cells.findall(row)] for row in re.findall(r"<tr>(.*?)</tr>", section)]


def test_report_says_how_sure_the_ranking_is_as_sensitivity_does(cli: Cli, tmp_path: Path) -> None:
    page = _report(cli, tmp_path / "report.html", ROOT, "--draws", "700", "--seed", "5", *THREE)
    section = _section(page, "How sure is the ranking")
    run = cli("sensitivity", "--draws", "700", "--seed", "5", "--format", "json", *THREE, cwd=ROOT)
    printed = json.loads(run.out)["rubrics"][0]
    assert "700 draws, seed 5." in section and "<code>signalscore sensitivity --draws 700 --seed 5</code>" in section
    head, *rows = _rows(section)
    assert head[:2] == ["rank", "case"] and head[-3:] == ["P(rank 1)", "P(rank 2)", "P(rank 3)"]
    assert [r[1] for r in rows] == [c["id"] for c in printed["cases"]]
    for row, case in zip(rows, printed["cases"], strict=True):
        shown = [percent(case["rank_probabilities"].get(str(k), 0.0)) for k in (1, 2, 3)]
        assert row[-3:] == shown and row[0] == str(case["rank"])
    ids = [c["id"] for c in printed["cases"]]
    pairs = {(p["above"], p["below"]): p["p_above"] for p in printed["pairwise"]}
    for above, below in itertools.pairwise(ids):
        assert f"{above} scores above {below} in {percent(pairs[above, below])} of draws." in section
    assert "swap only if the weight of" in section


def test_report_without_draws_leaves_the_ranking_out_and_refuses_too_few(cli: Cli, tmp_path: Path) -> None:
    assert "How sure is the ranking" not in _report(cli, tmp_path / "report.md", DEMO, "--draws", "0")
    assert "## How sure is the ranking" in _report(cli, tmp_path / "again.md", DEMO)  # on by default: 1,000 draws
    run = cli("report", "-o", str(tmp_path / "x.html"), "--draws", "50")
    assert run.code == 2 and "--draws must be 0 or from 100 to 10,000,000 (got 50)" in run.err
    assert not (tmp_path / "x.html").exists()


def test_the_panel_section_shows_what_trend_panel_prints(cli: Cli, tmp_path: Path) -> None:
    page = _report(cli, tmp_path / "report.html", ROOT, "--draws", "200")
    section = _section(page, "Over time: dyads and windows")
    head, *rows = _rows(section)
    panel = json.loads(cli("trend", "--panel", "-f", "json", cwd=ROOT).out)["rubrics"][0]
    assert head == ["dyad", *panel["windows"]]
    expected = [
        [f"{d['sender']} → {d['recipient']}", *["" if v is None else f"{v:.1f}" for v in d["scores"].values()]]
        for d in panel["dyads"]
    ]
    assert rows == expected
    assert section.count('<img src="data:image/png;base64,') == 1


def test_a_markdown_report_writes_the_trend_chart_beside_it(cli: Cli, tmp_path: Path) -> None:
    run = cli("report", "-o", str(tmp_path / "r.md"), "--draws", "0", *THREE, cwd=ROOT)
    assert run.code == 0, run.err
    assert (tmp_path / "r-trend.png").read_bytes().startswith(b"\x89PNG")
    assert "](<r-trend.png>)" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert run.err.splitlines()[1].startswith(f"wrote {tmp_path / 'r-trend.png'} (")


def test_no_dyad_with_two_windows_means_no_panel_section(cli: Cli, tmp_path: Path) -> None:
    run = cli("report", "-o", str(tmp_path / "r.md"), "--draws", "0", "-c", "us-il-*", "-c", "by-ru-*", cwd=ROOT)
    assert run.code == 0, run.err
    assert "Over time" not in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md", "r.png"]


def test_a_panel_of_more_cases_than_the_report_shows_is_said_not_drawn(cli: Cli, tmp_path: Path) -> None:
    # 10,000 dated cases made a panel of thousands of windows (a 45 MB page, most of the report's time).
    run = cli("report", "-o", str(tmp_path / "r.md"), "--draws", "0", "--max-cases", "5", cwd=ROOT)
    assert run.code == 0, run.err
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    section = text.split("## Over time: dyads and windows", 1)[1].split("\n## ", 1)[0]
    assert "dated cases in" in section and "more than the 5 cases this report shows (--max-cases)" in section
    assert "`signalscore trend --panel` prints the whole panel." in section
    assert "|" not in section  # no table
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md", "r.png"]  # and no trend chart
