"""The digest job: one committed digest per run, its files, and the mail after the commit."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from evidencewatch.core.errors import ConfigError
from evidencewatch.jobs.digests import digest_job
from evidencewatch.reporting.mailer import MailError
from evidencewatch.storage.models import Digest
from factories import make_candidate, make_paper

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)
PERIOD = (date(2026, 11, 18), date(2026, 11, 24))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def known(session: Session) -> Session:
    """One paper accepted for two genes inside PERIOD."""
    paper = make_paper(session, 92_000_001, "SLC7A5 & RELA in vivo")
    for gene in ("SLC7A5", "RELA"):
        make_candidate(
            session,
            paper,
            gene,
            status="accepted",
            decided_at=datetime(2026, 11, 20, tzinfo=UTC),
            decided_by="alice",
            statement=f"{gene} rose in resistant tumours.",
        )
    session.commit()
    return session


def test_digest_job_writes_only_the_format_asked_for(
    known: Session, engine, settings, tmp_path: Path
):
    digest = digest_job(
        settings,
        engine=engine,
        since=PERIOD[0],
        until=PERIOD[1],
        fmt="md",
        out_dir=tmp_path,
        now=NOW,
    )
    assert [Path(f).name for f in digest.files] == ["digest-2026-11-24.md"]
    assert not (tmp_path / "digest-2026-11-24.html").exists()
    with Session(engine) as check:
        stored = check.get(Digest, digest.id)
        assert stored and stored.html.startswith("<!doctype html>") and stored.mailed_to == []


def test_digest_job_keeps_the_digest_when_the_mail_fails(known, engine, settings, tmp_path):
    broken = settings.with_overrides(
        smtp_host="127.0.0.1", smtp_port=_free_port(), mail_to="ana@lab.example"
    )
    with pytest.raises(MailError):
        digest_job(broken, engine=engine, out_dir=tmp_path, now=NOW)
    with Session(engine) as check:
        [stored] = check.exec(select(Digest)).all()
        assert stored.mailed_to == [] and stored.files


def test_the_digest_defaults_to_the_configured_days_ending_today_in_the_time_zone(
    known, engine, settings, tmp_path
):
    # 2026-11-25 07:00 UTC is still 2026-11-24 (23:00) in Los Angeles.
    west = settings.with_overrides(timezone="America/Los_Angeles", digest_period_days=7)
    late = datetime(2026, 11, 25, 7, tzinfo=UTC)
    digest = digest_job(west, engine=engine, out_dir=tmp_path, now=late)
    assert (digest.period_from, digest.period_to) == PERIOD
    assert digest.summary["new_pmids"] == [92_000_001]


@pytest.mark.parametrize(
    ("overrides", "kw", "message"),
    [
        ({}, {"fmt": "pdf"}, "digest format must be html, md or both, not 'pdf'"),
        ({"timezone": "Mars/Olympus"}, {}, "'Mars/Olympus' is not an IANA time zone"),
        ({}, {"mail": True}, "--mail needs smtp_host and mail_to to be set"),
    ],
)
def test_digest_job_refuses_bad_options_before_storing_anything(
    engine, settings, tmp_path, overrides, kw, message
):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        digest_job(
            settings.with_overrides(**overrides), engine=engine, out_dir=tmp_path / "out", **kw
        )
    with Session(engine) as check:
        assert check.exec(select(Digest)).all() == []
    assert not (tmp_path / "out").exists()
