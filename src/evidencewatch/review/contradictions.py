"""Contradictions: a candidate that opposes a seed finding or evidence accepted before it.

The review page shows them beside a candidate before a curator decides; the
digest lists those of its period. Both read them through
:func:`find_contradictions`, which never writes.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from sqlmodel import Session, col, select

from evidencewatch.core.timeutil import as_utc_or_none
from evidencewatch.core.vocabulary import Status
from evidencewatch.pubmed.links import doi_url, pmc_url, pubmed_url
from evidencewatch.storage.models import Candidate, Paper, SeedFindingRow
from evidencewatch.storage.sql import chunked

ContradictionKind = Literal["opposite direction", "opposite effect", "effect vs no association"]


@dataclass(frozen=True, slots=True)
class CitationLink:
    """One seed citation as a link: to PubMed when its PMID is known, else to what we have."""

    label: str  # the footnote in the seed document, e.g. "[^1]"
    text: str  # "PMID 38256136", "PMC12384436", "doi:10.1/x", "NBK583808", a host name
    url: str | None  # None when no safe (http/https) link exists
    kind: Literal["pmid", "pmc", "doi", "bookshelf", "url", "none"]


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
        return CitationLink(label, pmcid, pmc_url(pmcid), "pmc")
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


# ---------------------------------------------------------------------------
# Finding them
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


@dataclass(slots=True)
class _Stance:
    """Accepted evidence taking one (direction, effect) stance, oldest decision first."""

    items: list[_Accepted] = field(default_factory=list)
    orders: list[tuple[datetime, int]] = field(default_factory=list)


_Stances = dict[tuple[str, str], dict[tuple[str, str], _Stance]]


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
        subject = _subject_side(cand, titles)
        for seed in seeds_by_key.get((cand.gene, therapy), []):
            kind = opposition(subject.direction, subject.effect, seed.direction, seed.effect)
            if kind:
                side = seed_sides.get((seed.id, cand.gene)) or _seed_side(seed, cand.gene)
                seed_sides[(seed.id, cand.gene)] = side
                found.append(Contradiction(subject, side, kind, "seed"))
        found.extend(_against_accepted(subject, stances.get((cand.gene, therapy), {}), titles))
    return found


def _subject_side(cand: CandidateLike, titles: Mapping[int, str]) -> Side:
    return Side(
        kind="candidate",
        gene=cand.gene,
        therapy_class=str(cand.therapy_class),
        direction=str(cand.direction).lower(),
        effect=str(cand.effect).lower(),
        text=cand.statement or "",
        status=cand.status,
        pmid=cand.pmid,
        title=titles.get(cand.pmid, ""),
        candidate_id=cand.id,
        decided_by=cand.decided_by,
        decided_at=as_utc_or_none(cand.decided_at),
    )


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


# sqlmodel's ``select`` is typed for at most four columns; past that its rows are Any.
_ACCEPTED_COLUMNS: tuple[Any, ...] = (
    Candidate.id,
    Candidate.pmid,
    Candidate.gene,
    Candidate.therapy_class,
    Candidate.direction,
    Candidate.effect,
    Candidate.statement,
    Candidate.decided_by,
    Candidate.decided_at,
)


def _accepted_stances(
    *, session: Session, genes: Sequence[str], therapies: Sequence[str]
) -> _Stances:
    """Accepted evidence per (gene, therapy class), then per (direction, effect)."""
    out: _Stances = defaultdict(lambda: defaultdict(_Stance))
    c = Candidate
    for chunk in chunked(list(genes)):
        rows = session.exec(
            select(*_ACCEPTED_COLUMNS).where(
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
                decided_at=as_utc_or_none(at) or datetime.min.replace(tzinfo=UTC),
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
    for chunk in chunked(wanted):
        out.update(
            (int(p), t)
            for p, t in session.exec(
                select(Paper.pmid, Paper.title).where(col(Paper.pmid).in_(chunk))
            ).all()
        )
    return out
