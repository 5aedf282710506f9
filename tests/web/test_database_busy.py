"""Every database connection in use for the pool's timeout is an overloaded server, not a
broken one: 503 with Retry-After on the app's error page, and the page works once one is free.

The load test met this (QueuePool limit reached, timeout 30 s) when slow queue pages held
all 15 connections of a worker process; it was a bare 500 "see its log"."""

from __future__ import annotations

from fastapi.testclient import TestClient

from evidencewatch.storage.db import make_engine
from evidencewatch.web.app import create_app


def test_a_request_that_finds_every_database_connection_busy_gets_503_with_retry_after(
    settings,
):
    tiny = make_engine(settings.database_url, pool_size=1, max_overflow=0, pool_timeout=0.3)
    app = create_app(settings.with_overrides(read_requires_login=False), engine=tiny)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            held = tiny.connect()  # the pool's only connection, as a long request would
            try:
                busy = client.get("/queue")
            finally:
                held.close()
            assert busy.status_code == 503
            assert busy.headers["retry-after"] == "5"
            assert "every database connection is in use" in busy.text
            assert "Busy" in busy.text  # the app's error page, with its headers
            assert "default-src" in busy.headers["content-security-policy"]
            assert client.get("/queue").status_code == 200
    finally:
        tiny.dispose()
