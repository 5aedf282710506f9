"""Mailing digests, against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from sqlmodel import Session

from evidencewatch.cli.main import cli
from evidencewatch.config import Settings
from evidencewatch.jobs.digests import digest_job
from evidencewatch.reporting.mailer import MailError, send_digest
from evidencewatch.storage.models import Digest
from factories import make_candidate, make_paper

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)
RANGE = "2026-11-18 \N{EN DASH} 2026-11-24"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Collector:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


class SmtpServer:
    def __init__(self, **kwargs) -> None:
        self.collector = Collector()
        self.port = _free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port, **kwargs)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def smtp_with_login() -> Iterator[SmtpServer]:
    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"digest-bot",
            b"s3cret",
        )
        return AuthResult(success=ok, handled=False)  # handled=False: the server replies 535

    server = SmtpServer(authenticator=authenticate, auth_require_tls=False, auth_required=True)
    server.controller.start()
    yield server
    server.controller.stop()


def _mail_settings(settings: Settings, server: SmtpServer, **kw) -> Settings:
    return settings.with_overrides(
        smtp_host="127.0.0.1",
        smtp_port=server.port,
        mail_from="digests@lab.example",
        mail_to="ana@lab.example, ben@lab.example",
        **kw,
    )


def _digest(**kw) -> Digest:
    values = {
        "id": 7,
        "period_from": date(2026, 11, 18),
        "period_to": date(2026, 11, 24),
        "title": f"evidencewatch digest {RANGE}",
        "html": "<!doctype html><html><body><p>SLC7A5 &amp; RELA</p></body></html>\n",
        "markdown": "# Digest\n\nSLC7A5 \\& RELA\n",
        "summary": {"new_papers": 3},
    }
    values.update(kw)
    return Digest(**values)


def test_the_mail_reaches_the_server_with_a_text_and_an_html_part(settings, smtp):
    digest = _digest()
    delivered = send_digest(_mail_settings(settings, smtp), digest)
    assert delivered == ["ana@lab.example", "ben@lab.example"]
    assert digest.mailed_to == delivered
    [envelope] = smtp.collector.envelopes
    assert envelope.mail_from == "digests@lab.example"
    assert envelope.rcpt_tos == ["ana@lab.example", "ben@lab.example"]
    [message] = smtp.collector.messages()
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and _lf(plain.get_content()) == digest.markdown
    assert html is not None and _lf(html.get_content()) == digest.html
    assert message["To"] == "ana@lab.example, ben@lab.example"
    assert message["Message-ID"].endswith("@lab.example>")


def test_the_subject_names_the_period_and_how_many_papers_are_new(settings, smtp):
    send_digest(_mail_settings(settings, smtp), _digest())
    [message] = smtp.collector.messages()
    assert message["Subject"] == f"evidencewatch digest {RANGE}: 3 new"


def test_login_is_used_when_a_user_is_set(settings, smtp_with_login):
    ok = _mail_settings(settings, smtp_with_login, smtp_user="digest-bot", smtp_password="s3cret")
    assert send_digest(ok, _digest()) == ["ana@lab.example", "ben@lab.example"]
    assert len(smtp_with_login.collector.envelopes) == 1
    wrong = _mail_settings(settings, smtp_with_login, smtp_user="digest-bot", smtp_password="wrong")
    with pytest.raises(MailError, match="failed"):
        send_digest(wrong, _digest())
    assert len(smtp_with_login.collector.envelopes) == 1


def test_starttls_asked_for_but_not_offered_sends_nothing(settings, smtp):
    digest = _digest()
    with pytest.raises(MailError, match="STARTTLS"):
        send_digest(_mail_settings(settings, smtp, smtp_starttls=True), digest)
    assert smtp.collector.envelopes == [] and digest.mailed_to == []


def test_an_unreachable_server_is_a_mail_error(settings):
    unreachable = settings.with_overrides(
        smtp_host="127.0.0.1", smtp_port=_free_port(), mail_to="ana@lab.example"
    )
    with pytest.raises(MailError, match=r"127\.0\.0\.1:\d+ failed"):
        send_digest(unreachable, _digest(), timeout=5)


def test_without_recipients_nothing_is_sent(settings, smtp):
    with pytest.raises(MailError, match="no recipients"):
        send_digest(_mail_settings(settings, smtp).with_overrides(mail_to=" , "), _digest())


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _known_data(session: Session) -> None:
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


def test_digest_job_mails_the_stored_digest_and_records_the_recipients(
    session: Session, engine, settings, smtp, tmp_path: Path
):
    _known_data(session)
    digest = digest_job(
        _mail_settings(settings, smtp),
        engine=engine,
        since=date(2026, 11, 18),
        until=date(2026, 11, 24),
        out_dir=tmp_path,
        now=NOW,
    )
    with Session(engine) as check:
        stored = check.get(Digest, digest.id)
        assert stored is not None
        assert stored.mailed_to == ["ana@lab.example", "ben@lab.example"]
    [message] = smtp.collector.messages()
    assert message["Subject"] == f"evidencewatch digest {RANGE}: 1 new"
    plain = _lf(message.get_body(preferencelist=("plain",)).get_content())
    html = _lf(message.get_body(preferencelist=("html",)).get_content())
    assert "SLC7A5 \\& RELA in vivo" in plain and "&amp;" not in plain
    assert "SLC7A5 &amp; RELA in vivo" in html
    assert plain == stored.markdown and html == stored.html


def test_digest_job_does_not_mail_when_told_not_to(session, engine, settings, smtp, tmp_path):
    _known_data(session)
    digest = digest_job(
        _mail_settings(settings, smtp), engine=engine, out_dir=tmp_path, mail=False, now=NOW
    )
    assert smtp.collector.envelopes == [] and digest.mailed_to == []


def test_cli_digest_mail_prints_the_recipients(db_url_engine, smtp, tmp_path, monkeypatch):
    url, _engine = db_url_engine
    for name, value in {
        "EVIDENCEWATCH_SMTP_HOST": "127.0.0.1",
        "EVIDENCEWATCH_SMTP_PORT": str(smtp.port),
        "EVIDENCEWATCH_MAIL_TO": "ana@lab.example",
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["--db", url, "digest", "--out", str(tmp_path), "--mail"])
    assert result.exit_code == 0, result.output
    assert "mailed to ana@lab.example" in result.output
    assert len(smtp.collector.envelopes) == 1
