"""The lazy command table is the truth about the commands: names, modules, short help."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from evidencewatch.cli.lazy import LazyCommand, LazyGroup, shorten
from evidencewatch.cli.main import COMMANDS, cli


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_table_entry_imports_a_command_of_that_name_with_that_short_help(name: str):
    command = COMMANDS[name].load()
    assert command.name == name
    assert COMMANDS[name].help == command.get_short_help_str(limit=10_000)
    # Shortened for the help screen as click would shorten the command's own help.
    for limit in (30, 45, 60, 200):
        assert shorten(COMMANDS[name].help, limit) == (command.get_short_help_str(limit=limit))


def test_every_command_defined_on_the_group_is_in_the_table():
    assert set(cli.commands) <= set(COMMANDS)
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)


def test_root_help_lists_every_command_with_its_short_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    lines = result.output.split("Commands:")[1].splitlines()
    listed = {line.split()[0]: line for line in lines if line.startswith("  ") and line.split()}
    assert set(listed) == set(COMMANDS)
    for name, entry in COMMANDS.items():
        assert entry.help.split()[0] in listed[name]


def test_a_command_module_is_imported_only_when_the_command_is_looked_up(tmp_path, monkeypatch):
    module = tmp_path / "ew_lazy_probe.py"
    module.write_text(
        "import click\n@click.command()\ndef probe():\n    'Probe the lazy group.'\n"
        "    click.echo('probed')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    group = LazyGroup(name="g", lazy={"probe": LazyCommand("ew_lazy_probe:probe", "Probe.")})
    import sys

    result = CliRunner().invoke(group, ["--help"])
    assert "Probe." in result.output and "ew_lazy_probe" not in sys.modules
    result = CliRunner().invoke(group, ["probe"])
    assert result.output == "probed\n" and "ew_lazy_probe" in sys.modules


def test_a_target_that_is_not_a_command_is_refused():
    with pytest.raises(TypeError, match="not a click command"):
        LazyCommand("evidencewatch.cli.main:COMMANDS", "x").load()
