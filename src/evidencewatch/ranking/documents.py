"""What the model sees of a candidate: its paper's text with gene names masked, and its reasons.

Every surface form of the candidate's own gene becomes ``GENE_TARGET`` and every
other tracked gene's form ``GENE_OTHER``, so the model learns "GENE_TARGET
knockdown sensitizes", not "SRPK1".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evidencewatch.matching.scoring import MODEL_PREFIX, NOT_EVIDENCE, rescore_reasons
from evidencewatch.pubmed.records import title_and_abstract
from evidencewatch.storage.models import Candidate, Paper

TARGET_TOKEN = "GENE_TARGET"
OTHER_TOKEN = "GENE_OTHER"
# MODEL_PREFIX marks the reasons the model writes itself: a document never learns from
# the previous model's output, nor from bookkeeping reasons (NOT_EVIDENCE).
__all__ = [
    "MODEL_PREFIX",
    "OTHER_TOKEN",
    "TARGET_TOKEN",
    "Doc",
    "candidate_doc",
    "current_rule_score",
    "gene_forms_by_pmid",
    "make_doc",
    "normalise_genes",
    "paper_text",
]


@dataclass(frozen=True, slots=True)
class Doc:
    """What the model sees of one candidate: gene-normalised text and its rule reasons."""

    text: str
    reasons: frozenset[str] = frozenset()
    rule_score: float = 0.0  # the matcher's 0..100 score, as matching.scoring computes it now


def _surface_regex(forms: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({f for f in forms if f and f.strip()}, key=len, reverse=True)
    if not unique:
        return None
    alternation = "|".join(re.escape(f) for f in unique)
    return re.compile(
        rf"(?<![A-Za-z0-9\u0370-\u03ff])(?:{alternation})(?![A-Za-z0-9\u0370-\u03ff])"
    )


def normalise_genes(text: str, target_forms: Iterable[str], other_forms: Iterable[str]) -> str:
    """``text`` with the target gene's forms as GENE_TARGET and other genes' as GENE_OTHER."""
    target = list(target_forms)
    target_re = _surface_regex(target)
    if target_re is not None:
        text = target_re.sub(f" {TARGET_TOKEN} ", text)
    other_re = _surface_regex(f for f in other_forms if f not in target)
    if other_re is not None:
        text = other_re.sub(f" {OTHER_TOKEN} ", text)
    return text


def paper_text(paper: Paper) -> str:
    """Title and abstract of a stored paper, plain text."""
    record = paper.record or {}
    sections = record.get("abstract") or []
    return title_and_abstract(paper.title, (str(s.get("text", "")) for s in sections))


def make_doc(
    *,
    text: str,
    gene: str,
    mentions: Sequence[str] = (),
    snippets: Sequence[Mapping[str, Any]] = (),
    reasons: Sequence[Mapping[str, Any]] = (),
    other_forms: Iterable[str] = (),
    rule_score: float = 0.0,
) -> Doc:
    """The model's view of a candidate: text + snippets, gene-normalised, and reason names."""
    snippet_text = " ".join(str(s.get("text", "")) for s in snippets)
    target = [gene, *mentions]
    body = normalise_genes(f"{text}\n{snippet_text}", target, other_forms)
    names = frozenset(
        str(r["feature"])
        for r in reasons
        if r.get("feature")
        and not str(r["feature"]).startswith(MODEL_PREFIX)
        and r["feature"] not in NOT_EVIDENCE
    )
    return Doc(text=body, reasons=names, rule_score=float(rule_score))


def gene_forms_by_pmid(candidates: Iterable[Candidate]) -> dict[int, list[str]]:
    """PMID -> every gene form written in its candidates, to mask as GENE_OTHER."""
    out: dict[int, list[str]] = {}
    for c in candidates:
        out.setdefault(c.pmid, []).extend([c.gene, *c.mentions])
    return out


def current_rule_score(candidate: Candidate) -> float:
    """The candidate's rule score as the matcher scores today, from its stored reasons.

    A candidate stored under an older rule score (clipped at 100) gets today's
    from its reasons; one whose reasons the matcher did not write keeps its own.
    """
    rescored = rescore_reasons(candidate.reasons)
    return candidate.rule_score if rescored is None else rescored


def candidate_doc(candidate: Candidate, paper: Paper, other_forms: Sequence[str] = ()) -> Doc:
    """The document of a stored candidate of ``paper``."""
    return make_doc(
        text=paper_text(paper),
        gene=candidate.gene,
        mentions=candidate.mentions,
        snippets=candidate.snippets,
        reasons=candidate.reasons,
        other_forms=other_forms,
        rule_score=current_rule_score(candidate),
    )
