"""The digest job the CLI, the scheduler and the demo run: build, render, store, then mail.

The digest is committed before the mail goes out, so a mail failure never
loses it; the recipients are recorded on the row in a second transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError
from evidencewatch.core.timeutil import as_utc_or_none, utcnow
from evidencewatch.reporting.digest import (
    build_digest,
    default_period,
    digest_timezone,
    render_html,
    render_markdown,
    save_digest,
)
from evidencewatch.reporting.mailer import mail_configured, send_digest
from evidencewatch.reporting.templating import make_env
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.models import Digest


def digest_job(
    settings: Settings,
    *,
    engine: Engine,
    since: date | None = None,
    until: date | None = None,
    period_days: int | None = None,
    fmt: str = "both",
    out_dir: Path | None = None,
    mail: bool | None = None,
    now: datetime | None = None,
) -> Digest:
    """Build, render, store and (optionally) mail one digest; returns the stored row.

    ``mail=None`` mails when an SMTP host and recipients are configured;
    ``mail=True`` insists (a ConfigError if they are not). The digest is stored
    before the mail goes out, so a mail failure never loses it.
    """
    if fmt not in ("html", "md", "both"):
        raise ConfigError(f"digest format must be html, md or both, not {fmt!r}")
    tz = digest_timezone(settings.timezone)
    now = as_utc_or_none(now) or utcnow()
    period_from, period_to = default_period(
        today=now.astimezone(tz).date(),
        since=since,
        until=until,
        period_days=period_days or settings.digest_period_days,
    )
    if mail is True and not mail_configured(settings):
        raise ConfigError("--mail needs smtp_host and mail_to to be set")
    formats = ("html", "md") if fmt == "both" else (fmt,)
    env = make_env()
    with session_scope(engine) as session:
        data = build_digest(
            session=session, period_from=period_from, period_to=period_to, now=now, tz=tz
        )
        digest = save_digest(
            session=session,
            data=data,
            html=render_html(data, env),
            markdown=render_markdown(data, env),
            out_dir=out_dir if out_dir is not None else Path(settings.digest_dir),
            formats=formats,
        )
    if mail is False or (mail is None and not mail_configured(settings)):
        return digest
    send_digest(settings, digest)
    _record_recipients(engine, digest)
    return digest


def _record_recipients(engine: Engine, digest: Digest) -> None:
    """Store who the mail reached on the (already committed) digest row."""
    with session_scope(engine) as session:
        stored = session.get(Digest, digest.id)
        if stored is not None:
            stored.mailed_to = list(digest.mailed_to)
            session.add(stored)
