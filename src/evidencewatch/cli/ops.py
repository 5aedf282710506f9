"""Running unattended: ``evidencewatch scheduler``, ``status`` and ``unlock``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app

EXIT_LOCKED = 75  # ScanLockedError.exit_code: another scan is running (EX_TEMPFAIL)
EXIT_UNREACHABLE = 2  # DatabaseUnavailable.exit_code: as every other command exits then
EXIT_STOPPED = 143  # 128 + SIGTERM: stopped on request; the scan is recorded failed


def _export_cli_overrides(app: AppContext) -> str:
    """Make the scheduler's jobs load the same settings this process did.

    Scheduled jobs load their settings themselves (they are stored in the
    job store with only the config file path), so a ``--db`` given on this
    command line is passed on through the environment, where settings from
    the environment take precedence over the config file as usual.
    """
    root = click.get_current_context().find_root()
    if root.params.get("database_url"):
        os.environ["EVIDENCEWATCH_DATABASE_URL"] = app.settings.database_url
    return str(Path(app.settings.config_file).resolve()) if app.settings.config_file else ""


@click.command()
@click.option(
    "--once",
    type=click.Choice(["scan", "digest"]),
    help="Run this one job now, in the foreground, then exit (for cron and systemd timers).",
)
@click.option(
    "--trigger",
    type=click.Choice(["scheduler", "cron", "manual"]),
    default="scheduler",
    show_default=True,
    help="What a --once scan records as its trigger.",
)
@click.option("--json", "as_json", is_flag=True, help="With --once scan: print the scan as JSON.")
@pass_app
@handle_errors
def scheduler(app: AppContext, once: str | None, trigger: str, as_json: bool) -> None:
    """Run scans and digests on schedule (scan_cron, digest_cron), until stopped.

    Run exactly one scheduler per database (the schedule is stored in the
    database; two schedulers would each run every job) and never inside the
    web server. SIGTERM or Ctrl-C stops it cleanly: a running scan finishes
    its current batch, is recorded as failed ("stopped"), and the next scan
    re-reads its window, so nothing is lost.

    \b
    Exit codes:
        0    stopped on request (scheduler), or the --once job succeeded
        1    the --once scan failed (NCBI error...): see `evidencewatch status`
        2    a setting is wrong, or the schema is missing or old: `evidencewatch init`
        75   another scan holds the scan lock: try again later
        143  the --once scan was stopped by SIGTERM/SIGINT before it finished

    \b
    Examples:
        evidencewatch scheduler
        evidencewatch scheduler --once scan --trigger cron
        evidencewatch scheduler --once digest
    """
    from evidencewatch import scheduler as scheduling

    config_file = _export_cli_overrides(app)
    engine = app.ready_engine()
    if once is None:
        sys.exit(scheduling.run_scheduler(app.settings, engine=engine, config_file=config_file))
    result = scheduling.run_once(once, app.settings, engine=engine, trigger=trigger)
    if once == "digest":
        files = ", ".join(result.files) or "no files"
        click.echo(
            f"digest {result.id} written for {result.period_from}..{result.period_to}: {files}"
        )
        return
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        click.echo(
            f"scan {result.scan_id} {result.status}: window "
            f"{result.window.start}..{result.window.end}, {result.requests} requests, "
            f"{result.papers_seen} papers seen, {result.papers_new} new, "
            f"{result.candidates_new} new candidates"
        )
        if result.error:
            click.echo(f"error: {result.error}", err=True)
    if result.status != "succeeded":
        sys.exit(EXIT_STOPPED if scheduling.STOP.is_set() else 1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--scans", default=5, show_default=True, help="How many recent scans to show.")
@pass_app
@handle_errors
def status(app: AppContext, as_json: bool, scans: int) -> None:
    """Show recent scans, the watermark, held locks, next runs, the review backlog, the schema.

    Changes nothing. Exits 2 when the database cannot be opened (the output
    says so first, and why), 1 when its schema is not this version's (the
    output says what to do), else 0.

    \b
    Examples:
        evidencewatch status
        evidencewatch status --json | jq .backlog
    """
    from evidencewatch.jobs.status import collect_status
    from evidencewatch.jobs.status_text import render_text

    report = collect_status(app.settings, engine=app.engine, scan_limit=scans)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        click.echo(render_text(report))
    if report.unreachable:
        sys.exit(EXIT_UNREACHABLE)
    if not report.schema_ok:
        sys.exit(1)


@click.command()
@click.argument("name", default="scan")
@click.option("--force", is_flag=True, help="Clear it even though its holder looks alive.")
@pass_app
@handle_errors
def unlock(app: AppContext, name: str, force: bool) -> None:
    """Clear the lock NAME (default: scan) left by a process that is gone.

    Not normally needed: the next scan takes over on its own a lock whose
    holder ran on the same host and is gone, and any lock whose heartbeat is
    older than scan_lock_stale_seconds. A lock whose holder still heart-beats
    is refused unless --force (its scan then stops after its current batch).

    \b
    Example:
        evidencewatch unlock scan
    """
    from evidencewatch.jobs.locks import clear_lock

    lock = clear_lock(
        app.ready_engine(),
        name=name,
        stale_seconds=app.settings.scan_lock_stale_seconds,
        force=force,
    )
    click.echo(
        f"cleared lock {lock.name!r}, held by {lock.holder} since "
        f"{lock.acquired_at.isoformat(timespec='seconds')}"
    )
