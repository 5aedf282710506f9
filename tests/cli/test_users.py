"""``evidencewatch user``: passwords, disabling, roles, the listing, and ending web sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.review import accounts as auth
from evidencewatch.review.sessions import live_user, start_session
from evidencewatch.storage.models import User
from evidencewatch.storage.signins import WebSession
from factories import make_user

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def run(db_url_engine, monkeypatch):
    url = db_url_engine[0]
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, ["--db", url, *args], input=input)

    return invoke


@pytest.fixture
def alice_signed_in(session: Session, settings) -> str:
    """alice, with one live web session; its cookie token."""
    alice = make_user(session, "alice", "curator", "alice-password")
    token = start_session(session=session, user=alice, address="127.0.0.1", now=T0)
    session.commit()
    assert live_user(session=session, token=token, settings=settings, now=T0) is not None
    return token


def still_live(session: Session, settings, token: str) -> bool:
    session.expire_all()
    return live_user(session=session, token=token, settings=settings, now=T0) is not None


def account(session: Session, name: str) -> User:
    session.expire_all()
    return session.exec(select(User).where(User.username == name)).one()


def test_passwd_from_stdin_changes_the_password_and_ends_the_sessions(
    run, session, settings, alice_signed_in
):
    result = run("user", "passwd", "alice", "--password-stdin", input="brand-new-pass\n")
    assert result.exit_code == 0, result.output
    assert "their web sessions are ended" in result.output
    assert auth.authenticate(session=session, username="alice", password="brand-new-pass")
    assert not auth.authenticate(session=session, username="alice", password="alice-password")
    assert not still_live(session, settings, alice_signed_in)


def test_passwd_asks_twice_hidden_on_the_terminal(run, session, alice_signed_in):
    result = run("user", "passwd", "alice", input="typed-password\ntyped-password\n")
    assert result.exit_code == 0, result.output
    assert "typed-password" not in result.output
    assert auth.authenticate(session=session, username="alice", password="typed-password")


def test_passwd_refuses_a_short_password_and_an_unknown_account(run, session, alice_signed_in):
    short = run("user", "passwd", "alice", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least 8 characters" in short.stderr
    assert auth.authenticate(session=session, username="alice", password="alice-password")
    unknown = run("user", "passwd", "nobody", "--password-stdin", input="long-enough-pw\n")
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == (
        "error: no account named 'nobody' (see `evidencewatch user list`)"
    )


def test_disable_refuses_sign_in_and_ends_sessions_and_enable_lets_them_back(
    run, session, settings, alice_signed_in
):
    result = run("user", "disable", "alice")
    assert result.exit_code == 0 and "disabled alice" in result.output
    assert not account(session, "alice").active
    assert not still_live(session, settings, alice_signed_in)
    assert auth.authenticate(session=session, username="alice", password="alice-password") is None
    assert run("user", "enable", "alice").exit_code == 0
    assert account(session, "alice").active
    assert auth.authenticate(session=session, username="alice", password="alice-password")
    assert not still_live(session, settings, alice_signed_in)  # ended sessions stay ended


def test_disable_and_enable_of_an_unknown_account_exit_2(run):
    for verb in ("disable", "enable"):
        result = run("user", verb, "ghost")
        assert result.exit_code == 2 and "no account named 'ghost'" in result.stderr


def test_role_changes_the_role_and_refuses_an_unknown_role_or_account(run, session):
    make_user(session, "alice", "curator", "alice-password")
    session.commit()
    assert run("user", "role", "alice", "editor").exit_code == 0
    assert account(session, "alice").role == "editor"
    bad = run("user", "role", "alice", "overlord")
    assert bad.exit_code == 2 and "overlord" in bad.output
    assert run("user", "role", "ghost", "admin").exit_code == 2


def test_list_shows_role_state_and_last_sign_in(run, session, alice_signed_in):
    make_user(session, "bob", "editor", "bob-password")
    session.commit()
    run("user", "disable", "bob")
    lines = run("user", "list").output.splitlines()
    alice = next(line for line in lines if line.startswith("alice"))
    bob = next(line for line in lines if line.startswith("bob"))
    assert "curator" in alice and "enabled" in alice and "last sign-in 2026-12-03 09:00" in alice
    assert "editor" in bob and "disabled" in bob and "last sign-in never" in bob


def test_sessions_revoke_ends_every_session_of_the_account(run, session, settings, alice_signed_in):
    second = start_session(
        session=session, user=account(session, "alice"), address="10.0.0.2", now=T0
    )
    session.commit()
    listing = run("user", "sessions", "list", "alice").output
    assert "2 sessions of alice not ended" in listing and "10.0.0.2" in listing
    result = run("user", "sessions", "revoke", "alice")
    assert result.exit_code == 0 and "ended 2 sessions of alice" in result.output
    assert not still_live(session, settings, alice_signed_in)
    assert not still_live(session, settings, second)
    reasons = {row.end_reason for row in session.exec(select(WebSession)).all()}
    assert reasons == {"revoked"}
    assert run("user", "sessions", "revoke", "ghost").exit_code == 2


def test_the_readme_documents_every_user_command_and_password_stdin():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for command in ("user add NAME", "user passwd NAME", "user disable NAME", "user enable NAME"):
        assert f"`evidencewatch {command}" in readme, command
    assert "user role NAME" in readme and "user sessions revoke NAME" in readme
    assert "evidencewatch user add NAME --password-stdin" in readme
    for verb in ("add", "passwd"):
        help_text = CliRunner().invoke(cli, ["user", verb, "--help"]).output
        assert "--password-stdin" in help_text and "standard input" in help_text
