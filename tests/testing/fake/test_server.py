"""The HTTP side: requests recorded, rate-limit headers and the enforced limit, gzip."""

from __future__ import annotations

import requests
from lxml import etree

from evidencewatch.testing.fake import FakeEutils
from testing.fake.samples import ids, sample_records


def test_requests_are_recorded_with_post_form_fields(fake):
    requests.post(
        fake.base_url + "esearch.fcgi?db=pubmed", data={"term": "GENEA", "tool": "t"}, timeout=5
    )
    (req,) = fake.requests
    assert (req.method, req.endpoint, req.params, req.status) == (
        "POST",
        "esearch",
        {"db": "pubmed", "term": "GENEA", "tool": "t"},
        200,
    )


def test_every_response_carries_rate_limit_headers(fake):
    plain = requests.get(fake.base_url + "esearch.fcgi", params={"term": "x"}, timeout=5)
    keyed = requests.get(
        fake.base_url + "esearch.fcgi", params={"term": "x", "api_key": "k"}, timeout=5
    )
    missing = requests.get(fake.base_url + "nothing.fcgi", timeout=5)
    assert plain.headers["X-RateLimit-Limit"] == "3" and keyed.headers["X-RateLimit-Limit"] == "10"
    assert int(plain.headers["X-RateLimit-Remaining"]) <= 2
    assert missing.status_code == 404 and "X-RateLimit-Remaining" in missing.headers


def test_bodies_are_gzipped_when_the_client_accepts_gzip(fake):
    response = requests.get(
        fake.base_url + "esearch.fcgi",
        params={"term": "GENEA"},
        headers={"Accept-Encoding": "gzip"},
        timeout=5,
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert ids(etree.fromstring(response.content)) == [102, 101]


def test_enforced_rate_limit_answers_429_like_ncbi():
    with FakeEutils(sample_records(), enforce_rate_limit=True) as fake:
        statuses = [
            requests.get(
                fake.base_url + "esearch.fcgi", params={"term": "GENEA"}, timeout=5
            ).status_code
            for _ in range(4)
        ]
        response = requests.get(fake.base_url + "esearch.fcgi", params={"term": "x"}, timeout=5)
    assert statuses == [200, 200, 200, 429]
    body = response.json()
    assert body["error"] == "API rate limit exceeded" and body["limit"] == "3"
    assert body["api-key"] == "127.0.0.1" and response.headers["Retry-After"] == "1"
