"""Documents: gene names masked as placeholder tokens, and the paper text the model reads."""

from __future__ import annotations

from evidencewatch import ranking
from evidencewatch.pubmed.records import title_and_abstract
from factories import make_paper


def test_gene_mentions_are_replaced_by_placeholder_tokens():
    text = "HER2-positive tumours with high SRPK1; SRPK1 knockdown and ERBB2 amplification."
    out = ranking.normalise_genes(text, ["SRPK1"], ["ERBB2", "HER2"])
    assert "SRPK1" not in out and "HER2" not in out and "ERBB2" not in out
    assert out.count(ranking.TARGET_TOKEN) == 2 and out.count(ranking.OTHER_TOKEN) == 2
    assert "SRPK1x" in ranking.normalise_genes("SRPK1x", ["SRPK1"], [])  # word-bounded


def test_paper_text_is_the_shared_title_and_abstract_text(session):
    sections = [("BACKGROUND", "SRPK1 in breast cancer."), ("RESULTS", "SRPK1 knockdown-")]
    paper = make_paper(session, title="SRPK1 and docetaxel", abstract=sections)

    text = ranking.paper_text(paper)

    assert text == title_and_abstract("SRPK1 and docetaxel", [t for _, t in sections])


def test_paper_text_gives_the_tokens_the_space_joined_abstract_gave(session):
    """Sections on their own lines tokenise as the former space-joined abstract did."""
    sections = [("A", "SRPK1 knockdown-"), ("B", "restored sensitivity."), ("C", "")]
    paper = make_paper(session, title="SRPK1 and docetaxel", abstract=sections)
    former = "SRPK1 and docetaxel\n" + " ".join(t for _, t in sections)

    doc = ranking.make_doc(text=ranking.paper_text(paper), gene="SRPK1")
    former_doc = ranking.make_doc(text=former, gene="SRPK1")

    assert ranking.analyze(doc.text) == ranking.analyze(former_doc.text)


def test_documents_leave_out_model_reasons_and_bookkeeping():
    doc = ranking.make_doc(
        text="x",
        gene="LYN",
        reasons=[
            {"feature": "breast_context"},
            {"feature": "model:+tamoxifen"},
            {"feature": "score_clip"},
            {"weight": 1.0},
        ],
        rule_score=42.0,
    )
    assert doc.reasons == frozenset({"breast_context"}) and doc.rule_score == 42.0
