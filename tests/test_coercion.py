"""The deferred coercion of command-line values gives what typer's own (pydantic) coercion gives, error or not."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer._click import Context
from typer._coercion import build_runtime_param
from typer.main import get_command

from signalscore.coercion import Deferred

demo = typer.Typer()


@demo.command()
def _command(
    paths: Annotated[list[Path] | None, typer.Argument()] = None,
    folder: Annotated[Path, typer.Option()] = Path("rubrics"),
    existing: Annotated[Path | None, typer.Option(exists=True, dir_okay=False)] = None,
    count: Annotated[int, typer.Option(min=0, max=10)] = 3,
    number: Annotated[int, typer.Option()] = 0,
    clamped: Annotated[int, typer.Option(min=0, max=10, clamp=True)] = 0,
    ratio: Annotated[float, typer.Option(min=0, max=1)] = 0.5,
    name: Annotated[str | None, typer.Option()] = None,
    text: Annotated[str, typer.Argument()] = "",
    flag: Annotated[bool, typer.Option()] = False,
) -> None:
    """A command with the kinds of parameter signalscore's commands have."""


COMMAND = get_command(demo)
PARAMS = {param.name: param for param in COMMAND.params}
texts = st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=12)
digits = st.from_regex(r"[+ ]?[0-9_]{1,3}(\.0)? ?", fullmatch=True) | st.sampled_from(
    ["\u0663", "00", "10", "11", "-1"]
)
numbers = st.one_of(st.integers(-3, 13), st.floats(-1, 12), digits)
VALUES = st.one_of(
    st.none(), texts, texts.map(Path), st.lists(texts, max_size=3), st.tuples(texts), st.booleans(), numbers
)


def outcome(coercion: Any, value: Any, name: str) -> tuple[str, Any]:
    """What a coercion makes of a value: ("ok", the value) or ("error", its type and message)."""
    param = PARAMS[name]
    try:
        return "ok", coercion.coerce(value, param=param, ctx=Context(COMMAND))
    except Exception as exc:  # the error typer would show is part of the behaviour
        return "error", (type(exc).__name__, str(exc))


@pytest.mark.parametrize("name", list(PARAMS))
@given(value=VALUES)
def test_deferred_coercion_equals_typers(tmp_path_factory: pytest.TempPathFactory, name: str, value: Any) -> None:
    descriptor = PARAMS[name].type_descriptor  # type: ignore[attr-defined]
    assert outcome(Deferred(descriptor, lambda: build_runtime_param(descriptor)), value, name) == outcome(
        build_runtime_param(descriptor), value, name
    )


@pytest.mark.parametrize(
    ("name", "value", "ours"),
    [
        ("count", 3, True),
        ("count", "10", True),
        ("count", "11", False),
        ("count", True, False),
        ("count", "\u0663", False),
        ("number", "007", True),
        ("number", "0" * 5000, False),
        ("clamped", 3, False),
        ("ratio", 0.5, False),
        ("text", "\udcff", True),
        ("flag", True, True),
        ("flag", "true", False),
    ],
)
def test_plain_values_need_no_adapter(name: str, value: Any, ours: bool) -> None:
    """Where the value is its own coercion it is said without building typer's (the costly part); else typer's."""
    descriptor = PARAMS[name].type_descriptor  # type: ignore[attr-defined]
    deferred = Deferred(descriptor, lambda: build_runtime_param(descriptor))
    assert outcome(deferred, value, name) == outcome(build_runtime_param(descriptor), value, name)
    assert (deferred.built is None) == ours


@pytest.mark.parametrize("value", ["pyproject.toml", "src", "no-such-file", Path("pyproject.toml")])
def test_a_checked_path_is_checked_alike(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    descriptor = PARAMS["existing"].type_descriptor  # type: ignore[attr-defined]
    ours = outcome(Deferred(descriptor, lambda: build_runtime_param(descriptor)), value, "existing")
    assert ours == outcome(build_runtime_param(descriptor), value, "existing")
    assert ours[0] == ("ok" if value in ("pyproject.toml", Path("pyproject.toml")) else "error")


def test_a_parameter_coerces_through_typers_own_when_it_must() -> None:
    import signalscore.cli  # noqa: F401  (installs the deferred coercion)

    param = PARAMS["count"]
    runtime = param.get_runtime_param()  # type: ignore[attr-defined]
    assert isinstance(runtime, Deferred)
    assert runtime.coerce("7", param=param, ctx=Context(COMMAND)) == 7 and runtime.built is None  # (digits)
    assert runtime.coerce(" 7", param=param, ctx=Context(COMMAND)) == 7  # built by typer's own, then kept
    assert type(runtime.built).__name__ != "Deferred" and param._runtime_param is runtime  # type: ignore[attr-defined]


def test_a_parameter_unlike_typers_keeps_typers_own_coercion() -> None:
    from typer import core

    import signalscore.cli  # noqa: F401

    class Odd:  # what a future typer's parameter might look like: no type_descriptor
        _runtime_param = None

    assert core._TyperParameter.get_runtime_param.__module__ == "signalscore.coercion"
    with pytest.raises(AttributeError):  # typer's own get_runtime_param, which needs what Odd lacks
        core._TyperParameter.get_runtime_param(Odd())
