"""``evidencewatch review``'s team commands: whole papers, dual review's conflicts, agreement, undo.

Registered on the ``review`` group by :func:`register`. Each command is one
transaction; the actor and role come from :func:`~evidencewatch.cli.review_context.acting`
(``--as NAME`` or ``$USER``), as for single decisions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from evidencewatch.cli.context import handle_errors
from evidencewatch.cli.review_context import ReviewContext, acting, pass_review
from evidencewatch.core.vocabulary import EVIDENCE_LEVELS, REJECT_REASON_LABELS

REASONS = click.Choice(list(REJECT_REASON_LABELS))


def _as(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--as", "actor", help="Who decides (default: $USER).")(func)


@click.command(name="accept-paper")
@click.argument("pmid", type=int)
@click.option("--statement", help="The evidence in your own words, for every gene without one.")
@click.option("--level", "evidence_level", type=click.Choice(EVIDENCE_LEVELS))
@click.option("--note")
@_as
@pass_review
@handle_errors
def accept_paper(
    reviewing: ReviewContext,
    pmid: int,
    statement: str | None,
    evidence_level: str | None,
    note: str | None,
    actor: str | None,
) -> None:
    """Accept every undecided gene of a paper (in dual review: vote accept on each).

    \b
    Example:
        evidencewatch review accept-paper 39012345 \\
            --statement "ESR1 and ERBB2 gain went with tamoxifen resistance." --as alice
    """
    from evidencewatch.review import papers
    from evidencewatch.storage.db import session_scope

    edits = {k: v for k, v in (("statement", statement), ("evidence_level", evidence_level)) if v}
    with session_scope(reviewing.app.ready_engine()) as session:
        name, role = acting(session, actor)
        outcome = papers.accept_paper(
            session=session,
            mode=reviewing.mode,
            pmid=pmid,
            actor=name,
            edits=edits,
            note=note,
            role=role,
            on_decided=reviewing.on_decided,
        )
        text = _paper_summary(outcome, "accept")
    click.echo(text)


@click.command(name="reject-paper")
@click.argument("pmid", type=int)
@click.option("--reason", required=True, type=REASONS, help="Why: a coded reason.")
@click.option("--note")
@_as
@pass_review
@handle_errors
def reject_paper(
    reviewing: ReviewContext, pmid: int, reason: str, note: str | None, actor: str | None
) -> None:
    """Reject every undecided gene of a paper with one reason (dual review: a vote on each).

    \b
    Example:
        evidencewatch review reject-paper 39012345 --reason not_breast_cancer
    """
    from evidencewatch.review import papers
    from evidencewatch.storage.db import session_scope

    with session_scope(reviewing.app.ready_engine()) as session:
        name, role = acting(session, actor)
        outcome = papers.reject_paper(
            session=session,
            mode=reviewing.mode,
            pmid=pmid,
            actor=name,
            reason=reason,
            note=note,
            role=role,
            on_decided=reviewing.on_decided,
        )
        text = _paper_summary(outcome, "reject")
    click.echo(text)


def _paper_summary(outcome: Any, verb: str) -> str:
    lines = [outcome.describe(verb)]
    for done in outcome.done:
        c = done.candidate
        state = c.status if not done.is_vote else f"vote {done.state}"
        lines.append(f"  {c.id:>7}  {c.gene:<8} {state}")
    return "\n".join(lines)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@pass_review
@handle_errors
def conflicts(reviewing: ReviewContext, as_json: bool) -> None:
    """Dual review's conflicts (accept against reject), best score first, with both votes.

    \b
    Example:
        evidencewatch review conflicts --json
    """
    from evidencewatch.review.conflicts import conflicts as open_conflicts
    from evidencewatch.storage.db import session_scope

    with session_scope(reviewing.app.ready_engine()) as session:
        rows = [c.as_json() for c in open_conflicts(session=session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    click.echo(f"{len(rows)} conflict{'s' if len(rows) != 1 else ''} for an editor to resolve")
    for r in rows:
        title = str(r["title"])
        title = title if len(title) <= 60 else title[:57] + "..."
        click.echo(f"{r['id']:>7}  {r['gene']:<8} {r['pmid']:<9} {title}")
        for v in r["votes"]:
            why = v["reason"] or v["statement"] or ""
            click.echo(f"           {v['voter']:<12} {v['decision']:<7} {why}")


@click.command()
@click.argument("candidate_id", type=int)
@click.option("--accept", "decision", flag_value="accept", help="Accept, with the accept vote.")
@click.option("--reject", "decision", flag_value="reject", help="Reject it.")
@click.option("--reason", type=REASONS, help="Reject reason (default: the reject vote's).")
@click.option("--note", required=True, help="Why this side: kept in the audit trail.")
@_as
@pass_review
@handle_errors
def resolve(
    reviewing: ReviewContext,
    candidate_id: int,
    decision: str | None,
    reason: str | None,
    note: str,
    actor: str | None,
) -> None:
    """Resolve a conflict as an editor: --accept or --reject, with a note.

    \b
    Example:
        evidencewatch review resolve 42 --accept --note "ER+ cohort; bob misread it" --as erin
    """
    from evidencewatch.review.conflicts import resolve as resolve_conflict
    from evidencewatch.storage.db import session_scope

    if decision is None:
        raise click.UsageError("say how to resolve it: --accept or --reject")
    with session_scope(reviewing.app.ready_engine()) as session:
        name, role = acting(session, actor)
        cand = resolve_conflict(
            session=session,
            candidate_id=candidate_id,
            actor=name,
            role=role,
            decision=decision,
            reason=reason,
            note=note,
            on_decided=reviewing.on_decided,
        )
        text = f"resolved conflict on {cand.id} ({cand.gene}, PMID {cand.pmid}): {cand.status}"
    click.echo(f"{text} by {name}; now version {cand.version}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@pass_review
@handle_errors
def agreement(reviewing: ReviewContext, as_json: bool) -> None:
    """Cohen's kappa between curators in dual review, per pair and overall, with n.

    \b
    Example:
        evidencewatch review agreement --json
    """
    from evidencewatch.review.agreement import agreement as measure
    from evidencewatch.storage.db import session_scope

    with session_scope(reviewing.app.ready_engine()) as session:
        data = measure(session=session).as_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo("curators          kappa      n")
    for label, row in [("overall", data["overall"])] + [
        (f"{p['a']} & {p['b']}", p) for p in data["pairs"]
    ]:
        kappa = "-" if row["kappa"] is None else f"{row['kappa']:.2f}"
        warning = f"  ({row['warning']})" if row.get("warning") else ""
        click.echo(f"{label:<16} {kappa:>6} {row['n']:>6}{warning}")


@click.command()
@click.argument("candidate_id", type=int)
@_as
@pass_review
@handle_errors
def undo(reviewing: ReviewContext, candidate_id: int, actor: str | None) -> None:
    """Undo your own last decision or vote on a candidate, within undo_minutes.

    \b
    Example:
        evidencewatch review undo 42 --as alice
    """
    from evidencewatch.review.undo import undo as take_back
    from evidencewatch.storage.db import session_scope

    minutes = reviewing.app.settings.undo_minutes
    with session_scope(reviewing.app.ready_engine()) as session:
        name, _role = acting(session, actor)
        text = take_back(session=session, candidate_id=candidate_id, actor=name, minutes=minutes)
    click.echo(f"{text} ({name})")


def register(group: click.Group) -> None:
    """Add the team commands to the ``review`` group."""
    for command in (accept_paper, reject_paper, conflicts, resolve, agreement, undo):
        group.add_command(command)
