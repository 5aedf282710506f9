"""``evidencewatch review``: the queue and decisions from the shell.

The same :mod:`evidencewatch.review` functions and audit events as the web
app. The actor is ``--as NAME`` or else ``$USER``. Roles apply as on the web:
when the actor is a web user, their role counts; any other name acts as a
curator (so changing a decision already made needs ``--as`` an editor).

The ``review`` group makes the ``on_decided`` callback once (retraining the
ranking) and hands it to the decision commands in a :class:`ReviewContext`.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from sqlmodel import Session

from evidencewatch.cli import integrity
from evidencewatch.cli.candidate_view import detail_json, json_default, print_detail
from evidencewatch.cli.context import AppContext, handle_errors, pass_app
from evidencewatch.core.vocabulary import (
    DIRECTIONS,
    EFFECTS,
    EVIDENCE_LEVELS,
    REJECT_REASON_LABELS,
    THERAPY_CLASSES,
    Role,
    Status,
)
from evidencewatch.review import decisions
from evidencewatch.review.accounts import get_user
from evidencewatch.review.decisions import DecisionHook
from evidencewatch.review.detail import candidate_detail, get_candidate
from evidencewatch.review.queue import queue
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.models import Candidate

STATUS_CHOICES = [*(s.value for s in Status), "all"]
# (session, actor name, actor role, expected version) -> the decided candidate
Decide = Callable[[Session, str, str, int], Candidate]


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What the decision commands share: the app, and what runs after each decision."""

    app: AppContext
    on_decided: DecisionHook | None = None


pass_review = click.make_pass_decorator(ReviewContext)


@click.group()
@click.pass_context
def review(ctx: click.Context) -> None:
    """List, show and decide candidates (paper x gene) in the review queue."""
    from evidencewatch.jobs.retraining import retrain_hook

    app = ctx.find_object(AppContext)
    if app is None:
        raise click.UsageError("evidencewatch review runs under the evidencewatch command")
    # Decisions made here count towards retraining, exactly as in the web app. The
    # subcommands still find the AppContext further up the context chain.
    ctx.obj = ReviewContext(app, on_decided=retrain_hook(app.settings))


def decision_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every decision takes, and the review context and error handling."""
    for option in (
        handle_errors,
        pass_review,
        click.option("--as", "actor", help="Who decides (default: $USER)."),
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
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@pass_app
@handle_errors
def list_(
    app: AppContext,
    gene: str | None,
    status: str,
    therapy: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Candidates best score first.

    \b
    Example:
        evidencewatch review list --gene ESR1 --limit 20
    """
    with session_scope(app.ready_engine()) as session:
        page = queue(
            session=session, status=status, gene=gene, therapy_class=therapy, per_page=limit
        )
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
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    click.echo(f"{page.total} {status} candidates" + (f", showing {len(rows)}" if rows else ""))
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

    def decide(session: Session, name: str, role: str, version: int) -> Candidate:
        return decisions.accept(
            session=session,
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

    def decide(session: Session, name: str, role: str, version: int) -> Candidate:
        return decisions.reject(
            session=session,
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
    name = actor or os.environ.get("USER") or getpass.getuser()
    with session_scope(app.ready_engine()) as session:
        user = get_user(session=session, username=name)
        role = user.role if user is not None and user.active else Role.curator.value
        if expected_version is None:
            expected_version = get_candidate(session=session, candidate_id=candidate_id).version
        candidate = decide(session, name, role, expected_version)
        summary = (
            f"{candidate.status} candidate {candidate.id} ({candidate.gene}, PMID "
            f"{candidate.pmid}) as {name}; now version {candidate.version}"
        )
    click.echo(summary)


review.add_command(integrity.integrity)
