"""``evidencewatch review``: the queue and decisions from the shell.

The same :mod:`evidencewatch.review` functions and audit events as the web
app. The actor is ``--as NAME``, which must be an existing, enabled account,
whose role counts; or else ``$USER``, with their account's role when there is
one and as a curator when not (so changing a decision already made needs
``--as`` an editor). The audit event also records the operating-system user.

The ``review`` group makes the ``on_decided`` callback once (retraining the
ranking in this process once due: a one-off command, unlike the web app, which
leaves retraining to the scheduler or ``evidencewatch worker``) and hands it to
the decision commands in a :class:`ReviewContext`.
With ``review_mode = dual`` an accept or reject of an undecided candidate is a
vote (see :mod:`evidencewatch.review.team`); the team commands (whole papers,
conflicts, agreement, undo) are in :mod:`evidencewatch.cli.review_team`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from sqlmodel import Session, col, select

from evidencewatch.cli import integrity, review_team
from evidencewatch.cli.candidate_view import detail_json, json_default, print_detail
from evidencewatch.cli.context import AppContext, handle_errors, pass_app, resolve_actor
from evidencewatch.cli.review_context import ReviewContext, acting, pass_review
from evidencewatch.cli.review_progress import progress as progress_command
from evidencewatch.core.errors import InvalidDecision
from evidencewatch.core.vocabulary import (
    DIRECTIONS,
    EFFECTS,
    EVIDENCE_LEVELS,
    REJECT_REASON_LABELS,
    THERAPY_CLASSES,
    ReviewMode,
    Status,
)
from evidencewatch.review import decisions, team
from evidencewatch.review.detail import candidate_detail, get_candidate
from evidencewatch.review.queue import Blind, Cursor, queue
from evidencewatch.review.search import search_page
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.models import AuditEvent, Candidate

STATUS_CHOICES = [*(s.value for s in Status), "all"]
# (session, actor name, actor role, expected version) -> the decided candidate, or the vote
Decide = Callable[[Session, str, str, int], Candidate | team.Outcome]


@click.group()
@click.pass_context
def review(ctx: click.Context) -> None:
    """List, show and decide candidates (paper x gene) in the review queue."""
    from evidencewatch.jobs.retraining import retrain_hook

    app = ctx.find_object(AppContext)
    if app is None:
        raise click.UsageError("evidencewatch review runs under the evidencewatch command")
    # Decisions made here retrain in this process once due (the web defers to the worker). The
    # subcommands still find the AppContext further up the context chain.
    ctx.obj = ReviewContext(app, on_decided=retrain_hook(app.settings))


def decision_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every decision takes, and the review context and error handling."""
    for option in (
        handle_errors,
        pass_review,
        click.option(
            "--as",
            "actor",
            help="The account that decides, with its role (default: $USER, as a curator).",
        ),
        click.option("--expected-version", type=int, help="Refuse if the candidate changed since."),
        click.option("--note"),
    ):
        func = option(func)
    return func


@review.command(name="list")
@click.option("--gene", help="Only this gene (HGNC symbol).")
@click.option("--status", type=click.Choice(STATUS_CHOICES), default="pending", show_default=True)
@click.option("--therapy", help="Only this therapy class (e.g. endocrine).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option(
    "--search", "text", help="Free text over title, abstract, snippets, notes; best first."
)
@click.option(
    "--after", "after", help="Start after this cursor (printed as the next page by a list)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@click.option("--as", "actor", help="Dual review: whose votes to leave out (default: $USER).")
@pass_app
@handle_errors
def list_(
    app: AppContext,
    gene: str | None,
    status: str,
    therapy: str | None,
    limit: int,
    text: str | None,
    after: str | None,
    as_json: bool,
    actor: str | None,
) -> None:
    """Candidates best score first.

    \b
    Example:
        evidencewatch review list --gene ESR1 --limit 20
        evidencewatch review list --search '"Y537S" fulvestrant' --status all
        evidencewatch review list --after CURSOR   # the next page, as the last line says
    """
    cursor = _cursor(after, text)
    with session_scope(app.ready_engine()) as session:
        # Dual review: what this curator voted on, and conflicts, are not theirs to decide.
        dual = app.settings.review_mode == ReviewMode.dual
        blind = Blind(acting(session, actor)[0]) if dual else None
        if text:  # search ranks by relevance; dual review's blinding is the queue's
            page = search_page(
                session=session, text=text, status=status, gene=gene,
                therapy_class=therapy, per_page=limit,
            )  # fmt: skip
        else:
            page = queue(
                session=session, status=status, gene=gene, therapy_class=therapy,
                per_page=limit, blind=blind, after=cursor,
            )  # fmt: skip
    rows = [
        {
            "id": i.candidate.id,
            "score": round(i.candidate.score, 3),
            "gene": i.candidate.gene,
            "status": i.candidate.status,
            "pmid": i.candidate.pmid,
            "therapy_class": i.candidate.therapy_class,
            "title": i.paper.title,
            "journal": i.paper.journal,
            "pub_date": i.paper.pub_date,
            "version": i.candidate.version,
            "reason": i.top_reason,
        }
        for i in page.items
    ]
    more = getattr(page, "next_after", None)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        if more:  # stdout stays one JSON array
            click.echo(f"next page: --after {more}", err=True)
        return
    click.echo(f"{page.total} {status} candidates" + (f", showing {len(rows)}" if rows else ""))
    _print_rows(rows)
    if more:
        click.echo(f"next page: --after {more}")


def _cursor(after: str | None, text: str | None) -> Cursor | None:
    """The ``--after`` cursor; InvalidDecision (exit 2) naming it if it is not one."""
    if after is None:
        return None
    if text:
        raise InvalidDecision("--after: a search is ranked by relevance; it has no cursor")
    return Cursor.decode(after, "candidates", name="--after")


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        title = str(r["title"])
        title = title if len(title) <= 70 else title[:67] + "..."
        click.echo(
            f"{r['id']:>7}  {r['score']:6.2f}  {r['gene']:<8} {r['status']:<9} {r['pmid']:<9} "
            f"{r['therapy_class'] or '-':<13} {title}"
        )


@review.command()
@click.argument("candidate_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
@pass_app
@handle_errors
def show(app: AppContext, candidate_id: int, as_json: bool) -> None:
    """One candidate: paper, extracted fields with provenance, snippets, reasons, history.

    \b
    Example:
        evidencewatch review show 42 --json
    """
    with session_scope(app.ready_engine()) as session:
        data = detail_json(candidate_detail(session=session, candidate_id=candidate_id))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, default=json_default))
        return
    print_detail(data)


@review.command()
@click.argument("candidate_id", type=int)
@click.option("--statement", required=True, help="The evidence in your own words.")
@click.option("--gene")
@click.option("--alteration")
@click.option("--direction", type=click.Choice(DIRECTIONS))
@click.option("--effect", type=click.Choice(EFFECTS))
@click.option("--therapy-class", type=click.Choice(THERAPY_CLASSES))
@click.option("--agents", help="Comma-separated, e.g. tamoxifen,fulvestrant.")
@click.option("--subtype")
@click.option("--model-system")
@click.option("--level", "evidence_level", type=click.Choice(EVIDENCE_LEVELS))
@decision_options
def accept(
    reviewing: ReviewContext,
    candidate_id: int,
    note: str | None,
    expected_version: int | None,
    actor: str | None,
    **fields: str | None,
) -> None:
    """Accept a candidate as evidence; the fields given are marked as the curator's.

    \b
    Example:
        evidencewatch review accept 42 --statement "ESR1 Y537S cells resisted tamoxifen." \\
            --therapy-class endocrine --agents tamoxifen --level D --as alice
    """
    edits = {name: value for name, value in fields.items() if value is not None}

    def decide(session: Session, name: str, role: str, version: int) -> team.Outcome:
        return team.accept(
            session=session,
            mode=reviewing.mode,
            candidate_id=candidate_id,
            actor=name,
            role=role,
            expected_version=version,
            edits=edits,
            note=note,
            on_decided=reviewing.on_decided,
        )

    _decide(reviewing.app, candidate_id, actor, expected_version, decide)


@review.command()
@click.argument("candidate_id", type=int)
@click.option(
    "--reason",
    required=True,
    type=click.Choice(list(REJECT_REASON_LABELS)),
    help="Why: a coded reason.",
)
@decision_options
def reject(
    reviewing: ReviewContext,
    candidate_id: int,
    reason: str,
    note: str | None,
    expected_version: int | None,
    actor: str | None,
) -> None:
    """Reject a candidate with a coded reason.

    \b
    Example:
        evidencewatch review reject 42 --reason alias_collision --note "p65 means TP53-p65 here"
    """

    def decide(session: Session, name: str, role: str, version: int) -> team.Outcome:
        return team.reject(
            session=session,
            mode=reviewing.mode,
            candidate_id=candidate_id,
            actor=name,
            role=role,
            expected_version=version,
            reason=reason,
            note=note,
            on_decided=reviewing.on_decided,
        )

    _decide(reviewing.app, candidate_id, actor, expected_version, decide)


@review.command(name="defer")
@click.argument("candidate_id", type=int)
@decision_options
def defer_(
    reviewing: ReviewContext,
    candidate_id: int,
    note: str | None,
    expected_version: int | None,
    actor: str | None,
) -> None:
    """Put a candidate aside (it leaves the pending queue).

    \b
    Example:
        evidencewatch review defer 42 --note "needs the full text"
    """

    def decide(session: Session, name: str, role: str, version: int) -> Candidate:
        return decisions.defer(
            session=session,
            candidate_id=candidate_id,
            actor=name,
            role=role,
            expected_version=version,
            note=note,
            on_decided=reviewing.on_decided,
        )

    _decide(reviewing.app, candidate_id, actor, expected_version, decide)


def _decide(
    app: AppContext,
    candidate_id: int,
    actor: str | None,
    expected_version: int | None,
    decide: Decide,
) -> None:
    with session_scope(app.ready_engine()) as session:
        who = resolve_actor(session=session, as_name=actor)
        if expected_version is None:
            expected_version = get_candidate(session=session, candidate_id=candidate_id).version
        result = decide(session, who.name, who.role, expected_version)
        _record_os_user(session, candidate_id, who.os_user)
        if isinstance(result, team.Outcome) and result.is_vote:
            summary = result.describe(who.name)
        else:
            candidate = result.candidate if isinstance(result, team.Outcome) else result
            summary = (
                f"{candidate.status} candidate {candidate.id} ({candidate.gene}, PMID "
                f"{candidate.pmid}) as {who.name}; now version {candidate.version}"
            )
    click.echo(summary)


def _record_os_user(session: Session, candidate_id: int, os_user: str) -> None:
    """Add who ran the command to the decision's audit event, in its transaction."""
    event = session.exec(
        select(AuditEvent)
        .where(AuditEvent.candidate_id == candidate_id)
        .order_by(col(AuditEvent.id).desc())
    ).first()
    if event is not None:
        event.changes = {**(event.changes or {}), "os_user": os_user}
        session.add(event)
        session.flush()


review_team.register(review)
review.add_command(progress_command)
review.add_command(integrity.integrity)
