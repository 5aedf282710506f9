"""What ``build_digest`` finds in the known database, and how both documents show it."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session

from evidencewatch.reporting.digest import build_digest, md_escape, render_html, render_markdown
from evidencewatch.reporting.templating import make_env
from reporting.digest.known_db import (
    BOTH_GENES,
    DELETED,
    EARLIER,
    LATER,
    NEW_PENDING,
    NEW_PMIDS,
    NOW,
    OPPOSED,
    PERIOD,
    RANGE,
    REJECTED_1,
    RETRACTED,
    html_section,
    md_section,
)


def test_what_changed_lists_each_paper_accepted_in_the_period_once(data, html, markdown):
    assert [p.pmid for p in data.new_papers] == NEW_PMIDS
    assert data.accepted_count == 5
    changed = html_section(html, "what-changed")
    listed = re.findall(r'<li class="paper" id="paper-(\d+)"', changed)
    assert listed == [str(p) for p in NEW_PMIDS]
    new_md = md_section(markdown, "Newly accepted evidence")
    assert re.findall(
        r"^- \[.*?\]\(https://pubmed\.ncbi\.nlm\.nih\.gov/(\d+)/\)", new_md, re.M
    ) == [str(p) for p in NEW_PMIDS]
    for outside in (EARLIER, LATER, DELETED, NEW_PENDING, REJECTED_1):
        assert f"paper-{outside}" not in changed
        assert f"/{outside}/" not in new_md


def test_paper_accepted_for_two_genes_is_one_row_listing_every_gene(data, html, markdown):
    row = data.new_papers[0]
    assert row.pmid == BOTH_GENES and row.genes == ["RELA", "SLC7A5"]
    item = re.search(
        rf'<li class="paper" id="paper-{BOTH_GENES}">(.*?)</li>\s*<li class="paper"', html, re.S
    )
    assert (
        item
        and 'genes: <span class="gene">RELA</span>, <span class="gene">SLC7A5</span>'
        in item.group(1)
    )
    assert "Nuclear p65 rose in trastuzumab-resistant clones." in item.group(1)
    assert "genes: RELA, SLC7A5" in markdown
    assert markdown.count(f"https://pubmed.ncbi.nlm.nih.gov/{BOTH_GENES}/)") == 3  # row + 2 genes


def test_accepted_evidence_shows_statement_stance_level_and_curator(html, markdown):
    assert "Loss of SLC7A5 went with chemoresistance." in html
    assert "down → resistance" in html and "level B" in html
    assert "Accepted by alice on 2026-11-22" in html
    assert "“Loss of SLC7A5 went with chemoresistance.”" in markdown
    assert "down → resistance · level B: " in markdown


def test_first_evidence_genes_have_no_accepted_evidence_before_the_period(data, html, markdown):
    assert data.first_evidence_genes == ("CYP3A4", "RELA", "SRPK1")  # SLC7A5 had some in October
    first = re.search(r'<p id="first-evidence">(.*?)</p>', html, re.S)
    assert first and re.findall(r">(\w+)</a>", first.group(1)) == ["CYP3A4", "RELA", "SRPK1"]
    assert (
        md_section(markdown, "Genes with their first accepted evidence").strip()
        == "CYP3A4, RELA, SRPK1"
    )


def test_backlog_counts_pending_candidates_and_the_oldest_wait(data, html, markdown):
    backlog = data.backlog
    assert backlog.pending == 2 and backlog.deferred == 1
    assert backlog.oldest_days == 46  # 2026-10-10 08:00 to 2026-11-25 08:00
    assert [(g.gene, g.pending, g.oldest_days) for g in backlog.per_gene] == [
        ("NEIL1", 1, 4),
        ("RELA", 1, 46),
    ]  # NEIL1: queued 2026-11-20 10:00
    assert (
        "2 candidates waiting for a decision; the oldest has waited 46 days (1 more deferred)"
        in html
    )
    assert "| RELA | 1 | 46 |" in markdown


def test_contradictions_list_both_sides(data, html, markdown):
    found = {
        (c.subject.pmid, c.basis, c.opposing.seed_id or c.opposing.pmid, c.kind, c.similar)
        for c in data.contradictions
    }
    assert found == {
        (OPPOSED, "seed", "slc7a5-high", "opposite direction", 0),
        # the earliest opposing accepted paper, and one more (BOTH_GENES) on the same side
        (OPPOSED, "accepted", EARLIER, "opposite direction", 1),
        (NEW_PENDING, "seed", "neil1-eme2-radio", "effect vs no association", 0),
    }
    block = re.search(r'<ol class="contradictions">(.*?)</ol>', html, re.S)
    assert block
    items = re.findall(r'<li class="contradiction">(.*?)</ul>\s*</li>', block.group(1), re.S)
    assert len(items) == 3
    seed_item = next(i for i in items if "slc7a5-high" in i)
    assert "Loss of SLC7A5 went with chemoresistance." in seed_item  # this side
    assert "High SLC7A5 separates non-responders" in seed_item  # the other side
    assert "https://pubmed.ncbi.nlm.nih.gov/38256136/" in seed_item
    contradictions_md = md_section(markdown, "Contradictions")
    assert contradictions_md.count("- **") == 3
    assert "(and 1 more accepted item taking the same side)" in contradictions_md


def test_accepted_evidence_on_retracted_or_deleted_papers_is_listed_under_integrity(
    data, html, markdown
):
    assert [(p.pmid, p.retracted, p.deleted, p.genes) for p in data.integrity] == [
        (DELETED, False, True, ["ESR1"]),
        (RETRACTED, True, False, ["SRPK1"]),
    ]
    integrity = html.split("<h3>Integrity</h3>", 1)[1].split("</section>", 1)[0]
    assert f"(PMID {RETRACTED})" in integrity and f"(PMID {DELETED})" in integrity
    assert "RETRACTED" in integrity and "DELETED FROM PUBMED" in integrity
    assert f'id="paper-{RETRACTED}"' in html  # still listed as new, flagged
    integrity_md = md_section(markdown, "Integrity")
    assert f"(PMID {RETRACTED}) **RETRACTED**" in integrity_md
    assert f"(PMID {DELETED}) **DELETED FROM PUBMED**" in integrity_md


def test_chart_has_one_bar_per_gene_and_week_with_accepted_evidence(data, html):
    assert [(gene, sum(row)) for gene, row in data.chart.counts] == [
        ("CYP3A4", 1),
        ("RELA", 1),
        ("SLC7A5", 3),
        ("SRPK1", 1),
    ]  # weeks ending 2026-11-24
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg
    bars = re.findall(r'<rect class="bar"[^>]*><title>([^<]*)</title></rect>', svg.group(0))
    # SLC7A5: one bar in early October, one this week (2 accepted); the others one bar each.
    assert len(bars) == 5
    assert f"SLC7A5, week {RANGE}: 2 accepted" in bars
    assert 'role="img"' in svg.group(0) and "<desc" in svg.group(0)
    assert '<table class="chart-data">' in html  # the text alternative


def test_an_empty_period_says_so_plainly(known: Session):
    data = build_digest(
        session=known, period_from=date(2026, 8, 1), period_to=date(2026, 8, 7), now=NOW
    )
    env = make_env()
    message = (
        "No evidence was accepted between 2026-08-01 and 2026-08-07; 2 candidates are waiting."
    )
    assert data.is_empty and data.empty_message == message
    assert f'<p class="empty">{message}</p>' in render_html(data, env)
    assert f"**{message}**" in render_markdown(data, env)
    assert "No evidence was accepted in the 12 weeks ending 2026-08-07." in render_html(data, env)


def test_an_empty_database_renders(session: Session):
    data = build_digest(session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    html = render_html(data, make_env())
    assert "0 candidates are waiting" in html and "run <code>evidencewatch seed</code>" in html
    assert "No evidence was accepted between 2026-11-18 and 2026-11-24" in render_markdown(
        data, make_env()
    )


def test_every_loaded_seed_finding_appears_with_only_the_pmids_its_file_gives(session: Session):
    from evidencewatch.ingest.seed import load_findings
    from evidencewatch.watch.seedfiles import load_seed_dir

    _watchlist, findings = load_seed_dir()
    load_findings(session=session, findings=findings)
    session.commit()
    data = build_digest(session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    html, markdown = render_html(data, make_env()), render_markdown(data, make_env())
    for finding in findings:
        assert str(md_escape(finding.claim)) in markdown, finding.id
    given = {str(c.pmid) for f in findings for c in f.citations if c.pmid}
    assert set(re.findall(r"PMID (\d+)</a>", html)) == given
    assert "38256136" in given


def test_curator_agreement_is_a_small_section_of_both_documents_once_two_curators_voted(
    session: Session,
):
    from evidencewatch.review import votes
    from factories import make_candidate

    empty = build_digest(session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    assert empty.agreement is None
    assert "Curator agreement" not in render_html(empty, make_env())
    for gene, (a, b) in zip(
        ("ESR1", "ERBB2"), [("accept", "accept"), ("reject", "accept")], strict=True
    ):
        cid = make_candidate(session, None, gene).id
        for voter, verb in (("alice", a), ("bob", b)):
            votes.vote(
                session=session, candidate_id=cid, voter=voter, decision=verb, expected_version=1,
                edits={"statement": "s"}, reason="duplicate",
            )  # fmt: skip
    data = build_digest(session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    assert data.agreement is not None and data.agreement.overall.n == 2
    html = render_html(data, make_env())
    assert "Curator agreement" in html and "alice &amp; bob" in html and "only 2 shared" in html
    markdown = render_markdown(data, make_env())
    assert "| alice & bob | 0\\.00 | 2 |" in markdown  # md_escape backslashes "0."
