"""The rule score of a candidate: every point comes from a :class:`Reason`.

The weights are in :data:`WEIGHTS`. The sum is clipped to 0..100 and the clipping
itself is a reason (``score_clip``), so the reasons always add up to the score
exactly. Breast context is a disease term in title/abstract or the MeSH heading
(any heading containing the watchlist's ``disease_mesh``, e.g. "Breast Neoplasms").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evidencewatch.matching.analysis import Analysis, Mention
from evidencewatch.matching.cell_lines import find_cell_lines
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
    # A review: no new data, the primary papers are what curators want.
    "review_article": -20.0,
    # Comment, editorial, letter, news, erratum: no primary data either.
    "no_primary_data": -20.0,
    # Retracted publication (or a RetractionIn link): must not be used as evidence.
    "retracted": -60.0,
    # The gene is only named by an ambiguous alias (p65, neu...) supported by context.
    "ambiguous_alias_only": -20.0,
    # The gene only appears as a subtype/status label ("HER2-positive breast cancer").
    "status_label_only": -20.0,
}
SUPPORTING_SENTENCES_CAP = 3  # at most 3 extra sentences count (+15)
SCORE_MIN, SCORE_MAX = 0.0, 100.0
_NO_DATA_TYPES = frozenset(
    {"Comment", "Editorial", "Letter", "News", "Published Erratum", "Newspaper Article"}
)


@dataclass(frozen=True, slots=True)
class Reason:
    feature: str  # e.g. "gene_in_title", "no_breast_context"
    weight: float  # its contribution to the score (+/-)
    detail: str  # human text


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
    """The clipped score and the reasons that add up to it exactly.

    ``disease``: the breast-cancer terms and MeSH headings found in the record;
    ``therapy_classes``: from :func:`therapy_class_table`.
    """
    reasons = _Reasons()
    surfaces = list(dict.fromkeys(m.surface for m in mentions))
    reasons.add("gene_mentioned", f"{gene} named {len(mentions)}x as {', '.join(surfaces)}")
    title_forms = [m.surface for m in mentions if analysis.sentences[m.sent].section == "title"]
    if title_forms:
        reasons.add("gene_in_title", f"{gene} in the title as '{title_forms[0]}'")
    _cue_reasons(reasons, gene, snippets, n_supporting, therapy_classes)
    _record_reasons(reasons, record, disease, analysis.text)
    if gene in analysis.ambiguous_only:
        reasons.add(
            "ambiguous_alias_only",
            f"{gene} only as ambiguous {', '.join(surfaces)}, accepted from context words",
        )
    if all(m.status_label for m in mentions):
        reasons.add("status_label_only", f"{gene} only as a status label ('{surfaces[0]}-...')")
    total = sum(r.weight for r in reasons.items)
    clipped = min(max(total, SCORE_MIN), SCORE_MAX)
    if clipped != total:
        reasons.items.append(
            Reason("score_clip", clipped - total, f"sum {total:g} clipped to {clipped:g}")
        )
    return clipped, tuple(reasons.items)


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
