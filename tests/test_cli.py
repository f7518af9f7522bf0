"""The command line: exit codes, messages, safe output files, rubric overrides."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO

Cli = Callable[..., Any]


def test_score_ranks_the_demo_cases(cli: Cli) -> None:
    run = cli("score", "-f", "json")
    assert run.code == 0, run.err
    (rubric,) = json.loads(run.out)["rubrics"]
    assert [(c["id"], c["rank"]) for c in rubric["cases"]] == [
        ("alpha-2010", 1),
        ("alpha-2014", 2),
        ("alpha-2020", None),
    ]
    assert rubric["cases"][0]["score"] == pytest.approx(8.125)


def test_score_json_has_the_contract_keys(cli: Cli) -> None:
    case = json.loads(cli("score", "-f", "json").out)["rubrics"][0]["cases"][0]
    assert {"id", "title", "score", "score_low", "score_high", "coverage", "rank", "dimensions", "features"} <= set(
        case
    )
    keys = {"id", "dimension", "status", "value", "normalized", "signal", "weight", "contribution", "confidence"}
    assert all(keys <= set(f) for f in case["features"])
    exercises = next(f for f in case["features"] if f["id"] == "exercises")
    assert exercises == {
        **exercises,
        "status": "n/a",
        "value": None,
        "signal": None,
        "weight": 0.0,
        "contribution": None,
    }
    assert next(f for f in case["features"] if f["id"] == "aid")["value"] is True


def test_output_file_is_written_whole(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    run = cli("score", "-f", "csv", "-o", str(target))
    assert run.code == 0 and run.out == ""
    assert target.read_text(encoding="utf-8").splitlines()[0].startswith("rubric,rank,case,score")
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


def test_output_never_overwrites_an_input_file(cli: Cli) -> None:
    case_file = DEMO / "cases" / "alpha-2010.yaml"
    before = case_file.read_bytes()
    run = cli("score", "-o", str(case_file))
    assert run.code == 2
    assert "is one of the input files; refusing to overwrite it" in run.err
    assert case_file.read_bytes() == before


def test_output_into_a_missing_folder_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    run = cli("score", "-o", str(tmp_path / "no" / "such.txt"))
    assert run.code == 2 and "does not exist" in run.err


def test_bad_input_exits_1_with_every_problem_and_no_traceback(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "id: Bad Id\nrubric: demo\ntitle: t\nsender: s\nrecipient: r\ncodings:\n  endorse: 7\n  meetngs: 1\n"
    )
    run = cli("score", str(tmp_path), "--rubrics-dir", str(DEMO / "rubrics"))
    assert run.code == 1
    located = [[*line.split(": ")[0].rsplit(":", 2)[1:], line.split(": ")[1]] for line in run.err.splitlines()[:-1]]
    assert located == [["1", "5", "id"], ["7", "12", "codings.endorse.value"], ["8", "3", "codings.meetngs"]]
    assert run.err.splitlines()[-1] == "3 problems found"
    assert "Traceback" not in run.err and run.out == ""


def test_validate_reports_ok_on_stderr(cli: Cli) -> None:
    run = cli("validate")
    assert (run.code, run.out) == (0, "")
    assert "ok: 1 rubric(s) and 3 case(s) valid" in run.err.splitlines()


def test_unknown_case_for_explain_lists_the_known_ones(cli: Cli) -> None:
    run = cli("explain", "alpha-1999")
    assert run.code == 2
    assert run.err == "Error: no case 'alpha-1999' in cases (cases: alpha-2010, alpha-2014, alpha-2020)\n"


def test_explain_accepts_a_case_file(cli: Cli) -> None:
    run = cli("explain", "cases/alpha-2014.yaml")
    assert run.code == 0, run.err
    assert run.out.startswith("alpha-2014: Alpha backs Beta, 2014\n")


def test_no_cases_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    run = cli("score", str(tmp_path))
    assert (run.code, run.err) == (2, f"Error: no cases found in {tmp_path}\n")


def test_rubric_override_ignores_codings_it_lacks_with_a_warning(cli: Cli, tmp_path: Path) -> None:
    narrow = (DEMO / "rubrics" / "demo.yaml").read_text(encoding="utf-8").replace("id: demo\n", "id: narrow\n", 1)
    narrow = narrow.split("  - id: trade_growth")[0]
    (tmp_path / "narrow.yaml").write_text(narrow, encoding="utf-8")
    run = cli("score", "-r", str(tmp_path / "narrow.yaml"), "-f", "json")
    assert run.code == 0, run.err
    assert (
        "cases/alpha-2010.yaml:24:3: codings.trade_growth: warning: rubric 'narrow' has no feature 'trade_growth'; coding ignored"
        in run.err
    )
    (rubric,) = json.loads(run.out)["rubrics"]
    assert rubric["id"] == "narrow" and len(rubric["cases"]) == 3
    assert [f["id"] for f in rubric["cases"][0]["features"]] == ["endorse", "meetings", "hedging", "aid"]


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("score", "--format", "yaml").code == 2
    assert cli("score", "--rubric", "nope").code == 2


def test_python_dash_m_and_help_do_not_import_pandas(tmp_path: Path) -> None:
    code = "import sys, runpy; sys.argv=['signalscore', '--help']\ntry:\n    runpy.run_module('signalscore', run_name='__main__')\nexcept SystemExit:\n    pass\nprint('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage: signalscore" in result.stdout
    assert result.stdout.strip().endswith("False")


def test_starting_the_command_line_builds_no_model() -> None:
    # The models are built by the command that needs them, after main() has turned pydantic's plugin
    # search off (it reads the metadata of every installed package): never while the commands register.
    code = "import sys, signalscore.cli\nprint(sorted(m for m in ('signalscore.case', 'signalscore.rubric') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stderr


# What a command that needs none of them must not import (the list the start-up benchmark checks too), and no
# command's module but its own (each is imported only when its command runs, or --help lists them).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench import HEAVY  # noqa: E402

IMPORTS_PROBE = (
    "import json, os, sys; os.chdir(sys.argv[1]); sys.argv=['signalscore', *sys.argv[2:]]\n"
    "from signalscore.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
    "commands = [m for m in sys.modules if m.startswith('signalscore.commands.')]\n"
    "print(json.dumps(sorted([*(m for m in HEAVY if m in sys.modules), *commands])))"
)


def imported(*args: str) -> list[str]:
    """The heavy modules and command modules `signalscore ARGS` imports, run in a fresh interpreter in DEMO."""
    code = f"HEAVY = {HEAVY!r}\n{IMPORTS_PROBE}"
    result = subprocess.run([sys.executable, "-c", code, str(DEMO), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    found: list[str] = json.loads(result.stdout.splitlines()[-1])
    return found


@pytest.mark.parametrize(
    "args", [("validate",), ("validate", "--no-cache"), ("validate", "rubrics", "cases/alpha-2010.yaml")]
)
def test_validate_imports_no_heavy_module_and_no_other_command(args: tuple[str, ...]) -> None:
    assert imported(*args) == ["signalscore.commands.validate"]


def test_help_imports_every_command_but_no_heavy_module() -> None:
    from signalscore.commands import NAMES

    assert imported("--help") == sorted(f"signalscore.commands.{name}" for name in NAMES)


def test_completion_offers_every_command_with_its_summary() -> None:
    # The commands are built only when looked up: completing the command name still looks every one up.
    from signalscore.commands import NAMES

    script = Path(sys.executable).parent / "signalscore"
    if not script.is_file():
        pytest.skip("the console script is not installed beside this interpreter")
    env = {**os.environ, "_SIGNALSCORE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "signalscore "}
    result = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=True)
    assert re.findall(r'"([a-z-]+)":"', result.stdout) == list(NAMES)
    assert '"validate":"Check rubrics, cases and event-data mappings;' in result.stdout


def test_completing_a_command_name_builds_only_the_commands_it_matches() -> None:
    code = (
        "import os, sys; sys.argv = ['signalscore']\n"
        "os.environ.update(_SIGNALSCORE_COMPLETE='complete_zsh', _TYPER_COMPLETE_ARGS='signalscore va')\n"
        "from signalscore.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('signalscore.commands.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.startswith('_arguments \'*: :(("validate":"Check rubrics')
    assert result.stdout.splitlines()[-1] == "['signalscore.commands.validate']"


def test_the_command_list_names_what_each_command_module_registers() -> None:
    # NAMES lets `signalscore --help` and the group know every command without importing one: it must say
    # exactly what the modules register, in the order --help lists them (the commands, then the groups).
    import pkgutil
    from importlib import import_module

    from typer.main import get_command_name

    from signalscore import commands
    from signalscore.cli import app

    for module in pkgutil.iter_modules(commands.__path__):
        import_module(f"signalscore.commands.{module.name}")
    names = [info.name or get_command_name(info.callback.__name__) for info in app.registered_commands if info.callback]
    assert (*sorted(names), *sorted(str(group.name) for group in app.registered_groups)) == commands.NAMES
    assert sorted(commands.NAMES) == sorted(module.name for module in pkgutil.iter_modules(commands.__path__))


def test_version(cli: Cli) -> None:
    from signalscore import __version__

    run = cli("--version")
    assert (run.code, run.out) == (0, f"signalscore {__version__}\n")


def test_output_file_gets_the_usual_permissions(cli: Cli, tmp_path: Path) -> None:
    import os

    target = tmp_path / "scores.txt"
    umask = os.umask(0o022)
    try:
        assert cli("score", "-o", str(target)).code == 0
    finally:
        os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644
