"""``evidencewatch user``: the review web app's accounts.

Each command is one transaction. Changing a password, disabling an account and
``user sessions revoke`` end the account's web sessions at once (every saved
copy of its cookies stops working on its next request).
"""

from __future__ import annotations

import sys
from datetime import datetime

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app
from evidencewatch.core.vocabulary import Role

ROLES = [r.value for r in Role]
STDIN_HELP = "Read the password from the first line of standard input (for scripts)."


def read_password(password_stdin: bool) -> str:
    """From stdin's first line, or asked twice, hidden, on the terminal."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group()
def user() -> None:
    """Accounts of the review web app (curator, editor, admin)."""


@user.command(name="add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="curator",
    show_default=True,
    help="curator: decide undecided candidates; editor/admin: also change decisions.",
)
@click.option("--password-stdin", is_flag=True, help=STDIN_HELP)
@pass_app
@handle_errors
def user_add(app: AppContext, name: str, role: str, password_stdin: bool) -> None:
    """Add a web user; the password is asked twice, hidden.

    \b
    Examples:
        evidencewatch user add alice --role curator
        printf '%s\\n' "$PASSWORD" | evidencewatch user add ci-bot --password-stdin
    """
    from evidencewatch.review.accounts import create_user
    from evidencewatch.storage.db import session_scope

    password = read_password(password_stdin)
    with session_scope(app.ready_engine()) as session:
        create_user(session=session, username=name, password=password, role=role)
    click.echo(f"added {role} {name}")


@user.command(name="list")
@pass_app
@handle_errors
def user_list(app: AppContext) -> None:
    """List web users: role, state (enabled or disabled) and last sign-in."""
    from evidencewatch.review.accounts import list_users
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        users = list_users(session=session)
        rows = [(u.username, u.role, u.active, u.created_at, u.last_login_at) for u in users]
    if not rows:
        click.echo("no users yet: evidencewatch user add NAME --role curator")
    for username, role, active, created, last in rows:
        state = "enabled" if active else "disabled"
        click.echo(
            f"{username:<24} {role:<8} {state:<9} last sign-in {_when(last):<17} "
            f"since {created:%Y-%m-%d}"
        )


@user.command(name="passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=STDIN_HELP)
@pass_app
@handle_errors
def user_passwd(app: AppContext, name: str, password_stdin: bool) -> None:
    """Set a new password for NAME; its web sessions end.

    \b
    Examples:
        evidencewatch user passwd alice
        printf '%s\\n' "$PASSWORD" | evidencewatch user passwd ci-bot --password-stdin
    """
    from evidencewatch.review.accounts import existing_user, set_password
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        existing_user(session=session, username=name)  # before asking for a password
    password = read_password(password_stdin)
    with session_scope(app.engine) as session:
        set_password(session=session, username=name, password=password)
    click.echo(f"new password for {name}; their web sessions are ended")


@user.command(name="disable")
@click.argument("name")
@pass_app
@handle_errors
def user_disable(app: AppContext, name: str) -> None:
    """Disable NAME: they cannot sign in, and their web sessions end at once."""
    from evidencewatch.review.accounts import set_active
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        set_active(session=session, username=name, active=False)
    click.echo(f"disabled {name}; their web sessions are ended")


@user.command(name="enable")
@click.argument("name")
@pass_app
@handle_errors
def user_enable(app: AppContext, name: str) -> None:
    """Enable NAME again (they sign in anew)."""
    from evidencewatch.review.accounts import set_active
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        set_active(session=session, username=name, active=True)
    click.echo(f"enabled {name}")


@user.command(name="role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@pass_app
@handle_errors
def user_role(app: AppContext, name: str, role: str) -> None:
    """Give NAME another role; it applies to their next request.

    \b
    Example:
        evidencewatch user role alice editor
    """
    from evidencewatch.review.accounts import set_role
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        set_role(session=session, username=name, role=role)
    click.echo(f"{name} is now {role}")


@user.group(name="sessions")
def sessions_group() -> None:
    """NAME's web sessions: list them, or end them all."""


@sessions_group.command(name="list")
@click.argument("name")
@pass_app
@handle_errors
def sessions_list(app: AppContext, name: str) -> None:
    """NAME's web sessions that have not been ended, newest first."""
    from evidencewatch.review.accounts import existing_user
    from evidencewatch.review.sessions import live_sessions
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        account = existing_user(session=session, username=name)
        rows = [
            (s.created_at, s.last_seen_at, s.address)
            for s in live_sessions(session=session, user=account)
        ]
    click.echo(f"{len(rows)} sessions of {name} not ended")
    for created, seen, address in rows:
        click.echo(f"  signed in {_when(created)}  last seen {_when(seen)}  from {address}")


@sessions_group.command(name="revoke")
@click.argument("name")
@pass_app
@handle_errors
def sessions_revoke(app: AppContext, name: str) -> None:
    """End every web session of NAME at once (they must sign in again).

    \b
    Example:
        evidencewatch user sessions revoke alice
    """
    from evidencewatch.core.timeutil import utcnow
    from evidencewatch.review.accounts import existing_user
    from evidencewatch.review.sessions import end_sessions
    from evidencewatch.storage.db import session_scope

    with session_scope(app.ready_engine()) as session:
        account = existing_user(session=session, username=name)
        ended = end_sessions(session=session, user=account, reason="revoked", now=utcnow())
    click.echo(f"ended {ended} sessions of {name}")


def _when(at: datetime | None) -> str:
    return "never" if at is None else f"{at:%Y-%m-%d %H:%M}"
