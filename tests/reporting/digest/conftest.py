"""The known database, and the digest built from it and rendered both ways."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from evidencewatch.reporting.digest import DigestData, build_digest, render_html, render_markdown
from evidencewatch.reporting.templating import make_env
from reporting.digest.known_db import NOW, PERIOD, add_known_rows


@pytest.fixture
def known(session: Session) -> Session:
    add_known_rows(session)
    return session


@pytest.fixture
def data(known: Session) -> DigestData:
    return build_digest(session=known, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)


@pytest.fixture
def html(data: DigestData) -> str:
    return render_html(data, make_env())


@pytest.fixture
def markdown(data: DigestData) -> str:
    return render_markdown(data, make_env())
