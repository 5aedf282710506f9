"""From NLM's retraction to the living summary: recheck finds it, the next version says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from evidencewatch.jobs.recheck import recheck_job
from evidencewatch.jobs.summary import summary_job
from evidencewatch.pubmed.client import EutilsClient
from integrity_world import PMIDS, RETRACTION_PMID, stored_evidence
from summary_data import seed, validate


def _lines(document: dict[str, Any], pmid: int) -> list[dict[str, Any]]:
    """Every evidence line on ``pmid``, under findings and new rows alike."""
    found: list[dict[str, Any]] = []
    for group in document.get("groups", []):
        for item in [*group.get("findings", []), *group.get("new_rows", [])]:
            for side in item.get("sides", {}).values():
                found += [ln for ln in side.get("lines", []) if ln.get("pmid") == pmid]
    return found


def test_a_retraction_recheck_finds_is_in_the_next_versions_changes_and_struck_through(
    settings, engine, matcher, tmp_path: Path
):
    out = tmp_path / "summaries"
    with stored_evidence(engine, matcher) as world:
        with Session(engine) as session:
            seed(session)
            session.commit()
        v1 = summary_job(settings, engine=engine, out_dir=out, publish=True)
        before = _lines(v1.document, PMIDS[0])
        assert before and not any(ln["retracted"] for ln in before)

        world.retract_first()
        with EutilsClient(base_url=world.fake.base_url, tool="t", email=None) as client:
            counts = recheck_job(settings, engine=engine, client=client, show_progress=False)
        assert counts.as_json()["retracted"] == 1

        v2 = summary_job(settings, engine=engine, out_dir=out, publish=True)
    integrity = v2.document["changes"]["integrity"]
    assert [(n["pmid"], n["kind"], n["notice_pmid"]) for n in integrity] == [
        (PMIDS[0], "retracted", RETRACTION_PMID)
    ]
    lines = _lines(v2.document, PMIDS[0])
    assert lines and all(ln["retracted"] for ln in lines)
    validate(v2.document)
    assert "Changes since version 1" in (out / "summary-v2.html").read_text(encoding="utf-8")
