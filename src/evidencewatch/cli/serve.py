"""``evidencewatch serve``: the review web app (its accounts: :mod:`evidencewatch.cli.users`)."""

from __future__ import annotations

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@pass_app
@handle_errors
def serve(app: AppContext, host: str, port: int) -> None:
    """Run the review web app (stop with Ctrl-C).

    Put it behind a TLS-terminating proxy for anything beyond localhost; the
    session cookie is marked Secure when requests arrive over https. Set
    secret_key (EVIDENCEWATCH_SECRET_KEY), or sign-ins end when it restarts.

    \b
    Example:
        evidencewatch serve --port 8000
    """
    import uvicorn

    from evidencewatch.web.app import create_app

    app.ready_engine()  # refuse to start on a missing or old schema
    web_app = create_app(app.settings, engine=app.engine)
    click.echo(f"evidencewatch review app on http://{host}:{port}/", err=True)
    uvicorn.run(
        web_app, host=host, port=port, log_level=app.settings.log_level.lower(), proxy_headers=True
    )
