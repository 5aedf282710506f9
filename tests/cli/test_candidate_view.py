"""How ``review show`` presents a candidate (evidencewatch.cli.candidate_view)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from evidencewatch.cli.candidate_view import detail_json, json_default, print_detail
from evidencewatch.review.detail import candidate_detail
from factories import make_candidate, make_paper


def test_json_default_writes_dates_and_times_as_iso_and_refuses_anything_else():
    at = datetime(2026, 11, 24, 12, 3, tzinfo=UTC)
    assert json.dumps({"d": date(2026, 11, 24), "at": at}, default=json_default) == (
        '{"d": "2026-11-24", "at": "2026-11-24T12:03:00+00:00"}'
    )
    with pytest.raises(TypeError, match="set is not JSON serialisable"):
        json_default({1})


def test_detail_json_names_accepted_siblings_and_the_abstract(session):
    paper = make_paper(session, title="ESR1 and ERBB2")
    cand = make_candidate(session, paper, "ESR1")
    sib = make_candidate(session, paper, "ERBB2", status="accepted")
    data = detail_json(candidate_detail(session=session, candidate_id=cand.id))
    assert data["already_accepted"] == [sib.id]
    assert data["paper"]["abstract"]
    assert json.loads(json.dumps(data, default=json_default))["candidate"]["id"] == cand.id


def test_print_detail_warns_about_a_retracted_or_deleted_paper(session, capsys):
    deleted = datetime(2026, 11, 24, tzinfo=UTC)
    paper = make_paper(session, is_retracted=True, deleted_at=deleted)
    cand = make_candidate(session, paper, "ESR1")
    print_detail(detail_json(candidate_detail(session=session, candidate_id=cand.id)))
    out = capsys.readouterr().out
    assert "WARNING: this paper is retracted" in out
    assert "WARNING: deleted from PubMed on 2026-11-24T00:00:00+00:00" in out
