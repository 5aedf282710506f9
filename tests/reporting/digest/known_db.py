"""The known database the digest tests read: seed findings, and candidates in every state.

Shared by the digest's test modules (``conftest.py`` builds it per test); the
constants name its papers so a test can say which ones it expects. Test modules
import it as ``reporting.digest.known_db`` (``tests/`` is on pytest's pythonpath).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from evidencewatch.storage.models import Candidate, SeedFindingRow
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


def add_seed(
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


def add_accepted(session: Session, paper, gene: str, at: datetime, **kw) -> Candidate:
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


def add_known_rows(session: Session) -> None:
    """Seeds, and candidates accepted inside and outside the period, pending, rejected..."""
    add_seed(
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
    add_seed(
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
    add_seed(
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
    add_seed(
        session,
        "srpk1-signature",
        ["SRPK1"],
        "up",
        "resistance",
        "chemotherapy",
        "A four-gene signature with high SRPK1 flags poor responders.",
        [{"label": "[^6]", "url": "https://www.oncotarget.com/article/21872/text/"}],
    )
    add_seed(
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
    add_accepted(session, both, "SLC7A5", IN_PERIOD)
    add_accepted(
        session,
        both,
        "RELA",
        IN_PERIOD,
        therapy_class="anti-HER2",
        statement="Nuclear p65 rose in trastuzumab-resistant clones.",
    )
    evil = make_paper(session, EVIL, EVIL_TITLE)
    add_accepted(
        session,
        evil,
        "CYP3A4",
        IN_PERIOD + timedelta(days=1),
        statement="CYP3A4 & <b>drug</b> *breakdown* higher in non-responders.",
    )
    retracted = make_paper(session, RETRACTED, "A retracted SRPK1 study", is_retracted=True)
    add_accepted(session, retracted, "SRPK1", IN_PERIOD + timedelta(days=1))
    add_accepted(
        session,
        make_paper(session, EARLIER, "Earlier SLC7A5 work"),
        "SLC7A5",
        datetime(2026, 10, 1, 9, tzinfo=UTC),
    )
    add_accepted(
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
    add_accepted(
        session,
        make_paper(session, LATER, "ESR1 accepted after the period"),
        "ESR1",
        datetime(2026, 11, 25, 7, tzinfo=UTC),
        therapy_class="endocrine",
    )
    add_accepted(
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


def html_section(html: str, section_id: str) -> str:
    """A top-level section of the HTML digest (they may hold nested sections)."""
    match = re.search(rf'<section id="{section_id}">(.*?)(?=<section id=|</body>)', html, re.S)
    assert match, section_id
    return match.group(1)


def md_section(md: str, heading: str) -> str:
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ )", md, re.S | re.M)
    assert match, heading
    return match.group(1)
