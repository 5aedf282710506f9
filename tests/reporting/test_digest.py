"""The digest: what it says about a known database, in HTML and Markdown, stored and served."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from sqlmodel import Session, select

from evidencewatch.cli.main import cli
from evidencewatch.jobs.digests import digest_job
from evidencewatch.reporting import charts
from evidencewatch.reporting.digest import (
    DigestData,
    build_digest,
    default_period,
    md_escape,
    render_html,
    render_markdown,
    save_digest,
)
from evidencewatch.reporting.templating import make_env
from evidencewatch.review.contradictions import citation_link, find_contradictions, opposition
from evidencewatch.storage.models import Candidate, Digest, SeedFindingRow
from factories import make_candidate, make_paper

PERIOD = (date(2026, 11, 18), date(2026, 11, 24))
RANGE = "2026-11-18 \N{EN DASH} 2026-11-24"
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
IN_PERIOD = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
EVIL_TITLE = "CYP3A4 <script>alert(1)</script> & *taxane* [resistance](x) in tumours"

# PMIDs of the known database
BOTH_GENES, EVIL, RETRACTED, EARLIER, OPPOSED, NEW_PENDING, OLD_PENDING = range(
    91_000_001, 91_000_008
)
LATER, DELETED, REJECTED_1, REJECTED_2, REJECTED_3, REJECTED_OLD, DEFERRED = range(
    91_000_008, 91_000_015
)
NEW_PMIDS = [BOTH_GENES, EVIL, RETRACTED, OPPOSED]


def _seed(
    session: Session,
    id: str,
    genes: list[str],
    direction: str,
    effect: str,
    therapy: str,
    claim: str,
    citations: list[dict],
) -> None:
    session.add(
        SeedFindingRow(
            id=id,
            genes=genes,
            direction=direction,
            effect=effect,
            therapy_class=therapy,
            claim=claim,
            citations=citations,
        )
    )


def _accepted(session: Session, paper, gene: str, at: datetime, **kw) -> Candidate:
    values = {
        "therapy_class": "chemotherapy",
        "direction": "up",
        "effect": "resistance",
        "evidence_level": "B",
        "statement": f"{gene} high in non-responders.",
        "decided_by": "alice",
        "decided_at": at,
        "created_at": at - timedelta(days=3),
    }
    values.update(kw)
    return make_candidate(session, paper, gene, status="accepted", **values)


@pytest.fixture
def known(session: Session) -> Session:
    """Seeds, and candidates accepted inside and outside the period, pending, rejected..."""
    _seed(
        session,
        "slc7a5-high",
        ["SLC7A5"],
        "up",
        "resistance",
        "chemotherapy",
        "High SLC7A5 separates non-responders to anthracycline-taxane therapy.",
        [
            {
                "label": "[^1]",
                "url": "https://pubmed.ncbi.nlm.nih.gov/38256136/",
                "pmid": 38256136,
                "pmid_source": "document",
            }
        ],
    )
    _seed(
        session,
        "rela-nfkb",
        ["RELA"],
        "up",
        "resistance",
        "anti-HER2",
        "Nuclear RELA marks trastuzumab-resistant HER2+ cells.",
        [
            {
                "label": "[^5]",
                "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/",
                "pmcid": "PMC4770917",
                "pmid": None,
                "pmid_source": None,
            }
        ],
    )
    _seed(
        session,
        "neil1-eme2-radio",
        ["NEIL1", "EME2"],
        "up",
        "no_association",
        "radiotherapy",
        "NEIL1 and EME2 levels did not track outcome after radiotherapy.",
        [
            {
                "label": "[^8]",
                "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC7851527/",
                "pmcid": "PMC7851527",
                "pmid": None,
                "pmid_source": None,
            }
        ],
    )
    _seed(
        session,
        "srpk1-signature",
        ["SRPK1"],
        "up",
        "resistance",
        "chemotherapy",
        "A four-gene signature with high SRPK1 flags poor responders.",
        [{"label": "[^6]", "url": "https://www.oncotarget.com/article/21872/text/"}],
    )
    _seed(
        session,
        "dna-repair-radio",
        [],
        "mixed",
        "resistance",
        "radiotherapy",
        "Repair-pathway activity supports survival after irradiation.",
        [
            {
                "label": "[^2]",
                "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC12384436/",
                "pmcid": "PMC12384436",
            }
        ],
    )

    both = make_paper(session, BOTH_GENES, "SLC7A5 and RELA in HER2+ tumours")
    _accepted(session, both, "SLC7A5", IN_PERIOD)
    _accepted(
        session,
        both,
        "RELA",
        IN_PERIOD,
        therapy_class="anti-HER2",
        statement="Nuclear p65 rose in trastuzumab-resistant clones.",
    )
    evil = make_paper(session, EVIL, EVIL_TITLE)
    _accepted(
        session,
        evil,
        "CYP3A4",
        IN_PERIOD + timedelta(days=1),
        statement="CYP3A4 & <b>drug</b> *breakdown* higher in non-responders.",
    )
    retracted = make_paper(session, RETRACTED, "A retracted SRPK1 study", is_retracted=True)
    _accepted(session, retracted, "SRPK1", IN_PERIOD + timedelta(days=1))
    _accepted(
        session,
        make_paper(session, EARLIER, "Earlier SLC7A5 work"),
        "SLC7A5",
        datetime(2026, 10, 1, 9, tzinfo=UTC),
    )
    _accepted(
        session,
        make_paper(session, OPPOSED, "Low SLC7A5 and chemoresistance"),
        "SLC7A5",
        IN_PERIOD + timedelta(days=2),
        direction="down",
        statement="Loss of SLC7A5 went with chemoresistance.",
    )
    make_candidate(
        session,
        make_paper(session, NEW_PENDING, "NEIL1 and radioresistance"),
        "NEIL1",
        therapy_class="radiotherapy",
        direction="up",
        effect="resistance",
        created_at=IN_PERIOD,
    )
    make_candidate(
        session,
        make_paper(session, OLD_PENDING, "RELA in endocrine resistance"),
        "RELA",
        created_at=datetime(2026, 10, 10, 8, tzinfo=UTC),
    )
    _accepted(
        session,
        make_paper(session, LATER, "ESR1 accepted after the period"),
        "ESR1",
        datetime(2026, 11, 25, 7, tzinfo=UTC),
        therapy_class="endocrine",
    )
    _accepted(
        session,
        make_paper(
            session, DELETED, "Deleted ESR1 paper", deleted_at=datetime(2026, 11, 1, tzinfo=UTC)
        ),
        "ESR1",
        datetime(2026, 9, 1, tzinfo=UTC),
        therapy_class="endocrine",
    )
    for pmid, gene, reason, at in (
        (REJECTED_1, "RELA", "alias_collision", IN_PERIOD),
        (REJECTED_2, "CYP3A4", "not_breast_cancer", IN_PERIOD),
        (REJECTED_3, "CYP3A4", "not_breast_cancer", IN_PERIOD + timedelta(days=1)),
        (REJECTED_OLD, "CYP3A4", "duplicate", datetime(2026, 10, 2, tzinfo=UTC)),
    ):
        make_candidate(
            session,
            make_paper(session, pmid, f"Rejected {pmid}"),
            gene,
            status="rejected",
            reject_reason=reason,
            decided_at=at,
            therapy_class="chemotherapy",
            decided_by="bob",
        )
    make_candidate(session, make_paper(session, DEFERRED, "Deferred"), "RELA", status="deferred")
    session.commit()
    return session


@pytest.fixture
def data(known: Session) -> DigestData:
    return build_digest(session=known, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)


@pytest.fixture
def html(data: DigestData) -> str:
    return render_html(data, make_env())


@pytest.fixture
def markdown(data: DigestData) -> str:
    return render_markdown(data, make_env())


def _section(html: str, section_id: str) -> str:
    """A top-level section of the HTML digest (they may hold nested sections)."""
    match = re.search(rf'<section id="{section_id}">(.*?)(?=<section id=|</body>)', html, re.S)
    assert match, section_id
    return match.group(1)


def _md_section(md: str, heading: str) -> str:
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ )", md, re.S | re.M)
    assert match, heading
    return match.group(1)


# --- what changed -------------------------------------------------------------------------


def test_what_changed_lists_each_paper_accepted_in_the_period_once(data, html, markdown):
    assert [p.pmid for p in data.new_papers] == NEW_PMIDS
    assert data.accepted_count == 5
    changed = _section(html, "what-changed")
    listed = re.findall(r'<li class="paper" id="paper-(\d+)"', changed)
    assert listed == [str(p) for p in NEW_PMIDS]
    new_md = _md_section(markdown, "Newly accepted evidence")
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
        _md_section(markdown, "Genes with their first accepted evidence").strip()
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


def test_rejections_in_the_period_are_counted_by_reason_with_labels(data, html, markdown):
    assert data.rejections == (
        ("alias_collision", "Alias collision or wrong gene sense", 1),
        ("not_breast_cancer", "Not breast cancer", 2),
    )  # the October "duplicate" is outside the period
    rejections = _section(html, "rejections")
    assert (
        '<td>Not breast cancer</td><td><code>not_breast_cancer</code></td><td class="n">2'
        in rejections
    )
    assert "Duplicate" not in rejections
    assert "| Not breast cancer | not\\_breast\\_cancer | 2 |" in markdown
    cyp = next(g for g in data.genes if g.gene == "CYP3A4").therapies[0]
    assert cyp.rejected == (("not_breast_cancer", "Not breast cancer", 2),)
    assert "rejected this period: 2 (Not breast cancer: 2)" in html


def test_pending_counts_per_gene_and_therapy_class(data):
    pending = {(g.gene, t.therapy_class): t.pending for g in data.genes for t in g.therapies}
    assert pending[("NEIL1", "radiotherapy")] == 1
    assert pending[("RELA", "endocrine")] == 1
    assert pending[("RELA", "anti-HER2")] == 0


# --- contradictions and integrity ---------------------------------------------------------


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
    contradictions_md = _md_section(markdown, "Contradictions")
    assert contradictions_md.count("- **") == 3
    assert "(and 1 more accepted item taking the same side)" in contradictions_md


def test_find_contradictions_works_on_candidate_rows(known: Session):
    pending = known.exec(select(Candidate).where(Candidate.pmid == NEW_PENDING)).one()
    agreeing = known.exec(select(Candidate).where(Candidate.pmid == EARLIER)).one()
    found = find_contradictions(session=known, candidates=[pending, agreeing])
    assert [(c.subject.candidate_id, c.opposing.seed_id) for c in found] == [
        (pending.id, "neil1-eme2-radio")
    ]
    assert found[0].subject.title == "NEIL1 and radioresistance"
    assert found[0].opposing.citations[0].url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7851527/"


def test_an_accepted_pair_that_disagrees_is_reported_once_on_the_later_side(known: Session):
    accepted = known.exec(
        select(Candidate).where(Candidate.status == "accepted", Candidate.gene == "SLC7A5")
    ).all()
    found = [
        c for c in find_contradictions(session=known, candidates=accepted) if c.basis == "accepted"
    ]
    assert [(c.subject.pmid, c.opposing.pmid) for c in found] == [(OPPOSED, EARLIER)]


@pytest.mark.parametrize(
    ("mine", "theirs", "kind"),
    [
        (("up", "resistance"), ("down", "resistance"), "opposite direction"),
        (("down", "sensitivity"), ("up", "sensitivity"), "opposite direction"),
        (("up", "resistance"), ("up", "sensitivity"), "opposite effect"),
        (("up", "resistance"), ("up", "no_association"), "effect vs no association"),
        (("up", "sensitivity"), ("none", "no_association"), "effect vs no association"),
        (("up", "resistance"), ("down", "sensitivity"), None),  # the same claim, put two ways
        (("up", "resistance"), ("up", "resistance"), None),
        (("mixed", "resistance"), ("up", "resistance"), None),
        (("up", "prognosis"), ("down", "prognosis"), None),
        (("up", "resistance"), ("down", "no_association"), None),
        ((None, "resistance"), ("up", "resistance"), None),
    ],
)
def test_opposition_rules(mine, theirs, kind):
    assert opposition(*mine, *theirs) == kind
    assert opposition(*theirs, *mine) == kind


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
    integrity_md = _md_section(markdown, "Integrity")
    assert f"(PMID {RETRACTED}) **RETRACTED**" in integrity_md
    assert f"(PMID {DELETED}) **DELETED FROM PUBMED**" in integrity_md


# --- per gene sections and seed citations -------------------------------------------------


def test_gene_sections_show_seed_claims_with_their_citation_links(html, markdown):
    genes = _section(html, "genes")
    slc = re.search(r'<section class="gene-section" id="gene-SLC7A5">(.*?)</section>', genes, re.S)
    assert slc
    assert "High SLC7A5 separates non-responders" in slc.group(1)
    assert (
        '<a href="https://pubmed.ncbi.nlm.nih.gov/38256136/" class="cite cite-pmid">'
        "PMID 38256136</a>" in slc.group(1)
    )
    assert (
        '<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/" class="cite cite-pmc">'
        "PMC4770917</a>" in genes
    )
    assert "https://pmc.ncbi.nlm.nih.gov/articles/PMC7851527/" in genes
    assert (
        '<a href="https://www.oncotarget.com/article/21872/text/" class="cite cite-url">'
        "www.oncotarget.com</a>" in genes
    )
    assert "Repair-pathway activity supports survival" in genes  # a finding with no gene
    # No PMID is shown for a seed citation that has none.
    assert set(re.findall(r"PMID (\d+)</a>", genes)) - {
        str(p) for p in range(91_000_001, 91_000_015)
    } == {"38256136"}
    assert "[PMID 38256136](https://pubmed.ncbi.nlm.nih.gov/38256136/)" in markdown
    assert "[PMC4770917](https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/)" in markdown


def test_gene_sections_are_per_gene_and_therapy_class_with_counts(data):
    sections = {(g.gene, t.therapy_class): t for g in data.genes for t in g.therapies}
    slc = sections[("SLC7A5", "chemotherapy")]
    assert [s.id for s in slc.seeds] == ["slc7a5-high"]
    assert [i.pmid for i in slc.accepted] == [BOTH_GENES, OPPOSED]
    assert slc.accepted_to_date == 3
    assert [i.pmid for i in sections[("RELA", "anti-HER2")].accepted] == [BOTH_GENES]
    assert ("EME2", "radiotherapy") in sections  # a seed-only gene still gets its section
    assert next(g for g in data.genes if g.gene == "RELA").first_evidence


@pytest.mark.parametrize(
    ("citation", "text", "url"),
    [
        (
            {"pmid": 38256136, "pmcid": "PMC1", "url": "https://x.org"},
            "PMID 38256136",
            "https://pubmed.ncbi.nlm.nih.gov/38256136/",
        ),
        (
            {"pmcid": "PMC4770917", "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/"},
            "PMC4770917",
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC4770917/",
        ),
        (
            {"doi": "10.3389/fonc.2025.1439516"},
            "doi:10.3389/fonc.2025.1439516",
            "https://doi.org/10.3389/fonc.2025.1439516",
        ),
        (
            {"bookshelf_id": "NBK583808"},
            "NBK583808",
            "https://www.ncbi.nlm.nih.gov/books/NBK583808/",
        ),
        (
            {"url": "https://jamanetwork.com/journals/jama/fullarticle/899864"},
            "jamanetwork.com",
            "https://jamanetwork.com/journals/jama/fullarticle/899864",
        ),
        ({"url": "javascript:alert(1)"}, "javascript:alert(1)", None),
    ],
)
def test_citation_links_prefer_pubmed_and_never_invent_a_pmid(citation, text, url):
    link = citation_link({"label": "[^1]", **citation})
    assert (link.text, link.url) == (text, url)


# --- empty period -------------------------------------------------------------------------


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


# --- HTML safety and self-containment -----------------------------------------------------


def test_html_digest_has_no_external_references(html):
    assert 'src="http' not in html and "src='http" not in html
    assert "<link" not in html.lower()
    assert "<script" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert "<style>" in html  # the CSS travels inside the document


def test_a_script_in_a_title_is_escaped(html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *taxane*" in html
    assert "<script>" not in html


def test_curator_statements_are_escaped_in_html(html):
    assert "CYP3A4 &amp; &lt;b&gt;drug&lt;/b&gt; *breakdown*" in html


def test_markdown_has_no_html_entities_and_escapes_markdown(markdown):
    assert not re.search(r"&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);", markdown)
    assert (
        "CYP3A4 \\<script\\>alert(1)\\</script\\> \\& \\*taxane\\* \\[resistance\\](x)" in markdown
    )
    assert "CYP3A4 \\& \\<b\\>drug\\</b\\> \\*breakdown\\*" in markdown
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<script" not in rendered and "<b>drug" not in rendered
    assert "<em>taxane</em>" not in rendered and "<em>breakdown</em>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *taxane* [resistance](x)" in rendered
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/38256136/">PMID 38256136</a>' in rendered
    assert "<table>" in rendered  # backlog, chart and rejection tables survive


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a_b*c", "a\\_b\\*c"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("# not a heading", "\\# not a heading"),
        ("x | y", "x \\| y"),
        ("line\nbreak", "line break"),
        ("AT&T <i>", "AT\\&T \\<i\\>"),
    ],
)
def test_md_escape(raw, escaped):
    assert md_escape(raw) == escaped
    assert md_escape(md_escape(raw)) == escaped  # escaping twice changes nothing


# --- chart --------------------------------------------------------------------------------


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


def test_weekly_counts_bucket_days_into_weeks_ending_on_the_last_day():
    series = charts.weekly_counts(
        [
            ("A", date(2026, 11, 24)),
            ("A", date(2026, 11, 18)),
            ("A", date(2026, 11, 17)),
            ("B", date(2026, 9, 3)),
            ("B", date(2026, 9, 2)),
        ],
        end=date(2026, 11, 24),
        weeks=12,
    )
    assert series.weeks[0] == date(2026, 9, 2) and series.end == date(2026, 11, 24)
    assert dict(series.counts) == {"A": (0,) * 10 + (1, 2), "B": (2,) + (0,) * 11}
    svg = charts.small_multiples_svg(series, title="t")
    assert svg.count('<rect class="bar"') == 3
    assert charts.sparkline((0, 1, 2, 4), 4) == "▁▃▅█"


def test_a_gene_name_is_escaped_in_the_chart():
    series = charts.weekly_counts([("<b>X</b>", date(2026, 1, 7))], end=date(2026, 1, 7))
    svg = str(charts.small_multiples_svg(series, title="a & b"))
    assert "<b>" not in svg and "&lt;b&gt;X&lt;/b&gt;" in svg and "a &amp; b" in svg


# --- storing, files, CLI ------------------------------------------------------------------


def test_save_digest_stores_the_row_and_writes_both_files(
    known: Session, data, html, markdown, tmp_path: Path
):
    digest = save_digest(
        session=known, data=data, html=html, markdown=markdown, out_dir=tmp_path / "out"
    )
    known.commit()
    stored = known.get(Digest, digest.id)
    assert stored is not None and stored.html == html and stored.markdown == markdown
    assert stored.title == f"evidencewatch digest {RANGE}"
    assert stored.summary["new_pmids"] == NEW_PMIDS
    assert stored.summary["first_evidence_genes"] == ["CYP3A4", "RELA", "SRPK1"]
    assert stored.summary["rejected"] == {"alias_collision": 1, "not_breast_cancer": 2}
    files = [Path(f) for f in stored.files]
    assert [f.name for f in files] == ["digest-2026-11-24.html", "digest-2026-11-24.md"]
    assert files[0].read_text(encoding="utf-8") == html
    assert files[1].read_text(encoding="utf-8") == markdown


def test_digest_job_writes_only_the_format_asked_for(
    known: Session, engine, settings, tmp_path: Path
):
    digest = digest_job(
        settings,
        engine=engine,
        since=PERIOD[0],
        until=PERIOD[1],
        fmt="md",
        out_dir=tmp_path,
        now=NOW,
    )
    assert [Path(f).name for f in digest.files] == ["digest-2026-11-24.md"]
    assert not (tmp_path / "digest-2026-11-24.html").exists()
    with Session(engine) as check:
        stored = check.get(Digest, digest.id)
        assert stored and stored.html.startswith("<!doctype html>") and stored.mailed_to == []


def test_default_period_is_the_configured_days_ending_today():
    assert default_period(today=date(2026, 11, 25), period_days=7) == (
        date(2026, 11, 19),
        date(2026, 11, 25),
    )
    assert default_period(
        today=date(2026, 11, 25), since=date(2026, 11, 1), until=date(2026, 11, 10)
    ) == (date(2026, 11, 1), date(2026, 11, 10))


def test_period_days_follow_the_configured_time_zone(known: Session):
    # 2026-11-17 12:00 UTC is already 2026-11-18 01:00 in Auckland (UTC+13 in November).
    from zoneinfo import ZoneInfo

    make_candidate(
        known,
        make_paper(known, 91_000_099, "Late-night acceptance"),
        "ESR1",
        status="accepted",
        decided_at=datetime(2026, 11, 17, 12, tzinfo=UTC),
        therapy_class="endocrine",
    )
    known.commit()
    utc = build_digest(session=known, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    auckland = build_digest(
        session=known,
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        now=NOW,
        tz=ZoneInfo("Pacific/Auckland"),
    )
    assert 91_000_099 not in [p.pmid for p in utc.new_papers]
    assert 91_000_099 in [p.pmid for p in auckland.new_papers]


def test_cli_digest_writes_files_and_prints_them_with_the_digest_id(
    known: Session, db_url_engine, tmp_path: Path
):
    url, engine = db_url_engine
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            url,
            "digest",
            "--since",
            "2026-11-18",
            "--until",
            "2026-11-24",
            "--out",
            str(tmp_path),
            "--no-mail",
        ],
    )
    assert result.exit_code == 0, result.output
    html_file, md_file = tmp_path / "digest-2026-11-24.html", tmp_path / "digest-2026-11-24.md"
    assert f"wrote {html_file.resolve()}" in result.output
    assert f"wrote {md_file.resolve()}" in result.output
    with Session(engine) as check:
        digest = check.exec(select(Digest)).one()
    assert f"digest {digest.id} stored: {RANGE}, 4 papers with new evidence" in result.output
    assert "SLC7A5 and RELA in HER2+ tumours" in html_file.read_text(encoding="utf-8")


def test_cli_digest_period_option_counts_back_from_until(
    known: Session, db_url_engine, tmp_path: Path
):
    url, _engine = db_url_engine
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            url,
            "digest",
            "--period",
            "1w",
            "--until",
            "2026-11-24",
            "--out",
            str(tmp_path),
            "--format",
            "html",
            "--no-mail",
        ],
    )
    assert result.exit_code == 0, result.output
    assert RANGE in result.output
    assert not (tmp_path / "digest-2026-11-24.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-11-01", "--period", "7d"], "give --since or --period, not both"),
        (["--period", "soon"], "is not a period like 7d or 2w"),
        (["--since", "2026-11-30", "--until", "2026-11-01"], "ends (2026-11-01) before it starts"),
        (["--mail"], "--mail needs smtp_host and mail_to to be set"),
    ],
)
def test_cli_digest_refuses_bad_options_with_one_clear_line(
    db_url_engine, tmp_path: Path, args, message
):
    url, _engine = db_url_engine
    result = CliRunner().invoke(cli, ["--db", url, "digest", "--out", str(tmp_path), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


# --- the real seed findings ---------------------------------------------------------------


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


# --- the web routes -----------------------------------------------------------------------


def _app(engine, dependencies=()) -> TestClient:
    from evidencewatch.web.routes.digests import make_router

    def get_session(request: Request):
        with Session(engine) as s:
            yield s

    app = FastAPI()
    app.include_router(make_router(list(dependencies), get_session=get_session))
    return TestClient(app)


def test_web_lists_digests_and_serves_their_html_and_markdown(
    known: Session, engine, data, html, markdown
):
    digest = save_digest(session=known, data=data, html=html, markdown=markdown, out_dir=None)
    known.commit()
    client = _app(engine)
    listing = client.get("/digests")
    assert listing.status_code == 200
    assert f'href="/digests/{digest.id}">2026-11-18 &ndash; 2026-11-24</a>' in listing.text
    assert f'href="/digests/{digest.id}.md"' in listing.text
    page = client.get(f"/digests/{digest.id}")
    assert page.status_code == 200 and page.text == html
    assert "default-src 'none'" in page.headers["content-security-policy"]
    md = client.get(f"/digests/{digest.id}.md")
    assert md.status_code == 200 and md.text == markdown
    assert md.headers["content-type"].startswith("text/markdown")
    assert client.get("/digests/999").status_code == 404
    assert client.get("/digests/999.md").status_code == 404


def test_web_digest_list_says_when_there_is_none(engine):
    assert "No digest has been written yet" in _app(engine).get("/digests").text


def test_web_digest_routes_are_guarded_by_the_given_dependencies(engine):
    def deny() -> None:
        raise HTTPException(status_code=401, detail="sign in")

    client = _app(engine, [Depends(deny)])
    for path in ("/digests", "/digests/1", "/digests/1.md"):
        assert client.get(path).status_code == 401, path


def test_the_review_app_shows_digests_to_readers_only(
    known: Session, engine, settings, data, html, markdown
):
    from evidencewatch.web.app import create_app

    digest = save_digest(session=known, data=data, html=html, markdown=markdown, out_dir=None)
    known.commit()
    with TestClient(create_app(settings, engine=engine)) as client:
        for path in ("/digests", f"/digests/{digest.id}", f"/digests/{digest.id}.md"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login")
    public = settings.with_overrides(read_requires_login=False)
    with TestClient(create_app(public, engine=engine)) as client:
        listing = client.get("/digests")
        assert listing.status_code == 200
        assert '<body class="page-digests">' in listing.text  # inside the app's layout
        assert '<header class="topbar">' in listing.text
        assert f'href="/digests/{digest.id}.md"' in listing.text
        page = client.get(f"/digests/{digest.id}")
        assert page.text == html
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        assert client.get("/digests/12345").status_code == 404


def test_a_long_list_of_contradictions_is_cut_and_counted(data, monkeypatch):
    import evidencewatch.reporting.digest.data as digest_module

    monkeypatch.setattr(digest_module, "CONTRADICTIONS_LISTED", 1)
    env = make_env()
    html, markdown = render_html(data, env), render_markdown(data, env)
    assert len(re.findall(r'<li class="contradiction">', html)) == 1
    assert "&hellip; and 2 more not listed here: NEIL1 1, SLC7A5 1." in html
    assert "… and 2 more not listed here: NEIL1 1, SLC7A5 1" in markdown
    assert data.summary()["contradictions"] == 3
