"""The app factory that ``evidencewatch serve --workers N`` hands to uvicorn.

With more than one worker, uvicorn starts each worker process itself and
builds the app there from an import string, so the parent's Settings travel
through the environment (:data:`SETTINGS_ENV`, JSON of the dataclass; the
variable lives only in the server's own processes). Every worker then signs
sessions with the same key: the parent makes one when ``secret_key`` is not
set, or a session signed by one worker would be refused by the next.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, fields

from fastapi import FastAPI

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError

SETTINGS_ENV = "EVIDENCEWATCH_SERVE_SETTINGS"
FACTORY = "evidencewatch.web.workers:app_from_environment"


def export_settings(settings: Settings) -> None:
    """Put ``settings`` where :func:`app_from_environment` finds them in each worker."""
    os.environ[SETTINGS_ENV] = json.dumps(asdict(settings))


def app_from_environment() -> FastAPI:
    """The web app for the settings :func:`export_settings` left in the environment."""
    from evidencewatch.web.app import create_app

    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise ConfigError(f"{SETTINGS_ENV} is not set: start the server with evidencewatch serve")
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in json.loads(raw).items() if k in known}
    return create_app(Settings(**values))
