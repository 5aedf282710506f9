"""Publishing the summary: numbered frozen versions, their changes, files never rewritten."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from evidencewatch.core.errors import ConfigError
from evidencewatch.jobs.summary import override_job, summary_job
from evidencewatch.reporting.summary.store import list_versions
from evidencewatch.review.decisions import DecisionNotAllowed
from evidencewatch.storage.summary import SummaryOverride, SummaryVersion
from factories import make_user
from summary_data import SLC7A5, accept, notice, seed, validate

T1 = datetime(2026, 12, 1, 9, tzinfo=UTC)
T2 = datetime(2026, 12, 2, 9, tzinfo=UTC)


def test_publish_version_1_decide_more_publish_version_2_names_exactly_what_changed(
    settings, engine, tmp_path: Path
):
    out = tmp_path / "summaries"
    with Session(engine, expire_on_commit=False) as s:
        seed(s)
        first = accept(s, "SLC7A5")
        s.commit()
    v1 = summary_job(settings, engine=engine, out_dir=out, publish=True, note="first", now=T1)
    assert v1.version == 1
    assert v1.document["changes"]["status_changes"] == [
        {"finding_id": SLC7A5, "from": "unchanged", "to": "supported", "overridden": False}
    ]
    with Session(engine, expire_on_commit=False) as s:
        opposing = accept(s, "SLC7A5", direction="down")
        row = accept(s, "PRLR", therapy_class="endocrine")
        notice(s, first.pmid, "erratum", notice_pmid=41000001)
        s.commit()
    v2 = summary_job(settings, engine=engine, out_dir=out, publish=True, now=T2)
    changes = v2.document["changes"]
    assert v2.version == 2 and changes["since_version"] == 1
    assert changes["status_changes"] == [
        {"finding_id": SLC7A5, "from": "supported", "to": "contested", "overridden": False}
    ]
    assert [(c.get("finding_id"), c["side"], c["pmid"]) for c in changes["new_studies"]] == [
        (SLC7A5, "opposing", opposing.pmid)
    ]
    assert [r["key"] for r in changes["new_rows"]] == ["PRLR|endocrine|mRNA|up|resistance"]
    assert [(n["pmid"], n["kind"], n["notice_pmid"]) for n in changes["integrity"]] == [
        (first.pmid, "erratum", 41000001)
    ]
    assert row.pmid not in [c["pmid"] for c in changes["new_studies"]]  # listed as a new row
    html = (out / "summary-v2.html").read_text(encoding="utf-8")
    assert "Changes since version 1" in html
    md = (out / "summary-v2.md").read_text(encoding="utf-8")
    assert "Changes since version 1" in md and f"PMID {opposing.pmid}" in md
    for number in (1, 2):
        validate(json.loads((out / f"summary-v{number}.json").read_text(encoding="utf-8")))
    with Session(engine, expire_on_commit=False) as s:
        stored = s.exec(select(SummaryVersion).order_by(SummaryVersion.number)).all()
        assert [(v.number, v.note) for v in stored] == [(1, "first"), (2, "")]
        assert stored[0].document == v1.document
        assert stored[1].changes == changes  # kept beside the document for the version list
        validate(stored[1].document)
        assert [(v.number, v.changes) for v in list_versions(session=s)] == [
            (2, changes),
            (1, v1.document["changes"]),
        ]


def test_published_files_are_never_rewritten(settings, engine, tmp_path: Path):
    out = tmp_path / "summaries"
    with Session(engine, expire_on_commit=False) as s:
        seed(s)
        accept(s, "SLC7A5")
        s.commit()
    summary_job(settings, engine=engine, out_dir=out, publish=True, now=T1)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    with Session(engine, expire_on_commit=False) as s:
        accept(s, "SLC7A5", direction="down")
        s.commit()
    summary_job(settings, engine=engine, out_dir=out, publish=True, now=T2)
    summary_job(settings, engine=engine, out_dir=out, now=T2)  # a draft beside them
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    for name, value in before.items():
        assert after[name] == value, f"{name} was rewritten"
    assert {"summary-v2.json", "summary-draft.html"} <= set(after)


def test_a_publish_that_would_overwrite_a_file_stores_nothing_and_leaves_no_file(
    settings, engine, tmp_path: Path
):
    out = tmp_path / "summaries"
    out.mkdir()
    (out / "summary-v1.md").write_text("someone else's file", encoding="utf-8")
    with Session(engine, expire_on_commit=False) as s:
        seed(s)
        s.commit()
    with pytest.raises(ConfigError, match="never rewritten"):
        summary_job(settings, engine=engine, out_dir=out, publish=True, now=T1)
    assert sorted(p.name for p in out.iterdir()) == ["summary-v1.md"]
    assert (out / "summary-v1.md").read_text(encoding="utf-8") == "someone else's file"
    with Session(engine, expire_on_commit=False) as s:
        assert s.exec(select(SummaryVersion)).all() == []


def test_the_draft_is_compared_with_the_last_published_version(settings, engine, tmp_path):
    with Session(engine, expire_on_commit=False) as s:
        seed(s)
        accept(s, "SLC7A5")
        s.commit()
    summary_job(settings, engine=engine, out_dir=tmp_path, publish=True, now=T1)
    draft = summary_job(settings, engine=engine, out_dir=tmp_path, fmt="md", now=T2)
    assert draft.version is None and draft.document["draft"] is True
    assert draft.document["changes"]["since_version"] == 1
    assert [p.name for p in draft.files] == ["summary-draft.md"]
    text = draft.files[0].read_text(encoding="utf-8")
    assert "draft, as of now" in text and "Nothing changed." in text


def test_only_editors_and_admins_override_and_each_override_is_kept(settings, engine):
    with Session(engine, expire_on_commit=False) as s:
        seed(s)
        make_user(s, "carl", "curator")
        make_user(s, "erin", "editor")
        s.commit()
    with pytest.raises(DecisionNotAllowed, match="editor or an admin"):
        override_job(engine=engine, finding_id=SLC7A5, status="contested", reason="x", actor="carl")
    with pytest.raises(ConfigError, match="written reason"):
        override_job(engine=engine, finding_id=SLC7A5, status="contested", reason=" ", actor="erin")
    override_job(engine=engine, finding_id=SLC7A5, status="contested", reason="why", actor="erin")
    override_job(engine=engine, finding_id=SLC7A5, status=None, reason="rules again", actor="erin")
    with Session(engine, expire_on_commit=False) as s:
        rows = s.exec(select(SummaryOverride).order_by(SummaryOverride.id)).all()
    assert [(r.status, r.previous_status, r.reason, r.actor) for r in rows] == [
        ("contested", "", "why", "erin"),
        ("", "contested", "rules again", "erin"),
    ]
