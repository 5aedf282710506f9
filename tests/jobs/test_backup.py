"""Backups taken while the database is in use restore to a consistent, complete database."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from evidencewatch.core.errors import ConfigError
from evidencewatch.jobs.backup import backup_database
from evidencewatch.review.decisions import reject
from evidencewatch.storage.db import ensure_current, init_db, make_engine, session_scope
from evidencewatch.storage.models import AuditEvent, Candidate, Paper
from factories import make_candidate
from processes import (
    BATCH,
    fake_pubmed,
    recent_records,
    scan_in_process,
    slow_first_batches,
    wait_until,
)

N_DECISIONS = 150


@pytest.fixture
def sqlite_db(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    init_db(engine)
    yield url, engine
    engine.dispose()


def pending_candidates(engine, n: int) -> list[int]:
    with Session(engine) as s:
        ids = [make_candidate(s, None, "ESR1").id for _ in range(n)]
        s.commit()
    return ids


def decide_one_by_one(engine, ids: list[int], committed: list[int]) -> None:
    """A curator's burst: one transaction per decision, appended once it has committed."""
    for cid in ids:
        with session_scope(engine) as session:
            reject(
                session=session,
                candidate_id=cid,
                actor="burst",
                expected_version=1,
                reason="out_of_scope",
            )
        committed.append(cid)
        time.sleep(0.004)


def scan_paper_count(engine) -> int:
    with Session(engine) as s:
        return len(s.exec(select(Paper.pmid).where(Paper.source.startswith("scan:"))).all())


def restore(backup: Path, tmp_path: Path) -> sa.Engine:
    """The documented restore: put the backup file where the database goes."""
    restored = tmp_path / "restored" / "evidencewatch.db"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    return make_engine(f"sqlite:///{restored}")


def test_a_backup_taken_during_a_scan_and_a_burst_of_decisions_restores_consistently(
    sqlite_db, watchlist, tmp_path: Path
):
    url, engine = sqlite_db
    ids = pending_candidates(engine, N_DECISIONS)
    committed: list[int] = []
    with fake_pubmed(recent_records(), watchlist) as fake:
        slow_first_batches(fake, n=6, seconds=0.3)
        scan = threading.Thread(target=scan_in_process, args=(url, engine, fake))
        burst = threading.Thread(target=decide_one_by_one, args=(engine, ids, committed))
        scan.start()
        burst.start()
        wait_until(lambda: scan_paper_count(engine) > 0 and len(committed) >= 20)
        before = list(committed)
        report = backup_database(engine, tmp_path / "backup.db")
        after = list(committed)
        assert scan.is_alive() and len(after) < N_DECISIONS  # both were still writing
        scan.join(60)
        burst.join(60)

    assert report.rows["auditevent"] >= N_DECISIONS + len(before)  # created + rejected
    copy = restore(report.path, tmp_path)
    ensure_current(copy)
    raw = sqlite3.connect(copy.url.database)
    assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
    with Session(copy) as s:
        decided = {c.id for c in s.exec(select(Candidate).where(Candidate.status == "rejected"))}
        audited = s.exec(select(AuditEvent.candidate_id).where(AuditEvent.action == "rejected"))
        audited_ids = list(audited.all())
        scan_pmids = set(s.exec(select(Paper.pmid).where(Paper.source.startswith("scan:"))))
        with_candidates = set(s.exec(select(Candidate.pmid)))
    # Every decision committed before the backup began is in it; it is the database as of
    # one moment, so what it holds is exactly the first decisions, each with its audit event.
    assert set(before) <= decided <= set(after)
    assert decided == set(committed[: len(decided)])
    assert sorted(audited_ids) == sorted(decided)
    # The scan's batches are whole: papers and their candidates committed together.
    assert scan_pmids and len(scan_pmids) % BATCH == 0
    assert scan_pmids <= with_candidates
    copy.dispose()


def test_copying_only_the_database_file_loses_committed_decisions_in_wal_mode(
    sqlite_db, tmp_path: Path
):
    """Why the command exists: the latest commits sit in evidencewatch.db-wal."""
    _url, engine = sqlite_db
    ids = pending_candidates(engine, 20)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    decide_one_by_one(engine, ids, committed := [])
    shutil.copyfile(engine.url.database, tmp_path / "cp.db")
    naive = make_engine(f"sqlite:///{tmp_path / 'cp.db'}")
    report = backup_database(engine, tmp_path / "backup.db")
    proper = make_engine(f"sqlite:///{report.path}")

    def rejected(e: sa.Engine) -> int:
        with Session(e) as s:
            return len(s.exec(select(Candidate.id).where(Candidate.status == "rejected")).all())

    assert rejected(naive) < len(committed)
    assert rejected(proper) == len(committed) == 20
    naive.dispose()
    proper.dispose()


def test_the_backup_is_one_self_contained_file(sqlite_db, tmp_path: Path):
    _url, engine = sqlite_db
    pending_candidates(engine, 3)
    report = backup_database(engine, tmp_path / "one.db")
    mode = sqlite3.connect(report.path).execute("PRAGMA journal_mode").fetchone()
    assert mode == ("delete",)
    assert not Path(f"{report.path}-wal").exists()
    assert report.rows == {"paper": 3, "candidate": 3, "auditevent": 3, "scan": 0}
    assert report.schema is not None and report.method == "sqlite online backup"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_an_existing_file_is_never_overwritten_without_asking(sqlite_db, tmp_path: Path):
    _url, engine = sqlite_db
    old = tmp_path / "old-backup.db"
    old.write_bytes(b"last week's backup")
    with pytest.raises(ConfigError, match="already exists"):
        backup_database(engine, old)
    assert old.read_bytes() == b"last week's backup"
    backup_database(engine, old, overwrite=True)
    assert old.read_bytes().startswith(b"SQLite format 3")


def test_the_database_itself_and_a_missing_database_are_refused(sqlite_db, tmp_path: Path):
    _url, engine = sqlite_db
    with pytest.raises(ConfigError, match="is the database itself"):
        backup_database(engine, Path(engine.url.database), overwrite=True)
    nowhere = make_engine(f"sqlite:///{tmp_path / 'never-created.db'}")
    with pytest.raises(ConfigError, match="there is no database at"):
        backup_database(nowhere, tmp_path / "b.db")
    assert not (tmp_path / "never-created.db").exists()
    with pytest.raises(ConfigError, match="does not exist"):
        backup_database(engine, tmp_path / "no-such-folder" / "b.db")
