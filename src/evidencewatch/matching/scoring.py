"""The rule score of a candidate: every point comes from a :class:`Reason`.

The weights are in :data:`WEIGHTS`; the reasons' weights add up to the candidate's
*points*. The score is a logistic of the points, never clipped, on 0..100 for
display: ``100 / (1 + exp(-(strength - POINTS_CENTER) / POINTS_SCALE))``. A clipped
sum made every strong candidate 100.0 and left their order to the database's id;
the logistic keeps them apart.

``strength`` is the points plus a tie-break below half a point (every weight is
a multiple of 5, so it never reorders different points), so that candidates
with different evidence never share a score. Among equal points, in this order:
more supporting sentences, more mentions of the gene, then the present reasons
by :data:`TIE_PRECEDENCE` (a heavier positive reason wins, a heavier penalty
loses). See :func:`evidence_strength`.

Stored candidates are rescored from their stored reasons alone
(:func:`evidence_from_reasons`): the weights give the points, and the details of
``gene_mentioned`` and ``supporting_sentences`` give the two counts.

Breast context is a disease term in title/abstract or the MeSH heading
(any heading containing the watchlist's ``disease_mesh``, e.g. "Breast Neoplasms").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evidencewatch.matching.analysis import Analysis, Mention
from evidencewatch.matching.cell_lines import find_cell_lines
from evidencewatch.matching.scope import (
    other_tumour_in_title,
    out_of_scope_therapy,
    veterinary_subject,
)
from evidencewatch.matching.snippets import FINDING_SECTIONS, Snippet, first_cue, has_kind
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.watch.watchlist import Watchlist

WEIGHTS: dict[str, float] = {
    # A valid mention of the tracked gene in the title or abstract: the base.
    "gene_mentioned": 10.0,
    # The gene is in the title: the paper is about it, not just citing it.
    "gene_in_title": 20.0,
    # Gene and a resistance word ("resistant", "non-responders") in one sentence:
    # the core signal this tool watches for.
    "resistance_cue_same_sentence": 25.0,
    # Gene and a sensitivity word ("sensitized", "pCR") in one sentence: the
    # other side of the same question, weaker on its own.
    "sensitivity_cue_same_sentence": 10.0,
    # Gene and a therapy class or agent ("tamoxifen", "radiotherapy") in one sentence.
    "therapy_same_sentence": 20.0,
    # Each supporting sentence after the first (capped at SUPPORTING_SENTENCES_CAP).
    "supporting_sentences": 5.0,
    # A supporting sentence in the title, results or conclusions (findings, not background).
    "finding_section": 5.0,
    # Breast cancer named in title/abstract or the record is indexed Breast Neoplasms.
    "breast_context": 15.0,
    # No breast-cancer words, but a breast-cancer cell line (MCF-7, SK-BR-3...) is named.
    "breast_cell_line_only": 5.0,
    # Nothing says breast cancer: most likely another tumour type. Strong penalty.
    "no_breast_context": -40.0,
    # The title is about another tumour ("... in gastric cancer"), whatever else the
    # abstract compares it with: curators reject these as not breast cancer.
    "other_tumour_in_title": -40.0,
    # The gene's resistance or sensitivity sentences name only therapies outside the four
    # classes (CDK4/6, PARP, PI3K/mTOR inhibitors, immunotherapy): out of scope.
    "out_of_scope_therapy_only": -30.0,
    # Canine or feline mammary tumours: veterinary oncology, out of scope.
    "veterinary": -40.0,
    # A review: no new data, the primary papers are what curators want; curators reject
    # every one (review_no_new_data), so it weighs as much as another tumour.
    "review_article": -40.0,
    # Comment, editorial, letter, news, erratum: no primary data either.
    "no_primary_data": -40.0,
    # Retracted publication (or a RetractionIn link): must not be used as evidence.
    "retracted": -60.0,
    # The gene is only named by an ambiguous alias (p65, neu...) supported by context.
    "ambiguous_alias_only": -20.0,
    # The gene only appears as a subtype/status label ("HER2-positive breast cancer").
    "status_label_only": -20.0,
    # The paper cites a seed-cited or accepted paper (ELink citedin; or, with the
    # scan_similar_articles setting, PubMed lists it as similar to an accepted one):
    # follow-up work on known evidence. Small: a citation says the topic is close,
    # not what the paper found. Added after matching (ingest.citations).
    "cites_seed_or_accepted": 5.0,
}
SUPPORTING_SENTENCES_CAP = 3  # at most 3 extra sentences count (+15)
SCORE_MIN, SCORE_MAX = 0.0, 100.0  # the score's range (the logistic never reaches either end)
# Where the logistic crosses 50, and how many points take it from 50 to 73: a strong
# primary paper (about 100 points) scores about 92, the same as a review (80) about 82.
POINTS_CENTER = 50.0
POINTS_SCALE = 20.0
# Counts above this tie-break alike; no abstract has 99 supporting sentences.
COUNT_CAP = 99
# Reasons that are bookkeeping or the learned model's, not evidence.
NOT_EVIDENCE = frozenset({"score_clip"})
MODEL_PREFIX = "model:"
# The last tie-break: which reasons are present, heaviest first (declaration order
# among equal weights). The two counted reasons are tie-breaks of their own.
TIE_PRECEDENCE: tuple[str, ...] = tuple(
    sorted(
        (f for f in WEIGHTS if f not in ("gene_mentioned", "supporting_sentences")),
        key=lambda f: -abs(WEIGHTS[f]),
    )
)
_MENTIONS = re.compile(r" named (\d+)x as ")
_SUPPORTING = re.compile(r"^(\d+) supporting sentences")
_NO_DATA_TYPES = frozenset(
    {"Comment", "Editorial", "Letter", "News", "Published Erratum", "Newspaper Article"}
)


@dataclass(frozen=True, slots=True)
class Reason:
    feature: str  # e.g. "gene_in_title", "no_breast_context"
    weight: float  # its contribution to the points (+/-)
    detail: str  # human text


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the rule score is a function of: the points, two counts and the reasons present."""

    points: float
    supporting: int
    mentions: int
    features: frozenset[str]

    @property
    def strength(self) -> float:
        return evidence_strength(self.points, self.supporting, self.mentions, self.features)

    @property
    def score(self) -> float:
        return score_of_strength(self.strength)


def evidence_strength(
    points: float, supporting: int, mentions: int, features: Iterable[str]
) -> float:
    """The points plus a tie-break in (0, 0.5): supporting sentences, then mentions, then reasons.

    Each level moves the value by less than one step of the level above, so the
    order is lexicographic: (points, supporting, mentions, reasons present).
    """
    present = set(features)
    flags = sum(
        math.copysign(2.0 ** -(rank + 1), WEIGHTS[f])
        for rank, f in enumerate(TIE_PRECEDENCE)
        if f in present
    )  # in (-1, 1), distinct for every set of reasons
    n_supporting = min(max(supporting, 1), COUNT_CAP)
    n_mentions = min(max(mentions, 1), COUNT_CAP)
    return points + (n_supporting + n_mentions / 100 + flags / 200) / 200


def score_of_strength(strength: float) -> float:
    """The 0..100 score of an evidence strength: a logistic, monotone and never clipped."""
    return 100.0 / (1.0 + math.exp(-(strength - POINTS_CENTER) / POINTS_SCALE))


def strength_of_score(score: float) -> float:
    """The inverse of :func:`score_of_strength` (for scores stored before it, clamped)."""
    share = min(max(score / 100.0, 1e-6), 1.0 - 1e-6)
    return POINTS_CENTER + POINTS_SCALE * math.log(share / (1.0 - share))


def evidence_from_reasons(reasons: Iterable[Mapping[str, Any]]) -> Evidence | None:
    """The evidence of stored reasons, or None when they are not the matcher's.

    Reasons written before the logistic score carry a ``score_clip`` entry; it is
    bookkeeping and left out, so the points are the unclipped sum.
    """
    points = 0.0
    supporting = mentions = 1
    features: set[str] = set()
    for reason in reasons:
        feature = str(reason.get("feature") or "")
        if feature in NOT_EVIDENCE or feature.startswith(MODEL_PREFIX):
            continue
        if feature not in WEIGHTS:
            return None
        points += float(reason.get("weight") or 0.0)
        features.add(feature)
        detail = str(reason.get("detail") or "")
        if feature == "gene_mentioned" and (m := _MENTIONS.search(detail)):
            mentions = int(m.group(1))
        elif feature == "supporting_sentences" and (m := _SUPPORTING.search(detail)):
            supporting = int(m.group(1))
    if "gene_mentioned" not in features:
        return None
    return Evidence(points, supporting, mentions, frozenset(features))


def rescore_reasons(reasons: Iterable[Mapping[str, Any]]) -> float | None:
    """The rule score of stored reasons, or None when they are not the matcher's."""
    evidence = evidence_from_reasons(reasons)
    return None if evidence is None else evidence.score


class _Reasons:
    """Reasons in the order they are found, each weighed from :data:`WEIGHTS`."""

    def __init__(self) -> None:
        self.items: list[Reason] = []

    def add(self, feature: str, detail: str, times: float = 1.0) -> None:
        self.items.append(Reason(feature, WEIGHTS[feature] * times, detail))


def rule_score(
    gene: str,
    mentions: Sequence[Mention],
    snippets: Sequence[Snippet],
    n_supporting: int,
    *,
    analysis: Analysis,
    record: PubmedRecord,
    disease: Sequence[str],
    therapy_classes: Mapping[str, str],
) -> tuple[float, tuple[Reason, ...]]:
    """The score (a logistic of the points) and the reasons whose weights are the points.

    ``disease``: the breast-cancer terms and MeSH headings found in the record;
    ``therapy_classes``: from :func:`therapy_class_table`.
    """
    reasons = _Reasons()
    surfaces = list(dict.fromkeys(m.surface for m in mentions))
    reasons.add("gene_mentioned", f"{gene} named {len(mentions)}x as {', '.join(surfaces)}")
    # "HER2-positive breast cancer" in a title names the patients, not what the paper is about
    title_forms = [
        m.surface
        for m in mentions
        if analysis.sentences[m.sent].section == "title" and not m.status_label
    ]
    if title_forms:
        reasons.add("gene_in_title", f"{gene} in the title as '{title_forms[0]}'")
    # A sentence that names the gene only as the patients' label ("lapatinib resistance in
    # HER2-positive breast cancer") says nothing about the gene: its cues are not the gene's.
    claim_texts = {
        analysis.text[analysis.sentences[m.sent].start : analysis.sentences[m.sent].end]
        for m in mentions
        if not m.status_label and m.sent >= 0
    }
    claims = [sn for sn in snippets if sn.text in claim_texts]
    _cue_reasons(reasons, gene, claims, n_supporting, therapy_classes)
    _record_reasons(reasons, record, disease, analysis.text)
    if gene in analysis.ambiguous_only:
        reasons.add(
            "ambiguous_alias_only",
            f"{gene} only as ambiguous {', '.join(surfaces)}, accepted from context words",
        )
    if all(m.status_label for m in mentions):
        reasons.add("status_label_only", f"{gene} only as a status label ('{surfaces[0]}-...')")
    evidence = Evidence(
        points=sum(r.weight for r in reasons.items),
        supporting=n_supporting,
        mentions=len(mentions),
        features=frozenset(r.feature for r in reasons.items),
    )
    return evidence.score, tuple(reasons.items)


def _cue_reasons(
    reasons: _Reasons,
    gene: str,
    snippets: Sequence[Snippet],
    n_supporting: int,
    therapy_classes: Mapping[str, str],
) -> None:
    """What the snippets say: the gene beside resistance, sensitivity or therapy words."""
    res = next((s for s in snippets if has_kind(s, "resistance")), None)
    if res:
        reasons.add(
            "resistance_cue_same_sentence",
            f"{gene} and '{first_cue(res, 'resistance')}' in one sentence ({res.section})",
        )
    sen = next((s for s in snippets if has_kind(s, "sensitivity")), None)
    if sen:
        reasons.add(
            "sensitivity_cue_same_sentence",
            f"{gene} and '{first_cue(sen, 'sensitivity')}' in one sentence ({sen.section})",
        )
    ther = next((s for s in snippets if has_kind(s, "therapy")), None)
    if ther:
        word = first_cue(ther, "therapy")
        cls = therapy_class_of(therapy_classes, word)
        reasons.add(
            "therapy_same_sentence",
            f"{gene} and '{word}'{f' ({cls})' if cls else ''} in one sentence ({ther.section})",
        )
    extra = min(n_supporting - 1, SUPPORTING_SENTENCES_CAP)
    if extra > 0:
        reasons.add("supporting_sentences", f"{n_supporting} supporting sentences", extra)
    finding = next((s for s in snippets if s.section in FINDING_SECTIONS), None)
    if finding:
        reasons.add("finding_section", f"a supporting sentence in the {finding.section}")
    _out_of_scope_reason(reasons, gene, snippets)


def _out_of_scope_reason(reasons: _Reasons, gene: str, snippets: Sequence[Snippet]) -> None:
    """The gene's effect sentences name a therapy outside the four classes and none within."""
    effect_sentences = [
        s for s in snippets if has_kind(s, "resistance") or has_kind(s, "sensitivity")
    ]
    if any(has_kind(s, "therapy") for s in effect_sentences):
        return
    other = next((t for s in effect_sentences if (t := out_of_scope_therapy(s.text))), None)
    if other:
        reasons.add(
            "out_of_scope_therapy_only",
            f"{gene}'s resistance or sensitivity sentences name '{other}', outside the four "
            "therapy classes, and no therapy within them",
        )


def _record_reasons(
    reasons: _Reasons, record: PubmedRecord, disease: Sequence[str], text: str
) -> None:
    """What the whole record says: breast context, publication type, retraction."""
    if disease:
        reasons.add("breast_context", "breast cancer: " + ", ".join(disease[:3]))
    else:
        lines = find_cell_lines(text)
        if lines:
            reasons.add("breast_cell_line_only", "no breast-cancer words, but " + ", ".join(lines))
        else:
            reasons.add("no_breast_context", "no breast-cancer term in title/abstract nor MeSH")
    if tumour := other_tumour_in_title(record.title or ""):
        reasons.add("other_tumour_in_title", f"the title is about '{tumour}'")
    if animal := veterinary_subject(record.title or ""):
        reasons.add("veterinary", f"the title is about animal patients ('{animal}')")
    if record.is_review:
        reasons.add("review_article", "publication type Review: no new data")
    elif no_data := sorted(set(record.publication_types) & _NO_DATA_TYPES):
        reasons.add("no_primary_data", "publication type " + ", ".join(no_data))
    if record.is_retracted:
        reasons.add("retracted", "retracted publication")


def therapy_class_table(watchlist: Watchlist) -> dict[str, str]:
    """Lower-cased therapy class term or agent -> its therapy class."""
    return {t.lower(): th.therapy_class for th in watchlist.therapies for t in th.class_terms} | {
        t.lower(): th.therapy_class for th in watchlist.therapies for t in th.agents
    }


def therapy_class_of(table: Mapping[str, str], surface: str) -> str | None:
    """The class of a therapy word as written, allowing inflected or partial matches."""
    word = surface.lower()
    if word in table:
        return table[word]
    for term, cls in table.items():
        if word.startswith(term) or term.startswith(word):
            return cls
    return None
