"""LaTeX output compiled with hostile input: no field can read a file, run a command or break the build.

Needs a TeX engine (Debian: `apt-get install --no-install-recommends texlive-latex-base`); skipped without one.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DEMO

Cli = Callable[..., Any]
ENGINE = shutil.which("pdflatex") or shutil.which("lualatex")
SECRET = "8675309112358"  # digits: no font kerns them apart in the PDF
pytestmark = pytest.mark.skipif(ENGINE is None, reason="no pdflatex or lualatex (apt-get install texlive-latex-base)")


def _attacks(secret: Path) -> list[str]:
    """Ways a field could run TeX: ^^5c is a backslash, ^^7b and ^^7d are braces."""
    path = secret.as_posix()
    return [
        f"^^5cinput^^7b{path}^^7d",
        f"\\input{{{path}}}",
        f"\\immediate\\write18{{touch {secret.parent / 'pwned'}}}",
        "\\catcode`\\^^M=13 \\def^^M{\\input{" + path + "}}",
        f"}}\\input{{{path}}}{{ $x$ # & % ~ _ <b> [link] \\\\ \\par \\end{{document}}",
        f"\x1b[2J \u202e reversed \\openin1={path} \\read1 to \\x \\x",
    ]


def _hostile_case(secret: Path) -> dict[str, Any]:
    attacks = _attacks(secret)
    sources = [
        {
            "id": f"s{i}",
            "title": text,
            "publisher": text,
            "url": f"https://example.org/{text.replace(chr(0x1B), '').replace(chr(0x202E), '')}",
            "note": text,
        }
        for i, text in enumerate(attacks)
    ]
    evidence = [{"source": f"s{i}", "quote": text, "note": text} for i, text in enumerate(attacks)]
    return {
        "id": "hostile",
        "rubric": "demo",
        "title": " ".join(attacks),
        "sender": attacks[0],
        "recipient": attacks[1],
        "summary": attacks[2],
        "sources": sources,
        "codings": {"endorse": {"value": 2, "rationale": " ".join(attacks), "evidence": evidence}},
    }


def _compile(body: str, folder: Path) -> tuple[subprocess.CompletedProcess[str], str, bytes]:
    assert ENGINE is not None
    source = folder / "doc.tex"
    # hyperref as a reader's preamble would load it (older output used \\href); the PDF left uncompressed.
    preamble = "\\documentclass{article}\n\\usepackage{hyperref}\n"
    preamble += "\\pdfcompresslevel=0\n" if "pdflatex" in ENGINE else ""
    source.write_text(preamble + "\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8")
    run = subprocess.run(
        [ENGINE, "-no-shell-escape", "-halt-on-error", "-interaction=nonstopmode", source.name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = (folder / "doc.log").read_text(encoding="latin-1") if (folder / "doc.log").exists() else ""
    pdf = (folder / "doc.pdf").read_bytes() if (folder / "doc.pdf").exists() else b""
    return run, log, pdf


def _build(cli: Cli, tmp_path: Path, case: dict[str, Any], command: list[str]) -> tuple[int, str, bytes, str]:
    """Run a command on the case beside a demo case, compile its LaTeX; return code, log, PDF and the LaTeX."""
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "hostile.yaml").write_text(yaml.safe_dump(case), encoding="utf-8")
    shutil.copy(DEMO / "cases" / "alpha-2010.yaml", cases)
    where = [] if command[0] == "diff" else ["--rubrics-dir", str(DEMO / "rubrics")]
    run = cli(*command, str(cases), *where, "--format", "latex", cwd=tmp_path)
    assert run.code == 0, run.err
    build = tmp_path / "build"
    build.mkdir()
    compiled, log, pdf = _compile(run.out, build)
    return compiled.returncode, log, pdf, str(run.out)


def _secret(tmp_path: Path) -> Path:
    for name in ("secret", "secret.tex"):
        (tmp_path / name).write_text(SECRET + "\n", encoding="utf-8")
    return tmp_path / "secret"


def _assert_nothing_read(tmp_path: Path, log: str, pdf: bytes) -> None:
    assert SECRET not in log and SECRET.encode() not in pdf
    assert str(tmp_path / "secret") not in log
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "build" / "pwned").exists()


def test_a_source_url_cannot_read_a_local_file(cli: Cli, tmp_path: Path) -> None:
    secret = _secret(tmp_path).as_posix()
    case = yaml.safe_load((DEMO / "cases" / "alpha-2010.yaml").read_text(encoding="utf-8"))
    case["id"] = "hostile"
    case["sources"][0]["url"] = f"https://example.org/^^5cinput^^7b{secret}^^7d"
    code, log, pdf, _ = _build(cli, tmp_path, case, ["explain", "hostile"])
    _assert_nothing_read(tmp_path, log, pdf)
    assert code == 0, log[-3000:]


DEMO_RUBRIC = str(DEMO / "rubrics" / "demo.yaml")
COMMANDS = [
    ["explain", "hostile"],
    ["score"],
    ["compare"],
    ["diff", DEMO_RUBRIC, DEMO_RUBRIC],
    ["sensitivity", "--draws", "100", "--sobol-samples", "0"],
]


@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_fields_compile_inert_in_latex(cli: Cli, tmp_path: Path, command: list[str]) -> None:
    code, log, pdf, latex = _build(cli, tmp_path, _hostile_case(_secret(tmp_path)), command)
    _assert_nothing_read(tmp_path, log, pdf)
    assert code == 0, log[-3000:]
    assert pdf.startswith(b"%PDF")
    assert "^^" not in latex.replace(r"\textasciicircum{}\textasciicircum{}", "")
