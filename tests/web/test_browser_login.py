"""The sign-in lockout in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from evidencewatch.config import load_settings
from evidencewatch.storage.db import init_db, make_engine
from factories import make_user
from live import served as live_server

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not at /usr/bin/chromium"),
]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    from evidencewatch.web.app import create_app

    db_url = f"sqlite:///{tmp_path / 'login.db'}"
    engine = make_engine(db_url)
    init_db(engine)
    with Session(engine) as session:
        make_user(session, "alice", "curator", "alice-password")
        session.commit()
    settings = load_settings(
        env={}, database_url=db_url, secret_key="browser-login", login_max_failures=2
    )
    try:
        with live_server(create_app(settings, engine=engine)) as url:
            yield url
    finally:
        engine.dispose()


def test_a_locked_account_is_told_how_long_to_wait_even_with_the_right_password(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.goto(f"{site}/login")
            for password in ("wrong-one", "wrong-two", "alice-password"):
                page.fill("input[name=username]", "alice")
                page.fill("input[name=password]", password)
                with page.expect_response(f"{site}/login") as answer:
                    page.press("input[name=password]", "Enter")
                page.wait_for_load_state()
            assert answer.value.status == 429
            message = page.locator("[role=alert]").inner_text()
            assert "Too many failed sign-ins for this account" in message
            wait = re.search(r"locked for (\d+) more seconds", message)
            assert wait and 1 <= int(wait.group(1)) <= 30, message  # the real clock runs on
            assert page.url.endswith("/login")
        finally:
            browser.close()
