"""``evidencewatch review`` and ``evidencewatch user`` through click's CliRunner."""

from __future__ import annotations

import json
import os

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.review import accounts as auth
from evidencewatch.storage.models import AuditEvent, Candidate, User
from factories import make_candidate, make_paper, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def run(db_url_engine, monkeypatch):
    """Run ``evidencewatch --db <test database> ARGS`` as the shell user "shelly"."""
    url = db_url_engine[0]
    monkeypatch.setenv("USER", "shelly")
    for name in ("EVIDENCEWATCH_CONFIG", "EVIDENCEWATCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, ["--db", url, *args], input=input)

    return invoke


@pytest.fixture
def two(session: Session) -> tuple[int, int]:
    """Two pending candidates on one paper: ESR1 (score 3) and ERBB2 (score 1)."""
    paper = make_paper(session, title="ESR1 and ERBB2 in endocrine resistance")
    a = make_candidate(session, paper, "ESR1", score=3).id
    b = make_candidate(session, paper, "ERBB2", score=1, therapy_class="anti-HER2").id
    session.commit()
    return a, b


def fresh(session: Session, cid: int) -> Candidate:
    session.expire_all()
    return session.get(Candidate, cid)


def test_list_prints_pending_candidates_best_first(run, two):
    result = run("review", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 pending candidates, showing 2"
    assert "ESR1" in lines[1] and "ERBB2" in lines[2]


def test_list_filters_and_prints_json(run, two):
    result = run("review", "list", "--therapy", "anti-HER2", "--json")
    rows = json.loads(result.output)
    assert [r["gene"] for r in rows] == ["ERBB2"]
    assert {"id", "score", "pmid", "title", "version", "reason"} <= set(rows[0])
    assert json.loads(run("review", "list", "--gene", "ESR1", "--json").output)[0]["id"] == two[0]
    assert json.loads(run("review", "list", "--status", "accepted", "--json").output) == []


def test_show_prints_fields_with_provenance_snippets_reasons_and_history(run, two):
    result = run("review", "show", str(two[0]))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "ESR1 and ERBB2 in endocrine resistance" in out
    assert "therapy_class   endocrine  [machine]" in out
    assert "snippets:" in out and "reasons:" in out and "gene_in_title" in out
    assert "other genes in this paper:" in out and "ERBB2" in out
    assert "system" in out and "created" in out


def test_show_json_has_every_field_and_the_history(run, two):
    data = json.loads(run("review", "show", str(two[0]), "--json").output)
    cand = data["candidate"]
    assert cand["gene"] == "ESR1" and cand["provenance"]["therapy_class"] == "machine"
    assert cand["snippets"] and cand["reasons"]
    assert data["paper"]["title"].startswith("ESR1 and ERBB2")
    assert [o["gene"] for o in data["other_candidates"]] == ["ERBB2"]
    assert [e["action"] for e in data["history"]] == ["created"]


def test_accept_records_edits_as_the_shell_user_with_curator_provenance(run, two, session):
    result = run(
        "review", "accept", str(two[0]),
        "--statement", "ESR1 Y537S cells resisted tamoxifen.",
        "--agents", "tamoxifen,fulvestrant", "--level", "D", "--alteration", "Y537S",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"accepted candidate {two[0]} (ESR1" in result.output and "as shelly" in result.output
    cand = fresh(session, two[0])
    assert cand.status == "accepted" and cand.decided_by == "shelly"
    assert cand.agents == ["tamoxifen", "fulvestrant"] and cand.evidence_level == "D"
    assert {cand.provenance[f] for f in ("statement", "agents", "evidence_level")} == {"curator"}
    assert cand.provenance["therapy_class"] == "machine"


def test_reject_and_defer_are_audited_like_the_web(run, two, session):
    make_user(session, "bob", "curator", "bob-password")  # --as names an account
    session.commit()
    assert (
        run("review", "reject", str(two[0]), "--reason", "duplicate", "--note", "n").exit_code == 0
    )
    assert run("review", "defer", str(two[1]), "--note", "full text", "--as", "bob").exit_code == 0
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    last_two = [(e.candidate_id, e.actor, e.action, e.reason, e.note) for e in events[-2:]]
    assert last_two == [
        (two[0], "shelly", "rejected", "duplicate", "n"),
        (two[1], "bob", "deferred", None, "full text"),
    ]


def test_unknown_reject_reason_is_a_usage_error(run, two, session):
    result = run("review", "reject", str(two[0]), "--reason", "boring")
    assert result.exit_code == 2 and "boring" in result.output
    assert fresh(session, two[0]).status == "pending"


def test_accept_without_statement_is_a_usage_error(run, two):
    result = run("review", "accept", str(two[0]))
    assert result.exit_code == 2 and "--statement" in result.output


def test_unknown_candidate_exits_4_with_one_line(run, two):
    result = run("review", "show", "424242")
    assert result.exit_code == 4
    assert result.stderr.strip() == "error: candidate 424242 does not exist"


def test_stale_expected_version_exits_5_naming_who_decided(run, two, session):
    make_user(session, "alice", "curator", "alice-password")  # --as names accounts
    make_user(session, "erin", "editor", "erin-password")
    session.commit()
    run("review", "reject", str(two[0]), "--reason", "duplicate", "--as", "alice")
    result = run(
        "review", "accept", str(two[0]), "--statement", "s", "--expected-version", "1",
        "--as", "erin",
    )  # fmt: skip
    assert result.exit_code == 5
    assert "alice rejected this at" in result.stderr and "reload" in result.stderr
    assert fresh(session, two[0]).status == "rejected"


def test_changing_a_decision_needs_an_editor_account(run, two, session):
    run("review", "reject", str(two[0]), "--reason", "duplicate")
    refused = run("review", "accept", str(two[0]), "--statement", "s")
    assert refused.exit_code == 2 and "needs an editor or an admin" in refused.stderr
    make_user(session, "erin", "editor", "erin-password")
    session.commit()
    allowed = run("review", "accept", str(two[0]), "--statement", "s", "--as", "erin")
    assert allowed.exit_code == 0, allowed.output
    assert fresh(session, two[0]).status == "accepted"


def test_user_add_reads_a_confirmed_hidden_password_and_user_list_shows_roles(run, session):
    result = run("user", "add", "alice", "--role", "editor", input="pw-123456\npw-123456\n")
    assert result.exit_code == 0, result.output
    assert "pw-123456" not in result.output
    assert run("user", "add", "bot", "--password-stdin", input="bot-password\n").exit_code == 0
    listing = run("user", "list").output
    assert "alice" in listing and "editor" in listing and "bot" in listing and "curator" in listing
    assert auth.authenticate(session=session, username="bot", password="bot-password")
    assert session.exec(select(User).where(User.username == "alice")).one().role == "editor"


def test_user_add_refuses_a_duplicate_name_and_a_short_password(run):
    assert run("user", "add", "alice", "--password-stdin", input="long-enough\n").exit_code == 0
    dup = run("user", "add", "alice", "--password-stdin", input="long-enough\n")
    assert dup.exit_code == 2 and "already exists" in dup.stderr
    short = run("user", "add", "carol", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least 8 characters" in short.stderr


def test_the_review_group_hands_its_on_decided_callback_to_each_decision(run, two, monkeypatch):
    from evidencewatch.review import decisions

    handed: list[tuple[str, object]] = []

    def spy(verb, real):
        def decide(**kwargs):
            handed.append((verb, kwargs.get("on_decided")))
            return real(**kwargs)

        return decide

    for verb in ("accept", "reject", "defer"):
        monkeypatch.setattr(decisions, verb, spy(verb, getattr(decisions, verb)))
    assert run("review", "reject", str(two[0]), "--reason", "duplicate").exit_code == 0
    assert run("review", "defer", str(two[1])).exit_code == 0
    assert run("review", "accept", str(two[1]), "--statement", "s").exit_code == 0
    assert [verb for verb, _hook in handed] == ["reject", "defer", "accept"]
    assert all(callable(hook) for _verb, hook in handed)


# --- who decides: --as and the operating-system user ----------------------------------------


def test_as_an_unknown_account_is_refused_with_one_line_and_changes_nothing(run, two, session):
    result = run("review", "reject", str(two[0]), "--reason", "out_of_scope", "--as", "editor")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --as editor: no account of that name; decisions are made as an existing "
        "account (see `evidencewatch user list`)"
    )
    assert fresh(session, two[0]).status == "pending"


def test_as_a_disabled_account_is_refused(run, two, session):
    make_user(session, "erin", "editor", "erin-password")
    session.commit()
    assert run("user", "disable", "erin").exit_code == 0
    result = run("review", "reject", str(two[0]), "--reason", "duplicate", "--as", "erin")
    assert result.exit_code == 2 and "account erin is disabled" in result.stderr
    assert fresh(session, two[0]).status == "pending"


def test_rights_follow_the_accounts_role_not_its_name(run, two, session):
    make_user(session, "editor", "curator", "editor-password")  # named editor, a curator
    session.commit()
    run("review", "reject", str(two[0]), "--reason", "duplicate", "--as", "editor")
    refused = run("review", "accept", str(two[0]), "--statement", "s", "--as", "editor")
    assert refused.exit_code == 2 and "needs an editor or an admin" in refused.stderr
    assert run("user", "role", "editor", "editor").exit_code == 0
    assert run("review", "accept", str(two[0]), "--statement", "s", "--as", "editor").exit_code == 0
    assert fresh(session, two[0]).status == "accepted"


def test_the_audit_event_records_the_account_and_the_os_user(run, two, session, monkeypatch):
    from evidencewatch.cli import context

    monkeypatch.setattr(context, "os_user", lambda: "root-on-host")
    make_user(session, "erin", "editor", "erin-password")
    session.commit()
    assert run("review", "defer", str(two[1]), "--note", "n", "--as", "erin").exit_code == 0
    event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.actor, event.action, event.note) == ("erin", "deferred", "n")
    assert event.changes["os_user"] == "root-on-host"
    assert fresh(session, two[1]).decided_by == "erin"


def test_os_user_is_the_processes_account_not_the_user_variable(monkeypatch):
    import pwd

    from evidencewatch.cli.context import os_user

    monkeypatch.setenv("USER", "someone-else")
    assert os_user() == pwd.getpwuid(os.getuid()).pw_name
