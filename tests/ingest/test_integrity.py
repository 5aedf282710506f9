"""Reading integrity notices from records, and flagging papers that a scan or import brings
in already carrying one: the same function the integrity watch uses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from evidencewatch.ingest.integrity import notices_in, record_hash
from evidencewatch.ingest.store import save_records
from evidencewatch.jobs.importing import run_import
from evidencewatch.pubmed.parse import parse_pubmed
from evidencewatch.storage.models import AuditEvent, Candidate, IntegrityNotice
from evidencewatch.testing.fake import revisions
from evidencewatch.testing.fake.records import article_set
from evidencewatch.testing.fake_eutils import make_record

D = date(2026, 11, 2)
TEXT = "SLC7A5 overexpression confers resistance to doxorubicin in breast cancer cells."


def parsed(fake_record):
    [record] = parse_pubmed(article_set([fake_record])).records
    return record


def retracted_record(pmid: int = 42_000_001):
    return revisions.revised_record(
        make_record(pmid, crdt=D, title="SLC7A5 and doxorubicin", abstract=TEXT),
        date_revised=date(2026, 12, 1),
        notices=[
            revisions.retraction(99_000_001, date(2026, 11, 28)),
            revisions.erratum(None, date(2026, 11, 3)),
        ],
        retracted=True,
    )


def test_notices_are_read_from_comments_corrections_with_their_pmid_and_date():
    found = {(n.kind, n.notice_pmid, n.notice_date) for n in notices_in(parsed(retracted_record()))}
    assert found == {
        ("retracted", 99_000_001, date(2026, 11, 28)),
        ("erratum", 0, date(2026, 11, 3)),
    }


def test_the_retracted_publication_type_alone_is_a_retraction_dated_by_date_revised():
    rec = parsed(
        revisions.revised_record(
            make_record(1, crdt=D, title="x"), date_revised=date(2026, 12, 9), retracted=True
        )
    )
    [notice] = notices_in(rec)
    assert (notice.kind, notice.notice_pmid, notice.notice_date) == (
        "retracted",
        0,
        date(2026, 12, 9),
    )


def test_comment_links_that_are_not_notices_are_ignored():
    rec = parsed(
        revisions.revised_record(
            make_record(1, crdt=D, title="x"),
            date_revised=date(2026, 12, 9),
            notices=[revisions.Notice("CommentIn", date(2026, 12, 1), 5)],
        )
    )
    assert notices_in(rec) == []


def test_a_scanned_paper_already_retracted_is_flagged_once_with_an_audit_event(
    session: Session, matcher
):
    record = parsed(retracted_record())
    save_records(session=session, records=[record], matcher=matcher, source="scan:3")
    save_records(session=session, records=[record], matcher=matcher, source="scan:4")
    rows = session.exec(select(IntegrityNotice).order_by(col(IntegrityNotice.kind))).all()
    assert [(r.kind, r.notice_pmid, r.detected_by) for r in rows] == [
        ("erratum", 0, "scan:3"),
        ("retracted", 99_000_001, "scan:3"),
    ]
    cand = session.exec(select(Candidate).where(Candidate.pmid == record.pmid)).one()
    flagged = session.exec(
        select(AuditEvent).where(
            AuditEvent.candidate_id == cand.id, AuditEvent.action == "integrity_flagged"
        )
    ).all()
    assert sorted(e.reason for e in flagged) == ["erratum", "retracted"]


def test_an_imported_file_with_a_retracted_paper_flags_it_the_same_way(
    engine, matcher, tmp_path: Path
):
    path = tmp_path / "update.xml"
    path.write_bytes(article_set([retracted_record(42_000_009)]))
    run_import(engine=engine, paths=[path], matcher=matcher)
    with Session(engine) as session:
        [notice] = session.exec(
            select(IntegrityNotice).where(IntegrityNotice.kind == "retracted")
        ).all()
    assert (notice.pmid, notice.notice_pmid) == (42_000_009, 99_000_001)
    assert notice.detected_by.startswith("import:")


def test_the_record_hash_is_stable_across_key_order():
    assert record_hash({"a": 1, "b": [1, 2]}) == record_hash({"b": [1, 2], "a": 1})
    assert record_hash({"a": 1}) != record_hash({"a": 2})


def test_a_delete_citation_leaves_accepted_evidence_accepted_with_an_open_deleted_notice(
    session: Session, matcher
):
    from evidencewatch.ingest.store import apply_deletions

    record = parsed(make_record(42_000_020, crdt=D, title="SLC7A5 and doxorubicin", abstract=TEXT))
    save_records(session=session, records=[record], matcher=matcher, source="scan:3")
    cand = session.exec(select(Candidate).where(Candidate.pmid == record.pmid)).one()
    cand.status = "accepted"
    session.add(cand)
    assert apply_deletions(session=session, pmids=[record.pmid, 1], actor="import:u.xml") == 1
    [notice] = session.exec(select(IntegrityNotice)).all()
    assert (notice.pmid, notice.kind, notice.state, notice.detected_by) == (
        record.pmid,
        "deleted",
        "open",
        "import:u.xml",
    )
    assert cand.status == "accepted"
