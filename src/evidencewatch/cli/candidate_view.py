"""How ``evidencewatch review show`` presents one candidate: as JSON-ready data, and as text."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from evidencewatch.core.vocabulary import EDITABLE_FIELDS, INTEGRITY_KIND_LABELS
from evidencewatch.ingest.integrity import notice_json
from evidencewatch.review.detail import CandidateDetail


def detail_json(detail: CandidateDetail) -> dict[str, Any]:
    """Everything about a candidate as JSON-ready data."""
    cand, paper = detail.candidate, detail.paper
    return {
        "candidate": cand.model_dump(),
        "paper": {
            "pmid": paper.pmid,
            "title": paper.title,
            "journal": paper.journal,
            "pub_date": paper.pub_date,
            "crdt": paper.crdt,
            "doi": paper.doi,
            "pmcid": paper.pmcid,
            "is_retracted": paper.is_retracted,
            "is_review": paper.is_review,
            "deleted_at": paper.deleted_at,
            "abstract": detail.record.abstract_text if detail.record else "",
        },
        "other_candidates": [
            {"id": s.id, "gene": s.gene, "status": s.status, "score": s.score}
            for s in detail.siblings
        ],
        "already_accepted": [s.id for s in detail.accepted_siblings],
        "routes": detail.routes,
        "contradictions": [
            {
                "basis": x.basis,
                "opposing": x.opposing.seed_id or x.opposing.candidate_id,
                "opposing_direction": x.opposing.direction,
                "opposing_effect": x.opposing.effect,
                "opposing_text": x.opposing.text,
            }
            for x in detail.contradictions
        ],
        "seed_findings": [
            {
                "id": f.id,
                "claim": f.claim,
                "therapy_class": f.therapy_class,
                "effect": f.effect,
                "citations": f.citations,
            }
            for f in detail.seed_findings
        ],
        "history": [e.model_dump(exclude={"candidate_id"}) for e in detail.history],
        "integrity": [notice_json(n) for n in detail.integrity],
    }


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def integrity_line(n: dict[str, Any]) -> str:
    """One integrity notice as ``review show`` prints it."""
    label = INTEGRITY_KIND_LABELS.get(n["kind"], n["kind"]).upper()
    cited = f" by notice PMID {n['notice_pmid']}" if n["notice_pmid"] else ""
    dated = f" of {n['notice_date']}" if n["notice_date"] else ""
    answer = f" by {n['resolved_by']}" if n["resolved_by"] else ""
    note = f": {n['note']}" if n["note"] else ""
    return f"INTEGRITY: {label}{cited}{dated} [notice {n['id']}, {n['state']}{answer}{note}]"


def print_detail(data: dict[str, Any]) -> None:
    cand, paper = data["candidate"], data["paper"]
    echo = click.echo
    echo(
        f"candidate {cand['id']}: {cand['gene']} · PMID {paper['pmid']} · {cand['status']} "
        f"(version {cand['version']}) · score {cand['score']:.2f}"
    )
    echo(f"  {paper['title']}")
    echo(
        f"  {paper['journal']} {paper['pub_date']}"
        + (f" · doi:{paper['doi']}" if paper["doi"] else "")
    )
    if paper["is_retracted"]:
        echo("  WARNING: this paper is retracted")
    if paper["deleted_at"]:
        echo(f"  WARNING: deleted from PubMed on {json_default(paper['deleted_at'])}")
    for route in data["routes"]:
        echo(f"  found: {route}")
    for n in data.get("integrity", []):
        echo("  " + integrity_line(n))
    if data["already_accepted"]:
        echo(f"  note: evidence from this paper is already accepted: {data['already_accepted']}")
    for x in data["contradictions"]:
        echo(
            f"  CONTRADICTION: opposes {x['basis']} {x['opposing']} "
            f"({x['opposing_direction']} -> {x['opposing_effect']}): {x['opposing_text']}"
        )
    echo("fields:")
    for name in EDITABLE_FIELDS:
        value = cand.get(name)
        shown = ", ".join(value) if isinstance(value, list) else (value or "-")
        echo(f"  {name:<15} {shown}  [{cand['provenance'].get(name, '-')}]")
    if cand.get("reject_reason"):
        echo(f"  {'reject_reason':<15} {cand['reject_reason']}")
    if cand.get("note"):
        echo(f"  {'note':<15} {cand['note']}")
    echo("snippets:")
    for s in cand["snippets"]:
        echo(f"  [{s.get('section', '')}] {s.get('text', '')}")
    echo("reasons:")
    for r in cand["reasons"]:
        echo(
            f"  {float(r.get('weight') or 0):+6.2f}  {r.get('feature', '')}  {r.get('detail', '')}"
        )
    if data["other_candidates"]:
        echo("other genes in this paper:")
        for o in data["other_candidates"]:
            echo(f"  {o['id']:>7}  {o['gene']:<8} {o['status']}")
    echo("history:")
    for e in data["history"]:
        change = ", ".join(
            f"{k}: {v[0]!r} -> {v[1]!r}" if isinstance(v, list) and len(v) == 2 else f"{k}: {v!r}"
            for k, v in (e["changes"] or {}).items()
        )
        extra = " · ".join(x for x in (e["reason"] or "", e["note"] or "", change) if x)
        echo(
            f"  {json_default(e['at'])}  {e['actor']:<10} {e['action']:<9} "
            f"{e['from_status'] or ''}->{e['to_status'] or ''}  {extra}"
        )
