"""A click group that imports a command's module only when that command runs.

The group is given a static table of ``name -> LazyCommand("module:attr", short help)``.
``evidencewatch --help`` prints the table's short help without importing a single
command module; ``evidencewatch review list`` imports ``evidencewatch.cli.review`` and
nothing else of the CLI. ``tests/cli/test_lazy.py`` imports every command and checks
that the table's short help is the command's own, so the table cannot drift.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass

import click

__all__ = ["LazyCommand", "LazyGroup", "shorten"]


@dataclass(frozen=True, slots=True)
class LazyCommand:
    target: str  # "package.module:attribute", the click command object
    help: str  # the command's short help as click derives it (first sentence of its doc)

    def load(self) -> click.Command:
        module_name, _, attr = self.target.partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


def shorten(short_help: str, limit: int) -> str:
    """``short_help`` cut to ``limit`` characters exactly as click cuts a command's help."""
    return click.Command(None, help=short_help).get_short_help_str(limit=limit)


class LazyGroup(click.Group):
    """A group whose commands come from a table and load on first use."""

    def __init__(self, *args: object, lazy: Mapping[str, LazyCommand], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.lazy, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            command = self.lazy[cmd_name].load()
            self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, shortened as click shortens a command's help."""
        names = [n for n in self.list_commands(ctx) if not self._hidden(n)]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(name, shorten(self._short_help(name), limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, name: str) -> str:
        if name in self.lazy:
            return self.lazy[name].help
        return self.commands[name].get_short_help_str(limit=10_000)

    def _hidden(self, name: str) -> bool:
        command = self.commands.get(name)
        return command is not None and command.hidden
