"""`import --jobs 2` stores exactly what `--jobs 1` stores, DeleteCitation order included."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import Session, select

from evidencewatch.jobs.importing import run_import
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.storage.models import AuditEvent, Candidate, Paper

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def files(tmp_path: Path) -> list[Path]:
    """Baseline, an update that revises one paper and deletes another, the baseline again
    (re-adding the deleted paper: its outcome depends on the order files are stored in),
    then a saved search in MEDLINE format."""
    names = ["baseline.xml", "update.xml", "baseline.xml", "saved-search.nbib"]
    out = []
    for k, name in enumerate(names):
        target = tmp_path / f"{k}-{name}"
        shutil.copy(FIXTURES / name, target)
        out.append(target)
    return out


def state(url: str) -> dict[str, object]:
    with Session(make_engine(url)) as s:
        papers = sorted(
            (p.pmid, p.version, p.title, p.deleted_at is not None, p.source)
            for p in s.exec(select(Paper)).all()
        )
        candidates = sorted(
            (c.pmid, c.gene, str(c.status), round(c.score, 6))
            for c in s.exec(select(Candidate)).all()
        )
        events = sorted(
            (e.action, e.candidate_id is not None) for e in s.exec(select(AuditEvent)).all()
        )
    return {"papers": papers, "candidates": candidates, "events": events}


def import_with(tmp_path: Path, name: str, paths: list[Path], matcher, jobs: int):
    url = f"sqlite:///{tmp_path / name}"
    engine = make_engine(url)
    init_db(engine)
    report = run_import(engine=engine, paths=paths, matcher=matcher, jobs=jobs, batch_size=2)
    return url, report


def test_two_reader_processes_store_exactly_what_one_process_stores(tmp_path, matcher):
    paths = files(tmp_path)
    one_url, one = import_with(tmp_path, "one.db", paths, matcher, jobs=1)
    two_url, two = import_with(tmp_path, "two.db", paths, matcher, jobs=2)
    assert state(two_url) == state(one_url)
    assert two.as_json() == one.as_json()
    assert one.files == 4 and one.counts.deleted >= 1  # the update's DeleteCitation applied


def test_files_are_stored_in_the_order_given_not_the_order_read(tmp_path, matcher):
    paths = files(tmp_path)[:2]  # the update last: its DeleteCitation wins
    url, report = import_with(tmp_path, "order.db", paths, matcher, jobs=2)
    reverse_url, _ = import_with(tmp_path, "reverse.db", list(reversed(paths)), matcher, jobs=2)
    assert report.files == 2
    assert state(url) != state(reverse_url)
    one_url, _ = import_with(tmp_path, "order1.db", paths, matcher, jobs=1)
    assert state(url) == state(one_url)
