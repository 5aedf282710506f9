"""The summary document: seed findings with their evidence, new rows, and the changes section.

Pure: everything comes in as plain data (``gather`` reads it), and the result
is the JSON form of ``docs/summary-schema.json``, which the HTML and Markdown
are rendered from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from evidencewatch.core.vocabulary import SUMMARY_SIDES
from evidencewatch.reporting.summary.changes import changes_between
from evidencewatch.reporting.summary.independence import StudyFacts, possibly_dependent
from evidencewatch.reporting.summary.lines import (
    OTHER_GROUP,
    SCHEMA_VERSION,
    FindingLike,
    Line,
    Override,
    row_key,
    side_of,
)
from evidencewatch.reporting.summary.rules import (
    RULES,
    RULES_NOTE,
    Tally,
    finding_status,
    names_new_subtype,
)


@dataclass(frozen=True, slots=True)
class FindingInput:
    """One seed finding as the summary needs it: the row, its group and its citations."""

    finding: FindingLike
    group: str
    pattern: str
    subtype: str
    model_system: str
    claim: str
    citations: tuple[dict[str, Any], ...]
    cited_retracted: tuple[int, ...] = ()  # cited PMIDs that are retracted


@dataclass(frozen=True, slots=True)
class SummaryInput:
    findings: Sequence[FindingInput]
    lines: Sequence[Line]
    facts: Mapping[int, StudyFacts] = field(default_factory=dict)
    overrides: Mapping[str, Override] = field(default_factory=dict)
    notices: Sequence[dict[str, Any]] = ()
    previous: Mapping[str, Any] | None = None  # the last published document, if any


def side(lines: Sequence[Line], facts: Mapping[int, StudyFacts]) -> dict[str, Any]:
    """One side's lines and counts: studies are papers, retracted papers counted apart."""
    live = {ln.pmid for ln in lines if not ln.retracted}
    retracted = {ln.pmid for ln in lines if ln.retracted} - live
    levels = [ln.evidence_level for ln in lines if ln.evidence_level and not ln.retracted]
    ordered = sorted(lines, key=lambda ln: (-(ln.year or 0), ln.pmid, ln.gene))
    return {
        "studies": len(live),
        "candidates": sum(1 for ln in lines if not ln.retracted),
        "retracted_studies": len(retracted),
        "highest_level": min(levels) if levels else None,  # A is the strongest
        "possibly_dependent": possibly_dependent([facts[p] for p in sorted(live) if p in facts]),
        "lines": [ln.as_json() for ln in ordered],
    }


def _finding(
    item: FindingInput, by_side: Mapping[str, list[Line]], doc: SummaryInput
) -> dict[str, Any]:
    f = item.finding
    sides = {name: side(by_side.get(name, []), doc.facts) for name in SUMMARY_SIDES}
    supporting = by_side.get("supporting", [])
    tally = Tally(
        supporting=sides["supporting"]["studies"],
        opposing=sides["opposing"]["studies"],
        no_association=sides["no_association"]["studies"],
        retracted_supporting=sides["supporting"]["retracted_studies"],
        cited_retracted=bool(item.cited_retracted),
        new_subtype=any(
            names_new_subtype(item.subtype, ln.subtype) for ln in supporting if not ln.retracted
        ),
    )
    computed = finding_status(tally).value
    override = doc.overrides.get(f.id)
    return {
        "id": f.id,
        "group": item.group,
        "genes": list(f.genes),
        "alteration": f.alteration,
        "pattern": item.pattern,
        "direction": f.direction,
        "effect": f.effect,
        "therapy_class": f.therapy_class,
        "subtype": item.subtype,
        "model_system": item.model_system,
        "claim": item.claim,
        "citations": list(item.citations),
        "cited_retracted": list(item.cited_retracted),
        "computed_status": computed,
        "status": override.status if override else computed,
        "override": None
        if override is None
        else {
            "status": override.status,
            "reason": override.reason,
            "actor": override.actor,
            "at": override.at.isoformat(),
        },
        "sides": sides,
    }


def _new_row(key: str, group: str, lines: Sequence[Line], doc: SummaryInput) -> dict[str, Any]:
    first = lines[0]
    return {
        "key": key,
        "group": group,
        "gene": first.gene,
        "therapy_class": first.therapy_class,
        "alteration": first.alteration,
        "direction": first.direction,
        "effect": first.effect,
        "status": "new",
        "evidence": side(lines, doc.facts),
    }


def build_document(
    doc: SummaryInput, *, now: datetime, version: int | None = None, note: str = ""
) -> dict[str, Any]:
    """The whole summary as its JSON form; ``version`` None is the draft."""
    covered: set[int] = set()
    groups: dict[str, dict[str, list[Any]]] = {}
    gene_group: dict[str, str] = {}
    index: dict[tuple[str, str | None], list[Line]] = defaultdict(list)
    for ln in doc.lines:
        index[(ln.gene, ln.therapy_class)].append(ln)
    for item in doc.findings:
        by_side: dict[str, list[Line]] = defaultdict(list)
        f = item.finding
        for ln in (x for g in f.genes for x in index.get((g, f.therapy_class), ())):
            where = side_of(item.finding, ln)
            if where is not None:
                by_side[where].append(ln)
                covered.add(ln.candidate_id)
        group = groups.setdefault(item.group, {"findings": [], "new_rows": []})
        group["findings"].append(_finding(item, by_side, doc))
        for gene in item.finding.genes:
            gene_group.setdefault(gene, item.group)
    uncovered: dict[str, list[Line]] = defaultdict(list)
    for ln in doc.lines:
        if ln.candidate_id not in covered:
            uncovered[row_key(ln)].append(ln)
    for key in sorted(uncovered):
        name = gene_group.get(uncovered[key][0].gene, OTHER_GROUP)
        row = _new_row(key, name, uncovered[key], doc)
        groups.setdefault(name, {"findings": [], "new_rows": []})["new_rows"].append(row)
    document: dict[str, Any] = {
        "schema": "evidencewatch-summary",
        "schema_version": SCHEMA_VERSION,
        "version": version,
        "draft": version is None,
        "generated_at": now.isoformat(),
        "note": note,
        "rules": [{"status": s, "rule": r} for s, r in RULES],
        "rules_note": RULES_NOTE,
        "groups": [{"name": name, **parts} for name, parts in groups.items()],
        "integrity": list(doc.notices),
        "totals": {
            "findings": len(doc.findings),
            "new_rows": len(uncovered),
            "accepted_candidates": len(doc.lines),
            "papers": len({ln.pmid for ln in doc.lines}),
        },
    }
    document["changes"] = changes_between(doc.previous, document)
    return document
