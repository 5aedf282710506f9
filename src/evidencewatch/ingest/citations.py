"""Discovery through citations: the papers that cite what the evidence rests on.

A paper that builds on a seed paper or on accepted evidence is often worded
differently from the watchlist's query. So each scan also asks ELink
(``pubmed_pubmed_citedin``) which papers cite each *source*: every PMID a seed
finding cites, and every paper with an accepted candidate. With the
``scan_similar_articles`` setting it also asks for PubMed's similar articles
(``pubmed_pubmed``) of the accepted papers.

The steps here touch either NCBI or a session, never both; the jobs layer runs
them (:mod:`evidencewatch.jobs.scanning`). Citing papers not stored yet are
fetched and saved through the same path as the query's (short answers asked
again, the rest unresolved), so they are matched by the same matcher and
queued only when they mention a tracked gene. Every way a paper was found is a
route (:mod:`evidencewatch.storage.routes`), and a candidate found by a
citation gains the ``cites_seed_or_accepted`` reason in its rule score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from evidencewatch.core.vocabulary import RouteKind, Status
from evidencewatch.matching.scoring import WEIGHTS, rescore_reasons
from evidencewatch.pubmed.elink import CITED_IN, ELINK_BATCH, SIMILAR
from evidencewatch.storage.models import Candidate, SeedFindingRow
from evidencewatch.storage.routes import CandidateRoute, add_routes
from evidencewatch.storage.sql import chunked

if TYPE_CHECKING:
    from evidencewatch.pubmed.client import EutilsClient

__all__ = [
    "CITATION_FEATURE",
    "Link",
    "LinkPlan",
    "ask_links",
    "link_sources",
    "note_links",
    "note_query_routes",
]

#: The rule-score reason a candidate gains when its paper cites (or resembles) a
#: seed-cited or accepted paper; its weight is in matching.scoring.WEIGHTS.
CITATION_FEATURE = "cites_seed_or_accepted"


@dataclass(frozen=True, slots=True)
class Link:
    """One paper (``pmid``) found from a source paper, and why the source matters."""

    pmid: int
    kind: RouteKind
    source_pmid: int
    source_label: str


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """What to ask ELink: per link name, each source PMID with its label."""

    sources: dict[str, dict[int, str]]

    def request_count(self) -> int:
        return sum(-(-len(s) // ELINK_BATCH) for s in self.sources.values())


def link_sources(*, session: Session, similar: bool = False) -> LinkPlan:
    """The PMIDs whose citing papers (and similar articles) this scan asks for."""
    cited: dict[int, str] = {}
    for row in session.exec(select(SeedFindingRow).order_by(col(SeedFindingRow.id))).all():
        for citation in row.citations:
            pmid = citation.get("pmid")
            if pmid:
                cited.setdefault(int(pmid), f"seed finding {row.id}")
    accepted: dict[int, str] = {}
    rows = session.exec(
        select(Candidate.pmid, Candidate.gene)
        .where(Candidate.status == Status.accepted.value)
        .order_by(col(Candidate.pmid), col(Candidate.gene))
    ).all()
    for pmid, gene in rows:
        accepted.setdefault(int(pmid), f"accepted evidence on {gene}")
    sources = {CITED_IN: {**accepted, **cited}}  # a seed-cited paper is named as such
    if similar:
        sources[SIMILAR] = accepted
    return LinkPlan({name: found for name, found in sources.items() if found})


def ask_links(client: EutilsClient, plan: LinkPlan) -> list[Link]:
    """Ask ELink, one request per 100 sources; every link found, with its source.

    Raises what the client raises: a failed ELink fails the scan.
    """
    kinds = {CITED_IN: RouteKind.cites, SIMILAR: RouteKind.similar}
    links: list[Link] = []
    for linkname, sources in plan.sources.items():
        ordered = sorted(sources)
        for batch in chunked(ordered, ELINK_BATCH):
            for source, found in client.elink(list(batch), linkname=linkname).items():
                links += [
                    Link(p, kinds[linkname], source, sources[source]) for p in found if p != source
                ]
    return links


def note_links(*, session: Session, links: Iterable[Link], scan_id: int) -> int:
    """Record the links' routes and give their candidates the citation reason.

    Call after the linked papers are stored. Returns how many routes were new.
    """
    links = list(links)
    added = add_routes(
        session=session,
        routes=[(lk.pmid, lk.kind, lk.source_pmid, lk.source_label) for lk in links],
        scan_id=scan_id,
    )
    _add_citation_reasons(session=session, links=links)
    return added


def note_query_routes(
    *, session: Session, pmids: Sequence[int], scan_id: int, only_routed: bool = False
) -> None:
    """Record that the scan's query found ``pmids``.

    ``only_routed``: only for papers that already have a route, i.e. that an
    earlier scan found by a citation (a paper found by both shows both); other
    stored papers came by the query or an import, and stay as they were.
    """
    if only_routed:
        routed: set[int] = set()
        for part in chunked(sorted(set(pmids))):
            routed.update(
                session.exec(
                    select(CandidateRoute.pmid).where(col(CandidateRoute.pmid).in_(part))
                ).all()
            )
        pmids = [p for p in pmids if p in routed]
    add_routes(
        session=session,
        routes=[(p, RouteKind.query, 0, "") for p in pmids],
        scan_id=scan_id,
    )


def _add_citation_reasons(*, session: Session, links: list[Link]) -> None:
    """The ``cites_seed_or_accepted`` reason, once per candidate, and the rescored rule score."""
    first: dict[int, Link] = {}
    for link in sorted(links, key=lambda lk: (lk.pmid, lk.kind != RouteKind.cites, lk.source_pmid)):
        first.setdefault(link.pmid, link)
    for part in chunked(sorted(first)):
        pending = select(Candidate).where(
            col(Candidate.pmid).in_(part), Candidate.status == Status.pending.value
        )
        for candidate in session.exec(pending):
            if any(r.get("feature") == CITATION_FEATURE for r in candidate.reasons):
                continue
            link = first[candidate.pmid]
            verb = "cites" if link.kind == RouteKind.cites else "is similar to"
            reasons = [
                *candidate.reasons,
                {
                    "feature": CITATION_FEATURE,
                    "weight": WEIGHTS[CITATION_FEATURE],
                    "detail": f"{verb} PMID {link.source_pmid} ({link.source_label})",
                },
            ]
            candidate.reasons = reasons
            rescored = rescore_reasons(reasons)
            if rescored is not None:
                candidate.rule_score = rescored
                if candidate.model_score is None:
                    candidate.score = rescored
            session.add(candidate)
