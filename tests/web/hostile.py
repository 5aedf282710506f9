"""A PubMed record with hostile markup, read by the real parser and saved the way a scan saves it.

The web and browser tests render it, so the display sanitiser sees exactly what
PubMed XML turns into (tags with attributes, MathML with namespaces), not text a
test factory has escaped already.
"""

from __future__ import annotations

from sqlmodel import Session, select

from evidencewatch.ingest.store import save_records
from evidencewatch.matching.match import Matcher
from evidencewatch.pubmed.parse import parse_pubmed
from evidencewatch.storage.models import Candidate

HOSTILE_PMID = 97_000_001
MATHML = "http://www.w3.org/1998/Math/MathML"
HOSTILE_TITLE_XML = (
    'SLC7A5 <i onmouseover="window.__pwned = 1">overexpression</i> mutations'
    "<script>window.__pwned = 2</script>"
    '<img src="x" onerror="window.__pwned = 3"/> and '
    f'<mml:math xmlns:mml="{MATHML}" display="block" href="javascript:window.__pwned = 4">'
    '<mml:msup><mml:mi mathvariant="normal" style="color:red" onclick="window.__pwned = 5">'
    "Ca</mml:mi><mml:mn>2+</mml:mn></mml:msup></mml:math>"
    ' <b onclick="window.__pwned = 6">chemotherapy</b> resistance'
)
# What the sanitiser must make of it: the allowed tags bare, everything else text.
SAFE_TITLE_HTML = (
    "SLC7A5 <i>overexpression</i> mutationswindow.__pwned = 2 and "
    "<math><msup><mi>Ca</mi><mn>2+</mn></msup></math> <b>chemotherapy</b> resistance"
)
# The words a reader sees.
TITLE_TEXT = "SLC7A5 overexpression mutationswindow.__pwned = 2 and Ca2+ chemotherapy resistance"
# Nothing of these may reach a page from the title.
FORBIDDEN = ("onmouseover", "onerror", "onclick", "<script>", "<img", "javascript:", "mathvariant")

HOSTILE_XML = f"""<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle>
<MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM"><PMID Version="1">{HOSTILE_PMID}</PMID>
<Article PubModel="Electronic"><Journal><JournalIssue CitedMedium="Internet">
<PubDate><Year>2026</Year><Month>11</Month><Day>02</Day></PubDate></JournalIssue>
<Title>Breast Cancer Res</Title></Journal>
<ArticleTitle>{HOSTILE_TITLE_XML}</ArticleTitle>
<Abstract><AbstractText>SLC7A5 mutations <i onmouseover="window.__pwned = 7">drove</i> doxorubicin
resistance in MCF7 breast cancer cells<script>window.__pwned = 8</script>.</AbstractText></Abstract>
<Language>eng</Language>
<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>
</PublicationTypeList></Article></MedlineCitation>
<PubmedData><History>
<PubMedPubDate PubStatus="entrez"><Year>2026</Year><Month>11</Month><Day>2</Day></PubMedPubDate>
</History><PublicationStatus>epublish</PublicationStatus>
<ArticleIdList><ArticleId IdType="pubmed">{HOSTILE_PMID}</ArticleId></ArticleIdList>
</PubmedData></PubmedArticle></PubmedArticleSet>
""".encode()


def store_hostile_record(session: Session, matcher: Matcher, *, score: float = 0.5) -> int:
    """Parse :data:`HOSTILE_XML`, save it as a scan does, and return its SLC7A5 candidate's id.

    ``score`` is set on the candidate so a test can place it in the queue.
    """
    parsed = parse_pubmed(HOSTILE_XML, source_name="hostile.xml")
    assert not parsed.problems and len(parsed.records) == 1, parsed.problems
    assert "onmouseover" in parsed.records[0].title_markup  # the parser keeps it verbatim
    save_records(session=session, records=parsed.records, matcher=matcher, source="test")
    candidate = session.exec(
        select(Candidate).where(Candidate.pmid == HOSTILE_PMID, Candidate.gene == "SLC7A5")
    ).one()
    candidate.score = score
    session.add(candidate)
    session.flush()
    assert candidate.id is not None
    return candidate.id
