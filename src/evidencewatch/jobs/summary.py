"""The summary jobs: write the draft, publish a numbered version, override a status.

Publishing owns its transaction: the version row is inserted and flushed
(the unique version number stops a second publisher), the files are created
exclusively, and the transaction commits; if anything fails, the files this
run created are removed and nothing is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from evidencewatch.config import Settings
from evidencewatch.core.errors import ConfigError, SeedFileError
from evidencewatch.core.timeutil import as_utc_or_none, utcnow
from evidencewatch.core.vocabulary import Role
from evidencewatch.reporting.summary import (
    build_document,
    gather_input,
    latest_number,
    render_all,
)
from evidencewatch.reporting.summary.store import add_version, override_status, write_files
from evidencewatch.reporting.templating import make_env
from evidencewatch.review.accounts import get_user
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.summary import SummaryOverride
from evidencewatch.watch.seed_findings import load_findings

log = logging.getLogger(__name__)
FORMAT_CHOICES = ("html", "md", "json", "all")


@dataclass(frozen=True, slots=True)
class SummaryResult:
    document: dict[str, Any]
    files: tuple[Path, ...]
    version: int | None  # None for a draft


def finding_order(settings: Settings) -> list[str]:
    """The seed findings' ids in the document's order (findings.toml), or [] if unreadable."""
    try:
        return [f.id for f in load_findings(settings.seed_path / "findings.toml")]
    except (SeedFileError, ConfigError, OSError) as exc:
        log.warning("summary: seed findings not readable (%s); findings ordered by id", exc)
        return []


def formats_for(fmt: str) -> tuple[str, ...]:
    if fmt not in FORMAT_CHOICES:
        raise ConfigError(f"summary format must be one of {', '.join(FORMAT_CHOICES)}, not {fmt!r}")
    return ("html", "md", "json") if fmt == "all" else (fmt,)


def draft_document(
    settings: Settings, *, engine: Engine, now: datetime | None = None
) -> dict[str, Any]:
    """The summary as of now, with the changes since the last published version."""
    order = finding_order(settings)
    with session_scope(engine) as session:
        data = gather_input(session=session, finding_order=order)
    return build_document(data, now=as_utc_or_none(now) or utcnow())


def summary_job(
    settings: Settings,
    *,
    engine: Engine,
    fmt: str = "all",
    out_dir: Path | None = None,
    publish: bool = False,
    note: str = "",
    actor: str = "cli",
    now: datetime | None = None,
) -> SummaryResult:
    """Write the draft (``publish=False``) or freeze and write the next numbered version."""
    formats = formats_for(fmt)
    folder = out_dir if out_dir is not None else Path(settings.summary_dir)
    moment = as_utc_or_none(now) or utcnow()
    env = make_env()
    order = finding_order(settings)
    if not publish:
        document = draft_document(settings, engine=engine, now=moment)
        texts = render_all(document, env)
        files = write_files(folder, None, {f: texts[f] for f in formats}, exclusive=False)
        return SummaryResult(document, tuple(files), None)
    created: list[Path] = []
    try:
        with session_scope(engine) as session:
            data = gather_input(session=session, finding_order=order)
            number = latest_number(session=session) + 1
            document = build_document(data, now=moment, version=number, note=note)
            texts = render_all(document, env)
            created = write_files(folder, number, {f: texts[f] for f in formats}, exclusive=True)
            add_version(
                session=session,
                document=document,
                html=texts["html"],
                markdown=texts["md"],
                files=created,
                actor=actor,
            )
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return SummaryResult(document, tuple(created), number)


def override_job(
    *,
    engine: Engine,
    finding_id: str,
    status: str | None,
    reason: str,
    actor: str,
) -> SummaryOverride:
    """Record an override (or clear one, ``status`` None) in its own transaction.

    The actor's role is their web account's: a name with no active account is a curator,
    and curators may not override.
    """
    with session_scope(engine) as session:
        user = get_user(session=session, username=actor)
        role = user.role if user is not None and user.active else Role.curator.value
        return override_status(
            session=session,
            finding_id=finding_id,
            status=status,
            reason=reason,
            actor=actor,
            role=role,
        )
