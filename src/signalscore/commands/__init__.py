"""One module per command: importing signalscore.commands.NAME registers command NAME on `signalscore.cli.app`.

The command line imports a command's module only when that command is looked up (to run it, to list it in
`signalscore --help`, to complete it), so `signalscore validate` pays for one command's imports, not fifteen.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module
from typing import Any

from typer.core import TyperGroup

# Every command, in the order `signalscore --help` lists them: the commands, then the groups of commands.
NAMES = (
    "adjudicate",
    "agree",
    "codebook",
    "compare",
    "diff",
    "explain",
    "init",
    "report",
    "schema",
    "score",
    "sensitivity",
    "trend",
    "validate",
    "events",
    "new",
)


class CommandGroup(TyperGroup):
    """The `signalscore` group: every command's name known at once, each command built when first looked up."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command's name, building none (completing `signalscore va` builds only `validate`)."""
        return list(self.commands)


class _Commands(MutableMapping[str, Any]):
    """The click commands by name; a name maps to None until its command is built."""

    def __init__(self, built: MutableMapping[str, Any]) -> None:
        self._commands: dict[str, Any] = {**dict.fromkeys(NAMES), **{n: _summarized(c) for n, c in built.items()}}

    def __getitem__(self, name: str) -> Any:
        if self._commands.get(name) is None:
            if name not in self._commands:
                raise KeyError(name)
            self._commands[name] = _summarized(_build(name))
        return self._commands[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        del self._commands[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)


def _summarized(command: Any) -> Any:
    """A command whose summary in `signalscore --help` is its docstring's whole first line, not click's cut."""
    if not isinstance(command, TyperGroup) and command.short_help is None and command.help:
        command.short_help = command.help.splitlines()[0]
    return command


def _build(name: str) -> Any:
    """Import the module of command `name` and build its click command as typer would (with the app's settings)."""
    import typer
    from typer.main import get_command_name, get_group

    from signalscore.cli import app

    import_module(f"{__name__}.{name}")
    one = typer.Typer(
        rich_markup_mode=app.rich_markup_mode,
        pretty_exceptions_short=app.pretty_exceptions_short,
        suggest_commands=app.suggest_commands,
    )
    for info in app.registered_commands:
        if info.callback is not None and (info.name or get_command_name(info.callback.__name__)) == name:
            one.registered_commands.append(info)
    one.registered_groups = [group for group in app.registered_groups if group.name == name]
    return get_group(one).commands[name]
