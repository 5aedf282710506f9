"""Database tables.

No ``from __future__ import annotations`` here: SQLModel reads the real
annotation objects (sqlmodel#196).

Status values and reason codes live here too, as the one list that the CLI,
the web app and the digest all read.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import IntegrityState, Role, Status


def _json_column(nullable: bool = False) -> Any:
    return sa.Column(sa.JSON, nullable=nullable)


def _tz_column(nullable: bool = True, index: bool = False) -> Any:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable, index=index)


class Paper(SQLModel, table=True):
    """One PubMed citation, with its full parsed record."""

    pmid: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    version: int = 1
    kind: str = "article"
    title: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    journal: str = ""
    pub_date: str = ""
    pub_year: int | None = Field(default=None, index=True)
    crdt: date | None = Field(default=None, index=True)
    doi: str | None = None
    pmcid: str | None = None
    is_retracted: bool = False
    is_review: bool = False
    record: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    source: str = ""  # "scan:<id>" or "import:<file name>" that first stored it
    first_seen_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    deleted_at: datetime | None = Field(default=None, sa_column=_tz_column())


class Candidate(SQLModel, table=True):
    """A paper × tracked gene awaiting (or having had) a curator's decision."""

    __table_args__ = (
        sa.UniqueConstraint("pmid", "gene", name="uq_candidate_pmid_gene"),
        # The queue order (score, id) and the paper view's probe carry the id (0011).
        sa.Index("ix_candidate_status_score_id", "status", "score", "id"),
        # The queue's filters and per-gene counts (benchmarks/bench_web.py: p95 685 -> 49 ms
        # for the queue page at 100,000 candidates).
        sa.Index("ix_candidate_status_gene_score", "status", "gene", "score"),
        sa.Index(
            "ix_candidate_status_therapy_created_score",
            "status",
            "therapy_class",
            "created_at",
            "score",
        ),
        sa.Index("ix_candidate_status_created_score", "status", "created_at", "score"),
        # The paper view: papers counted, and each paper's best candidate found (0009).
        sa.Index("ix_candidate_status_pmid_score_id", "status", "pmid", "score", "id"),
        # The progress panel's screening history, decided candidates in decision order (0013).
        sa.Index("ix_candidate_status_decided_id", "status", "decided_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pmid: int = Field(
        sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("paper.pmid"), nullable=False, index=True)
    )
    gene: str = Field(index=True)
    status: str = Field(default=Status.pending.value)
    score: float = 0.0  # what the queue is ranked by: the model's score when there is one
    rule_score: float = 0.0
    model_score: float | None = None
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    snippets: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    matched_terms: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    mentions: list[str] = Field(default_factory=list, sa_column=_json_column())
    # Structured evidence: machine-suggested at match time, confirmed or
    # corrected by the curator; ``provenance`` says which, field by field.
    therapy_class: str | None = Field(default=None, index=True)
    agents: list[str] = Field(default_factory=list, sa_column=_json_column())
    direction: str | None = None
    effect: str | None = None
    alteration: str | None = None
    subtype: str | None = None
    model_system: str | None = None
    cell_lines: list[str] = Field(default_factory=list, sa_column=_json_column())
    evidence_level: str | None = None
    statement: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    provenance: dict[str, str] = Field(default_factory=dict, sa_column=_json_column())
    extraction_evidence: dict[str, str] = Field(default_factory=dict, sa_column=_json_column())
    reject_reason: str | None = None
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    scan_id: int | None = Field(default=None, foreign_key="scan.id")
    model_id: int | None = None  # the RankModel that set model_score
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False, index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    decided_at: datetime | None = Field(default=None, sa_column=_tz_column(index=True))
    decided_by: str | None = None
    # Optimistic concurrency: a decision names the version it was made on.
    version: int = 1


class AuditEvent(SQLModel, table=True):
    """Append-only record of every change to a candidate: who, when, what, and the old value."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False, index=True))
    actor: str
    action: str  # created, accepted, rejected, deferred, withdrawn, rescored, edited
    from_status: str | None = None
    to_status: str | None = None
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    reason: str | None = None
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


class Scan(SQLModel, table=True):
    """One scan of PubMed or one import of files: its window, queries, counts and outcome."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = "scan"  # scan | import
    # running | succeeded | failed | incomplete (a scan that left PMIDs unresolved;
    # like a failed one, it does not move the watermark)
    status: str = "running"
    started_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    finished_at: datetime | None = Field(default=None, sa_column=_tz_column())
    window_from: date | None = None
    window_to: date | None = None
    query_version: str = ""
    queries: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    requests: int = 0
    papers_seen: int = 0
    papers_new: int = 0
    papers_updated: int = 0
    candidates_new: int = 0
    deleted: int = 0
    missing_pmids: list[int] = Field(default_factory=list, sa_column=_json_column())
    problems: list[str] = Field(default_factory=list, sa_column=_json_column())
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    trigger: str = "manual"  # manual | scheduler | cron | demo
    host: str = ""
    pid: int | None = None


class UnresolvedPmid(SQLModel, table=True):
    """A PMID a scan's searches returned but EFetch would not, even asked again.

    Every later scan asks for it again until it is stored or confirmed gone
    (ESearch ``NNN[uid]`` knows nothing of it, or an imported DeleteCitation
    names it); while any row is open (``resolved_at`` NULL) no scan succeeds,
    so the watermark waits. Resolved rows are kept as the record of what
    became of the PMID.
    """

    __tablename__ = "unresolved_pmid"

    pmid: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    first_scan_id: int | None = Field(default=None, foreign_key="scan.id")
    last_scan_id: int | None = Field(default=None, foreign_key="scan.id")
    attempts: int = 1  # scans that asked for it and did not get it
    first_seen_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    last_tried_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    resolved_at: datetime | None = Field(default=None, sa_column=_tz_column(index=True))
    resolution: str | None = None  # stored | gone
    resolved_by: str | None = None  # e.g. "scan:12", "scan:12 esearch [uid]", "import:3"


class SeedFindingRow(SQLModel, table=True):
    """A finding from seed_evidence/findings.toml, as last loaded."""

    __tablename__ = "seed_finding"

    id: str = Field(primary_key=True)
    group: str = ""
    genes: list[str] = Field(default_factory=list, sa_column=_json_column())
    alteration: str = ""
    pattern: str = ""
    direction: str = ""
    effect: str = ""
    therapy_class: str = Field(default="", index=True)
    agents: list[str] = Field(default_factory=list, sa_column=_json_column())
    resistance_kind: str = ""
    subtype: str = ""
    model_system: str = ""
    claim: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    citations: list[dict[str, Any]] = Field(default_factory=list, sa_column=_json_column())
    loaded_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=sa.Column(sa.String(80), unique=True, nullable=False))
    password_hash: str
    role: str = Role.curator.value
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    last_login_at: datetime | None = Field(default=None, sa_column=_tz_column())


class Digest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False, index=True))
    period_from: date
    period_to: date
    title: str = ""
    html: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    markdown: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    files: list[str] = Field(default_factory=list, sa_column=_json_column())
    mailed_to: list[str] = Field(default_factory=list, sa_column=_json_column())


class ScanLock(SQLModel, table=True):
    """A named lock held in the database, so two processes never scan at once.

    The holder refreshes ``heartbeat_at`` while it works; a lock whose
    heartbeat is older than the stale limit belonged to a killed process and
    may be taken over.
    """

    __tablename__ = "scan_lock"

    name: str = Field(primary_key=True)
    holder: str  # "host:pid:token"
    acquired_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    heartbeat_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))


class RankModel(SQLModel, table=True):
    """A trained ranking model and what it was trained on."""

    __tablename__ = "rank_model"

    id: int | None = Field(default=None, primary_key=True)
    trained_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False))
    kind: str = "tfidf-logreg"
    n_positive: int = 0
    n_negative: int = 0
    decisions_seen: int = 0  # decided candidates when trained, to know when to retrain
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=_json_column())
    blob: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))


class IntegrityNotice(SQLModel, table=True):
    """A change PubMed reports on a paper the evidence rests on: one row per (paper, kind, notice).

    Written by the integrity watch (``recheck``) and by scans and imports that bring a
    paper in already carrying a notice. It is never acted on automatically: a curator
    confirms it (the paper's evidence is withdrawn) or dismisses it with a note.
    """

    __tablename__ = "integrity_notice"
    __table_args__ = (
        sa.UniqueConstraint("pmid", "kind", "notice_pmid", name="uq_integrity_notice"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pmid: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))
    kind: str  # IntegrityKind
    notice_pmid: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    notice_date: date | None = None
    detail: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    # A hash of the stored record before a revision replaced it ("revised", "updated").
    previous_hash: str = ""
    detected_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False, index=True))
    detected_by: str = ""  # "recheck:<run>", "scan:<id>", "import:<file>"
    state: str = IntegrityState.open.value
    resolved_by: str | None = None
    resolved_at: datetime | None = Field(default=None, sa_column=_tz_column())
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))


class CandidatePresence(SQLModel, table=True):
    """Who has a candidate's page open, and since when: the queue's "open by alice".

    One row per (candidate, user), refreshed each time the page is opened; rows older
    than the presence window are ignored by readers and pruned by writers.
    """

    __tablename__ = "candidate_presence"

    candidate_id: int = Field(primary_key=True)
    username: str = Field(sa_column=sa.Column(sa.String(80), primary_key=True))
    opened_at: datetime = Field(default_factory=utcnow, sa_column=_tz_column(False, index=True))
