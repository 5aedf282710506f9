"""`evidencewatch import`: offline backfill with the same match and store as a scan."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.core.vocabulary import Status
from evidencewatch.ingest.unresolved import record_unresolved
from evidencewatch.jobs.importing import run_import
from evidencewatch.storage.models import AuditEvent, Candidate, Paper, Scan, UnresolvedPmid

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"


def test_import_stores_matching_papers_and_queues_candidates(engine, matcher):
    report = run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    with Session(engine) as s:
        pmids = set(s.exec(select(Paper.pmid)).all())
        pairs = {(c.pmid, c.gene) for c in s.exec(select(Candidate)).all()}
    # The sleep survey mentions no tracked gene: a bulk import does not keep it.
    assert pmids == {99100001, 99100002}
    assert (99100001, "SLC7A5") in pairs
    assert (99100002, "RELA") in pairs
    assert report.records == 3
    assert report.as_json()["papers_new"] == 2


def test_malformed_record_is_reported_by_file_and_position_and_the_rest_loads(engine, matcher):
    report = run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error["file"].endswith("baseline.xml")
    assert error["position"]
    assert "PMID" in error["message"]
    with Session(engine) as s:
        assert len(s.exec(select(Paper)).all()) == 2


def test_importing_the_same_file_twice_stores_nothing_new(engine, matcher):
    def rows() -> tuple[int, int, int]:
        with Session(engine) as s:
            return (
                len(s.exec(select(Paper)).all()),
                len(s.exec(select(Candidate)).all()),
                len(s.exec(select(AuditEvent)).all()),
            )

    run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    before = rows()
    again = run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    assert again.as_json()["papers_new"] == 0
    assert again.as_json()["papers_updated"] == 0
    assert again.as_json()["candidates_new"] == 0
    assert rows() == before and before[1] > 0


def test_update_file_revises_records_and_applies_delete_citation(engine, matcher):
    run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    report = run_import(engine=engine, paths=[FIXTURES / "update.xml"], matcher=matcher)
    out = report.as_json()
    assert out["papers_updated"] == 1
    # 99100999 was never stored: DeleteCitation may list PMIDs we never had.
    assert out["deleted"] == 1
    with Session(engine) as s:
        revised = s.get(Paper, 99100001)
        deleted = s.get(Paper, 99100002)
        assert revised.record["keywords"] == ["amino acid transport"]
        assert deleted.deleted_at is not None
        withdrawn = s.exec(select(Candidate).where(Candidate.pmid == 99100002)).all()
        assert withdrawn and all(c.status == Status.withdrawn for c in withdrawn)
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "withdrawn")).all()
        assert {e.candidate_id for e in events} == {c.id for c in withdrawn}


def test_an_import_resolves_pmids_a_scan_left_unresolved(engine, matcher):
    with Session(engine) as s:
        scan = Scan(kind="scan", status="incomplete")
        s.add(scan)
        s.flush()
        # 99100001 is in the baseline file; 99100999 only in the update's DeleteCitation.
        record_unresolved(session=s, pmids=[99100001, 99100999, 99100777], scan_id=scan.id)
        s.commit()
    base = run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    update = run_import(engine=engine, paths=[FIXTURES / "update.xml"], matcher=matcher)
    with Session(engine) as s:
        stored, gone, waiting = (s.get(UnresolvedPmid, p) for p in (99100001, 99100999, 99100777))
        assert (stored.resolution, stored.resolved_by) == ("stored", f"import:{base.scan_id}")
        assert gone.resolution == "gone"
        assert gone.resolved_by == f"import:{update.scan_id} DeleteCitation"
        assert waiting.resolved_at is None  # named by neither file


def test_decided_candidates_keep_their_decision_when_the_paper_is_deleted(engine, matcher):
    run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    with Session(engine) as s:
        cand = s.exec(select(Candidate).where(Candidate.pmid == 99100002)).first()
        cand.status = Status.accepted.value
        s.add(cand)
        s.commit()
        cand_id = cand.id
    run_import(engine=engine, paths=[FIXTURES / "update.xml"], matcher=matcher)
    with Session(engine) as s:
        assert s.get(Candidate, cand_id).status == Status.accepted


def test_gzip_files_import_like_plain_ones(engine, matcher, tmp_path):
    gz = tmp_path / "pubmed99n0001.xml.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "baseline.xml").read_bytes()))
    report = run_import(engine=engine, paths=[gz], matcher=matcher)
    assert report.as_json()["papers_new"] == 2


def test_import_is_recorded_as_a_scan_of_kind_import(engine, matcher):
    run_import(engine=engine, paths=[FIXTURES / "baseline.xml"], matcher=matcher)
    with Session(engine) as s:
        scan = s.exec(select(Scan)).one()
    assert scan.kind == "import"
    assert scan.papers_new == 2
    assert scan.problems and "baseline.xml" in scan.problems[0]


def test_cli_import_json_ends_with_the_counts(settings, tmp_path):
    shutil.copy(FIXTURES / "update.xml", tmp_path / "update.xml")
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            settings.database_url,
            "import",
            "--json",
            str(FIXTURES / "baseline.xml"),
            str(tmp_path / "update.xml"),
        ],
    )
    last = json.loads(result.output.strip().splitlines()[-1])
    assert set(last) == {
        "files",
        "records",
        "papers_new",
        "papers_updated",
        "deleted",
        "candidates_new",
        "errors",
    }
    assert last["files"] == 2
    assert last["deleted"] == 1
    assert len(last["errors"]) == 1
    assert result.exit_code == 1  # a record could not be read: say so in the exit code


def test_cli_import_of_a_missing_file_names_it(settings):
    result = CliRunner().invoke(cli, ["--db", settings.database_url, "import", "/nope/x.xml"])
    assert result.exit_code == 2
    assert "/nope/x.xml" in result.output


def test_cli_refuses_a_database_without_schema(tmp_path):
    result = CliRunner().invoke(
        cli, ["--db", f"sqlite:///{tmp_path / 'empty.db'}", "import", str(FIXTURES / "update.xml")]
    )
    assert result.exit_code == 2
    assert "evidencewatch init" in result.output


NBIB = FIXTURES / "saved-search.nbib"


def test_a_saved_pubmed_search_in_medline_format_is_matched_and_stored(engine, matcher):
    report = run_import(engine=engine, paths=[NBIB], matcher=matcher)
    with Session(engine) as s:
        pmids = set(s.exec(select(Paper.pmid)).all())
        pairs = {(c.pmid, c.gene) for c in s.exec(select(Candidate)).all()}
    assert pmids == {99200001, 99200005}  # the nurses' survey names no tracked gene
    assert (99200001, "ERBB2") in pairs and (99200005, "RELA") in pairs
    assert [(e["file"].rsplit("/", 1)[-1], e["position"]) for e in report.errors] == [
        ("saved-search.nbib", "record 2, line 37"),
        ("saved-search.nbib", "record 4, line 50"),
    ]
    assert report.records == 3  # as for XML: records read, problems apart


def test_a_gzipped_medline_file_imports_like_a_plain_one(engine, matcher, tmp_path):
    gz = tmp_path / "search.txt.gz"
    gz.write_bytes(gzip.compress(NBIB.read_bytes()))
    report = run_import(engine=engine, paths=[gz], matcher=matcher)
    assert report.counts.papers_new == 2
