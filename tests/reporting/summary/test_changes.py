"""The changes section and the side-by-side comparison, over summary documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from evidencewatch.reporting.summary import build_document, changes_between, compare, gather_input
from summary_data import SLC7A5, accept, notice, seed

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def build(session, previous=None, version=None):
    """The document as it would be published after ``previous``."""
    session.flush()
    data = replace(gather_input(session=session, with_previous=False), previous=previous)
    return build_document(data, now=NOW, version=version)


def test_the_first_version_is_compared_with_the_seed_document(session):
    seed(session)
    cand = accept(session, "SLC7A5")
    doc = build(session, version=1)
    ch = doc["changes"]
    assert ch["since_version"] is None
    assert ch["status_changes"] == [
        {"finding_id": SLC7A5, "from": "unchanged", "to": "supported", "overridden": False}
    ]
    assert [(s["finding_id"], s["side"], s["pmid"]) for s in ch["new_studies"]] == [
        (SLC7A5, "supporting", cand.pmid)
    ]


def test_changes_name_exactly_what_differs_from_the_previous_document(session):
    seed(session)
    accept(session, "SLC7A5")
    first = build(session, version=1)
    assert changes_between(first, first) == {
        "since_version": 1,
        "status_changes": [],
        "new_studies": [],
        "new_rows": [],
        "integrity": [],
    }
    opposing = accept(session, "SLC7A5", direction="down")
    row = accept(session, "PRLR", therapy_class="endocrine")
    concern = notice(session, opposing.pmid, "concern")
    notice(session, row.pmid, "revised")  # a revision is not reported as a change
    second = build(session, previous=first, version=2)
    ch = second["changes"]
    assert ch["since_version"] == 1
    assert ch["status_changes"] == [
        {"finding_id": SLC7A5, "from": "supported", "to": "contested", "overridden": False}
    ]
    assert [(s.get("finding_id"), s["side"], s["pmid"]) for s in ch["new_studies"]] == [
        (SLC7A5, "opposing", opposing.pmid)
    ]
    assert [r["key"] for r in ch["new_rows"]] == ["PRLR|endocrine|mRNA|up|resistance"]
    assert [(n["pmid"], n["kind"], n["notice_pmid"]) for n in ch["integrity"]] == [
        (opposing.pmid, "concern", concern.notice_pmid)
    ]


def test_a_new_study_on_an_existing_new_row_is_listed_with_the_row(session):
    seed(session)
    accept(session, "PRLR")
    first = build(session, version=1)
    later = accept(session, "PRLR")
    ch = build(session, previous=first, version=2)["changes"]
    assert ch["new_rows"] == []
    assert [(s["row_key"], s["side"], s["pmid"]) for s in ch["new_studies"]] == [
        ("PRLR|chemotherapy|mRNA|up|resistance", "evidence", later.pmid)
    ]


def test_side_by_side_marks_only_what_differs(session):
    seed(session)
    accept(session, "SLC7A5")
    first = build(session, version=1)
    second_paper = accept(session, "SLC7A5", direction="down")
    accept(session, "PRLR")
    second = build(session, previous=first, version=2)
    rows = {r["key"]: r for r in compare(first, second)}
    slc = rows[SLC7A5]
    assert (slc["a"]["status"], slc["b"]["status"]) == ("supported", "contested")
    assert slc["changed"] == ["opposing_level", "opposing_pmids", "opposing_studies", "status"]
    assert slc["b"]["opposing_pmids"] == [second_paper.pmid]
    untouched = [r for r in compare(first, second) if r["kind"] == "finding" and not r["changed"]]
    assert len(untouched) == len(rows) - 2  # all findings but SLC7A5, and the new row
    new_row = rows["PRLR|chemotherapy|mRNA|up|resistance"]
    assert new_row["a"] == {"present": False} and new_row["b"]["status"] == "new"
