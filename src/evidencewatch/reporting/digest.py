"""The periodic digest: what changed in the evidence base, beside the seed findings.

``build_digest`` reads the database and returns plain data (``DigestData``);
``render_html`` and ``render_markdown`` turn it into the two documents;
``save_digest`` stores a ``Digest`` row and writes the files; ``digest_job``
wires all of it (and the mail) for the CLI and the scheduler.

A period is a range of calendar dates, both ends included, in the configured
time zone: evidence counts as accepted in the period when its ``decided_at``
falls on one of those days.
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from jinja2 import Environment, StrictUndefined
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError
from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import REJECT_REASON_LABELS, Status
from evidencewatch.pubmed.links import doi_url, pubmed_url
from evidencewatch.reporting import charts
from evidencewatch.storage.models import Candidate, Digest, Paper, SeedFindingRow

THERAPY_ORDER = ("chemotherapy", "radiotherapy", "endocrine", "anti-HER2")
UNSPECIFIED_THERAPY = "unspecified therapy"
CHART_WEEKS = 12
# A mailed digest lists at most this many contradictions in full; the rest are counted.
CONTRADICTIONS_LISTED = 100
EN_DASH = "\N{EN DASH}"  # between the dates of a period, as in titles and subjects
_CHUNK = 900  # SQL parameters per IN (...) list, under SQLite's limit

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitationLink:
    """One seed citation as a link: to PubMed when its PMID is known, else to what we have."""

    label: str  # the footnote in the seed document, e.g. "[^1]"
    text: str  # "PMID 38256136", "PMC12384436", "doi:10.1/x", "NBK583808", a host name
    url: str | None  # None when no safe (http/https) link exists
    kind: Literal["pmid", "pmc", "doi", "bookshelf", "url", "none"]


@dataclass(frozen=True, slots=True)
class SeedView:
    id: str
    genes: tuple[str, ...]
    therapy_class: str
    direction: str
    effect: str
    pattern: str
    subtype: str
    agents: tuple[str, ...]
    claim: str
    citations: tuple[CitationLink, ...]

    @property
    def stance(self) -> str:
        return stance(self.direction, self.effect)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One candidate (a paper-gene pair) with the fields the digest shows."""

    candidate_id: int
    pmid: int
    gene: str
    status: str
    therapy_class: str | None
    direction: str | None
    effect: str | None
    evidence_level: str | None
    statement: str | None
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime | None
    title: str
    journal: str
    pub_year: int | None
    retracted: bool
    deleted: bool

    @property
    def id(self) -> int:
        return self.candidate_id

    @property
    def stance(self) -> str:
        return stance(self.direction, self.effect)


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One paper, once, with every gene it carries evidence for (anchors §2 item 14)."""

    pmid: int
    title: str
    journal: str
    pub_year: int | None
    retracted: bool
    deleted: bool
    items: tuple[EvidenceItem, ...]

    @property
    def genes(self) -> list[str]:
        return list(dict.fromkeys(item.gene for item in self.items))


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a contradiction: a candidate, or a seed finding."""

    kind: Literal["candidate", "seed"]
    gene: str
    therapy_class: str
    direction: str
    effect: str
    text: str  # the curator's statement, or the seed claim; "" when there is none yet
    status: str  # pending / accepted / seed
    pmid: int | None = None
    title: str = ""
    candidate_id: int | None = None
    seed_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    citations: tuple[CitationLink, ...] = ()

    @property
    def stance(self) -> str:
        return stance(self.direction, self.effect)


ContradictionKind = Literal["opposite direction", "opposite effect", "effect vs no association"]


@dataclass(frozen=True, slots=True)
class Contradiction:
    """``subject`` (accepted or pending) opposes ``opposing`` (a seed finding or accepted evidence).

    For accepted evidence only the earliest opposing item is named; ``similar``
    counts the further accepted items that take the same opposing stance.
    """

    subject: Side
    opposing: Side
    kind: ContradictionKind
    basis: Literal["seed", "accepted"]
    similar: int = 0


@dataclass(frozen=True, slots=True)
class TherapySection:
    therapy_class: str
    seeds: tuple[SeedView, ...]
    accepted: tuple[EvidenceItem, ...]  # accepted in the period
    accepted_to_date: int
    pending: int
    rejected: tuple[tuple[str, str, int], ...]  # (reason code, label, count) in the period


@dataclass(frozen=True, slots=True)
class GeneSection:
    gene: str
    therapies: tuple[TherapySection, ...]
    first_evidence: bool

    @property
    def pending(self) -> int:
        return sum(t.pending for t in self.therapies)

    @property
    def accepted(self) -> int:
        return sum(len(t.accepted) for t in self.therapies)


@dataclass(frozen=True, slots=True)
class GeneBacklog:
    gene: str
    pending: int
    oldest_days: int


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    deferred: int
    oldest_days: int | None
    per_gene: tuple[GeneBacklog, ...]


@dataclass(frozen=True, slots=True)
class DigestData:
    period_from: date
    period_to: date
    generated_at: datetime
    timezone: str
    new_papers: tuple[PaperRow, ...]
    accepted_count: int  # candidates (paper-gene pairs) accepted in the period
    first_evidence_genes: tuple[str, ...]
    backlog: Backlog
    contradictions: tuple[Contradiction, ...]
    integrity: tuple[PaperRow, ...]
    genes: tuple[GeneSection, ...]
    rejections: tuple[tuple[str, str, int], ...]  # the period's, over all genes
    chart: charts.WeeklySeries
    seeds_loaded: int
    general_seeds: tuple[SeedView, ...] = ()  # seed findings that name no gene

    @property
    def title(self) -> str:
        return f"evidencewatch digest {self.period_from} {EN_DASH} {self.period_to}"

    @property
    def contradictions_listed(self) -> tuple[Contradiction, ...]:
        return self.contradictions[:CONTRADICTIONS_LISTED]

    @property
    def contradictions_unlisted(self) -> tuple[tuple[str, int], ...]:
        """(gene, count) of the contradictions past CONTRADICTIONS_LISTED."""
        counts = Counter(c.subject.gene for c in self.contradictions[CONTRADICTIONS_LISTED:])
        return tuple(sorted(counts.items()))

    @property
    def is_empty(self) -> bool:
        return not self.new_papers

    @property
    def empty_message(self) -> str:
        waiting = self.backlog.pending
        noun = "candidate is" if waiting == 1 else "candidates are"
        return (
            f"No evidence was accepted between {self.period_from} and {self.period_to}; "
            f"{waiting} {noun} waiting."
        )

    def summary(self) -> dict[str, Any]:
        """The counts stored on the Digest row (JSON)."""
        return {
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "new_papers": len(self.new_papers),
            "accepted": self.accepted_count,
            "new_pmids": [p.pmid for p in self.new_papers],
            "first_evidence_genes": list(self.first_evidence_genes),
            "pending": self.backlog.pending,
            "deferred": self.backlog.deferred,
            "oldest_pending_days": self.backlog.oldest_days,
            "contradictions": len(self.contradictions),
            "integrity": [p.pmid for p in self.integrity],
            "rejected": {code: n for code, _label, n in self.rejections},
        }


class CandidateLike(Protocol):
    """What ``find_contradictions`` reads from a candidate (a ``Candidate`` row will do)."""

    @property
    def id(self) -> int | None: ...
    @property
    def pmid(self) -> int: ...
    @property
    def gene(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def therapy_class(self) -> str | None: ...
    @property
    def direction(self) -> str | None: ...
    @property
    def effect(self) -> str | None: ...
    @property
    def statement(self) -> str | None: ...
    @property
    def decided_by(self) -> str | None: ...
    @property
    def decided_at(self) -> datetime | None: ...


# ---------------------------------------------------------------------------
# Citations and opposition rules
# ---------------------------------------------------------------------------


def stance(direction: str | None, effect: str | None) -> str:
    """What a finding or an item says, for display: "up → resistance"."""
    effect_text = (effect or "effect not given").replace("_", " ")
    return f"{direction or 'direction not given'} \N{RIGHTWARDS ARROW} {effect_text}"


def citation_link(citation: Mapping[str, Any]) -> CitationLink:
    """The best link for a seed citation. A PMID is shown only when the row has one."""
    label = str(citation.get("label") or "")
    if citation.get("pmid"):
        pmid = int(citation["pmid"])
        return CitationLink(label, f"PMID {pmid}", pubmed_url(pmid), "pmid")
    pmcid = str(citation.get("pmcid") or "")
    if re.fullmatch(r"PMC\d+", pmcid):
        return CitationLink(label, pmcid, f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/", "pmc")
    if citation.get("doi"):
        doi = str(citation["doi"])
        return CitationLink(label, f"doi:{doi}", doi_url(doi), "doi")
    shelf = str(citation.get("bookshelf_id") or "")
    if re.fullmatch(r"NBK\d+", shelf):
        url = f"https://www.ncbi.nlm.nih.gov/books/{shelf}/"
        return CitationLink(label, shelf, url, "bookshelf")
    url = str(citation.get("url") or "")
    if re.match(r"https?://[^\s/]+", url):
        host = url.split("/")[2]
        return CitationLink(label, host, url, "url")
    return CitationLink(label, url or "citation without a link", None, "none")


_OPPOSITE_DIRECTION = {"up": "down", "down": "up"}
_OPPOSITE_EFFECT = {"resistance": "sensitivity", "sensitivity": "resistance"}
_VAGUE_DIRECTION = {"", "none", "mixed"}


def opposition(
    direction: str | None, effect: str | None, other_direction: str | None, other_effect: str | None
) -> ContradictionKind | None:
    """How two (direction, effect) stances on the same gene and therapy class oppose, if they do.

    * opposite direction, same effect: "up → resistance" vs "down → resistance";
    * opposite effect, same direction: "up → resistance" vs "up → sensitivity";
    * a resistance or sensitivity claim vs "no association" in the same direction
      (or where the no-association side names no direction).

    "up → resistance" vs "down → sensitivity" say the same thing and do not oppose;
    "mixed" and "none" directions and "prognosis" effects never oppose anything.
    """
    d1, e1 = (direction or "").lower(), (effect or "").lower()
    d2, e2 = (other_direction or "").lower(), (other_effect or "").lower()
    if e1 == e2 and e1 in _OPPOSITE_EFFECT and _OPPOSITE_DIRECTION.get(d1) == d2:
        return "opposite direction"
    if d1 == d2 and d1 in _OPPOSITE_DIRECTION and _OPPOSITE_EFFECT.get(e1) == e2:
        return "opposite effect"
    for (da, ea), (db, eb) in (((d1, e1), (d2, e2)), ((d2, e2), (d1, e1))):
        if ea in _OPPOSITE_EFFECT and eb == "no_association" and da in _OPPOSITE_DIRECTION:
            if db == da or db in _VAGUE_DIRECTION:
                return "effect vs no association"
    return None


def _seed_view(row: SeedFindingRow) -> SeedView:
    return SeedView(
        id=row.id,
        genes=tuple(row.genes),
        therapy_class=row.therapy_class,
        direction=row.direction,
        effect=row.effect,
        pattern=row.pattern,
        subtype=row.subtype,
        agents=tuple(row.agents),
        claim=row.claim,
        citations=tuple(citation_link(c) for c in row.citations),
    )


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# ---------------------------------------------------------------------------
# Contradictions
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Accepted:
    id: int
    pmid: int
    gene: str
    therapy_class: str
    direction: str
    effect: str
    statement: str
    decided_by: str | None
    decided_at: datetime

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.decided_at, self.id)


def find_contradictions(
    *, session: Session, candidates: Sequence[CandidateLike]
) -> list[Contradiction]:
    """Which of ``candidates`` oppose a seed finding or earlier accepted evidence.

    Pure reads on ``session``. Sides must share gene and therapy class; see
    ``opposition`` for what opposes. An accepted candidate is checked against
    evidence accepted before it; a pending one against all accepted evidence.
    """
    subjects = [
        c for c in candidates if c.therapy_class and c.direction and c.effect and c.id is not None
    ]
    if not subjects:
        return []
    seeds_by_key: dict[tuple[str, str], list[SeedFindingRow]] = defaultdict(list)
    for row in session.exec(select(SeedFindingRow).order_by(col(SeedFindingRow.id))).all():
        for gene in row.genes:
            seeds_by_key[(gene, row.therapy_class)].append(row)
    stances = _accepted_stances(
        session=session,
        genes=sorted({c.gene for c in subjects}),
        therapies=sorted({str(c.therapy_class) for c in subjects}),
    )
    # Titles of the subjects, and of the earliest item of each stance: the only ones named.
    named = {g.items[0].pmid for per_key in stances.values() for g in per_key.values()}
    titles = _titles(session=session, pmids={c.pmid for c in subjects} | named)
    seed_sides: dict[tuple[str, str], Side] = {}
    found: list[Contradiction] = []
    for cand in subjects:
        therapy = str(cand.therapy_class)
        subject = Side(
            kind="candidate",
            gene=cand.gene,
            therapy_class=therapy,
            direction=str(cand.direction).lower(),
            effect=str(cand.effect).lower(),
            text=cand.statement or "",
            status=cand.status,
            pmid=cand.pmid,
            title=titles.get(cand.pmid, ""),
            candidate_id=cand.id,
            decided_by=cand.decided_by,
            decided_at=_aware(cand.decided_at),
        )
        for seed in seeds_by_key.get((cand.gene, therapy), []):
            kind = opposition(subject.direction, subject.effect, seed.direction, seed.effect)
            if kind:
                side = seed_sides.get((seed.id, cand.gene)) or _seed_side(seed, cand.gene)
                seed_sides[(seed.id, cand.gene)] = side
                found.append(Contradiction(subject, side, kind, "seed"))
        found.extend(_against_accepted(subject, stances.get((cand.gene, therapy), {}), titles))
    return found


def _seed_side(seed: SeedFindingRow, gene: str) -> Side:
    return Side(
        kind="seed",
        gene=gene,
        therapy_class=seed.therapy_class,
        direction=seed.direction,
        effect=seed.effect,
        text=seed.claim,
        status="seed",
        seed_id=seed.id,
        citations=tuple(citation_link(c) for c in seed.citations),
    )


@dataclass(slots=True)
class _Stance:
    """Accepted evidence taking one (direction, effect) stance, oldest decision first."""

    items: list[_Accepted] = field(default_factory=list)
    orders: list[tuple[datetime, int]] = field(default_factory=list)


def _accepted_stances(
    *, session: Session, genes: Sequence[str], therapies: Sequence[str]
) -> dict[tuple[str, str], dict[tuple[str, str], _Stance]]:
    """Accepted evidence per (gene, therapy class), then per (direction, effect)."""
    out: dict[tuple[str, str], dict[tuple[str, str], _Stance]] = defaultdict(
        lambda: defaultdict(_Stance)
    )
    c = Candidate
    for chunk in _chunks(list(genes)):
        rows = session.exec(
            select(
                c.id,
                c.pmid,
                c.gene,
                c.therapy_class,
                c.direction,
                c.effect,
                c.statement,
                c.decided_by,
                c.decided_at,
            ).where(
                c.status == Status.accepted.value,
                col(c.gene).in_(chunk),
                # Only the therapy classes asked about: one candidate's page reads a
                # fraction of a gene's accepted evidence, not all of it.
                col(c.therapy_class).in_(list(therapies)),
                col(c.direction).is_not(None),
                col(c.effect).is_not(None),
            )
        ).all()
        for cid, pmid, gene, therapy, direction, effect, statement, by, at in rows:
            item = _Accepted(
                id=int(cid),
                pmid=int(pmid),
                gene=gene,
                therapy_class=therapy,
                direction=direction.lower(),
                effect=effect.lower(),
                statement=statement or "",
                decided_by=by,
                decided_at=_aware(at) or datetime.min.replace(tzinfo=UTC),
            )
            out[(gene, therapy)][(item.direction, item.effect)].items.append(item)
    for per_key in out.values():
        for group in per_key.values():
            group.items.sort(key=lambda a: a.order)
            group.orders = [a.order for a in group.items]
    return out


def _against_accepted(
    subject: Side, stances: Mapping[tuple[str, str], _Stance], titles: Mapping[int, str]
) -> list[Contradiction]:
    out: list[Contradiction] = []
    at = subject.decided_at
    for (direction, effect), group in sorted(stances.items()):
        kind = opposition(subject.direction, subject.effect, direction, effect)
        if not kind:
            continue
        if subject.status == Status.accepted.value and at is not None:
            # Only evidence accepted before this one: a pair is reported once, on the later side.
            count = bisect.bisect_left(group.orders, (at, subject.candidate_id or 0))
        else:
            count = len(group.items)
        # (The subject is never in an opposing stance: no stance opposes itself.)
        if count == 0:
            continue
        first = group.items[0]
        opposing = Side(
            kind="candidate",
            gene=first.gene,
            therapy_class=first.therapy_class,
            direction=first.direction,
            effect=first.effect,
            text=first.statement,
            status=Status.accepted.value,
            pmid=first.pmid,
            title=titles.get(first.pmid, ""),
            candidate_id=first.id,
            decided_by=first.decided_by,
            decided_at=first.decided_at,
        )
        out.append(Contradiction(subject, opposing, kind, "accepted", similar=count - 1))
    return out


def _titles(*, session: Session, pmids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(pmids)
    out: dict[int, str] = {}
    for chunk in _chunks(wanted):
        out.update(
            (int(p), t)
            for p, t in session.exec(
                select(Paper.pmid, Paper.title).where(col(Paper.pmid).in_(chunk))
            ).all()
        )
    return out


# ---------------------------------------------------------------------------
# Building the digest
# ---------------------------------------------------------------------------

_ITEM_COLUMNS = (
    Candidate.id,
    Candidate.pmid,
    Candidate.gene,
    Candidate.status,
    Candidate.therapy_class,
    Candidate.direction,
    Candidate.effect,
    Candidate.evidence_level,
    Candidate.statement,
    Candidate.decided_by,
    Candidate.decided_at,
    Candidate.created_at,
    Paper.title,
    Paper.journal,
    Paper.pub_year,
    Paper.is_retracted,
    Paper.deleted_at,
)


def _items(session: Session, *conditions: Any) -> list[EvidenceItem]:
    """Candidates with their papers' display fields; never loads the JSON columns."""
    query = (
        select(*_ITEM_COLUMNS)
        .join(Paper, col(Paper.pmid) == col(Candidate.pmid))
        .where(*conditions)
        .order_by(col(Candidate.decided_at), col(Candidate.id))
    )
    return [
        EvidenceItem(
            candidate_id=int(r[0]),
            pmid=int(r[1]),
            gene=r[2],
            status=r[3],
            therapy_class=r[4],
            direction=r[5],
            effect=r[6],
            evidence_level=r[7],
            statement=r[8],
            decided_by=r[9],
            decided_at=_aware(r[10]),
            created_at=_aware(r[11]),
            title=r[12] or "",
            journal=r[13] or "",
            pub_year=r[14],
            retracted=bool(r[15]),
            deleted=r[16] is not None,
        )
        for r in session.exec(query).all()
    ]


def _paper_rows(items: Iterable[EvidenceItem]) -> tuple[PaperRow, ...]:
    """One row per paper, in order of its first item, listing every gene once."""
    grouped: dict[int, list[EvidenceItem]] = {}
    for item in items:
        grouped.setdefault(item.pmid, []).append(item)
    return tuple(
        PaperRow(
            pmid=pmid,
            title=its[0].title,
            journal=its[0].journal,
            pub_year=its[0].pub_year,
            retracted=its[0].retracted,
            deleted=its[0].deleted,
            items=tuple(sorted(its, key=lambda i: i.gene)),
        )
        for pmid, its in grouped.items()
    )


def _therapy_key(therapy: str | None) -> str:
    return therapy or UNSPECIFIED_THERAPY


def _therapy_sort(therapy: str) -> tuple[int, str]:
    if therapy in THERAPY_ORDER:
        return (THERAPY_ORDER.index(therapy), therapy)
    return (len(THERAPY_ORDER) + (therapy == UNSPECIFIED_THERAPY), therapy)


def _day_bounds(period_from: date, period_to: date, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(period_from, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(period_to + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end


def build_digest(
    *,
    session: Session,
    period_from: date,
    period_to: date,
    now: datetime,
    tz: tzinfo = UTC,
) -> DigestData:
    """Everything the digest says about ``period_from``..``period_to`` (both included)."""
    if period_to < period_from:
        raise ConfigError(f"the digest period ends ({period_to}) before it starts ({period_from})")
    now = _aware(now) or utcnow()
    start, end = _day_bounds(period_from, period_to, tz)
    c = Candidate
    accepted = _items(
        session,
        c.status == Status.accepted.value,
        col(c.decided_at) >= start,
        col(c.decided_at) < end,
    )
    earlier_genes = set(
        session.exec(
            select(c.gene)
            .where(c.status == Status.accepted.value, col(c.decided_at) < start)
            .distinct()
        ).all()
    )
    first_genes = tuple(sorted({i.gene for i in accepted} - earlier_genes))
    new_pending = [
        _PendingRef.from_row(r)
        for r in session.exec(
            select(
                c.id, c.pmid, c.gene, c.status, c.therapy_class, c.direction, c.effect, c.statement
            ).where(
                c.status == Status.pending.value,
                col(c.created_at) >= start,
                col(c.created_at) < end,
            )
        ).all()
    ]
    contradictions = find_contradictions(session=session, candidates=[*accepted, *new_pending])
    seeds = [
        _seed_view(r)
        for r in session.exec(select(SeedFindingRow).order_by(col(SeedFindingRow.id))).all()
    ]
    integrity = _paper_rows(
        _items(
            session,
            c.status == Status.accepted.value,
            sa.or_(col(Paper.is_retracted).is_(True), col(Paper.deleted_at).is_not(None)),
        )
    )
    chart_start = period_to - timedelta(days=7 * CHART_WEEKS - 1)
    chart_from, _ = _day_bounds(chart_start, period_to, tz)
    chart_rows = session.exec(
        select(c.gene, c.decided_at).where(
            c.status == Status.accepted.value,
            col(c.decided_at) >= chart_from,
            col(c.decided_at) < end,
        )
    ).all()
    chart_events = [
        (gene, moment.astimezone(tz).date())
        for gene, at in chart_rows
        if (moment := _aware(at)) is not None
    ]
    backlog = _backlog(session=session, now=now)
    rejected = _rejections(session=session, start=start, end=end)
    genes = _gene_sections(
        session=session, seeds=seeds, accepted=accepted, rejected=rejected, first_genes=first_genes
    )
    totals: Counter[str] = Counter()
    for (_gene, _therapy, reason), n in rejected.items():
        totals[reason] += n
    return DigestData(
        period_from=period_from,
        period_to=period_to,
        generated_at=now,
        timezone=str(getattr(tz, "key", tz)),
        new_papers=_paper_rows(accepted),
        accepted_count=len(accepted),
        first_evidence_genes=first_genes,
        backlog=backlog,
        contradictions=tuple(contradictions),
        integrity=integrity,
        genes=genes,
        rejections=_labelled(totals),
        chart=charts.weekly_counts(chart_events, end=period_to, weeks=CHART_WEEKS),
        seeds_loaded=len(seeds),
        general_seeds=tuple(
            sorted((s for s in seeds if not s.genes), key=lambda s: _therapy_sort(s.therapy_class))
        ),
    )


@dataclass(frozen=True, slots=True)
class _PendingRef:
    id: int
    pmid: int
    gene: str
    status: str
    therapy_class: str | None
    direction: str | None
    effect: str | None
    statement: str | None
    decided_by: str | None = None
    decided_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> _PendingRef:
        return cls(int(row[0]), int(row[1]), *row[2:8])


def _labelled(counts: Mapping[str, int]) -> tuple[tuple[str, str, int], ...]:
    """(code, label, count), in the order of REJECT_REASON_LABELS, unknown codes last."""
    order = list(REJECT_REASON_LABELS)
    codes = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    return tuple((code, REJECT_REASON_LABELS.get(code, code), counts[code]) for code in codes)


def _backlog(*, session: Session, now: datetime) -> Backlog:
    c = Candidate
    rows = session.exec(
        select(c.gene, sa.func.count(), sa.func.min(c.created_at))
        .where(c.status == Status.pending.value)
        .group_by(c.gene)
    ).all()
    deferred = session.exec(
        select(sa.func.count()).select_from(c).where(c.status == Status.deferred.value)
    ).one()

    def age(at: datetime | None) -> int:
        moment = _aware(at)
        return max(0, (now - moment).days) if moment else 0

    per_gene = tuple(
        sorted(
            (GeneBacklog(gene, int(n), age(oldest)) for gene, n, oldest in rows),
            key=lambda g: (-g.pending, g.gene),
        )
    )
    return Backlog(
        pending=sum(g.pending for g in per_gene),
        deferred=int(deferred),
        oldest_days=max((g.oldest_days for g in per_gene), default=None),
        per_gene=per_gene,
    )


def _rejections(
    *, session: Session, start: datetime, end: datetime
) -> dict[tuple[str, str, str], int]:
    c = Candidate
    rows = session.exec(
        select(c.gene, c.therapy_class, c.reject_reason, sa.func.count())
        .where(
            c.status == Status.rejected.value,
            col(c.decided_at) >= start,
            col(c.decided_at) < end,
        )
        .group_by(c.gene, c.therapy_class, c.reject_reason)
    ).all()
    return {
        (gene, _therapy_key(therapy), reason or "unspecified"): int(n)
        for gene, therapy, reason, n in rows
    }


def _gene_sections(
    *,
    session: Session,
    seeds: Sequence[SeedView],
    accepted: Sequence[EvidenceItem],
    rejected: Mapping[tuple[str, str, str], int],
    first_genes: Sequence[str],
) -> tuple[GeneSection, ...]:
    c = Candidate
    pending: dict[tuple[str, str], int] = {
        (gene, _therapy_key(therapy)): int(n)
        for gene, therapy, n in session.exec(
            select(c.gene, c.therapy_class, sa.func.count())
            .where(c.status == Status.pending.value)
            .group_by(c.gene, c.therapy_class)
        ).all()
    }
    to_date: dict[tuple[str, str], int] = {
        (gene, _therapy_key(therapy)): int(n)
        for gene, therapy, n in session.exec(
            select(c.gene, c.therapy_class, sa.func.count())
            .where(c.status == Status.accepted.value)
            .group_by(c.gene, c.therapy_class)
        ).all()
    }
    seeds_by: dict[tuple[str, str], list[SeedView]] = defaultdict(list)
    for seed in seeds:
        for gene in seed.genes:
            seeds_by[(gene, _therapy_key(seed.therapy_class))].append(seed)
    accepted_by: dict[tuple[str, str], list[EvidenceItem]] = defaultdict(list)
    for item in accepted:
        accepted_by[(item.gene, _therapy_key(item.therapy_class))].append(item)
    rejected_by: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (gene, therapy, reason), n in rejected.items():
        rejected_by[(gene, therapy)][reason] += n
    keys = set(seeds_by) | set(accepted_by) | set(pending) | set(rejected_by)
    by_gene: dict[str, list[str]] = defaultdict(list)
    for gene, therapy in keys:
        by_gene[gene].append(therapy)
    return tuple(
        GeneSection(
            gene=gene,
            therapies=tuple(
                TherapySection(
                    therapy_class=therapy,
                    seeds=tuple(seeds_by.get((gene, therapy), ())),
                    accepted=tuple(accepted_by.get((gene, therapy), ())),
                    accepted_to_date=to_date.get((gene, therapy), 0),
                    pending=pending.get((gene, therapy), 0),
                    rejected=_labelled(rejected_by.get((gene, therapy), Counter())),
                )
                for therapy in sorted(by_gene[gene], key=_therapy_sort)
            ),
            first_evidence=gene in first_genes,
        )
        for gene in sorted(by_gene)
    )


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def render_html(data: DigestData, env: Environment) -> str:
    """The stand-alone HTML digest (inline CSS and SVG, no external assets), from the shared env."""
    chart_svg = charts.small_multiples_svg(data.chart, title="Accepted evidence per gene per week")
    return env.get_template("digest/digest.html").render(d=data, chart_svg=chart_svg) + "\n"


class MdSafe(str):
    """Text already fit for Markdown: the Markdown environment leaves it as it is."""

    __slots__ = ()


_MD_TABLE = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|~&"})
_MD_LINE_START = re.compile(r"^(?:([#+=>-])|(\d+)([.)]))")


def md_escape(value: Any) -> MdSafe:
    """``value`` as Markdown text that renders literally: one line, specials backslashed.

    Newlines are folded (a value never starts a block), ``\\ ` * _ [ ] < > | ~ &``
    are backslash-escaped (so no emphasis, link, raw HTML, table cell or entity
    can come out of PubMed text), and a leading ``#``, ``-``, ``+``, ``=``, ``>``
    or ``1.`` is escaped too.
    """
    if isinstance(value, MdSafe):
        return value
    text = " ".join(str(value).split()).translate(_MD_TABLE)
    if text and (text[0] in "#+=>-" or text[0].isdigit()):
        text = _MD_LINE_START.sub(
            lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text
        )
    return MdSafe(text)


def plain_text(fragment: str | None) -> str:
    """PubMed inline markup (``<i>``, ``<sup>``, MathML) reduced to its text."""
    if not fragment:
        return ""
    try:
        root = etree.fromstring(
            f'<root xmlns:mml="http://www.w3.org/1998/Math/MathML">{fragment}</root>'.encode(),
            parser=etree.XMLParser(resolve_entities=False, no_network=True, recover=False),
        )
    except etree.XMLSyntaxError:
        return " ".join(fragment.split())
    for sup in root.iter("sup"):
        sup.text = "^" + (sup.text or "")
    return " ".join("".join(root.itertext()).split())


def md_title(fragment: str | None) -> MdSafe:
    return md_escape(plain_text(fragment))


def md_link(text: Any, url: str | None) -> MdSafe:
    """``[text](url)``; the URL's spaces, brackets and parentheses are percent-encoded."""
    label = md_escape(text)
    if not url:
        return label
    safe_url = url
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        safe_url = safe_url.replace(char, code)
    return MdSafe(f"[{label}]({safe_url})")


def _md_finalize(value: Any) -> Any:
    if isinstance(value, str):
        return md_escape(value)
    return value


_MD_ENVS: weakref.WeakKeyDictionary[Environment, Environment] = weakref.WeakKeyDictionary()


def markdown_env(env: Environment) -> Environment:
    """A second Environment, over the same templates, for the Markdown digest.

    The shared env autoescapes for HTML, which would put ``&amp;`` and ``&lt;``
    into Markdown. This one does not HTML-escape; instead ``finalize`` passes
    every ``{{ … }}`` string through ``md_escape`` (Markdown's own escaping),
    so a value is safe unless a helper (``md_link``, ``md_title``) has already
    escaped it and marked it ``MdSafe``. Escaping by default, not by a filter
    one must remember on each PubMed-derived value. Made once per shared env.
    """
    cached = _MD_ENVS.get(env)
    if cached is not None:
        return cached
    md = Environment(
        loader=env.loader,
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_md_finalize,
    )
    # The shared env's helpers (pubmed_url, doi_url, reject_reasons, date), then the
    # Markdown-only ones; nothing is set up twice.
    md.globals.update(env.globals)
    md.filters["date"] = env.filters["date"]
    md.filters["md"] = md_escape
    md.filters["md_title"] = md_title
    # For macro output, which is built from values already escaped above.
    md.filters["md_done"] = MdSafe
    md.globals["md_link"] = md_link
    md.globals["sparkline"] = charts.sparkline
    _MD_ENVS[env] = md
    return md


def render_markdown(data: DigestData, env: Environment) -> str:
    """The Markdown digest: the same content as the HTML one, with Markdown escaping."""
    text = markdown_env(env).get_template("digest/digest.md").render(d=data)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ---------------------------------------------------------------------------
# Storing, and the job
# ---------------------------------------------------------------------------


def save_digest(
    *,
    session: Session,
    data: DigestData,
    html: str,
    markdown: str,
    out_dir: Path | None,
    formats: Iterable[str] = ("html", "md"),
) -> Digest:
    """Store a Digest row (both texts) and write ``digest-<period_to>.html``/``.md`` to ``out_dir``.

    A second digest for the same end date replaces the files; every run keeps its own row.
    """
    wanted = set(formats)
    files: list[str] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"digest-{data.period_to.isoformat()}"
        for ext, text in (("html", html), ("md", markdown)):
            if ext not in wanted:
                continue
            path = (out_dir / f"{stem}.{ext}").resolve()
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            files.append(str(path))
    digest = Digest(
        period_from=data.period_from,
        period_to=data.period_to,
        title=data.title,
        html=html,
        markdown=markdown,
        summary=data.summary(),
        files=files,
    )
    session.add(digest)
    session.flush()
    return digest


def default_period(
    *,
    today: date,
    since: date | None = None,
    until: date | None = None,
    period_days: int = 7,
) -> tuple[date, date]:
    """``since``..``until``; without ``since``, the ``period_days`` days up to ``until`` (today)."""
    end = until or today
    if period_days < 1:
        raise ConfigError(f"the digest period must be at least one day, not {period_days}")
    start = since or end - timedelta(days=period_days - 1)
    if end < start:
        raise ConfigError(f"the digest period ends ({end}) before it starts ({start})")
    return start, end


def digest_job(
    settings: Settings,
    *,
    engine: Engine,
    since: date | None = None,
    until: date | None = None,
    period_days: int | None = None,
    fmt: str = "both",
    out_dir: Path | None = None,
    mail: bool | None = None,
    now: datetime | None = None,
) -> Digest:
    """Build, render, store and (optionally) mail one digest; returns the stored row.

    ``mail=None`` mails when an SMTP host and recipients are configured;
    ``mail=True`` insists (a ConfigError if they are not). The digest is stored
    before the mail goes out, so a mail failure never loses it.
    """
    from evidencewatch.reporting.mailer import mail_configured, send_digest
    from evidencewatch.reporting.templating import make_env
    from evidencewatch.storage.db import session_scope

    if fmt not in ("html", "md", "both"):
        raise ConfigError(f"digest format must be html, md or both, not {fmt!r}")
    try:
        tz = ZoneInfo(settings.timezone)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"timezone {settings.timezone!r} is not an IANA time zone") from exc
    now = _aware(now) or utcnow()
    period_from, period_to = default_period(
        today=now.astimezone(tz).date(),
        since=since,
        until=until,
        period_days=period_days or settings.digest_period_days,
    )
    if mail is True and not mail_configured(settings):
        raise ConfigError("--mail needs smtp_host and mail_to to be set")
    formats = ("html", "md") if fmt == "both" else (fmt,)
    env = make_env()
    with session_scope(engine) as session:
        data = build_digest(
            session=session, period_from=period_from, period_to=period_to, now=now, tz=tz
        )
        digest = save_digest(
            session=session,
            data=data,
            html=render_html(data, env),
            markdown=render_markdown(data, env),
            out_dir=out_dir if out_dir is not None else Path(settings.digest_dir),
            formats=formats,
        )
    if mail is False or (mail is None and not mail_configured(settings)):
        return digest
    send_digest(settings, digest)
    with session_scope(engine) as session:
        stored = session.get(Digest, digest.id)
        if stored is not None:
            stored.mailed_to = list(digest.mailed_to)
            session.add(stored)
    return digest
