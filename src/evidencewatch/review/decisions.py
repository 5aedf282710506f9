"""The review queue and curator decisions: accept, reject, defer.

Service functions take a keyword-only ``session`` and never commit; the edges
(web routes, CLI commands) do.

Who may decide what (after CIViC's moderation roles):

* a **curator** may accept, reject or defer a candidate that is still
  undecided (``pending`` or ``deferred``);
* changing a decision already made (``accepted``/``rejected``, or a
  ``withdrawn`` candidate whose paper left PubMed) needs an **editor** or an
  **admin**, as moderating an accepted item does in CIViC. The re-decision is
  audited like any other, with the old values.

Every decision names the candidate ``version`` it was made on; a decision on a
stale version changes nothing and raises :class:`ReviewConflict` naming who
changed the candidate and when. Every decision appends one :class:`AuditEvent`
with the old and new value of each field it changed.

The queue's ``since``/``until`` filter on when a candidate entered the queue
(``Candidate.created_at``, UTC days, both ends inclusive): "what is new since
I last looked". (The paper's PubMed create date would need a join to
``paper`` on every count, and is shown on each row instead.)
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlmodel import Session, col, func, select

from evidencewatch.core.errors import InvalidDecision, NotFound, ReviewConflict
from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import (
    DIRECTIONS,
    EDITABLE_FIELDS,
    EFFECTS,
    EVIDENCE_LEVELS,
    QUEUE_STATUSES,
    THERAPY_CLASSES,
    UNDECIDED,
    RejectReason,
    Role,
    Status,
)
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.review.contradictions import Contradiction, find_contradictions
from evidencewatch.storage.models import AuditEvent, Candidate, Paper, SeedFindingRow

log = logging.getLogger(__name__)

# What a queue row shows: loading only these keeps a page of wide rows cheap.
_QUEUE_CANDIDATE_COLUMNS = tuple(
    getattr(Candidate, name)
    for name in ("id", "pmid", "gene", "status", "score", "therapy_class", "reasons",
                 "version", "decided_by", "decided_at", "created_at")
)  # fmt: skip
_QUEUE_PAPER_COLUMNS = tuple(
    getattr(Paper, name)
    for name in ("pmid", "title", "journal", "pub_date", "crdt", "is_retracted", "is_review",
                 "deleted_at")
)  # fmt: skip
QUEUE_ORDER = (col(Candidate.score).desc(), col(Candidate.id).desc())
_GENE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_VERBS = {"withdrawn": "withdrew", "created": "queued", "edited": "edited"}

DecisionHook = Callable[[Session, Candidate], None]
DECISION_HOOKS: list[DecisionHook] = []


class DecisionNotAllowed(InvalidDecision):
    """The actor's role may not make this decision (e.g. a curator re-deciding)."""

    status = 403


_NAMED_HOOKS: dict[str, DecisionHook] = {}


def register_decision_hook(hook: DecisionHook, *, name: str | None = None) -> DecisionHook:
    """Run ``hook(session, candidate)`` after every decision (usable as a decorator).

    Hooks run inside the decision's transaction, each in a savepoint: a hook
    that fails is logged and rolled back on its own, and the decision stands.
    A named hook replaces the one registered earlier under that name, so an
    edge that is set up again (a second app in one process) does not stack it.
    """
    if name is not None:
        previous = _NAMED_HOOKS.pop(name, None)
        if previous in DECISION_HOOKS:
            DECISION_HOOKS.remove(previous)
        _NAMED_HOOKS[name] = hook
    if hook not in DECISION_HOOKS:
        DECISION_HOOKS.append(hook)
    return hook


# --- the queue ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueItem:
    candidate: Candidate
    paper: Paper
    title_markup: str

    @property
    def top_reason(self) -> str:
        """The reason that weighed most in the score, as one short line."""
        reasons = [r for r in self.candidate.reasons if isinstance(r, dict)]
        if not reasons:
            return ""
        best = max(reasons, key=lambda r: abs(float(r.get("weight") or 0)))
        detail = str(best.get("detail") or "")
        return f"{best.get('feature', '')}: {detail}" if detail else str(best.get("feature", ""))


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    pages: int
    per_page: int = 50


def queue(
    *,
    session: Session,
    status: str = "pending",
    gene: str | None = None,
    therapy_class: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = 50,
    total: int | None = None,
) -> QueuePage:
    """One page of candidates, best score first, newest first among equal scores.

    ``status="all"`` lists every status. Ties go newest first: that is the
    order of the (status, score) index read backwards, so a deep page costs an
    index walk, not a sort of the whole queue. Pass ``total`` when it is already
    known (the sum of :func:`gene_counts` for an unfiltered status) to skip the count.
    """
    if status not in QUEUE_STATUSES:
        raise InvalidDecision(f"status: {status!r} is not one of {', '.join(QUEUE_STATUSES)}")
    per_page = min(max(per_page, 1), 500)
    conditions: list[Any] = []
    if status != "all":
        conditions.append(col(Candidate.status) == status)
    if gene:
        conditions.append(col(Candidate.gene) == gene.strip())
    if therapy_class:
        conditions.append(col(Candidate.therapy_class) == therapy_class)
    if since is not None:
        conditions.append(col(Candidate.created_at) >= _day_start(since))
    if until is not None:
        conditions.append(col(Candidate.created_at) < _day_start(until + timedelta(days=1)))
    if total is None:
        total = session.exec(select(func.count()).select_from(Candidate).where(*conditions)).one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    # The page's ids first, from the (status, score) index alone; then only those rows:
    # skipping thousands of wide candidate and paper rows is what makes deep pages slow.
    ids = session.exec(
        select(Candidate.id)
        .where(*conditions)
        .order_by(*QUEUE_ORDER)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    title_markup = Paper.record["title_markup"].as_string()  # type: ignore[index]
    rows = session.exec(
        select(Candidate, Paper, title_markup)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(col(Candidate.id).in_(ids))
        .options(orm.load_only(*_QUEUE_CANDIDATE_COLUMNS), orm.load_only(*_QUEUE_PAPER_COLUMNS))
    ).all()
    order = {cid: n for n, cid in enumerate(ids)}
    rows = sorted(rows, key=lambda row: order[row[0].id])
    items = [QueueItem(c, p, markup or "") for c, p, markup in rows]
    return QueuePage(items=items, total=total, page=page, pages=pages, per_page=per_page)


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def gene_counts(*, session: Session, status: str = "pending") -> list[tuple[str, int]]:
    """How many candidates each gene has in ``status``, most first."""
    n = func.count().label("n")
    query = select(Candidate.gene, n).group_by(Candidate.gene)
    if status != "all":
        query = query.where(Candidate.status == status)
    rows = session.exec(query.order_by(n.desc(), Candidate.gene)).all()
    return [(gene, int(count)) for gene, count in rows]


def next_pending(*, session: Session, after: Candidate, gene: str | None = None) -> int | None:
    """The id of the pending candidate that follows ``after`` in queue order, if any.

    Three small queries, each answered from the (status, score) index; one
    query with an OR is not, and costs a scan of the whole queue.
    """
    pending = select(Candidate.id).where(Candidate.status == Status.pending.value)
    if gene:
        pending = pending.where(Candidate.gene == gene)
    for query in (
        pending.where(Candidate.score == after.score, col(Candidate.id) < (after.id or 0)),
        pending.where(col(Candidate.score) < after.score),
        pending.where(Candidate.id != after.id),  # wrap around to the top of the queue
    ):
        found = session.exec(query.order_by(*QUEUE_ORDER).limit(1)).first()
        if found is not None:
            return found
    return None


# --- one candidate --------------------------------------------------------------------------


@dataclass(slots=True)
class CandidateDetail:
    candidate: Candidate
    paper: Paper
    record: PubmedRecord | None
    siblings: list[Candidate] = field(default_factory=list)  # other genes of the same paper
    seed_findings: list[SeedFindingRow] = field(default_factory=list)
    history: list[AuditEvent] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)

    @property
    def accepted_siblings(self) -> list[Candidate]:
        """Other candidates of this paper already accepted as evidence."""
        return [c for c in self.siblings if c.status == Status.accepted.value]


def get_candidate(*, session: Session, candidate_id: int, fresh: bool = False) -> Candidate:
    """The candidate, or NotFound; ``fresh`` re-reads it even if the session holds it."""
    candidate = session.get(Candidate, candidate_id, populate_existing=fresh)
    if candidate is None:
        raise NotFound(f"candidate {candidate_id} does not exist")
    return candidate


def candidate_detail(*, session: Session, candidate_id: int) -> CandidateDetail:
    """The candidate with its paper, parsed record, sibling candidates, seed findings, history."""
    candidate = get_candidate(session=session, candidate_id=candidate_id)
    paper = session.get(Paper, candidate.pmid)
    if paper is None:  # the foreign key makes this impossible, short of a broken database
        raise NotFound(f"paper {candidate.pmid} of candidate {candidate_id} does not exist")
    record = PubmedRecord.from_json(paper.record) if paper.record.get("pmid") else None
    siblings = session.exec(
        select(Candidate)
        .where(Candidate.pmid == candidate.pmid, Candidate.id != candidate.id)
        .order_by(*QUEUE_ORDER)
    ).all()
    # genes is a JSON list: filter in Python, the same on SQLite and PostgreSQL.
    findings = [
        f
        for f in session.exec(select(SeedFindingRow).order_by(col(SeedFindingRow.id))).all()
        if candidate.gene in (f.genes or [])
    ]
    return CandidateDetail(
        candidate=candidate,
        paper=paper,
        record=record,
        siblings=list(siblings),
        seed_findings=findings,
        history=history(session=session, candidate_id=candidate_id),
        contradictions=find_contradictions(session=session, candidates=[candidate]),
    )


def history(*, session: Session, candidate_id: int) -> list[AuditEvent]:
    """The candidate's audit events, oldest first."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.candidate_id == candidate_id)
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        ).all()
    )


# --- decisions ------------------------------------------------------------------------------


def may_decide(role: str, current_status: str) -> bool:
    """Whether ``role`` may decide a candidate now in ``current_status`` (see module doc)."""
    if current_status in UNDECIDED:
        return role in (r.value for r in Role)
    return role in (Role.editor.value, Role.admin.value)


def accept(
    *,
    session: Session,
    candidate_id: int,
    actor: str,
    expected_version: int,
    edits: Mapping[str, Any],
    note: str | None = None,
    role: str = Role.curator.value,
) -> Candidate:
    """Accept the candidate as evidence, with the curator's confirmed or corrected fields.

    Every field in ``edits`` is marked ``provenance[field] = "curator"``,
    changed or not: submitting it confirms it. ``statement`` is required.
    """
    values = validate_edits(edits)
    candidate = _load_for_decision(session, candidate_id, expected_version, role)
    if not (values.get("statement") or candidate.statement):
        raise InvalidDecision("statement: write the evidence statement in your own words")
    if "gene" in values and values["gene"] != candidate.gene:
        _check_gene_free(session, candidate, values["gene"])
    provenance = {**candidate.provenance, **{name: "curator" for name in values}}
    values.update(provenance=provenance, reject_reason=None, note=_text(note, "note", 5000))
    return _decide(session, candidate, actor, expected_version, Status.accepted, values)


def reject(
    *,
    session: Session,
    candidate_id: int,
    actor: str,
    expected_version: int,
    reason: str,
    note: str | None = None,
    role: str = Role.curator.value,
) -> Candidate:
    """Reject the candidate with a coded reason (see ``RejectReason``) and an optional note."""
    code = _reason(reason)
    candidate = _load_for_decision(session, candidate_id, expected_version, role)
    values = {"reject_reason": code, "note": _text(note, "note", 5000)}
    return _decide(session, candidate, actor, expected_version, Status.rejected, values)


def defer(
    *,
    session: Session,
    candidate_id: int,
    actor: str,
    expected_version: int,
    note: str | None = None,
    role: str = Role.curator.value,
) -> Candidate:
    """Put the candidate aside (e.g. waiting for the full text); it leaves the pending queue."""
    candidate = _load_for_decision(session, candidate_id, expected_version, role)
    values = {"reject_reason": None, "note": _text(note, "note", 5000)}
    return _decide(session, candidate, actor, expected_version, Status.deferred, values)


def bulk_reject(
    *,
    session: Session,
    ids: Iterable[int],
    actor: str,
    reason: str,
    note: str | None = None,
    role: str = Role.curator.value,
) -> tuple[list[int], list[int]]:
    """Reject every still-undecided candidate of ``ids``: returns (rejected ids, skipped ids).

    A candidate decided meanwhile by someone else, or gone, is skipped, never
    overwritten: bulk rejection is triage of the queue, not a re-decision.
    """
    code = _reason(reason)
    note = _text(note, "note", 5000)
    done: list[int] = []
    skipped: list[int] = []
    for cid in dict.fromkeys(ids):
        candidate = session.get(Candidate, cid, populate_existing=True)
        if candidate is None or candidate.status not in UNDECIDED:
            skipped.append(cid)
            continue
        try:
            candidate = _load_for_decision(session, cid, candidate.version, role)
            values = {"reject_reason": code, "note": note}
            _decide(session, candidate, actor, candidate.version, Status.rejected, values)
        except ReviewConflict:
            skipped.append(cid)
        else:
            done.append(cid)
    return done, skipped


def validate_edits(edits: Mapping[str, Any]) -> dict[str, Any]:
    """The curator's field values, normalised; InvalidDecision names the first bad field."""
    out: dict[str, Any] = {}
    for name, raw in edits.items():
        if name not in EDITABLE_FIELDS:
            raise InvalidDecision(f"{name}: not an editable field ({', '.join(EDITABLE_FIELDS)})")
        if name == "gene":
            gene = str(raw or "").strip()
            if not _GENE.match(gene):
                raise InvalidDecision(f"gene: {gene!r} is not a gene symbol")
            out[name] = gene
        elif name == "agents":
            items = raw.split(",") if isinstance(raw, str) else list(raw or [])
            agents = list(dict.fromkeys(str(a).strip() for a in items if str(a).strip()))
            if len(agents) > 30 or any(len(a) > 100 for a in agents):
                raise InvalidDecision("agents: at most 30 agents of up to 100 characters")
            out[name] = agents
        elif name == "evidence_level":
            out[name] = _choice(str(raw or "").strip().upper() or None, name, EVIDENCE_LEVELS)
        elif name in ("direction", "effect", "therapy_class"):
            allowed = {"direction": DIRECTIONS, "effect": EFFECTS}.get(name, THERAPY_CLASSES)
            out[name] = _choice(str(raw or "").strip() or None, name, allowed)
        else:
            out[name] = _text(raw, name, 5000 if name == "statement" else 200)
    return out


def _choice(value: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise InvalidDecision(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _text(value: Any, name: str, limit: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    if len(text) > limit:
        raise InvalidDecision(f"{name}: at most {limit} characters, got {len(text)}")
    return text or None


def _reason(reason: str | None) -> str:
    codes = [r.value for r in RejectReason]
    if reason not in codes:
        raise InvalidDecision(f"reason: {reason!r} is not a reject reason ({', '.join(codes)})")
    return str(reason)


def _check_gene_free(session: Session, candidate: Candidate, gene: str) -> None:
    other = session.exec(
        select(Candidate.id).where(Candidate.pmid == candidate.pmid, Candidate.gene == gene)
    ).first()
    if other is not None:
        raise InvalidDecision(
            f"gene: PMID {candidate.pmid} already has a candidate for {gene} (#{other})"
        )


def _load_for_decision(
    session: Session, candidate_id: int, expected_version: int, role: str
) -> Candidate:
    candidate = get_candidate(session=session, candidate_id=candidate_id, fresh=True)
    if candidate.version != expected_version:
        raise _conflict(session, candidate, expected_version)
    if not may_decide(role, candidate.status):
        raise DecisionNotAllowed(
            f"candidate {candidate_id} is already {candidate.status}: changing a decision "
            f"needs an editor or an admin (you are {role})"
        )
    return candidate


def _decide(
    session: Session,
    candidate: Candidate,
    actor: str,
    expected_version: int,
    to_status: Status,
    values: dict[str, Any],
) -> Candidate:
    changes = {
        name: [getattr(candidate, name), new]
        for name, new in values.items()
        if name != "provenance" and getattr(candidate, name) != new
    }
    from_status = candidate.status
    now = utcnow()
    result = session.execute(
        sa.update(Candidate)
        .where(col(Candidate.id) == candidate.id, col(Candidate.version) == expected_version)
        .values(
            **values,
            status=to_status.value,
            decided_at=now,
            decided_by=actor,
            updated_at=now,
            version=col(Candidate.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _conflict(session, candidate, expected_version)
    session.add(
        AuditEvent(
            candidate_id=candidate.id,  # type: ignore[arg-type]
            at=now,
            actor=actor,
            action=to_status.value,
            from_status=from_status,
            to_status=to_status.value,
            changes=changes,
            reason=values.get("reject_reason"),
            note=values.get("note"),
        )
    )
    session.flush()
    session.refresh(candidate)
    _run_hooks(session, candidate)
    return candidate


def _run_hooks(session: Session, candidate: Candidate) -> None:
    for hook in list(DECISION_HOOKS):
        try:
            with session.begin_nested():
                hook(session, candidate)
        except Exception:
            log.exception("decision hook %r failed on candidate %s", hook, candidate.id)


def _conflict(session: Session, candidate: Candidate, expected_version: int) -> ReviewConflict:
    """A ReviewConflict naming who last changed the candidate and when."""
    session.refresh(candidate)
    last = session.exec(
        select(AuditEvent)
        .where(AuditEvent.candidate_id == candidate.id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).first()
    if last is None or candidate.version <= expected_version:
        message = (
            f"candidate {candidate.id} is at version {candidate.version}, not "
            f"{expected_version}: reload it and decide again"
        )
    else:
        verb = _VERBS.get(last.action, last.action)
        message = (
            f"{last.actor} {verb} this at {describe_time(last.at)} while you were looking; "
            "reload to see it"
        )
    error = ReviewConflict(message)
    error.candidate_id = candidate.id  # type: ignore[attr-defined]
    error.current_version = candidate.version  # type: ignore[attr-defined]
    error.current_status = candidate.status  # type: ignore[attr-defined]
    error.last_event = last  # type: ignore[attr-defined]
    return error


def describe_time(at: datetime) -> str:
    """``12:03 UTC`` for today, ``12:03 UTC on 2026-11-24`` otherwise."""
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    at = at.astimezone(UTC)
    text = f"{at:%H:%M} UTC"
    return text if at.date() == datetime.now(UTC).date() else f"{text} on {at:%Y-%m-%d}"
