"""``evidencewatch digest``: write (and mail) the digest of a period."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click

from evidencewatch.cli.context import AppContext, handle_errors, parse_date, pass_app


def parse_period(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    """``7d``, ``2w`` or ``10`` (days) as a number of days."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", value.lower())
    if not match or int(match.group(1)) < 1:
        raise click.BadParameter(f"{value!r} is not a period like 7d or 2w")
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


@click.command()
@click.option("--since", callback=parse_date, help="First day of the period (YYYY-MM-DD).")
@click.option(
    "--period",
    "period_days",
    callback=parse_period,
    help="Length of the period ending --until, e.g. 7d or 2w (default: digest_period_days).",
)
@click.option("--until", callback=parse_date, help="Last day of the period (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "both"]),
    default="both",
    show_default=True,
    help="Which files to write (the database keeps both).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (default: digest_dir).",
)
@click.option(
    "--mail/--no-mail",
    default=None,
    help="Mail the digest (default: when smtp_host and mail_to are set).",
)
@pass_app
@handle_errors
def digest(
    app: AppContext,
    since: date | None,
    period_days: int | None,
    until: date | None,
    fmt: str,
    out_dir: Path | None,
    mail: bool | None,
) -> None:
    """Write the digest of a period: what changed, beside the seed findings.

    The period is SINCE..UNTIL, both days included, or the --period days
    ending UNTIL (today by default). The digest is stored in the database
    (shown by the web app under /digests) and written as
    digest-UNTIL.html and/or .md.

    \b
    Examples:
        evidencewatch digest
        evidencewatch digest --period 2w --format md --out ./reports --no-mail
        evidencewatch digest --since 2026-11-01 --until 2026-11-30
    """
    from evidencewatch.jobs.digests import digest_job
    from evidencewatch.reporting.digest import EN_DASH

    if since is not None and period_days is not None:
        raise click.UsageError("give --since or --period, not both")
    stored = digest_job(
        app.settings,
        engine=app.ready_engine(),
        since=since,
        until=until,
        period_days=period_days,
        fmt=fmt,
        out_dir=out_dir,
        mail=mail,
    )
    for path in stored.files:
        click.echo(f"wrote {path}")
    summary = stored.summary or {}
    click.echo(
        f"digest {stored.id} stored: {stored.period_from} {EN_DASH} {stored.period_to}, "
        f"{summary.get('new_papers', 0)} papers with new evidence, "
        f"{summary.get('pending', 0)} candidates pending, "
        f"{summary.get('contradictions', 0)} contradictions"
    )
    if stored.mailed_to:
        click.echo(f"mailed to {', '.join(stored.mailed_to)}")
