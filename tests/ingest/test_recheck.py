"""The integrity watch against the fake E-utilities server: stored evidence, revised on the
fake, rechecked through the real client, with the database checked afterwards."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from evidencewatch.core.errors import EutilsError
from evidencewatch.ingest.integrity import record_hash
from evidencewatch.ingest.recheck import apply_recheck, evidence_pmids, fetch_current
from evidencewatch.ingest.store import save_records
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.review import decisions
from evidencewatch.storage.models import AuditEvent, Candidate, IntegrityNotice, Paper
from evidencewatch.testing.fake import revisions
from evidencewatch.testing.fake_eutils import FakeEutils, Fault, make_record

D = date(2026, 11, 2)
TEXT = "SLC7A5 overexpression confers resistance to doxorubicin in breast cancer cells."
PMIDS = [41_000_001, 41_000_002, 41_000_003]


@dataclass
class World:
    engine: Engine
    fake: FakeEutils
    client: EutilsClient

    def recheck(self) -> dict[str, int]:
        with Session(self.engine) as session:
            pmids = evidence_pmids(session=session)
        fetched = fetch_current(self.client, pmids)
        with Session(self.engine) as session:
            counts = apply_recheck(session=session, fetched=fetched, detected_by="recheck:test")
            session.commit()
        return counts.as_json()

    def notices(self) -> list[IntegrityNotice]:
        with Session(self.engine) as session:
            return list(session.exec(select(IntegrityNotice).order_by(col(IntegrityNotice.id))))


@pytest.fixture
def world(engine: Engine, matcher) -> Iterator[World]:
    records = [
        make_record(p, crdt=D, title=f"SLC7A5 study {i}", abstract=TEXT)
        for i, p in enumerate(PMIDS)
    ]
    with (
        FakeEutils(records) as fake,
        EutilsClient(
            base_url=fake.base_url,
            tool="evidencewatch-tests",
            email="tests@evidencewatch.invalid",
            requests_per_second=500,
            backoff_base=0.001,
            backoff_max=0.01,
        ) as client,
    ):
        for pmid in PMIDS:  # every record as first stored carries a DateRevised
            revisions.revise(fake, pmid, date_revised=date(2026, 11, 5))
        with Session(engine) as session:
            save_records(
                session=session,
                records=client.efetch(PMIDS).records,
                matcher=matcher,
                source="scan:1",
            )
            cand = session.exec(select(Candidate).where(Candidate.pmid == PMIDS[0])).one()
            decisions.accept(
                session=session,
                candidate_id=cand.id,
                actor="alice",
                expected_version=cand.version,
                edits={"statement": "SLC7A5 drives doxorubicin resistance."},
            )
            session.commit()
        yield World(engine, fake, client)


def test_a_retraction_published_after_acceptance_is_found_flagged_and_audited(world: World):
    assert world.recheck()["retracted"] == 0
    revisions.revise(
        world.fake,
        PMIDS[0],
        date_revised=date(2026, 12, 1),
        notices=[revisions.retraction(99_000_001, date(2026, 11, 28))],
        retracted=True,
    )
    counts = world.recheck()
    assert counts == {
        "checked": 3,
        "requests": 1,
        "retracted": 1,
        "concern": 0,
        "erratum": 0,
        "updated": 0,
        "deleted": 0,
        "revised": 0,
    }
    [notice] = world.notices()
    assert (notice.pmid, notice.kind, notice.notice_pmid, notice.notice_date, notice.state) == (
        PMIDS[0],
        "retracted",
        99_000_001,
        date(2026, 11, 28),
        "open",
    )
    assert notice.previous_hash  # the record it replaced
    with Session(world.engine) as session:
        paper = session.get(Paper, PMIDS[0])
        assert paper.is_retracted and paper.record["date_revised"] == "2026-12-01"
        cand = session.exec(select(Candidate).where(Candidate.pmid == PMIDS[0])).one()
        assert cand.status == "accepted"  # nothing is withdrawn without a curator
        events = session.exec(
            select(AuditEvent).where(
                AuditEvent.candidate_id == cand.id, AuditEvent.action == "integrity_flagged"
            )
        ).all()
        assert [e.changes["notice_pmid"] for e in events] == [99_000_001]


def test_a_second_run_straight_after_reports_zeros(world: World):
    revisions.revise(
        world.fake,
        PMIDS[1],
        date_revised=date(2026, 12, 1),
        notices=[
            revisions.erratum(99_000_002, date(2026, 11, 20)),
            revisions.concern(99_000_003, date(2026, 11, 21)),
            revisions.update(99_000_004, date(2026, 11, 22)),
        ],
    )
    first = world.recheck()
    assert (first["erratum"], first["concern"], first["updated"]) == (1, 1, 1)
    second = world.recheck()
    assert {k: v for k, v in second.items() if k not in ("checked", "requests")} == dict.fromkeys(
        ("retracted", "concern", "erratum", "updated", "deleted", "revised"), 0
    )
    assert len(world.notices()) == 3


def test_a_deleted_pmid_is_confirmed_with_esearch_and_flagged(world: World):
    world.fake.remove_records([PMIDS[2]])
    counts = world.recheck()
    assert counts["deleted"] == 1
    [notice] = world.notices()
    assert (notice.pmid, notice.kind, notice.notice_pmid) == (PMIDS[2], "deleted", 0)
    assert any("uid" in r.params.get("term", "") for r in world.fake.requests_to("esearch"))
    with Session(world.engine) as session:
        assert session.get(Paper, PMIDS[2]).deleted_at is not None
        cand = session.exec(select(Candidate).where(Candidate.pmid == PMIDS[2])).one()
        assert cand.status == "pending"
    assert world.recheck()["deleted"] == 0


def test_a_date_revised_revision_stores_the_new_version_and_keeps_the_old_hash(world: World):
    with Session(world.engine) as session:
        old = dict(session.get(Paper, PMIDS[1]).record)
    changed = make_record(PMIDS[1], crdt=D, title="SLC7A5 study, corrected title", abstract=TEXT)
    world.fake.add_records([changed])
    revisions.revise(world.fake, PMIDS[1], date_revised=date(2026, 12, 2))
    counts = world.recheck()
    assert counts["revised"] == 1
    [notice] = world.notices()
    assert (notice.kind, notice.notice_date) == ("revised", date(2026, 12, 2))
    assert notice.previous_hash == record_hash(old)
    with Session(world.engine) as session:
        assert session.get(Paper, PMIDS[1]).title == "SLC7A5 study, corrected title"
    assert world.recheck()["revised"] == 0


def test_requests_stay_within_one_per_500_pmids(engine: Engine, matcher):
    n = 1_100
    records = [make_record(50_000_000 + i, crdt=D, title="SLC7A5", abstract=TEXT) for i in range(n)]
    with (
        FakeEutils(records) as fake,
        EutilsClient(
            base_url=fake.base_url, tool="evidencewatch-tests", email=None, requests_per_second=1000
        ) as client,
    ):
        fetched = fetch_current(client, [r.pmid for r in records])
        assert len(fetched.records) == n
        assert fetched.requests == len(fake.requests_to("efetch")) == math.ceil(n / 500)
        assert max(len(r.params["id"].split(",")) for r in fake.requests_to("efetch")) == 500


def test_a_fault_fails_loudly_and_records_nothing(world: World):
    revisions.revise(
        world.fake,
        PMIDS[0],
        date_revised=date(2026, 12, 1),
        notices=[revisions.retraction(99_000_001, date(2026, 11, 28))],
    )
    world.fake.fail_next("efetch", *[Fault.server_error(500)] * 10)
    with Session(world.engine) as session:
        before = session.get(Paper, PMIDS[0]).record
    with pytest.raises(EutilsError):
        world.recheck()
    assert world.notices() == []
    with Session(world.engine) as session:
        assert session.get(Paper, PMIDS[0]).record == before
