"""Test data straight into the database: papers, candidates, users.

Each function adds rows to the session it is given and flushes; the test
commits when another connection (a web app, a CLI run) must see them::

    paper = make_paper(session, pmid=123, title="ESR1 mutations and endocrine resistance")
    cand = make_candidate(session, paper, "ESR1", score=4.2)
    make_user(session, "alice", "curator", "alice-password")
    session.commit()
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from html import escape
from typing import Any

from sqlmodel import Session

from evidencewatch.pubmed.records import AbstractSection, PubDate, PubmedRecord
from evidencewatch.review.accounts import create_user
from evidencewatch.storage.models import AuditEvent, Candidate, Paper, User

_pmids = itertools.count(90_000_001)

DEFAULT_ABSTRACT = (
    "ESR1 mutations were enriched in metastatic tumours after aromatase inhibitor therapy. "
    "Cells expressing mutant ESR1 showed resistance to tamoxifen and fulvestrant."
)


def make_paper(
    session: Session,
    pmid: int | None = None,
    title: str = "ESR1 mutations drive endocrine resistance in breast cancer",
    abstract: str | list[tuple[str | None, str]] = DEFAULT_ABSTRACT,
    **kw: Any,
) -> Paper:
    """A paper with a full stored record; ``abstract`` may be text or [(label, text), ...].

    ``kw`` sets Paper columns (journal, crdt, doi, is_retracted, deleted_at, ...);
    ``publication_types`` goes into the record.
    """
    pmid = next(_pmids) if pmid is None else pmid
    crdt: date = kw.pop("crdt", date(2026, 11, 2))
    journal: str = kw.pop("journal", "Breast Cancer Res")
    doi: str | None = kw.pop("doi", f"10.1000/ew.{pmid}")
    pub_types = tuple(kw.pop("publication_types", ("Journal Article",)))
    sections = [(None, abstract)] if isinstance(abstract, str) else abstract
    record = PubmedRecord(
        pmid=pmid,
        title=title,
        title_markup=kw.pop("title_markup", escape(title, quote=False)),
        abstract=tuple(
            AbstractSection(text=text, label=label, markup=escape(text, quote=False))
            for label, text in sections
        ),
        journal=journal,
        pub_date=PubDate(year=crdt.year, month=crdt.month),
        history={"entrez": crdt},
        doi=doi,
        publication_types=pub_types,
    )
    paper = Paper(
        pmid=pmid,
        title=title,
        journal=journal,
        pub_date=record.pub_date.display(),
        pub_year=crdt.year,
        crdt=crdt,
        doi=doi,
        is_review=record.is_review,
        record=record.to_json(),
        source="test",
    )
    for name, value in kw.items():
        setattr(paper, name, value)
    session.add(paper)
    session.flush()
    return paper


def make_candidate(
    session: Session,
    paper_or_pmid: Paper | int | None,
    gene: str = "ESR1",
    score: float = 1.0,
    status: str = "pending",
    **kw: Any,
) -> Candidate:
    """A candidate for ``gene`` on the paper (made if a PMID is not stored yet).

    Snippets, reasons and matched terms get plausible defaults built from the
    paper's abstract; ``kw`` overrides any Candidate column.
    """
    if isinstance(paper_or_pmid, Paper):
        paper = paper_or_pmid
    else:
        paper = (session.get(Paper, paper_or_pmid) if paper_or_pmid else None) or make_paper(
            session, pmid=paper_or_pmid
        )
    text = next(
        (s["text"] for s in paper.record.get("abstract", []) if gene in s["text"]),
        f"{gene} expression was associated with tamoxifen resistance.",
    )
    cues = [w for w in ("resistance", "tamoxifen") if w in text]
    values: dict[str, Any] = {
        "pmid": paper.pmid,
        "gene": gene,
        "status": status,
        "score": score,
        "rule_score": score,
        "reasons": [
            {"feature": "gene_in_title", "weight": 2.0, "detail": f"{gene} in title"},
            {"feature": "resistance_cue", "weight": 1.0, "detail": "resistance"},
        ],
        "snippets": [
            {
                "text": text,
                "section": "abstract",
                "genes": [gene],
                "cues": cues,
                "spans": _spans(text, {"gene": [gene], "cue": cues}),
            }
        ],
        "matched_terms": {"gene": [gene], "cue": cues},
        "mentions": [gene],
        "therapy_class": "endocrine",
        "agents": ["tamoxifen"],
        "direction": "up",
        "effect": "resistance",
        "provenance": {
            "therapy_class": "machine",
            "agents": "machine",
            "direction": "machine",
            "effect": "machine",
        },
    }
    values.update(kw)
    candidate = Candidate(**values)
    session.add(candidate)
    session.flush()
    session.add(
        AuditEvent(
            candidate_id=candidate.id,  # type: ignore[arg-type]
            actor="system",
            action="created",
            to_status=candidate.status,
            changes={"score": score},
            note="test",
        )
    )
    session.flush()
    return candidate


def make_user(
    session: Session, username: str, role: str = "curator", password: str = "password-123"
) -> User:
    """A user through the real ``auth.create_user`` (argon2 hash)."""
    return create_user(session=session, username=username, password=password, role=role)


def _spans(text: str, terms: dict[str, list[str]]) -> list[list[Any]]:
    spans = []
    for kind, words in terms.items():
        for word in words:
            for m in re.finditer(re.escape(word), text):
                spans.append([m.start(), m.end(), kind])
    return spans
