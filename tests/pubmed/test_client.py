"""EutilsClient against the fake E-utilities server over real loopback HTTP (no mocks of requests).

Clients here use tiny backoffs and a fast rate limiter so the file stays quick;
tests about waiting inject ``sleep``/``clock`` (a fake clock) and record the waits.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from evidencewatch.core.errors import (
    EutilsError,
    EutilsPhraseNotFound,
    EutilsQueryError,
    EutilsRateLimited,
    EutilsServerError,
)
from evidencewatch.pubmed.client import (
    ESEARCH_CAP,
    EutilsClient,
    SearchResult,
)
from evidencewatch.pubmed.parse import ParsedFile
from evidencewatch.testing.fake_eutils import FakeEutils, Fault, make_record, synthetic_records
from sockets import silent_server, trickling_server

API_KEY = "s3cr3t-api-key+/="
D = date(2026, 3, 1)


def _records() -> list:
    recs = [
        make_record(
            200 + i,
            crdt=D + timedelta(days=i),
            title=f"GENEA and tamoxifen resistance {i}",
            abstract="Breast cancer cells.",
        )
        for i in range(25)
    ]
    recs.append(
        make_record(
            300,
            crdt=D,
            title="GENEB in palbociclib resistance",
            doi="10.5555/resolve.me",
            pmcid="PMC4242",
        )
    )
    recs.append(make_record(301, crdt=D, title="Erratum sharing a DOI", doi="10.5555/shared"))
    recs.append(make_record(302, crdt=D, title="Original sharing a DOI", doi="10.5555/shared"))
    return recs


class FakeTime:
    """A clock that only moves when someone sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> Iterator[FakeEutils]:
    with FakeEutils(_records()) as server:
        yield server


@pytest.fixture
def make_client(fake):
    clients: list[EutilsClient] = []

    def make(**overrides) -> EutilsClient:
        options = dict(
            base_url=fake.base_url,
            tool="evidencewatch-tests",
            email="dev@example.org",
            api_key=None,
            timeout=(2.0, 2.0),
            max_tries=5,
            backoff_base=0.001,
            backoff_max=0.005,
            requests_per_second=1000,
            rng=random.Random(1),
        )
        options.update(overrides)
        client = EutilsClient(**options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client) -> EutilsClient:
    return make_client()


def pmids_in(parsed: ParsedFile) -> list[int]:
    assert parsed.problems == [] and parsed.complete
    return [record.pmid for record in parsed.records]


# --------------------------------------------------------------------- what every request carries


def test_every_request_carries_db_tool_email_and_api_key(fake, make_client):
    client = make_client(api_key=API_KEY)
    result = client.esearch('"GENEA"[tiab]', mindate=D, maxdate=D + timedelta(days=2))
    client.efetch(result.ids)
    client.efetch_history(webenv=result.webenv, query_key=result.query_key, retstart=0, retmax=2)
    client.resolve_article_id("PMC4242")
    client.esearch_count("GENEA", mindate=D, maxdate=D)
    assert len(fake.requests) == 5
    for req in fake.requests:
        assert req.params["db"] == "pubmed"
        assert req.params["tool"] == "evidencewatch-tests"
        assert req.params["email"] == "dev@example.org"
        assert req.params["api_key"] == API_KEY
        assert req.headers["Accept-Encoding"] == "gzip"
    search = fake.requests[0].params
    assert (search["datetype"], search["mindate"], search["maxdate"]) == (
        "crdt",
        "2026/03/01",
        "2026/03/03",
    )
    assert search["usehistory"] == "y" and search["retmax"] == "9999"
    assert fake.requests[4].params["retmax"] == "0"


def test_api_key_is_sent_only_when_set(fake, client):
    client.esearch("GENEA")
    assert "api_key" not in fake.requests[0].params


def test_with_an_api_key_every_request_is_posted_so_the_key_is_never_in_a_url(fake, make_client):
    client = make_client(api_key=API_KEY)
    client.esearch("GENEA")
    client.resolve_article_id("PMC4242")
    assert [(r.method, r.path) for r in fake.requests] == [
        ("POST", "/entrez/eutils/esearch.fcgi")
    ] * 2


def test_tool_must_be_a_name_without_spaces(fake):
    with pytest.raises(ValueError, match="tool"):
        EutilsClient(base_url=fake.base_url, tool="my tool", email=None)


def test_short_terms_use_get_and_long_terms_and_efetch_use_post(fake, client):
    client.esearch("GENEA")
    long_term = " OR ".join(f'"GENEA{i}"[tiab]' for i in range(40)) + ' OR "GENEA"[tiab]'
    assert len(long_term) > 300
    fake.add_known_phrases(f"GENEA{i}" for i in range(40))
    assert client.esearch(long_term).count == 25
    client.efetch([200])
    client.efetch(list(range(1, 251)))
    assert [r.method for r in fake.requests] == ["GET", "POST", "POST", "POST"]
    assert fake.requests[1].params["term"] == long_term
    assert fake.requests[3].params["id"].count(",") == 249


def test_efetch_returns_the_records_parsed_in_requested_order(client):
    assert pmids_in(client.efetch([203, 201, 999_999, 202])) == [203, 201, 202]


def test_efetch_rejects_empty_and_oversized_id_lists(client):
    with pytest.raises(ValueError):
        client.efetch([])
    with pytest.raises(ValueError):
        client.efetch(list(range(10_001)))


def test_esearch_returns_ids_translation_and_history(client):
    result = client.esearch('"GENEA"[tiab]', mindate=D, maxdate=D + timedelta(days=4))
    assert isinstance(result, SearchResult)
    assert result.ids == [204, 203, 202, 201, 200] and result.count == 5 and not result.truncated
    assert result.webenv and result.query_key == "1"
    assert "2026/03/01:2026/03/05[Date - Create]" in result.query_translation


def test_esearch_argument_mistakes_fail_before_any_request(fake, client):
    with pytest.raises(ValueError, match="together"):
        client.esearch("GENEA", mindate=D)
    with pytest.raises(ValueError, match="after"):
        client.esearch("GENEA", mindate=D, maxdate=D - timedelta(days=1))
    with pytest.raises(ValueError):
        client.esearch("   ")
    assert fake.requests == []


def test_retmax_above_the_cap_is_lowered_to_it(fake, client):
    client.esearch("GENEA", retmax=50_000, usehistory=False)
    assert fake.requests[0].params["retmax"] == str(ESEARCH_CAP)


def test_on_request_and_requests_made_count_every_attempt(fake, make_client):
    seen: list[str] = []
    client = make_client(on_request=seen.append)
    fake.fail_next("esearch", Fault.server_error(502))
    client.esearch("GENEA")
    client.efetch([200])
    assert seen == ["esearch", "esearch", "efetch"]
    assert client.requests_made == 3


# ------------------------------------------------------------ faults: retried, then success


ESEARCH_FAULTS = {
    "429": Fault.rate_limited(retry_after=0),
    "500 html": Fault.server_error(500),
    "502": Fault.server_error(502),
    "503": Fault.server_error(503),
    "truncated xml": Fault.truncated(0.6),
    "truncated http": Fault.truncated(0.5, http_level=True),
    "backend ERROR": Fault.backend_error(),
    "count mismatch": Fault.count_mismatch(),
    "connection reset": Fault.connection_reset(),
    "empty body": Fault.custom(200, b""),
    "prolog only": Fault.custom(200, b'<?xml version="1.0" encoding="UTF-8"?>\n'),
    "html with 200": Fault.custom(200, b"<html><body>Temporarily unavailable</body></html>"),
    "json with 200": Fault.custom(200, b'{"error":"something"}'),
}
EFETCH_FAULTS = {
    "429": Fault.rate_limited(retry_after=0),
    "500 html": Fault.server_error(500),
    "503": Fault.server_error(503),
    "cut mid-record": Fault.truncated(0.5),
    "truncated http": Fault.truncated(0.5, http_level=True),
    "backend ERROR": Fault.backend_error(),
    "connection reset": Fault.connection_reset(),
    "empty body": Fault.custom(200, b""),
    "prolog only": Fault.custom(200, b'<?xml version="1.0"?>'),
    "ends right but ill-formed": Fault.custom(
        200, b"<PubmedArticleSet><PubmedArticle><oops></PubmedArticle></PubmedArticleSet>"
    ),
}


@pytest.mark.parametrize("fault", ESEARCH_FAULTS.values(), ids=ESEARCH_FAULTS.keys())
def test_esearch_fault_is_retried_then_succeeds(fake, client, fault):
    fake.fail_next("esearch", fault, fault)
    result = client.esearch('"GENEA"[tiab]')
    assert result.count == 25 and len(result.ids) == 25
    assert client.requests_made == 3 and len(fake.requests_to("esearch")) == 3


@pytest.mark.parametrize("fault", EFETCH_FAULTS.values(), ids=EFETCH_FAULTS.keys())
def test_efetch_fault_is_retried_then_succeeds(fake, client, fault):
    fake.fail_next("efetch", fault)
    assert pmids_in(client.efetch([200, 201])) == [200, 201]
    assert client.requests_made == 2


def test_timeouts_are_retried(fake, make_client):
    client = make_client(timeout=(1.0, 0.2))
    fake.fail_next("esearch", Fault.slow(0.6))
    started = time.monotonic()
    assert client.esearch("GENEA").count == 25
    assert client.requests_made == 2
    assert time.monotonic() - started < 0.55  # gave up on the slow answer, did not wait for it


def test_each_retry_is_logged_at_warning_with_its_reason(fake, client, caplog):
    fake.fail_next("esearch", Fault.server_error(503), Fault.truncated(0.5))
    with caplog.at_level(logging.WARNING, logger="evidencewatch.pubmed"):
        client.esearch("GENEA")
    messages = [r.getMessage() for r in caplog.records if r.name == "evidencewatch.pubmed"]
    assert len(messages) == 2
    assert "attempt 1 of 5" in messages[0] and "HTTP 503" in messages[0]
    assert "attempt 2 of 5" in messages[1] and "ill-formed XML" in messages[1]
    assert all(
        r.levelno == logging.WARNING for r in caplog.records if r.name == "evidencewatch.pubmed"
    )


# ------------------------------------------------------------ faults: giving up loudly


def test_gives_up_after_max_tries_naming_the_attempts(fake, make_client):
    client = make_client(max_tries=3)
    fake.fail_next("esearch", *[Fault.server_error(500)] * 3)
    with pytest.raises(EutilsServerError) as info:
        client.esearch("GENEA")
    assert "gave up after 3 attempts" in str(info.value)
    assert "HTTP 500" in str(info.value) and "esearch.fcgi" in str(info.value)
    assert "WWW Error 500 Diagnostic" in str(info.value)
    assert client.requests_made == 3


def test_persistent_rate_limiting_raises_rate_limited(fake, make_client):
    client = make_client(max_tries=2)
    fake.fail_next("efetch", Fault.rate_limited(0), Fault.rate_limited(0))
    with pytest.raises(EutilsRateLimited, match="gave up after 2 attempts"):
        client.efetch([200])


def test_error_in_a_200_is_a_failure_never_an_empty_result(fake, make_client):
    client = make_client(max_tries=2)
    fake.fail_next("esearch", Fault.backend_error(), Fault.backend_error())
    with pytest.raises(EutilsError, match="Search Backend failed") as info:
        client.esearch("GENEA")
    assert "gave up after 2 attempts" in str(info.value)


@pytest.mark.parametrize(
    "message",
    [
        "Invalid query syntax: something",
        "Search Backend failed: Exception:\n'retstart' cannot be larger than 9998.",
    ],
)
def test_error_about_the_request_itself_is_not_retried(fake, client, message):
    body = f"<eSearchResult><ERROR>{message}</ERROR></eSearchResult>".encode()
    fake.fail_next("esearch", Fault.custom(200, body))
    with pytest.raises(EutilsQueryError):
        client.esearch("GENEA")
    assert client.requests_made == 1


def test_efetch_error_for_an_unknown_webenv_is_a_query_error_not_retried(client):
    with pytest.raises(EutilsQueryError, match="Cannot retrieve history data"):
        client.efetch_history(webenv="MCID_gone", query_key="1", retstart=0, retmax=10)
    assert client.requests_made == 1


@pytest.mark.parametrize("status", [400, 403, 404, 414])
def test_4xx_other_than_429_fails_at_once_naming_status_and_url(fake, client, status):
    fake.fail_next("esearch", Fault.http_error(status, b"nope"))
    with pytest.raises(EutilsError) as info:
        client.esearch("GENEA")
    assert not info.value.retryable
    assert f"HTTP {status}" in str(info.value) and "esearch.fcgi" in str(info.value)
    assert info.value.url and "esearch.fcgi" in info.value.url
    assert client.requests_made == 1


def test_persistent_count_mismatch_raises(fake, make_client):
    client = make_client(max_tries=2)
    fake.fail_next("esearch", Fault.count_mismatch(), Fault.count_mismatch())
    with pytest.raises(EutilsError, match="Count 25 disagrees with the 24 IDs"):
        client.esearch("GENEA")


def test_phrase_not_found_raises_naming_the_phrase_without_retrying(fake, client):
    with pytest.raises(EutilsPhraseNotFound) as info:
        client.esearch('"GENEA"[tiab] AND "GENEZZZ"[tiab]')
    assert info.value.phrases == ("GENEZZZ",)
    assert "GENEZZZ" in str(info.value) and "dropped" in str(info.value)
    assert isinstance(info.value, EutilsQueryError)
    fake.fail_next("esearch", Fault.phrase_not_found("GENEQ"))
    with pytest.raises(EutilsPhraseNotFound, match="GENEQ"):
        client.esearch("GENEA")
    assert client.requests_made == 2


def test_field_not_found_is_a_query_error(client):
    with pytest.raises(EutilsPhraseNotFound, match="FieldNotFound") as info:
        client.esearch("GENEA[nosuchfield]")
    assert info.value.fields == ("nosuchfield",)


# --------------------------------------------------------------------- the api_key stays secret


def test_api_key_never_appears_in_error_messages_or_logs(fake, make_client, caplog):
    client = make_client(api_key=API_KEY, max_tries=2)
    failures = [
        ("esearch", [Fault.rate_limited(0)] * 2),  # NCBI echoes the key in its 429 body
        ("esearch", [Fault.connection_reset()] * 2),  # requests' message holds the full URL
        ("esearch", [Fault.http_error(400, f"bad key {API_KEY}".encode())]),
        ("efetch", [Fault.server_error(500)] * 2),
    ]
    with caplog.at_level(logging.DEBUG):
        for endpoint, faults in failures:
            fake.fail_next(endpoint, *faults)
            with pytest.raises(EutilsError) as info:
                client.esearch("GENEA") if endpoint == "esearch" else client.efetch([200])
            text = f"{info.value} {info.value.url} {info.value.args}"
            assert API_KEY not in text and "s3cr3t" not in text
            assert "REDACTED" in text
            assert info.value.__cause__ is None
    assert "s3cr3t" not in caplog.text


# ------------------------------------------------------------ waiting: Retry-After, backoff


def test_retry_after_is_honoured(fake, make_client):
    t = FakeTime()
    client = make_client(sleep=t.sleep, clock=t.clock, backoff_base=0.01, backoff_max=0.01)
    fake.fail_next(
        "esearch", Fault.rate_limited(retry_after=1), Fault.server_error(503, retry_after=2)
    )
    assert client.esearch("GENEA").count == 25
    assert t.sleeps == [1.0, 2.0]


def test_retry_after_holds_back_every_thread_of_the_client(fake, make_client):
    t = FakeTime()
    client = make_client(sleep=t.sleep, clock=t.clock, requests_per_second=100)
    fake.fail_next("esearch", Fault.rate_limited(retry_after=3))
    client.rate_limiter.acquire()  # pretend another thread is mid-request
    client.esearch("GENEA")
    start = t.now
    client.rate_limiter.defer(3)
    waited = client.rate_limiter.acquire()
    assert waited == pytest.approx(3.0) and t.now == pytest.approx(start + 3.0)


class MaxRandom(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


def test_backoff_doubles_up_to_the_maximum(fake, make_client):
    t = FakeTime()
    client = make_client(
        sleep=t.sleep,
        clock=t.clock,
        backoff_base=0.1,
        backoff_max=0.5,
        rng=MaxRandom(),
        max_tries=6,
    )
    fake.fail_next("esearch", *[Fault.server_error(500)] * 5)
    client.esearch("GENEA")
    assert t.sleeps == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])


def test_backoff_is_full_jitter_within_bounds_and_seedable(fake, make_client):
    t = FakeTime()
    client = make_client(
        sleep=t.sleep,
        clock=t.clock,
        backoff_base=0.1,
        backoff_max=10.0,
        rng=random.Random(7),
        max_tries=6,
    )
    fake.fail_next("esearch", *[Fault.server_error(502)] * 5)
    client.esearch("GENEA")
    caps = [0.1, 0.2, 0.4, 0.8, 1.6]
    assert len(t.sleeps) == 5
    assert all(0 <= s <= cap for s, cap in zip(t.sleeps, caps, strict=True))
    expected = random.Random(7)
    assert t.sleeps == [expected.uniform(0, cap) for cap in caps]
    assert len(set(t.sleeps)) == 5  # jittered, not a fixed schedule


# ------------------------------------------------------------ waiting: never without bound


def quick_client(base_url: str, **overrides) -> EutilsClient:
    options = dict(
        base_url=base_url,
        tool="evidencewatch-tests",
        email="dev@example.org",
        max_tries=5,
        backoff_base=0.001,
        backoff_max=0.005,
        requests_per_second=1000,
    )
    options.update(overrides)
    return EutilsClient(**options)


def test_a_server_that_never_answers_fails_the_request_at_its_deadline():
    with (
        silent_server() as server,
        quick_client(server.base_url, timeout=(1.0, 0.3), deadline=0.8) as client,
    ):
        started = time.monotonic()
        with pytest.raises(EutilsError) as info:
            client.esearch("GENEA")
        elapsed = time.monotonic() - started
    message = str(info.value)
    assert 0.7 < elapsed < 1.3  # five 0.3 s read timeouts would have taken 1.5 s
    assert "timed out" in message
    assert "the 0.8 s deadline per request" in message
    assert info.value.retryable
    assert 1 <= client.requests_made < 5


def test_without_a_deadline_each_attempt_still_ends_at_the_read_timeout():
    with (
        silent_server() as server,
        quick_client(server.base_url, timeout=(1.0, 0.2), max_tries=3) as client,
    ):
        started = time.monotonic()
        with pytest.raises(EutilsError, match=r"timed out.*gave up after 3 attempts"):
            client.esearch("GENEA")
        elapsed = time.monotonic() - started
    assert 0.55 < elapsed < 1.5
    assert len(server.connections) == 3


def test_a_server_trickling_its_answer_is_cut_off_at_the_deadline():
    # Bytes keep coming, so the 0.5 s read timeout never fires: only the deadline can stop it.
    with (
        trickling_server(every=0.05) as server,
        quick_client(server.base_url, timeout=(1.0, 0.5), deadline=0.6, max_tries=1) as client,
    ):
        started = time.monotonic()
        with pytest.raises(EutilsError, match=r"deadline passed after \d+ bytes"):
            client.efetch([200])
        elapsed = time.monotonic() - started
    assert 0.55 < elapsed < 1.2


def test_the_deadline_counts_the_retries_waits_too(fake, make_client):
    t = FakeTime()
    client = make_client(
        sleep=t.sleep, clock=t.clock, backoff_base=1.0, backoff_max=1.0, rng=MaxRandom()
    )
    client._deadline = 2.5  # the fake clock moves only while the client sleeps
    fake.fail_next("esearch", *[Fault.server_error(503)] * 5)
    with pytest.raises(EutilsServerError, match="gave up after 3 attempts: the next would"):
        client.esearch("GENEA")
    assert t.sleeps == [1.0, 1.0]  # a third 1 s wait would end past the 2.5 s deadline


def test_timeouts_and_deadline_must_be_positive(fake):
    with pytest.raises(ValueError, match="must be positive"):
        EutilsClient(base_url=fake.base_url, tool="t", email="e@x", timeout=(0, 60))
    with pytest.raises(ValueError, match="must be positive"):
        EutilsClient(base_url=fake.base_url, tool="t", email="e@x", deadline=0)


# --------------------------------------------------------------------- rate limiting


def test_default_rate_is_three_per_second_or_ten_with_a_key(fake):
    assert EutilsClient(base_url=fake.base_url, tool="t", email="e@x").rate_limiter.rate == 3
    keyed = EutilsClient(base_url=fake.base_url, tool="t", email="e@x", api_key="k")
    assert keyed.rate_limiter.rate == 10


def test_threads_sharing_a_client_never_trip_the_servers_rate_limit():
    rate, threads, each = 20, 4, 5
    with FakeEutils(_records(), enforce_rate_limit=True, rate_limit=rate) as fake:
        client = EutilsClient(
            base_url=fake.base_url,
            tool="t",
            email="e@x",
            max_tries=1,
            requests_per_second=rate,
            timeout=(2, 2),
        )
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(each):
                    client.esearch("GENEA", usehistory=False)
            except BaseException as exc:  # reported below
                errors.append(exc)

        started = time.monotonic()
        pool = [threading.Thread(target=work) for _ in range(threads)]
        for th in pool:
            th.start()
        for th in pool:
            th.join()
        elapsed = time.monotonic() - started
        client.close()
    assert errors == []
    assert [r.status for r in fake.requests] == [200] * (threads * each)
    assert client.requests_made == threads * each
    assert elapsed >= (threads * each - 1) / rate


def test_without_the_limiter_the_same_burst_is_throttled():
    """The control for the test above: the fake's enforcement really bites."""
    with FakeEutils(_records(), enforce_rate_limit=True, rate_limit=20) as fake:
        client = EutilsClient(
            base_url=fake.base_url,
            tool="t",
            email="e@x",
            max_tries=1,
            requests_per_second=10_000,
            timeout=(2, 2),
        )
        with pytest.raises(EutilsRateLimited):
            for _ in range(25):
                client.esearch("GENEA", usehistory=False)
        client.close()


# --------------------------------------------------------------------- the 9,999 cap


@pytest.fixture(scope="module")
def crowded() -> Iterator[FakeEutils]:
    recs = synthetic_records(
        10_050, start_pmid=5_000_000, first_crdt=D, per_day=2000, text="crowded topic"
    )
    with FakeEutils(recs) as server:
        yield server


def test_count_at_or_above_the_cap_is_returned_for_the_caller_to_split(crowded):
    with EutilsClient(
        base_url=crowded.base_url, tool="t", email="e@x", requests_per_second=1000
    ) as client:
        whole = client.esearch('"crowded topic"', mindate=D, maxdate=D + timedelta(days=5))
        assert whole.count == 10_050 and len(whole.ids) == ESEARCH_CAP and whole.truncated
        first = client.esearch('"crowded topic"', mindate=D, maxdate=D + timedelta(days=2))
        second = client.esearch(
            '"crowded topic"', mindate=D + timedelta(days=3), maxdate=D + timedelta(days=5)
        )
        assert not first.truncated and not second.truncated
        assert set(first.ids) | set(second.ids) == set(range(5_000_000, 5_010_050))
        assert client.esearch_count('"crowded topic"', mindate=D, maxdate=D) == 2000


# --------------------------------------------------------------------- history and identifiers


def test_efetch_history_pages_through_the_stored_result(client):
    result = client.esearch('"GENEA"[tiab]', retmax=0)
    assert result.count == 25 and result.ids == []
    pages = [
        pmids_in(
            client.efetch_history(
                webenv=result.webenv, query_key=result.query_key, retstart=start, retmax=10
            )
        )
        for start in range(0, result.count, 10)
    ]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [pmid for page in pages for pmid in page] == list(range(224, 199, -1))


def test_resolve_article_id_finds_pmids_for_dois_and_pmc_ids(fake, client):
    assert client.resolve_article_id("10.5555/resolve.me") == [300]
    assert client.resolve_article_id("https://doi.org/10.5555/resolve.me") == [300]
    assert client.resolve_article_id("pmc4242") == [300]
    assert sorted(client.resolve_article_id("doi:10.5555/shared")) == [301, 302]
    assert [r.params["term"] for r in fake.requests[:3]] == [
        '"10.5555/resolve.me"[aid]',
        '"10.5555/resolve.me"[aid]',
        "PMC4242[pmcid]",
    ]


def test_resolve_article_id_returns_empty_for_unknown_identifiers(client):
    assert client.resolve_article_id("10.5555/never.heard.of") == []
    assert client.resolve_article_id("PMC999999") == []
