"""ELink answers read by Bio.Entrez with the shipped DTD: real NCBI bodies, the fake's, and
the answers that must fail rather than read as "no links"."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from lxml import etree

from evidencewatch.core.errors import EutilsError
from evidencewatch.pubmed.client import EutilsClient
from evidencewatch.pubmed.elink import CITED_IN, ELINK_BATCH, parse_linksets, read_elink
from evidencewatch.testing.fake_eutils import FakeEutils, Fault, make_record

SHARED = Path(__file__).resolve().parents[3] / "shared" / "pubmed"
REAL_BODIES = sorted(SHARED.glob("*elink*.xml")) if SHARED.is_dir() else []
HEAD = b'<?xml version="1.0" encoding="UTF-8" ?>\n'


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test (Biopython would fetch DTDs so)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _independent(body: bytes) -> list[tuple[list[int], dict[str, list[int]]]]:
    """Each LinkSet's source IDs and links by link name, read with plain lxml."""
    root = etree.fromstring(body, etree.XMLParser(load_dtd=False, no_network=True))
    sets = []
    for linkset in root.iterfind("LinkSet"):
        ids = [int(i) for i in linkset.xpath("IdList/Id/text()")]
        links: dict[str, list[int]] = {}
        for db in linkset.iterfind("LinkSetDb"):
            links.setdefault(db.findtext("LinkName") or "", []).extend(
                int(i) for i in db.xpath("Link/Id/text()")
            )
        sets.append((ids, links))
    return sets


@pytest.mark.skipif(not REAL_BODIES, reason=f"no real ELink bodies in {SHARED}")
@pytest.mark.parametrize("path", REAL_BODIES, ids=lambda p: p.name)
def test_every_real_elink_body_is_read_in_full_without_the_network(path, no_network):
    body = path.read_bytes()
    expected = _independent(body)
    linksets = parse_linksets(body)
    assert len(linksets) == len(expected)
    for linkset, (ids, links) in zip(linksets, expected, strict=True):
        assert [int(i) for i in linkset.get("IdList", [])] == ids
        got: dict[str, list[int]] = {}
        for db in linkset.get("LinkSetDb", []):
            got.setdefault(str(db["LinkName"]), []).extend(int(k["Id"]) for k in db["Link"])
        assert got == links


@pytest.mark.skipif(not REAL_BODIES, reason=f"no real ELink bodies in {SHARED}")
def test_real_citedin_links_are_read_by_source(no_network):
    read_some = 0
    for path in REAL_BODIES:
        body = path.read_bytes()
        for ids, links in _independent(body):
            if len(ids) == 1 and links.get(CITED_IN):
                got = read_elink(body, str(path), ids=ids, linkname=CITED_IN)
                assert got == {ids[0]: list(dict.fromkeys(links[CITED_IN]))}
                read_some += 1
    assert read_some >= 1  # the corpus holds real pubmed_pubmed_citedin answers


def _linkset(source: int, links: list[int]) -> bytes:
    found = "".join(f"<Link><Id>{p}</Id></Link>" for p in links)
    db = f"<LinkSetDb><DbTo>pubmed</DbTo><LinkName>{CITED_IN}</LinkName>{found}</LinkSetDb>"
    return (
        f"<LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>{source}</Id></IdList>"
        f"{db if links else ''}</LinkSet>"
    ).encode()


def test_each_source_keeps_its_own_links_and_a_source_without_any_gets_none():
    body = HEAD + b"<eLinkResult>" + _linkset(1, [5, 4]) + _linkset(2, []) + b"</eLinkResult>"
    assert read_elink(body, "test", ids=[1, 2], linkname=CITED_IN) == {1: [5, 4], 2: []}


def test_a_source_left_out_of_the_answer_is_a_retryable_error_not_no_links():
    body = HEAD + b"<eLinkResult>" + _linkset(1, [5]) + b"</eLinkResult>"
    with pytest.raises(EutilsError, match="left out 1 of the 2") as err:
        read_elink(body, "test", ids=[1, 2], linkname=CITED_IN)
    assert err.value.retryable


def test_a_linkset_for_several_sources_at_once_is_refused():
    both = (
        b"<LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>1</Id><Id>2</Id></IdList>"
        b"<LinkSetDb><DbTo>pubmed</DbTo><LinkName>pubmed_pubmed_citedin</LinkName>"
        b"<Link><Id>9</Id></Link></LinkSetDb></LinkSet>"
    )
    with pytest.raises(EutilsError, match="cannot be told apart"):
        read_elink(
            HEAD + b"<eLinkResult>" + both + b"</eLinkResult>", "t", ids=[1, 2], linkname=CITED_IN
        )


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", HEAD + b"<eLinkResult><LinkSet><DbFrom>pub"],
    ids=["empty", "blank", "cut"],
)
def test_empty_or_broken_bodies_are_retryable_errors(body):
    with pytest.raises(EutilsError) as err:
        read_elink(body, "test", ids=[1], linkname=CITED_IN)
    assert err.value.retryable


def test_an_error_element_is_an_error():
    body = HEAD + b"<eLinkResult><ERROR>Invalid linkname</ERROR></eLinkResult>"
    with pytest.raises(EutilsError, match="Invalid linkname"):
        read_elink(body, "test", ids=[1], linkname=CITED_IN)


def _client(fake: FakeEutils) -> EutilsClient:
    return EutilsClient(
        base_url=fake.base_url,
        tool="evidencewatch-tests",
        email="t@x.invalid",
        requests_per_second=200,
        backoff_base=0.01,
        backoff_max=0.02,
        max_tries=2,
    )


def _records(*pmids: int):
    from datetime import date

    return [make_record(p, crdt=date(2026, 11, 1), title=f"paper {p}") for p in pmids]


def test_the_client_sends_one_id_per_source_and_reads_the_fakes_answer():
    with FakeEutils(_records(10, 11, 12, 20, 21)) as fake:
        fake.add_links(CITED_IN, {10: [20, 21, 99], 11: [21]})  # 99 is not a known record
        with _client(fake) as client:
            got = client.elink([10, 11, 12], linkname=CITED_IN)
        [request] = fake.requests_to("elink")
    assert got == {10: [21, 20], 11: [21], 12: []}
    assert request.method == "POST"
    assert request.multi["id"] == ["10", "11", "12"]
    assert request.params["linkname"] == CITED_IN and request.params["dbfrom"] == "pubmed"


def test_faults_apply_to_elink_and_are_retried():
    with FakeEutils(_records(10, 20)) as fake:
        fake.add_links(CITED_IN, {10: [20]})
        fake.fail_next("elink", Fault.server_error())
        with _client(fake) as client:
            assert client.elink([10], linkname=CITED_IN) == {10: [20]}
            fake.fail_next("elink", Fault.short_answer(drop=0.5), Fault.short_answer(drop=0.5))
            with pytest.raises(EutilsError, match="left out"):
                client.elink([10, 20], linkname=CITED_IN)
        assert len(fake.requests_to("elink")) == 4


def test_more_than_one_requests_worth_of_sources_is_refused():
    with FakeEutils() as fake, _client(fake) as client, pytest.raises(ValueError, match="at most"):
        client.elink(list(range(1, ELINK_BATCH + 2)), linkname=CITED_IN)
