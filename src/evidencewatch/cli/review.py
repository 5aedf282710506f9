"""``evidencewatch review``: the queue and decisions from the shell.

The same :mod:`evidencewatch.review` functions and audit events as the web
app. The actor is ``--as NAME`` or else ``$USER``. Roles apply as on the web:
when the actor is a web user, their role counts; any other name acts as a
curator (so changing a decision already made needs ``--as`` an editor).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click
from sqlmodel import Session

from evidencewatch.cli.context import AppContext, handle_errors, pass_app
from evidencewatch.core.vocabulary import (
    DIRECTIONS,
    EDITABLE_FIELDS,
    EFFECTS,
    EVIDENCE_LEVELS,
    REJECT_REASON_LABELS,
    THERAPY_CLASSES,
    Role,
    Status,
)
from evidencewatch.review import decisions as reviewing
from evidencewatch.review.accounts import get_user
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.models import Candidate

F = TypeVar("F", bound=Callable[..., Any])
STATUS_CHOICES = [*(s.value for s in Status), "all"]


@click.group()
@pass_app
def review(app: AppContext) -> None:
    """List, show and decide candidates (paper x gene) in the review queue."""
    from evidencewatch.jobs.retraining import retrain_hook
    from evidencewatch.review.decisions import register_decision_hook

    # Decisions made here count towards retraining, exactly as in the web app.
    register_decision_hook(retrain_hook(app.settings), name="ranking.retrain")


def decision_options(func: F) -> F:
    """The options every decision takes, and the app context and error handling."""
    for option in (
        handle_errors,
        pass_app,
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
        page = reviewing.queue(
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
        title = r["title"] if len(r["title"]) <= 70 else r["title"][:67] + "..."
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
        data = detail_json(reviewing.candidate_detail(session=session, candidate_id=candidate_id))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, default=_jsonable))
        return
    _print_detail(data)


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
    app: AppContext,
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
        return reviewing.accept(
            session=session,
            candidate_id=candidate_id,
            actor=name,
            role=role,
            expected_version=version,
            edits=edits,
            note=note,
        )

    _decide(app, candidate_id, actor, expected_version, decide)


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
    app: AppContext,
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
        return reviewing.reject(
            session=session,
            candidate_id=candidate_id,
            actor=name,
            role=role,
            expected_version=version,
            reason=reason,
            note=note,
        )

    _decide(app, candidate_id, actor, expected_version, decide)


@review.command(name="defer")
@click.argument("candidate_id", type=int)
@decision_options
def defer_(
    app: AppContext,
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
        return reviewing.defer(
            session=session,
            candidate_id=candidate_id,
            actor=name,
            role=role,
            expected_version=version,
            note=note,
        )

    _decide(app, candidate_id, actor, expected_version, decide)


def _decide(
    app: AppContext,
    candidate_id: int,
    actor: str | None,
    expected_version: int | None,
    decide: Any,
) -> None:
    name = actor or os.environ.get("USER") or getpass.getuser()
    with session_scope(app.ready_engine()) as session:
        user = get_user(session=session, username=name)
        role = user.role if user is not None and user.active else Role.curator.value
        if expected_version is None:
            expected_version = reviewing.get_candidate(
                session=session, candidate_id=candidate_id
            ).version
        candidate = decide(session, name, role, expected_version)
        summary = (
            f"{candidate.status} candidate {candidate.id} ({candidate.gene}, PMID "
            f"{candidate.pmid}) as {name}; now version {candidate.version}"
        )
    click.echo(summary)


def detail_json(detail: reviewing.CandidateDetail) -> dict[str, Any]:
    """Everything about a candidate as JSON-ready data."""
    cand, paper = detail.candidate, detail.paper
    return {
        "candidate": cand.model_dump(),
        "paper": {
            "pmid": paper.pmid,
            "title": paper.title,
            "journal": paper.journal,
            "pub_date": paper.pub_date,
            "crdt": paper.crdt,
            "doi": paper.doi,
            "pmcid": paper.pmcid,
            "is_retracted": paper.is_retracted,
            "is_review": paper.is_review,
            "deleted_at": paper.deleted_at,
            "abstract": detail.record.abstract_text if detail.record else "",
        },
        "other_candidates": [
            {"id": s.id, "gene": s.gene, "status": s.status, "score": s.score}
            for s in detail.siblings
        ],
        "already_accepted": [s.id for s in detail.accepted_siblings],
        "contradictions": [
            {
                "basis": x.basis,
                "opposing": x.opposing.seed_id or x.opposing.candidate_id,
                "opposing_direction": x.opposing.direction,
                "opposing_effect": x.opposing.effect,
                "opposing_text": x.opposing.text,
            }
            for x in detail.contradictions
        ],
        "seed_findings": [
            {
                "id": f.id,
                "claim": f.claim,
                "therapy_class": f.therapy_class,
                "effect": f.effect,
                "citations": f.citations,
            }
            for f in detail.seed_findings
        ],
        "history": [e.model_dump(exclude={"candidate_id"}) for e in detail.history],
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _print_detail(data: dict[str, Any]) -> None:
    cand, paper = data["candidate"], data["paper"]
    echo = click.echo
    echo(
        f"candidate {cand['id']}: {cand['gene']} · PMID {paper['pmid']} · {cand['status']} "
        f"(version {cand['version']}) · score {cand['score']:.2f}"
    )
    echo(f"  {paper['title']}")
    echo(
        f"  {paper['journal']} {paper['pub_date']}"
        + (f" · doi:{paper['doi']}" if paper["doi"] else "")
    )
    if paper["is_retracted"]:
        echo("  WARNING: this paper is retracted")
    if paper["deleted_at"]:
        echo(f"  WARNING: deleted from PubMed on {_jsonable(paper['deleted_at'])}")
    if data["already_accepted"]:
        echo(f"  note: evidence from this paper is already accepted: {data['already_accepted']}")
    for x in data["contradictions"]:
        echo(
            f"  CONTRADICTION: opposes {x['basis']} {x['opposing']} "
            f"({x['opposing_direction']} -> {x['opposing_effect']}): {x['opposing_text']}"
        )
    echo("fields:")
    for name in EDITABLE_FIELDS:
        value = cand.get(name)
        shown = ", ".join(value) if isinstance(value, list) else (value or "-")
        echo(f"  {name:<15} {shown}  [{cand['provenance'].get(name, '-')}]")
    if cand.get("reject_reason"):
        echo(f"  {'reject_reason':<15} {cand['reject_reason']}")
    if cand.get("note"):
        echo(f"  {'note':<15} {cand['note']}")
    echo("snippets:")
    for s in cand["snippets"]:
        echo(f"  [{s.get('section', '')}] {s.get('text', '')}")
    echo("reasons:")
    for r in cand["reasons"]:
        echo(
            f"  {float(r.get('weight') or 0):+6.2f}  {r.get('feature', '')}  {r.get('detail', '')}"
        )
    if data["other_candidates"]:
        echo("other genes in this paper:")
        for o in data["other_candidates"]:
            echo(f"  {o['id']:>7}  {o['gene']:<8} {o['status']}")
    echo("history:")
    for e in data["history"]:
        change = ", ".join(
            f"{k}: {v[0]!r} -> {v[1]!r}" if isinstance(v, list) and len(v) == 2 else f"{k}: {v!r}"
            for k, v in (e["changes"] or {}).items()
        )
        extra = " · ".join(x for x in (e["reason"] or "", e["note"] or "", change) if x)
        echo(
            f"  {_jsonable(e['at'])}  {e['actor']:<10} {e['action']:<9} "
            f"{e['from_status'] or ''}->{e['to_status'] or ''}  {extra}"
        )
