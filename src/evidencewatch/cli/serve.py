"""``evidencewatch serve`` (the review web app) and ``evidencewatch user`` (its accounts)."""

from __future__ import annotations

import sys

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app
from evidencewatch.core.vocabulary import Role
from evidencewatch.storage.db import session_scope

ROLES = [r.value for r in Role]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (each has its own database pool; 2 per core is plenty).",
)
@pass_app
@handle_errors
def serve(app: AppContext, host: str, port: int, workers: int) -> None:
    """Run the review web app (stop with Ctrl-C).

    Put it behind a TLS-terminating proxy for anything beyond localhost; the
    session cookie is marked Secure when requests arrive over https. Set
    secret_key (EVIDENCEWATCH_SECRET_KEY), or sign-ins end when it restarts.

    The web app never retrains the ranking; run the scheduler or
    `evidencewatch worker` beside it for that.

    \b
    Examples:
        evidencewatch serve --port 8000
        evidencewatch serve --workers 2
    """
    import uvicorn

    app.ready_engine()  # refuse to start on a missing or old schema
    click.echo(f"evidencewatch review app on http://{host}:{port}/", err=True)
    options = {"host": host, "port": port, "log_level": app.settings.log_level.lower(),
               "proxy_headers": True}  # fmt: skip
    if workers == 1:
        from evidencewatch.web.app import create_app

        uvicorn.run(create_app(app.settings, engine=app.engine), **options)  # type: ignore[arg-type]
        return
    from evidencewatch.web.workers import FACTORY, export_settings

    settings = app.settings
    if not settings.secret_key:  # one key for every worker, or sign-ins break between them
        from evidencewatch.web.app import process_secret_key

        settings = settings.with_overrides(secret_key=process_secret_key())
    app.engine.dispose()  # the workers make their own pools
    export_settings(settings)
    uvicorn.run(FACTORY, factory=True, workers=workers, **options)  # type: ignore[arg-type]


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
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
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

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session_scope(app.ready_engine()) as session:
        create_user(session=session, username=name, password=password, role=role)
    click.echo(f"added {role} {name}")


@user.command(name="list")
@pass_app
@handle_errors
def user_list(app: AppContext) -> None:
    """List web users with their roles."""
    from evidencewatch.review.accounts import list_users

    with session_scope(app.ready_engine()) as session:
        users = list_users(session=session)
        rows = [(u.username, u.role, u.active, u.created_at) for u in users]
    if not rows:
        click.echo("no users yet: evidencewatch user add NAME --role curator")
    for username, role, active, created in rows:
        state = "" if active else "  (disabled)"
        click.echo(f"{username:<24} {role:<8} since {created:%Y-%m-%d}{state}")
