"""How each paper was found: the ``candidate_route`` table, and routes as curators read them.

A scan's queries find most papers; ELink finds papers that cite a seed-cited
or accepted paper, or that PubMed lists as similar to an accepted one. Each
way a paper was found is one row, so a paper found both by the query and by a
citation shows both. Routes belong to the paper (every candidate of it shares
them) and are never rewritten: the first scan that found a paper by a route
is the one recorded.

No ``from __future__ import annotations`` here: SQLModel reads the real
annotation objects (sqlmodel#196).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import RouteKind
from evidencewatch.storage.sql import chunked

__all__ = ["CandidateRoute", "add_routes", "describe_route", "route_texts", "routes_by_pmid"]


class CandidateRoute(SQLModel, table=True):
    """One way a paper (and so each of its candidates) was found."""

    __tablename__ = "candidate_route"
    __table_args__ = (
        sa.UniqueConstraint("pmid", "kind", "source_pmid", name="uq_candidate_route"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pmid: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))
    kind: str  # RouteKind
    # The paper it cites or resembles; 0 for the query (0 keeps the unique key exact:
    # NULLs never collide in a unique constraint).
    source_pmid: int = Field(default=0, sa_column=sa.Column(sa.BigInteger, nullable=False))
    # Why the source matters, for people: "seed finding <id>" or "accepted evidence (<gene>)".
    source_label: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    scan_id: int | None = None
    found_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False)
    )


def add_routes(
    *, session: Session, routes: Iterable[tuple[int, RouteKind, int, str]], scan_id: int | None
) -> int:
    """Record ``(pmid, kind, source_pmid, source_label)`` routes not yet known; returns how many."""
    wanted = {(pmid, kind.value, source): label for pmid, kind, source, label in routes}
    if not wanted:
        return 0
    known: set[tuple[int, str, int]] = set()
    for part in chunked(sorted({pmid for pmid, _, _ in wanted})):
        rows = session.exec(
            select(CandidateRoute.pmid, CandidateRoute.kind, CandidateRoute.source_pmid).where(
                col(CandidateRoute.pmid).in_(part)
            )
        ).all()
        known.update((int(p), str(k), int(s)) for p, k, s in rows)
    new = [key for key in wanted if key not in known]
    for pmid, kind, source in new:
        session.add(
            CandidateRoute(
                pmid=pmid,
                kind=kind,
                source_pmid=source,
                source_label=wanted[(pmid, kind, source)],
                scan_id=scan_id,
            )
        )
    session.flush()
    return len(new)


def routes_by_pmid(*, session: Session, pmids: Sequence[int]) -> dict[int, list[CandidateRoute]]:
    """The routes of each paper, the query first, then by source PMID."""
    found: dict[int, list[CandidateRoute]] = {}
    for part in chunked(sorted(set(pmids))):
        for row in session.exec(
            select(CandidateRoute).where(col(CandidateRoute.pmid).in_(part))
        ).all():
            found.setdefault(row.pmid, []).append(row)
    order = {kind.value: i for i, kind in enumerate(RouteKind)}
    for rows in found.values():
        rows.sort(key=lambda r: (order.get(r.kind, 99), r.source_pmid))
    return found


def describe_route(route: CandidateRoute) -> str:
    """One line: "found by the scan's query", "cites PMID 38256136 (seed finding x)"..."""
    label = f" ({route.source_label})" if route.source_label else ""
    if route.kind == RouteKind.cites:
        return f"cites PMID {route.source_pmid}{label}"
    if route.kind == RouteKind.similar:
        return f"similar to PMID {route.source_pmid}{label}"
    return "found by the scan's query"


def route_texts(*, session: Session, pmids: Sequence[int]) -> dict[int, list[str]]:
    """Each paper's routes as lines for people and exports."""
    return {
        pmid: [describe_route(r) for r in rows]
        for pmid, rows in routes_by_pmid(session=session, pmids=pmids).items()
    }
