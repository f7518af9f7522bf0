"""docs/python-api.md runs: each python block, in order in one namespace, prints the text block after it."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOC = ROOT / "docs" / "python-api.md"
BLOCK = re.compile(r"```python\n(.*?)```\n(?:\n```text\n(.*?)```\n)?", re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    """Each python block and the output the doc shows after it ("" where it shows none)."""
    return [(code, shown or "") for code, shown in BLOCK.findall(DOC.read_text(encoding="utf-8"))]


def test_the_doc_has_a_session() -> None:
    assert len(blocks()) >= 4
    assert all(shown for _, shown in blocks())


def test_every_block_prints_what_the_doc_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("cases", "rubrics", "rubrics-archive"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for code, shown in blocks():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(DOC), "exec"), namespace)
        assert out.getvalue() == shown, code
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### From Python") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    for folder in ("cases", "rubrics"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    exec(compile(code.group(1), "README.md", "exec"), {})
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
