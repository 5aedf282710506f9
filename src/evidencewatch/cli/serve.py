"""``evidencewatch serve``: the review web app (its accounts: :mod:`evidencewatch.cli.users`)."""

from __future__ import annotations

import click

from evidencewatch.cli.context import AppContext, handle_errors, pass_app


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
