"""The integrity watch from the shell: ``evidencewatch recheck`` and ``review integrity``.

``recheck`` re-fetches every paper the evidence rests on and records what
PubMed now says about it (retractions, concerns, errata, updates, deletions,
revisions). ``review integrity`` lists the open notices, and confirms one (the
paper's evidence is withdrawn) or dismisses it with a note. The actor is
``--as NAME`` or else ``$USER``, as for the other review commands.
"""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app

__all__ = ["integrity", "recheck"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="End with one JSON object of counts.")
@pass_app
@handle_errors
def recheck(app: AppContext, as_json: bool) -> None:
    """Re-fetch every paper the evidence rests on; flag retractions and other notices.

    Checks every PMID a seed finding cites and every paper with accepted,
    pending or deferred candidates, 500 a request. The counts are of PMIDs
    newly found in each state, so a second run straight after reports zeros.
    Nothing is withdrawn: see `evidencewatch review integrity`. An NCBI
    failure records nothing and exits non-zero.

    \b
    Example:
        evidencewatch recheck --json
    """
    from evidencewatch.jobs.recheck import recheck_job

    with app.client() as client:
        counts = recheck_job(
            app.settings, engine=app.ready_engine(), client=client, show_progress=not as_json
        )
    if counts.unresolved:
        click.echo(
            f"warning: PubMed did not serve {len(counts.unresolved)} PMIDs this time, though "
            f"ESearch knows them (asked again next run): {counts.unresolved[:20]}",
            err=True,
        )
    click.echo(json.dumps(counts.as_json()) if as_json else counts.summary())


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of text.")
@click.pass_context
def integrity(ctx: click.Context, as_json: bool) -> None:
    """Open integrity notices (retractions, concerns, errata...); confirm or dismiss them.

    \b
    Examples:
        evidencewatch review integrity
        evidencewatch review integrity confirm 3 --note "retracted: image duplication"
        evidencewatch review integrity dismiss 4 --note "erratum fixes an author name"
    """
    if ctx.invoked_subcommand is None:
        app = ctx.find_object(AppContext)
        assert app is not None  # the group runs under the evidencewatch command
        handle_errors(_list_open)(app, as_json)


def _list_open(app: AppContext, as_json: bool) -> None:
    from evidencewatch.review.integrity import open_notices
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        rows: list[dict[str, Any]] = [
            {
                "id": o.notice.id,
                "pmid": o.notice.pmid,
                "kind": o.notice.kind,
                "notice_pmid": o.notice.notice_pmid,
                "notice_date": o.notice.notice_date.isoformat() if o.notice.notice_date else None,
                "detected_at": o.notice.detected_at.isoformat(),
                "detail": o.notice.detail,
                "candidates": [
                    {"id": c.id, "gene": c.gene, "status": c.status} for c in o.candidates
                ],
            }
            for o in open_notices(session=session)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    click.echo(f"{len(rows)} open integrity notices")
    for r in rows:
        cands = ", ".join(f"#{c['id']} {c['gene']} {c['status']}" for c in r["candidates"])
        notice = f"notice PMID {r['notice_pmid']}" if r["notice_pmid"] else "no notice PMID"
        click.echo(
            f"{r['id']:>6}  PMID {r['pmid']:<9} {r['kind']:<9} {notice}, "
            f"{r['notice_date'] or 'undated'}  [{cands or 'no candidates'}]"
        )


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("USER") or getpass.getuser()


def _answer(app: AppContext, notice_id: int, action: str, actor: str, note: str) -> None:
    from evidencewatch.review import integrity as answers
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        if action == "confirm":
            withdrawn = answers.confirm(
                session=session, notice_id=notice_id, actor=actor, note=note
            )
            text = f"confirmed notice {notice_id} as {actor}; withdrew " + (
                ", ".join(f"#{c.id} ({c.gene})" for c in withdrawn) or "no candidates"
            )
        else:
            answers.dismiss(session=session, notice_id=notice_id, actor=actor, note=note)
            text = f"dismissed notice {notice_id} as {actor}; the evidence is kept"
    click.echo(text)


def _answer_command(action: str, help_text: str, note_required: bool) -> Any:
    @click.argument("notice_id", type=int)
    @click.option("--note", required=note_required, default="", help="Why (shown in the history).")
    @click.option("--as", "actor", help="Who answers (default: $USER).")
    @pass_app
    @handle_errors
    def command(app: AppContext, notice_id: int, note: str, actor: str | None) -> None:
        _answer(app, notice_id, action, _actor(actor), note)

    command.__doc__ = help_text
    return integrity.command(name=action)(command)


_answer_command(
    "confirm",
    "Confirm a notice: the paper's accepted, pending and deferred candidates are withdrawn.",
    note_required=False,
)
_answer_command(
    "dismiss",
    "Dismiss a notice and keep the evidence; --note says why (required).",
    note_required=True,
)
