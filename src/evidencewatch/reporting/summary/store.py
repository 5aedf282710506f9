"""Published versions and status overrides: written on the caller's session, never committed.

A published version is never changed: ``add_version`` only inserts, and the
files it writes are opened for exclusive creation, so an existing file is an
error rather than something overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from evidencewatch.core.errors import ConfigError, NotFound
from evidencewatch.core.timeutil import as_utc, utcnow
from evidencewatch.core.vocabulary import Role, SummaryStatus
from evidencewatch.reporting.summary.gather import current_overrides
from evidencewatch.review.decisions import DecisionNotAllowed
from evidencewatch.storage.models import SeedFindingRow
from evidencewatch.storage.summary import SummaryOverride, SummaryVersion

FILE_SUFFIXES = {"html": "html", "md": "md", "json": "json"}


def file_name(number: int | None, fmt: str) -> str:
    stem = f"summary-v{number}" if number is not None else "summary-draft"
    return f"{stem}.{FILE_SUFFIXES[fmt]}"


def write_files(
    out_dir: Path, number: int | None, texts: Mapping[str, str], *, exclusive: bool
) -> list[Path]:
    """Write each format's text; ``exclusive`` refuses to replace a file (published versions).

    On any failure the files this call created are removed again, so a failed
    publish leaves nothing half-written behind.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for fmt, text in texts.items():
            path = out_dir / file_name(number, fmt)
            try:
                with path.open("x" if exclusive else "w", encoding="utf-8") as fh:
                    fh.write(text)
            except FileExistsError as exc:
                raise ConfigError(
                    f"{path} already exists: a published summary version is never rewritten "
                    "(move the file away or publish into another --out folder)"
                ) from exc
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def add_version(
    *,
    session: Session,
    document: dict[str, Any],
    html: str,
    markdown: str,
    files: Sequence[Path],
    actor: str,
) -> SummaryVersion:
    """Insert the frozen version row (flushed: a second publisher of the same number fails)."""
    row = SummaryVersion(
        number=int(document["version"]),
        published_by=actor,
        note=str(document.get("note") or ""),
        schema_version=str(document["schema_version"]),
        document=document,
        html=html,
        markdown=markdown,
        files=[str(p) for p in files],
        changes=dict(document.get("changes") or {}),
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class VersionRef:
    """A published version as lists show it, without its (large) document."""

    number: int
    published_at: datetime
    published_by: str
    note: str
    changes: dict[str, Any]


def list_versions(*, session: Session) -> list[VersionRef]:
    """The published versions, newest first; their documents are not read."""
    v = SummaryVersion
    rows = session.exec(
        select(v.number, v.published_at, v.published_by, v.note).order_by(col(v.number).desc())
    ).all()
    changes = dict(session.exec(select(v.number, v.changes)).all())
    return [
        VersionRef(int(n), as_utc(at), by, note, dict(changes.get(n) or {}))
        for n, at, by, note in rows
    ]


def get_version(*, session: Session, number: int) -> SummaryVersion:
    row = session.exec(select(SummaryVersion).where(SummaryVersion.number == number)).first()
    if row is None:
        raise NotFound(f"no published summary version {number}")
    return row


def override_status(
    *, session: Session, finding_id: str, status: str | None, reason: str, actor: str, role: str
) -> SummaryOverride:
    """Record a curator's override of a finding's status (``status`` None clears it).

    Editors and admins only. A written reason is required; the row is the audit
    record (who, when, why, and the status it replaced).
    """
    if role not in (Role.editor.value, Role.admin.value):
        raise DecisionNotAllowed(
            f"overriding a summary status needs an editor or an admin ({actor} is {role})"
        )
    if session.get(SeedFindingRow, finding_id) is None:
        raise NotFound(f"no seed finding {finding_id!r} (see `evidencewatch summary`)")
    allowed = [s.value for s in SummaryStatus]
    if status is not None and status not in allowed:
        raise ConfigError(f"status {status!r} is not one of {', '.join(allowed)}")
    if not reason.strip():
        raise ConfigError("an override needs a written reason (--reason TEXT)")
    previous = current_overrides(session=session).get(finding_id)
    row = SummaryOverride(
        finding_id=finding_id,
        status=status or "",
        reason=reason.strip(),
        actor=actor,
        at=utcnow(),
        previous_status=previous.status if previous else "",
    )
    session.add(row)
    session.flush()
    return row
