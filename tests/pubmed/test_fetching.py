"""Fetching by PMID through the fake E-utilities server: short answers are asked again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from evidencewatch.core.errors import EutilsError
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.pubmed.fetching import fetch_by_ids, pmid_exists
from evidencewatch.testing.fake_eutils import FakeEutils, Fault, make_record, synthetic_records

D = date(2026, 3, 1)
PMIDS = list(range(1000, 1200))


@pytest.fixture
def fake() -> Iterator[FakeEutils]:
    records = synthetic_records(200, start_pmid=1000, first_crdt=D, per_day=50, text="GENEA")
    with FakeEutils(records) as server:
        yield server


@pytest.fixture
def client(fake: FakeEutils) -> Iterator[EutilsClient]:
    with EutilsClient(
        base_url=fake.base_url,
        tool="evidencewatch-tests",
        email="tests@evidencewatch.invalid",
        requests_per_second=500,
        backoff_base=0.001,
        backoff_max=0.01,
    ) as c:
        yield c


def asked(fake: FakeEutils) -> list[list[int]]:
    """The PMIDs of each EFetch request, in order."""
    return [[int(i) for i in r.params["id"].split(",")] for r in fake.requests_to("efetch")]


def test_a_complete_answer_costs_one_request(fake, client):
    fetched = fetch_by_ids(client, PMIDS)
    assert [r.pmid for r in fetched.records] == PMIDS
    assert (fetched.left_out, fetched.gone, fetched.unresolved) == ([], [], [])
    assert len(fake.requests) == 1


def test_pmids_a_short_answer_left_out_are_asked_again_in_smaller_batches(fake, client):
    fake.fail_next("efetch", Fault.short_answer(0.3))
    fetched = fetch_by_ids(client, PMIDS, retry_batch_size=25)
    assert [r.pmid for r in fetched.records] == PMIDS  # nothing lost, order kept
    assert len(fetched.left_out) == 60
    assert (fetched.gone, fetched.unresolved) == ([], [])
    requests = asked(fake)
    assert [len(ids) for ids in requests] == [200, 25, 25, 10]
    assert sorted(p for ids in requests[1:] for p in ids) == sorted(fetched.left_out)
    assert fake.requests_to("esearch") == []


def test_pmids_still_missing_are_asked_one_by_one(fake, client):
    # The first answer and the retry in a smaller batch are both short.
    fake.fail_next("efetch", Fault.short_answer(0.3), Fault.short_answer(0.5))
    fetched = fetch_by_ids(client, PMIDS[:20])
    assert [r.pmid for r in fetched.records] == PMIDS[:20]
    sizes = [len(ids) for ids in asked(fake)]
    assert sizes == [20, 6, 1, 1, 1]
    assert fetched.unresolved == [] and fetched.gone == []


def test_a_pmid_efetch_never_serves_but_esearch_knows_is_unresolved(fake, client):
    fake.withhold([1005])
    fetched = fetch_by_ids(client, PMIDS[:10])
    assert [r.pmid for r in fetched.records] == [p for p in PMIDS[:10] if p != 1005]
    assert (fetched.left_out, fetched.unresolved, fetched.gone) == ([1005], [1005], [])
    assert asked(fake) == [PMIDS[:10], [1005]]  # one left out: straight to one by one
    [uid] = fake.requests_to("esearch")
    assert uid.params["term"] == "1005[uid]"


def test_a_pmid_esearch_uid_does_not_know_is_gone(fake, client):
    fake.remove_records([1003])
    fetched = fetch_by_ids(client, PMIDS[:10])
    assert (fetched.gone, fetched.unresolved) == ([1003], [])
    assert not pmid_exists(client, 1003) and pmid_exists(client, 1004)


def test_a_pmid_asked_for_on_its_own_is_not_asked_again_before_esearch(fake, client):
    fake.withhold([1007])
    fetched = fetch_by_ids(client, [1007])
    assert fetched.unresolved == [1007]
    assert asked(fake) == [[1007]]
    assert len(fake.requests_to("esearch")) == 1


def test_one_by_one_requests_are_capped_and_the_rest_stay_unresolved(fake, client):
    fake.withhold(PMIDS[:30])
    fetched = fetch_by_ids(client, PMIDS[:40], max_one_by_one=5)
    assert fetched.records and len(fetched.records) == 10
    assert fetched.unresolved == PMIDS[:30]
    sizes = [len(ids) for ids in asked(fake)]
    assert sizes == [40, 30, 1, 1, 1, 1, 1]
    assert len(fake.requests_to("esearch")) == 5


def test_an_unreadable_record_fails_the_fetch(fake, client):
    broken = make_record(1500, crdt=D + timedelta(days=1), title="GENEA")
    broken.xml = broken.xml.replace(b'<PMID Version="1">1500</PMID>', b"<PMID>x</PMID>")
    fake.add_records([broken])
    with pytest.raises(EutilsError, match="could not be read"):
        fetch_by_ids(client, [1000, 1500])
