"""Test data for the living summary: the real seed findings, accepted evidence, notices.

``seed(session)`` loads the shipped seed_evidence/ findings; ``accept(...)``
stores a paper and an accepted candidate on it with the fields given.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from sqlmodel import Session

from evidencewatch.ingest.seed import load_findings
from evidencewatch.storage.models import Candidate, IntegrityNotice, Paper
from evidencewatch.watch.seedfiles import load_seed_dir
from factories import make_candidate, make_paper

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "docs" / "summary-schema.json"
SLC7A5 = "slc7a5-high-expression-nonresponse"
CYP = "drug-metabolism-cyp3a4-cyp2a6-mrna-high"


def seed(session: Session) -> None:
    _watchlist, findings = load_seed_dir()
    load_findings(session=session, findings=findings)
    session.flush()


def accept(
    session: Session,
    gene: str,
    *,
    paper: Paper | None = None,
    authors: tuple[str, ...] = (),
    abstract: str | None = None,
    **fields: Any,
) -> Candidate:
    """An accepted candidate; defaults say "up -> resistance, chemotherapy, mRNA"."""
    if paper is None:
        extra: dict[str, Any] = {} if abstract is None else {"abstract": abstract}
        paper = make_paper(
            session, title=fields.pop("title", f"{gene} in resistant tumours"), **extra
        )
        if authors:
            record = dict(paper.record)
            record["authors"] = [{"last_name": a, "initials": "J"} for a in authors]
            paper.record = record
            session.add(paper)
            session.flush()
    values: dict[str, Any] = {
        "therapy_class": "chemotherapy",
        "direction": "up",
        "effect": "resistance",
        "alteration": "mRNA",
        "evidence_level": "C",
        "statement": f"{gene} was higher in resistant tumours.",
        "decided_by": "alice",
    }
    values.update(fields)
    return make_candidate(session, paper, gene, status="accepted", **values)


def notice(session: Session, pmid: int, kind: str = "retracted", **kw: Any) -> IntegrityNotice:
    row = IntegrityNotice(pmid=pmid, kind=kind, notice_pmid=kw.pop("notice_pmid", pmid + 7), **kw)
    session.add(row)
    session.flush()
    return row


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def validate(document: Any) -> None:
    """Raise if ``document`` does not follow docs/summary-schema.json (formats checked too)."""
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)


def finding(document: dict[str, Any], finding_id: str) -> dict[str, Any]:
    for group in document["groups"]:
        for f in group["findings"]:
            if f["id"] == finding_id:
                return f
    raise KeyError(finding_id)
