"""What changed between two summary documents: the "Changes since version N" section.

Pure functions over the JSON form. With no earlier version the baseline is
the seed document itself: every finding "unchanged", no evidence, no new rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from evidencewatch.core.vocabulary import SUMMARY_SIDES, SummaryStatus

# Integrity kinds the changes section reports (the others are revisions of the record).
REPORTED_NOTICES = ("retracted", "concern", "erratum")


def findings(document: Mapping[str, Any] | None) -> Iterator[dict[str, Any]]:
    for group in (document or {}).get("groups", []):
        yield from group["findings"]


def new_rows(document: Mapping[str, Any] | None) -> Iterator[dict[str, Any]]:
    for group in (document or {}).get("groups", []):
        yield from group["new_rows"]


def live_pmids(side: Mapping[str, Any]) -> set[int]:
    return {int(ln["pmid"]) for ln in side["lines"] if not ln["retracted"]}


def notice_key(notice: Mapping[str, Any]) -> tuple[int, str, int]:
    return (int(notice["pmid"]), str(notice["kind"]), int(notice.get("notice_pmid") or 0))


def _studies(
    where: dict[str, Any], side: Mapping[str, Any], seen: set[int]
) -> list[dict[str, Any]]:
    """The side's live papers not in ``seen``, by PMID, each once."""
    lines = {int(ln["pmid"]): ln for ln in side["lines"] if not ln["retracted"]}
    return [
        {**where, "pmid": pmid, "year": lines[pmid]["year"], "title": lines[pmid]["title"]}
        for pmid in sorted(set(lines) - seen)
    ]


def changes_between(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Findings whose status changed, new studies per side, new rows, new integrity notices."""
    old_findings = {f["id"]: f for f in findings(old)}
    old_rows = {r["key"]: r for r in new_rows(old)}
    status_changes: list[dict[str, Any]] = []
    studies: list[dict[str, Any]] = []
    for f in findings(new):
        before = old_findings.get(f["id"])
        was = before["status"] if before else SummaryStatus.unchanged.value
        if was != f["status"]:
            status_changes.append(
                {
                    "finding_id": f["id"],
                    "from": was,
                    "to": f["status"],
                    "overridden": bool(f["override"]),
                }
            )
        for name in SUMMARY_SIDES:
            seen = live_pmids(before["sides"][name]) if before else set()
            studies += _studies({"finding_id": f["id"], "side": name}, f["sides"][name], seen)
    rows: list[dict[str, Any]] = []
    for r in new_rows(new):
        if r["key"] not in old_rows:
            rows.append(
                {k: r[k] for k in ("key", "group", "gene", "therapy_class", "direction", "effect")}
                | {"alteration": r["alteration"], "studies": r["evidence"]["studies"]}
            )
            continue
        seen = live_pmids(old_rows[r["key"]]["evidence"])
        studies += _studies({"row_key": r["key"], "side": "evidence"}, r["evidence"], seen)
    old_notices = {notice_key(n) for n in (old or {}).get("integrity", [])}
    notices = [
        dict(n)
        for n in new.get("integrity", [])
        if n["kind"] in REPORTED_NOTICES and notice_key(n) not in old_notices
    ]
    return {
        "since_version": old.get("version") if old else None,
        "status_changes": status_changes,
        "new_studies": studies,
        "new_rows": rows,
        "integrity": notices,
    }


def _cells(item: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the side-by-side view compares for one finding or row."""
    if item is None:
        return {"present": False}
    sides = item.get("sides") or {"evidence": item["evidence"]}
    return {
        "present": True,
        "status": item["status"],
        **{f"{n}_studies": s["studies"] for n, s in sides.items()},
        **{f"{n}_level": s["highest_level"] for n, s in sides.items()},
        **{f"{n}_pmids": sorted(live_pmids(s)) for n, s in sides.items()},
    }


def compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One entry per finding and new row of either document, with the fields that differ."""
    out: list[dict[str, Any]] = []
    for kind, items_a, items_b in (
        ("finding", {f["id"]: f for f in findings(a)}, {f["id"]: f for f in findings(b)}),
        ("new row", {r["key"]: r for r in new_rows(a)}, {r["key"]: r for r in new_rows(b)}),
    ):
        for key in [*items_a, *(k for k in items_b if k not in items_a)]:
            left, right = _cells(items_a.get(key)), _cells(items_b.get(key))
            changed = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
            group = (items_b.get(key) or items_a[key])["group"]
            out.append(
                {
                    "kind": kind,
                    "key": key,
                    "group": group,
                    "a": left,
                    "b": right,
                    "changed": changed,
                }
            )
    return out
