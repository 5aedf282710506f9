"""Storing a rendered digest: its Digest row, and its files in the digest folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlmodel import Session

from evidencewatch.reporting.digest.data import DigestData
from evidencewatch.storage.models import Digest


def save_digest(
    *,
    session: Session,
    data: DigestData,
    html: str,
    markdown: str,
    out_dir: Path | None,
    formats: Iterable[str] = ("html", "md"),
) -> Digest:
    """Store a Digest row (both texts) and write ``digest-<period_to>.html``/``.md`` to ``out_dir``.

    A second digest for the same end date replaces the files; every run keeps its own row.
    The row is flushed (so it has its id), not committed: the caller owns the transaction.
    """
    files = _write_files(data, {"html": html, "md": markdown}, out_dir, set(formats))
    digest = Digest(
        period_from=data.period_from,
        period_to=data.period_to,
        title=data.title,
        html=html,
        markdown=markdown,
        summary=data.summary(),
        files=files,
    )
    session.add(digest)
    session.flush()
    return digest


def _write_files(
    data: DigestData, texts: dict[str, str], out_dir: Path | None, wanted: set[str]
) -> list[str]:
    """Each wanted text to its file, through a temporary name so a reader never sees half."""
    files: list[str] = []
    if out_dir is None:
        return files
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"digest-{data.period_to.isoformat()}"
    for ext, text in texts.items():
        if ext not in wanted:
            continue
        path = (out_dir / f"{stem}.{ext}").resolve()
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        files.append(str(path))
    return files
