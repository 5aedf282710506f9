"""Fixtures of the web tests: the app under FastAPI's TestClient, with cheap password hashing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from evidencewatch.review import accounts as auth
from evidencewatch.web.app import create_app
from web.webtools import TestClient


@pytest.fixture
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters: sign-ins are the slow part of these tests, not the subject."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def client(settings, engine, fast_password_hashing) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


@pytest.fixture
def open_client(settings, engine, fast_password_hashing) -> Iterator[TestClient]:
    """An app whose read-only pages need no sign-in."""
    app = create_app(settings.with_overrides(read_requires_login=False), engine=engine)
    with TestClient(app) as c:
        yield c
