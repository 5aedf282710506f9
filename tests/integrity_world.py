"""Evidence the integrity watch can recheck: papers served by the fake E-utilities server,
stored through the real client and store, one candidate accepted by a curator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from evidencewatch.ingest.store import save_records
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.review import decisions
from evidencewatch.storage.models import Candidate
from evidencewatch.testing.fake import revisions
from evidencewatch.testing.fake_eutils import FakeEutils, make_record

D = date(2026, 11, 2)
TEXT = "SLC7A5 overexpression confers resistance to doxorubicin in breast cancer cells."
PMIDS = (41_000_001, 41_000_002)
RETRACTION_PMID = 99_000_001


@dataclass
class Evidence:
    fake: FakeEutils
    accepted_id: int  # the accepted candidate, on PMIDS[0]
    pending_id: int  # a pending one, on PMIDS[1]

    def retract_first(self) -> None:
        """NLM's revision of PMIDS[0] once the retraction is out."""
        revisions.revise(
            self.fake,
            PMIDS[0],
            date_revised=date(2026, 12, 1),
            notices=[revisions.retraction(RETRACTION_PMID, date(2026, 11, 28))],
            retracted=True,
        )


@contextmanager
def stored_evidence(engine: Engine, matcher) -> Iterator[Evidence]:
    records = [
        make_record(p, crdt=D, title=f"SLC7A5 study {i}", abstract=TEXT)
        for i, p in enumerate(PMIDS)
    ]
    with FakeEutils(records) as fake:
        for pmid in PMIDS:
            revisions.revise(fake, pmid, date_revised=date(2026, 11, 5))
        with (
            EutilsClient(base_url=fake.base_url, tool="evidencewatch-tests", email=None) as client,
            Session(engine) as session,
        ):
            save_records(
                session=session,
                records=client.efetch(list(PMIDS)).records,
                matcher=matcher,
                source="scan:1",
            )
            first, second = (
                session.exec(select(Candidate).where(Candidate.pmid == p)).one() for p in PMIDS
            )
            decisions.accept(
                session=session,
                candidate_id=first.id,
                actor="alice",
                expected_version=first.version,
                edits={"statement": "SLC7A5 drives doxorubicin resistance."},
            )
            session.commit()
            ids = (first.id, second.id)
        yield Evidence(fake, *ids)
