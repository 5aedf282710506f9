"""``evidencewatch backup FILE``: a consistent copy of the database, while it is in use."""

from __future__ import annotations

from pathlib import Path

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@pass_app
@handle_errors
def backup(app: AppContext, file: Path, force: bool) -> None:
    """Write a consistent backup of the database to FILE; scans and curators may keep working.

    SQLite: SQLite's online backup API, as of one commit, checked and renamed
    into place only when complete (never copy evidencewatch.db by hand: in WAL
    mode the latest commits are still in evidencewatch.db-wal). PostgreSQL:
    pg_dump --format=custom (the command is shown if pg_dump is not installed).
    Works on any schema revision, so take one before `evidencewatch init`
    upgrades a database. Restoring is described in README.md ("Backups").

    \b
    Examples:
        evidencewatch backup /var/backups/evidencewatch-$(date +%F).db
        evidencewatch backup before-upgrade.db && evidencewatch init
    """
    from evidencewatch.jobs.backup import backup_database

    report = backup_database(app.engine, file, overwrite=force)
    click.echo(report.summary())
