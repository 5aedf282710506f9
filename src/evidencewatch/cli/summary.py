"""``evidencewatch summary``: the living evidence summary, its versions and status overrides."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app

_FORMATS = ("html", "md", "json", "all")
# SummaryStatus values, spelled here so `--help` needs no import of the vocabulary's users.
_STATUSES = ("unchanged", "supported", "extended", "contested", "contradicted", "support retracted")


def _actor(name: str | None) -> str:
    return name or os.environ.get("USER") or getpass.getuser()


@click.group(invoke_without_command=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="all",
    show_default=True,
    help="Which files to write (a published version stores HTML, Markdown and JSON).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (default: summary_dir).",
)
@click.option("--publish", is_flag=True, help="Freeze the next numbered version (never rewritten).")
@click.option("--note", default="", help="A note stored with a published version.")
@click.option("--as", "actor", help="Who publishes (default: $USER).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary's JSON document.")
@click.pass_context
@pass_app
@handle_errors
def summary(
    app: AppContext,
    ctx: click.Context,
    fmt: str,
    out_dir: Path | None,
    publish: bool,
    note: str,
    actor: str | None,
    as_json: bool,
) -> None:
    """Write the evidence summary: each seed finding with what supports or opposes it now.

    Without --publish it writes the draft (summary-draft.*), "as of now", with
    the changes since the last published version. With --publish it freezes
    version N+1 in the database and writes summary-vN.* (an existing file is
    never replaced). Statuses follow the written rules (see the README).

    \b
    Examples:
        evidencewatch summary --format html --out ./reports
        evidencewatch summary --publish --note "after the November review round"
        evidencewatch summary override srpk1-up-basal-like-taxane-anthracycline contested \\
            --reason "PMID 123 measured protein, not mRNA"
    """
    if ctx.invoked_subcommand is not None:
        return
    if note and not publish:
        raise click.UsageError("--note goes with --publish")
    from evidencewatch.jobs.summary import summary_job

    result = summary_job(
        app.settings,
        engine=app.ready_engine(),
        fmt=fmt,
        out_dir=out_dir,
        publish=publish,
        note=note,
        actor=_actor(actor),
    )
    if as_json:
        click.echo(json.dumps(result.document, indent=2, ensure_ascii=False))
        return
    for path in result.files:
        click.echo(f"wrote {path}")
    doc, changes = result.document, result.document["changes"]
    head = f"summary version {result.version} published" if result.version else "draft summary"
    click.echo(
        f"{head}: {doc['totals']['findings']} findings, {doc['totals']['new_rows']} new rows; "
        f"{len(changes['status_changes'])} status changes, {len(changes['new_studies'])} new "
        f"studies, {len(changes['integrity'])} integrity notices since "
        + (
            f"version {changes['since_version']}"
            if changes["since_version"]
            else "the seed document"
        )
    )


@summary.command()
@click.argument("finding_id")
@click.argument("status", type=click.Choice([*_STATUSES, "computed"]))
@click.option("--reason", required=True, help="Why the computed status is wrong (required).")
@click.option("--as", "actor", help="Who overrides: an editor or admin account (default: $USER).")
@pass_app
@handle_errors
def override(app: AppContext, finding_id: str, status: str, reason: str, actor: str | None) -> None:
    """Set FINDING_ID's status to STATUS by hand, with a written reason (editors, admins).

    STATUS "computed" clears the override: the rules apply again. Every override
    is kept with who, when and why, and the summary shows the reason.
    """
    from evidencewatch.jobs.summary import override_job

    row = override_job(
        engine=app.ready_engine(),
        finding_id=finding_id,
        status=None if status == "computed" else status,
        reason=reason,
        actor=_actor(actor),
    )
    what = f"set to {row.status}" if row.status else "back to the computed status"
    click.echo(f"{finding_id}: status {what} by {row.actor} ({row.reason})")
