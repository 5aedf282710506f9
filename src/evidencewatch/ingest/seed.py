"""Storing the seed findings, and resolving their citations to PMIDs.

The TOML files are the source of truth for the findings; the database keeps
what the files can't: PMIDs resolved through NCBI. Loading is idempotent:
loading the same files twice leaves the database exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from evidencewatch.core.timeutil import utcnow
from evidencewatch.storage.models import SeedFindingRow
from evidencewatch.watch.findings import SeedFinding

if TYPE_CHECKING:
    from evidencewatch.pubmed.client import EutilsClient


@dataclass
class SeedReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _citations(finding: SeedFinding, previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The file's citations, keeping PMIDs resolved earlier for the same reference."""
    resolved = {c.get("url"): c for c in previous if c.get("pmid_source") == "resolved"}
    out = []
    for citation in finding.citations:
        row: dict[str, Any] = asdict(citation)
        row["pmid_source"] = "document" if citation.pmid else None
        earlier = resolved.get(citation.url)
        if citation.pmid is None and earlier is not None:
            row["pmid"] = earlier["pmid"]
            row["pmid_source"] = "resolved"
        out.append(row)
    return out


def _values(finding: SeedFinding, previous: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "group": finding.group,
        "genes": list(finding.genes),
        "alteration": finding.alteration,
        "pattern": finding.pattern,
        "direction": finding.direction,
        "effect": finding.effect,
        "therapy_class": finding.therapy_class,
        "agents": list(finding.agents),
        "resistance_kind": finding.resistance_kind,
        "subtype": finding.subtype,
        "model_system": finding.model_system,
        "claim": finding.claim,
        "citations": _citations(finding, previous),
    }


def load_findings(*, session: Session, findings: Sequence[SeedFinding]) -> SeedReport:
    """Make the seed_finding table hold exactly ``findings``."""
    report = SeedReport()
    existing = {row.id: row for row in session.exec(select(SeedFindingRow)).all()}
    for finding in findings:
        row = existing.pop(finding.id, None)
        values = _values(finding, row.citations if row else [])
        if row is None:
            session.add(SeedFindingRow(id=finding.id, **values))
            report.added.append(finding.id)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.loaded_at = utcnow()
            session.add(row)
            report.updated.append(finding.id)
        else:
            report.unchanged.append(finding.id)
    for row in existing.values():
        session.delete(row)
        report.removed.append(row.id)
    session.flush()
    return report


@dataclass
class Resolution:
    finding_id: str
    reference: str
    pmids: list[int]


def resolve_citations(*, session: Session, client: EutilsClient) -> list[Resolution]:
    """Look up PMIDs for citations given only as PMC ID or DOI.

    Only an unambiguous answer (exactly one PMID) is stored; anything else is
    reported and left empty, never guessed.
    """
    results: list[Resolution] = []
    for row in session.exec(select(SeedFindingRow).order_by(SeedFindingRow.id)).all():
        changed = False
        citations = [dict(c) for c in row.citations]
        for citation in citations:
            if citation.get("pmid"):
                continue
            reference = citation.get("pmcid") or citation.get("doi")
            if not reference:
                continue
            pmids = client.resolve_article_id(reference)
            results.append(Resolution(row.id, reference, pmids))
            if len(pmids) == 1:
                citation["pmid"] = pmids[0]
                citation["pmid_source"] = "resolved"
                changed = True
        if changed:
            row.citations = citations
            row.loaded_at = utcnow()
            session.add(row)
    session.flush()
    return results


def seed_pmids(*, session: Session) -> dict[int, list[str]]:
    """PMID -> ids of the seed findings that cite it (known PMIDs only)."""
    out: dict[int, list[str]] = {}
    for row in session.exec(select(SeedFindingRow)).all():
        for citation in row.citations:
            if citation.get("pmid"):
                out.setdefault(int(citation["pmid"]), []).append(row.id)
    return out
