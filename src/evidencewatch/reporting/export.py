"""Exporting candidates: JSON lines, CSV and RIS, one candidate (paper × gene) a row.

CSV is opened in spreadsheets, which run a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)`` from a title
would be a live link). As OWASP's "CSV Injection" advises, such a text cell gets a
leading ``'`` and every text cell is quoted, so a spreadsheet shows the text and
runs nothing. JSON lines and RIS are read by programs, not spreadsheets: they keep
the exact text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from sqlmodel import Session, col, select

from evidencewatch.ingest.integrity import notice_json, notices_by_pmid
from evidencewatch.pubmed.links import pubmed_url
from evidencewatch.review.queue import QUEUE_ORDER
from evidencewatch.storage.models import Candidate, Paper
from evidencewatch.storage.routes import CandidateRoute, route_texts

EXPORT_FIELDS = (
    "id",
    "pmid",
    "gene",
    "status",
    "score",
    "rule_score",
    "model_score",
    "title",
    "journal",
    "pub_date",
    "doi",
    "pmcid",
    "therapy_class",
    "agents",
    "direction",
    "effect",
    "alteration",
    "subtype",
    "model_system",
    "cell_lines",
    "evidence_level",
    "statement",
    "provenance",
    "reject_reason",
    "note",
    "decided_by",
    "decided_at",
    "snippets",
    "reasons",
    "retracted",
    "routes",
    "integrity",
)
# First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def iter_candidates(
    *, session: Session, status: str = "all", batch: int = 1000
) -> Iterator[tuple[Candidate, Paper]]:
    """Candidates with their papers in the queue's order (best score first), in batches."""
    query = select(Candidate, Paper).join(Paper, col(Paper.pmid) == col(Candidate.pmid))
    if status != "all":
        query = query.where(Candidate.status == status)
    query = query.order_by(*QUEUE_ORDER)
    offset = 0
    while True:
        rows = session.exec(query.offset(offset).limit(batch)).all()
        if not rows:
            return
        yield from rows
        offset += batch


def all_routes(*, session: Session) -> dict[int, list[str]]:
    """How each paper was found (storage.routes), for every paper that has a route."""
    pmids = list(session.exec(select(CandidateRoute.pmid).distinct()).all())
    return route_texts(session=session, pmids=pmids)


def export_rows(
    *,
    session: Session,
    pairs: Iterator[tuple[Candidate, Paper]],
    routes: dict[int, list[str]] | None = None,
    batch: int = 1000,
) -> Iterator[dict[str, Any]]:
    """Each pair's row with its paper's routes and integrity notices, the notices looked up
    ``batch`` pairs at a time."""
    chunk: list[tuple[Candidate, Paper]] = []
    for pair in pairs:
        chunk.append(pair)
        if len(chunk) >= batch:
            yield from _rows_with_notices(session, chunk, routes or {})
            chunk = []
    yield from _rows_with_notices(session, chunk, routes or {})


def _rows_with_notices(
    session: Session, chunk: list[tuple[Candidate, Paper]], routes: dict[int, list[str]]
) -> Iterator[dict[str, Any]]:
    if not chunk:
        return
    notices = notices_by_pmid(session=session, pmids=[p.pmid for _c, p in chunk])
    for candidate, paper in chunk:
        yield candidate_row(
            candidate,
            paper,
            routes.get(paper.pmid),
            integrity=[notice_json(n) for n in notices.get(paper.pmid, [])],
        )


def candidate_row(
    candidate: Candidate,
    paper: Paper,
    routes: list[str] | None = None,
    *,
    integrity: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One export row; ``routes`` are how the paper was found (JSONL: a list; CSV: "; "),
    ``integrity`` the paper's notices (retraction, erratum...)."""
    return {
        "id": candidate.id,
        "pmid": candidate.pmid,
        "gene": candidate.gene,
        "status": candidate.status,
        "score": round(candidate.score, 3),
        "rule_score": round(candidate.rule_score, 3),
        "model_score": None if candidate.model_score is None else round(candidate.model_score, 4),
        "title": paper.title,
        "journal": paper.journal,
        "pub_date": paper.pub_date,
        "doi": paper.doi,
        "pmcid": paper.pmcid,
        "therapy_class": candidate.therapy_class,
        "agents": candidate.agents,
        "direction": candidate.direction,
        "effect": candidate.effect,
        "alteration": candidate.alteration,
        "subtype": candidate.subtype,
        "model_system": candidate.model_system,
        "cell_lines": candidate.cell_lines,
        "evidence_level": candidate.evidence_level,
        "statement": candidate.statement,
        "provenance": candidate.provenance,
        "reject_reason": candidate.reject_reason,
        "note": candidate.note,
        "decided_by": candidate.decided_by,
        "decided_at": candidate.decided_at.isoformat() if candidate.decided_at else None,
        "snippets": [s["text"] for s in candidate.snippets],
        "reasons": candidate.reasons,
        "retracted": paper.is_retracted,
        "routes": list(routes or []),
        "integrity": integrity or [],
    }


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def csv_cell(value: Any) -> Any:
    """One CSV cell: lists and dicts as JSON; text a spreadsheet would run made inert with ``'``."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)  # starts with [ or {: never a formula
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    # Every text cell quoted: a spreadsheet splitting on ";" cannot start a cell mid-text.
    writer = csv.DictWriter(
        out, fieldnames=EXPORT_FIELDS, extrasaction="ignore", quoting=csv.QUOTE_NONNUMERIC
    )
    writer.writeheader()
    n = 0
    for row in rows:
        cells = {k: csv_cell("; ".join(v) if k == "routes" else v) for k, v in row.items()}
        writer.writerow(cells)
        n += 1
    return n


def write_ris(
    pairs: Iterator[tuple[Candidate, Paper]],
    out: TextIO,
    routes: dict[int, list[str]] | None = None,
) -> int:
    """RIS for reference managers: one entry per paper, every gene it was accepted for.

    How the paper was found (``routes``) is a note: "N1  - found: cites PMID ...".
    """
    routes = routes or {}
    grouped: dict[int, tuple[Paper, list[Candidate]]] = {}
    for candidate, paper in pairs:
        grouped.setdefault(paper.pmid, (paper, []))[1].append(candidate)
    for paper, candidates in grouped.values():
        record = paper.record or {}
        out.write("TY  - JOUR\n")
        out.write(f"TI  - {_one_line(paper.title)}\n")
        for author in record.get("authors", []):
            name = author.get("collective_name") or ", ".join(
                p for p in (author.get("last_name"), author.get("fore_name")) if p
            )
            if name:
                out.write(f"AU  - {_one_line(name)}\n")
        if paper.journal:
            out.write(f"JO  - {_one_line(paper.journal)}\n")
        if paper.pub_year:
            out.write(f"PY  - {paper.pub_year}\n")
        if paper.doi:
            out.write(f"DO  - {paper.doi}\n")
        out.write(f"AN  - PMID:{paper.pmid}\n")
        out.write(f"UR  - {pubmed_url(paper.pmid)}\n")
        for candidate in candidates:
            out.write(f"KW  - {candidate.gene}\n")
            if candidate.statement:
                out.write(f"N1  - {candidate.gene}: {_one_line(candidate.statement)}\n")
        for route in routes.get(paper.pmid, []):
            out.write(f"N1  - found: {_one_line(route)}\n")
        out.write("ER  - \n\n")
    return len(grouped)


def _one_line(text: str) -> str:
    return " ".join(text.split())
