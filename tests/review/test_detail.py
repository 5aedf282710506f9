"""One candidate with everything a reviewer needs (evidencewatch.review.detail)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from evidencewatch.core.errors import NotFound
from evidencewatch.review import detail as details
from evidencewatch.storage.models import SeedFindingRow
from factories import make_candidate, make_paper


def test_candidate_detail_bundles_paper_record_siblings_findings_and_history(session):
    paper = make_paper(session, title="ESR1 and ERBB2")
    cand = make_candidate(session, paper, "ESR1")
    sib = make_candidate(session, paper, "ERBB2", status="accepted")
    session.add(SeedFindingRow(id="esr1-mut", genes=["ESR1", "PGR"], claim="ESR1 claim"))
    session.add(SeedFindingRow(id="other", genes=["TOP2A"], claim="other"))
    session.flush()
    detail = details.candidate_detail(session=session, candidate_id=cand.id)
    assert detail.paper.pmid == paper.pmid
    assert detail.record is not None and detail.record.title == "ESR1 and ERBB2"
    assert [s.id for s in detail.siblings] == [sib.id]
    assert [s.id for s in detail.accepted_siblings] == [sib.id]
    assert [f.id for f in detail.seed_findings] == ["esr1-mut"]
    assert [e.action for e in detail.history] == ["created"]


def test_unknown_candidate_raises_not_found(session):
    with pytest.raises(NotFound, match="candidate 999"):
        details.candidate_detail(session=session, candidate_id=999)


def test_a_candidate_opposing_a_seed_finding_is_flagged_on_its_page_and_in_show(engine, settings):
    """SLC7A5 low -> resistance opposes the seed's SLC7A5 high -> resistance (chemotherapy)."""
    import json

    from click.testing import CliRunner

    from evidencewatch.cli.main import cli
    from evidencewatch.review.detail import candidate_detail

    with Session(engine) as s:
        s.add(
            SeedFindingRow(
                id="slc7a5-high",
                genes=["SLC7A5"],
                direction="up",
                effect="resistance",
                therapy_class="chemotherapy",
                claim="High SLC7A5 marks non-responders.",
            )
        )
        paper = make_paper(s, pmid=99400001, title="Low SLC7A5 and anthracycline resistance")
        cand = make_candidate(
            s, paper, "SLC7A5", therapy_class="chemotherapy", direction="down", effect="resistance"
        )
        s.commit()
        cand_id = cand.id
        detail = candidate_detail(session=s, candidate_id=cand_id)
    assert [x.opposing.seed_id for x in detail.contradictions] == ["slc7a5-high"]
    shown = CliRunner().invoke(
        cli, ["--db", settings.database_url, "review", "show", str(cand_id), "--json"]
    )
    assert json.loads(shown.output)["contradictions"][0]["opposing"] == "slc7a5-high"
