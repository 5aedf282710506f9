"""Candidates with curators' decisions to train on: four accepted, four rejected, four undecided
(``decided``), and two more of each decided class (``well_decided``: enough to cross-validate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from evidencewatch.storage.models import Candidate
from factories import make_candidate, make_paper

ACCEPTED_TEXTS = [
    (
        "SRPK1 overexpression confers docetaxel resistance in breast cancer",
        "SRPK1 knockdown restored docetaxel sensitivity of resistant MCF-7 cells.",
    ),
    (
        "LYN drives tamoxifen resistance in ER-positive breast cancer",
        "LYN depletion restored tamoxifen response; high LYN predicted relapse on tamoxifen.",
    ),
    (
        "ANXA1 mediates trastuzumab resistance in HER2-positive breast cancer",
        "ANXA1 knockdown restored trastuzumab sensitivity in resistant BT-474 cells.",
    ),
    (
        "NEIL1 upregulation and tamoxifen resistance in breast cancer cells",
        "NEIL1 overexpression conferred resistance to tamoxifen in MCF-7 cells.",
    ),
]
REJECTED_TEXTS = [
    (
        "PCNA structure bound to DNA polymerase delta",
        "A cryo-EM structure of PCNA on primer-template DNA in yeast.",
    ),
    (
        "LYN kinase restrains B-cell signalling in autoimmunity",
        "LYN-deficient mice develop lupus-like disease; no tumour model was studied.",
    ),
    (
        "ANXA1 peptide resolves colitis in mice",
        "An ANXA1 mimetic reduced intestinal inflammation in a colitis model.",
    ),
    (
        "SRPK1 controls VEGF splicing in podocytes",
        "SRPK1 inhibition changed VEGF-A splicing in kidney podocytes of diabetic mice.",
    ),
]
UNDECIDED_TEXTS = [
    (
        "BARD1 loss and tamoxifen resistance in breast cancer",
        "BARD1 knockdown reduced tamoxifen response of MCF-7 cells.",
        "pending",
    ),
    ("BARD1 in yeast meiosis", "A BARD1-like protein organises yeast chromosomes.", "pending"),
    (
        "EME2 and tamoxifen resistance in breast cancer",
        "EME2 overexpression conferred tamoxifen resistance.",
        "pending",
    ),
    (
        "CHUK and trastuzumab resistance in breast cancer",
        "CHUK depletion restored trastuzumab response.",
        "deferred",
    ),
]
RULE_REASONS = [
    {"feature": "gene_mentioned", "weight": 10.0, "detail": "named"},
    {"feature": "breast_context", "weight": 15.0, "detail": "breast cancer"},
]

AddCandidate = Callable[..., Candidate]


@pytest.fixture
def add_candidate(session: Session) -> AddCandidate:
    """Add a paper with ``title`` and ``abstract`` and its candidate for ``gene``."""

    def add(title: str, abstract: str, gene: str, status: str, **kw: Any) -> Candidate:
        paper = make_paper(session, title=title, abstract=abstract)
        kw.setdefault("reasons", RULE_REASONS)
        return make_candidate(session, paper, gene, score=40.0, status=status, **kw)

    return add


@pytest.fixture
def decided(session: Session, add_candidate: AddCandidate) -> dict[str, list[Candidate]]:
    """Four accepted and four rejected candidates, three pending, one deferred."""
    out: dict[str, list[Candidate]] = {"accepted": [], "rejected": [], "undecided": []}
    for title, abstract in ACCEPTED_TEXTS:
        out["accepted"].append(add_candidate(title, abstract, title.split()[0], "accepted"))
    reasons = ["not_breast_cancer", "not_breast_cancer", "not_breast_cancer", "alias_collision"]
    for (title, abstract), reason in zip(REJECTED_TEXTS, reasons, strict=True):
        out["rejected"].append(
            add_candidate(title, abstract, title.split()[0], "rejected", reject_reason=reason)
        )
    for title, abstract, status in UNDECIDED_TEXTS:
        out["undecided"].append(add_candidate(title, abstract, title.split()[0], status))
    session.commit()
    return out


MORE_ACCEPTED = [
    (
        "EME2 overexpression confers cisplatin resistance in breast cancer",
        "EME2 knockdown restored cisplatin sensitivity of resistant MDA-MB-231 cells.",
    ),
    (
        "PRLR signalling drives tamoxifen resistance in ER-positive breast cancer",
        "PRLR depletion restored tamoxifen response in resistant MCF-7 cells.",
    ),
]
MORE_REJECTED = [
    (
        "NEIL1 glycosylase structure in bacteria",
        "A crystal structure of a NEIL1-like enzyme from a soil bacterium.",
    ),
    (
        "FBP1 in hepatic gluconeogenesis of fasting mice",
        "FBP1 activity rose in the liver of fasting mice; no tumour was studied.",
    ),
]


@pytest.fixture
def well_decided(
    session: Session, decided: dict[str, list[Candidate]], add_candidate: AddCandidate
) -> dict[str, list[Candidate]]:
    """Six accepted and six rejected candidates (the rule reasons all alike), four undecided."""
    for title, abstract in MORE_ACCEPTED:
        decided["accepted"].append(add_candidate(title, abstract, title.split()[0], "accepted"))
    for title, abstract in MORE_REJECTED:
        decided["rejected"].append(
            add_candidate(
                title, abstract, title.split()[0], "rejected", reject_reason="not_breast_cancer"
            )
        )
    session.commit()
    return decided
