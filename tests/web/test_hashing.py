"""The password-checking pool: bounded, and a sign-in flood is refused beyond its queue while
the rest of the app keeps answering, over real HTTP against uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from evidencewatch.review import accounts
from evidencewatch.web.app import create_app
from evidencewatch.web.hashing import NICENESS, HashingBusy, HashingPool
from factories import make_user
from live import served as live_server

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
FLOOD = "flood-password"


def test_the_pool_runs_at_most_workers_plus_queue_and_refuses_the_rest_at_once():
    release = threading.Event()
    pool = HashingPool(workers=1, queue=2)

    async def flood() -> list[object]:
        tasks = [asyncio.ensure_future(pool.run(release.wait, 10)) for _ in range(5)]
        await asyncio.sleep(0)
        refused = [t for t in tasks if t.done()]
        assert pool.in_flight == 3 and len(refused) == 2
        release.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    try:
        results = asyncio.run(flood())
    finally:
        pool.shutdown()
    assert sum(isinstance(r, HashingBusy) for r in results) == 2
    assert results.count(True) == 3
    assert pool.in_flight == 0 and pool.refused == 2


def test_a_check_that_waited_too_long_for_a_thread_is_shed_before_it_runs():
    release = threading.Event()
    ran: list[str] = []
    pool = HashingPool(workers=1, queue=1, max_wait=0.2)

    def check(name: str) -> bool:
        ran.append(name)
        return release.wait(10)

    async def two() -> list[object]:
        first = asyncio.ensure_future(pool.run(check, "first"))
        second = asyncio.ensure_future(pool.run(check, "second"))
        await asyncio.sleep(0.4)  # the second waits behind the first past max_wait
        release.set()
        return await asyncio.gather(first, second, return_exceptions=True)

    try:
        first, second = asyncio.run(two())
    finally:
        pool.shutdown()
    assert first is True and isinstance(second, HashingBusy) and second.status == 429
    assert ran == ["first"]  # the stale one never ran its check
    assert pool.in_flight == 0 and pool.refused == 1


@pytest.fixture
def served(settings, engine, session, monkeypatch) -> Iterator[tuple[str, object, threading.Event]]:
    """The app under uvicorn on a free loopback port; sign-ins with FLOOD block until released."""

    make_user(session, "alice", "curator", "alice-password")
    session.commit()
    release = threading.Event()
    real_verify = accounts.verify_password

    def verify(password_hash: str, password: str) -> bool:
        if password == FLOOD:  # a slow hash check, held until the test lets it finish
            release.wait(30)
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", verify)
    limits = {"login_hash_workers": 1, "login_hash_queue": 2}
    app = create_app(
        settings.with_overrides(login_max_failures_per_address=1000, **limits), engine=engine
    )
    with live_server(app) as url:
        try:
            yield url, app, release
        finally:
            release.set()


def sign_in(client: httpx.Client, name: str, password: str) -> httpx.Response:
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf, page.text[:300]
    data = {"username": name, "password": password, "csrf_token": csrf.group(1)}
    return client.post("/login", data=data)


def test_a_sign_in_flood_is_shed_with_429_beyond_the_pool_while_pages_keep_answering(served):
    base, app, release = served
    with httpx.Client(base_url=base, timeout=20) as curator:
        assert sign_in(curator, "alice", "alice-password").status_code == 303

        def flood_one(i: int) -> httpx.Response:
            with httpx.Client(base_url=base, timeout=40) as client:
                return sign_in(client, f"flood{i}", FLOOD)

        with ThreadPoolExecutor(12) as executor:
            futures = [executor.submit(flood_one, i) for i in range(12)]
            deadline = time.monotonic() + 20
            while sum(f.done() for f in futures) < 9 or app.state.hashing.in_flight < 3:
                assert time.monotonic() < deadline, "the flood was not refused beyond the pool"
                time.sleep(0.05)
            refused = [f.result() for f in futures if f.done()]
            # Three checks hold the pool (one running, two queued); the others were refused.
            assert app.state.hashing.in_flight == 3
            # Shed sign-ins are 429 Too Many Requests, never a 5xx: the client is told when to
            # come back, on the app's own sign-in page (its form, its security headers).
            assert [r.status_code for r in refused] == [429] * 9
            assert all(r.headers["retry-after"] == "2" for r in refused)
            assert "too many sign-ins at once" in refused[0].text
            assert 'name="csrf_token"' in refused[0].text and 'name="password"' in refused[0].text
            assert "default-src" in refused[0].headers["content-security-policy"]
            # Meanwhile the app answers everyone else.
            assert curator.get("/queue").status_code == 200
            assert "database" in curator.get("/healthz").text
            assert curator.get("/login").status_code in (200, 303)
            release.set()
            codes = sorted(f.result(timeout=20).status_code for f in futures)
        assert codes == [401] * 3 + [429] * 9  # the three held ones were checked: wrong
    assert app.state.hashing.in_flight == 0


def test_hashing_threads_run_at_a_lower_cpu_priority_than_the_request_threads():
    import os

    pool = HashingPool(workers=1, queue=0)

    def own_niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    try:
        niceness = asyncio.run(pool.run(own_niceness))
    finally:
        pool.shutdown()
    assert NICENESS > 0 and niceness == min(19, own_niceness() + NICENESS)
