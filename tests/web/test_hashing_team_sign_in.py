"""A team signing in at once is queued by the password-checking pool, not refused: 50 right
passwords at the same moment against uvicorn on 127.0.0.1, with the default settings and the
real Argon2id parameters (64 MiB, 0.1 s a check on an idle core; the burst took 14-15 s
on this shared machine at load average 8), all get in.

With the earlier default of 16 places (2 + 16 per process) most of this burst was answered
503; the load test (benchmarks/load/) counted 117 such refusals of honest curators.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from evidencewatch.config import Settings
from evidencewatch.storage.models import User
from evidencewatch.web.app import create_app
from factories import make_user
from live import served as live_server

pytestmark = pytest.mark.slow
TEAM = 50
PASSWORD = "team-password"
OLD_CAPACITY = 2 + 16  # login_hash_workers + the earlier login_hash_queue


@pytest.fixture
def served(settings, engine) -> Iterator[tuple[str, object]]:
    """The app with the default settings under uvicorn on a free loopback port."""

    app = create_app(settings, engine=engine)
    with live_server(app) as url:
        yield url, app


def team(session) -> list[str]:
    """TEAM curators with the same password, hashed once with the real parameters (each
    account's own hash would cost TEAM more checks before the test starts)."""
    first = make_user(session, "curator01", "curator", PASSWORD)
    names = [f"curator{n:02d}" for n in range(1, TEAM + 1)]
    session.add_all(
        User(username=name, password_hash=first.password_hash, role="curator") for name in names[1:]
    )
    session.commit()
    return names


def test_fifty_curators_signing_in_at_once_with_the_default_settings_all_get_in(
    served, session, settings
):
    base, app = served
    defaults = Settings()
    assert (settings.login_hash_workers, settings.login_hash_queue) == (
        defaults.login_hash_workers,
        defaults.login_hash_queue,
    )
    names = team(session)
    go = threading.Barrier(TEAM, timeout=60)

    def sign_in(name: str) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=90) as client:
            page = client.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert csrf, page.text[:300]
            data = {"username": name, "password": PASSWORD, "csrf_token": csrf.group(1)}
            go.wait()  # every POST leaves at the same moment
            return client.post("/login", data=data)

    peak = 0
    started = time.monotonic()
    with ThreadPoolExecutor(TEAM) as executor:
        futures = [executor.submit(sign_in, name) for name in names]
        while not all(f.done() for f in futures):
            assert time.monotonic() - started < 120, "the burst did not finish within 120 s"
            peak = max(peak, app.state.hashing.in_flight)
            time.sleep(0.002)
        responses = [f.result() for f in futures]
    codes = [r.status_code for r in responses]
    assert codes == [303] * TEAM, sorted(set(codes))
    assert all(r.headers["location"] == "/queue" for r in responses)
    # The burst really was at once: more checks waited together than the old pool held.
    assert peak > OLD_CAPACITY, peak
    assert app.state.hashing.refused == 0 and app.state.hashing.in_flight == 0
