"""The summary built from a real database: sides, statuses, new rows, retractions, overrides."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from evidencewatch.reporting.summary import build_document, gather_input, render_all
from evidencewatch.reporting.summary.store import override_status
from evidencewatch.reporting.templating import make_env
from evidencewatch.storage.models import Paper
from evidencewatch.watch.seedfiles import load_seed_dir
from summary_data import CYP, SLC7A5, accept, finding, notice, seed, validate

NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def build(session: Session) -> dict:
    session.flush()
    return build_document(gather_input(session=session), now=NOW)


def test_without_accepted_evidence_every_finding_is_unchanged_and_the_schema_holds(session):
    seed(session)
    doc = build(session)
    validate(doc)
    statuses = {f["status"] for g in doc["groups"] for f in g["findings"]}
    assert statuses == {"unchanged"}
    assert doc["draft"] is True and doc["version"] is None
    assert doc["totals"]["findings"] == len(load_seed_dir()[1])


def test_evidence_is_split_into_supporting_opposing_and_no_association(session):
    seed(session)
    support = accept(session, "SLC7A5", evidence_level="B", subtype="triple-negative")
    oppose = accept(session, "SLC7A5", direction="down", evidence_level="D")
    none = accept(session, "SLC7A5", direction="none", effect="no_association")
    f = finding(build(session), SLC7A5)
    sides = f["sides"]
    assert [ln["pmid"] for ln in sides["supporting"]["lines"]] == [support.pmid]
    assert [ln["pmid"] for ln in sides["opposing"]["lines"]] == [oppose.pmid]
    assert [ln["pmid"] for ln in sides["no_association"]["lines"]] == [none.pmid]
    assert (sides["supporting"]["highest_level"], sides["opposing"]["highest_level"]) == ("B", "D")
    assert f["status"] == "contested"
    line = sides["supporting"]["lines"][0]
    assert line["subtype"] == "triple-negative" and line["text_source"] == "abstract"


def test_statuses_follow_the_rules_on_real_findings(session):
    seed(session)
    accept(session, "CYP3A4", subtype="triple-negative")  # CYP finding: a named subtype
    accept(session, "SLC7A5")
    accept(session, "SLC7A5", direction="down")
    accept(session, "SLC7A5", direction="down")
    doc = build(session)
    assert finding(doc, CYP)["status"] == "extended"
    assert finding(doc, SLC7A5)["status"] == "contradicted"


def test_a_multi_gene_finding_counts_one_paper_once(session):
    seed(session)
    first = accept(session, "CYP3A4")
    accept(session, "CYP2A6", paper=session.get(Paper, first.pmid))
    accept(session, "CYP2A6")
    side = finding(build(session), CYP)["sides"]["supporting"]
    assert (side["studies"], side["candidates"]) == (2, 3)  # two papers, three candidates


def test_evidence_no_finding_covers_becomes_new_rows_grouped_like_the_document(session):
    seed(session)
    accept(session, "SLC7A5", therapy_class="endocrine")
    accept(session, "SLC7A5", alteration="mutation")
    accept(session, "PRLR")  # tracked (named by a cited paper), in no finding
    doc = build(session)
    rows = {r["key"]: g["name"] for g in doc["groups"] for r in g["new_rows"]}
    assert rows == {
        "SLC7A5|endocrine|mRNA|up|resistance": "Amino-acid transport",
        "SLC7A5|chemotherapy|mutation|up|resistance": "Amino-acid transport",
        "PRLR|chemotherapy|mRNA|up|resistance": "Other tracked genes",
    }
    assert finding(doc, SLC7A5)["status"] == "unchanged"
    assert doc["totals"]["new_rows"] == 3


def test_accepted_evidence_on_a_retracted_paper_is_struck_through_and_counted_apart(session):
    seed(session)
    gone = accept(session, "SLC7A5", evidence_level="A")
    notice(session, gone.pmid, "retracted")
    dismissed = accept(session, "CYP3A4")
    notice(session, dismissed.pmid, "retracted", state="dismissed")
    doc = build(session)
    validate(doc)
    side = finding(doc, SLC7A5)["sides"]["supporting"]
    assert (side["studies"], side["retracted_studies"], side["highest_level"]) == (0, 1, None)
    assert side["lines"][0]["retracted"] is True
    assert finding(doc, SLC7A5)["status"] == "support retracted"
    assert finding(doc, CYP)["status"] == "supported"  # a dismissed notice changes nothing
    html = render_all(doc, make_env())["html"]
    assert f'<li class="line retracted" data-pmid="{gone.pmid}">' in html
    assert "<s>" in html and "RETRACTED: counted apart" in html


def test_a_paper_marked_retracted_in_pubmed_counts_as_retracted_without_a_notice(session):
    seed(session)
    cand = accept(session, "SLC7A5")
    row = session.get(Paper, cand.pmid)
    row.is_retracted = True
    session.add(row)
    doc = build(session)
    assert finding(doc, SLC7A5)["status"] == "support retracted"
    assert [(n["pmid"], n["kind"]) for n in doc["integrity"]] == [(cand.pmid, "retracted")]


def test_a_retracted_cited_paper_marks_every_finding_that_cites_it(session):
    seed(session)
    notice(session, 38256136, "retracted")
    doc = build(session)
    citing = {f["id"] for g in doc["groups"] for f in g["findings"] if f["cited_retracted"]}
    assert SLC7A5 in citing and CYP in citing
    assert {finding(doc, fid)["status"] for fid in citing} == {"support retracted"}
    assert doc["integrity"][0]["touches"] == ["cited"]


def test_concerns_and_errata_flag_the_line_but_leave_the_counts(session):
    seed(session)
    cand = accept(session, "SLC7A5")
    notice(session, cand.pmid, "concern")
    doc = build(session)
    side = finding(doc, SLC7A5)["sides"]["supporting"]
    assert side["studies"] == 1 and side["lines"][0]["integrity"] == ["concern"]
    assert doc["changes"]["integrity"][0]["kind"] == "concern"


def test_an_override_replaces_the_status_and_keeps_the_computed_one_and_the_reason(session):
    seed(session)
    accept(session, "SLC7A5")
    override_status(
        session=session,
        finding_id=SLC7A5,
        status="contested",
        reason="the supporting paper measured protein",
        actor="erin",
        role="editor",
    )
    doc = build(session)
    validate(doc)
    f = finding(doc, SLC7A5)
    assert (f["status"], f["computed_status"]) == ("contested", "supported")
    assert f["override"]["reason"] == "the supporting paper measured protein"
    texts = render_all(doc, make_env())
    assert "Reason: the supporting paper measured protein" in texts["html"]
    assert "Reason: the supporting paper measured protein" in texts["md"]


def test_every_rendered_form_carries_the_legend_and_says_draft(session):
    seed(session)
    accept(session, "SLC7A5", statement="SLC7A5 <b>high</b> & | pipes")
    texts = render_all(build(session), make_env())
    for text in (texts["html"], texts["md"]):
        assert "draft, as of now" in text.lower()
        assert "How a status is computed" in text
        assert "contradicted" in text
    assert "<b>high</b>" not in texts["html"]  # escaped
    assert "SLC7A5 <b>" not in texts["md"]
