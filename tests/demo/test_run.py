"""`evidencewatch demo`: the whole pipeline offline, ending with a digest and the app's URL."""

from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.storage.db import make_engine
from evidencewatch.storage.models import Candidate, Digest, Paper, Scan


def test_demo_seeds_scans_queues_and_writes_a_digest_offline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "demo"
    result = CliRunner().invoke(
        cli,
        ["demo", "--dir", str(workdir), "--port", "8123"],
        env={"EVIDENCEWATCH_EUTILS_URL": "http://127.0.0.1:9/"},
    )
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{workdir / 'evidencewatch.db'}")
    with Session(engine) as s:
        scan = s.exec(select(Scan)).one()
        papers = s.exec(select(Paper)).all()
        candidates = s.exec(select(Candidate)).all()
        digest = s.exec(select(Digest)).one()
    assert scan.status == "succeeded" and scan.trigger == "demo"
    # Only demo PMIDs: the demo never reaches the configured (unreachable) E-utilities URL.
    assert papers and all(99000001 <= p.pmid <= 99000099 for p in papers)
    genes = {c.gene for c in candidates}
    assert {"SLC7A5", "RELA", "ERBB2", "SRPK1", "NEIL1"} <= genes
    # 99000015's PCNA is a nurses' association: it queues nothing.
    assert not [c for c in candidates if c.pmid == 99000015]
    assert all(f.startswith(str(workdir)) for f in digest.files)
    assert (workdir / "digests").is_dir() and len(list((workdir / "digests").iterdir())) == 2
    assert "http://127.0.0.1:8123/" in result.output
    assert "Review queue (" in result.output
