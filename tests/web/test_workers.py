"""The factory ``serve --workers N`` gives uvicorn: every worker builds the app from the
parent's settings, found in the environment."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import ConfigError
from evidencewatch.web import workers


def test_each_worker_builds_the_app_from_the_parents_settings(settings, monkeypatch):
    monkeypatch.delenv(workers.SETTINGS_ENV, raising=False)
    parent = settings.with_overrides(retrain_after_decisions=7, read_requires_login=False)
    workers.export_settings(parent)
    app = workers.app_from_environment()
    assert app.state.settings == parent
    assert app.state.on_decided is None  # and, like every web app, never retrains


def test_a_worker_without_the_parents_settings_says_how_to_start_it(monkeypatch):
    monkeypatch.delenv(workers.SETTINGS_ENV, raising=False)
    with pytest.raises(ConfigError, match="evidencewatch serve"):
        workers.app_from_environment()


def test_serve_with_workers_hands_uvicorn_the_factory_and_one_signing_key(
    settings, engine, monkeypatch
):
    import uvicorn
    from click.testing import CliRunner

    from evidencewatch.cli.main import cli

    monkeypatch.delenv(workers.SETTINGS_ENV, raising=False)
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    env = {"EVIDENCEWATCH_DATABASE_URL": settings.database_url, "EVIDENCEWATCH_SECRET_KEY": ""}
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen["app"] == workers.FACTORY and seen["factory"] is True and seen["workers"] == 2
    shared = workers.app_from_environment().state.settings
    assert shared.secret_key  # made once by the parent, so a cookie from one worker works in all
