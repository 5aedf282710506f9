"""Facts about the whole record, shared by all its genes: subtype, model system, cell lines.

* subtype: snippets, then title, then abstract; the first one named, unless its
  sentence names several together ("in both ER-positive and triple-negative
  tumours"): then the work spans subtypes and none is given.
* model system: a review (publication type Review, or "in this review") is
  ``review`` whatever it mentions; otherwise the strongest named anywhere in
  title/abstract, in the order of ``MODEL_SYSTEMS`` (clinical_trial >
  patient_cohort > xenograft > organoid > cell_line); ``cell_lines`` lists every
  breast cell line named. "Patient-derived organoids" are organoids, not
  xenografts. A sentence about work still to do ("confirmation in patient cohorts
  is required") or not done ("not tested in vivo") names no model.

They are computed once per record (the last record is kept) and shared by its genes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidencewatch.core.vocabulary import MODEL_SYSTEMS
from evidencewatch.matching.cell_lines import find_cell_lines
from evidencewatch.matching.extraction.wordstart import WordStart
from evidencewatch.pubmed.records import PubmedRecord

_SUBTYPE = WordStart.from_words(
    {
        "tn": ["triple[\\s-]*negative", "=TNBCs?\\b"],
        "her2": [
            "=HER-?2(?:/neu)?(?:[\\s-]*(?i:positive|enriched|overexpressing|amplified)\\b|\\+)",
            "=E(?:RBB2|rbB2)(?:[\\s-]*(?i:positive|enriched|overexpressing|amplified)\\b|\\+)",
        ],
        "luma": ["=[Ll]uminal[\\s-]*A\\b"],
        "lumb": ["=[Ll]uminal[\\s-]*B\\b"],
        "basal": ["basal[\\s-]*like\\b"],
        "er": [
            "=ER(?:α|a|-?alpha|/PR|/PgR)?(?:[\\s-]*(?i:positive)\\b|\\+)",
            "=HR(?:[\\s-]*(?i:positive)\\b|\\+)",
            "oestrogen[\\s-]+receptor(?:[\\s-]*(?:α|alpha))?[\\s-]*positive\\b",
            "estrogen[\\s-]+receptor(?:[\\s-]*(?:α|alpha))?[\\s-]*positive\\b",
            "hormone[\\s-]+receptor[\\s-]*positive\\b",
        ],
    }
)
# group name -> its name in SUBTYPES (core.vocabulary)
_SUBTYPE_NAMES = {
    "tn": "triple-negative",
    "her2": "HER2-positive",
    "luma": "luminal A",
    "lumb": "luminal B",
    "basal": "basal-like",
    "er": "ER-positive",
}
_MODEL_GROUPS: dict[str, Sequence[str]] = {
    "clinical_trial": [
        "=[Pp]hase\\s+(?:I{1,3}|IV|[1-4])(?:\\s*[/-]\\s*(?:I{1,3}|IV|[1-4]))?[ab]?\\s+"
        "(?:[\\w-]+\\s+){0,3}?(?i:trials?|studies|study)\\b",
        "randomi[sz]ed(?:[\\s-]+[\\w-]+){0,3}?\\s+trials?\\b",
        "=NCT\\d{6,}\\b",
        "=[Ii]n\\s+the\\s+[A-Z][\\w/-]*(?:\\s+[\\w/-]+){0,2}\\s+trial\\b",
        "=[Ff]rom\\s+the\\s+[A-Z][\\w/-]*(?:\\s+[\\w/-]+){0,2}\\s+trial\\b",
        "=[Oo]f\\s+the\\s+[A-Z][\\w/-]*(?:\\s+[\\w/-]+){0,2}\\s+trial\\b",
    ],
    "patient_cohort": [
        # a count of patients, not "MCF-7 tumours": the digit follows a space or "("
        "[0-9](?<=[\\s(][0-9])[\\d,]*\\s+(?:[\\w-]+\\s+){0,3}?(?:patients|women|cases|"
        "tumou?rs|specimens|biopsies)\\b",
        "cohorts?\\b",
        "tissue\\s+micro-?arrays?\\b",
        "retrospective\\w*",
        "(?:clinical|patient|surgical|tumou?r)\\s+(?:samples|specimens|tissues|biopsies)\\b",
        "n\\s*=\\s*\\d+\\s+patients\\b",
        "=TCGA\\b",
        "=METABRIC\\b",
    ],
    "organoid": [
        "organoids?\\b",
        "=PDOs?\\b",
        "patient-derived\\s+(?:[\\w-]+\\s+){0,3}?organoids?\\b",
        "tumou?roids?\\b",
    ],
    "review": [
        "(?:in\\s+)?this\\s+(?:mini-?|narrative\\s+|systematic\\s+|comprehensive\\s+)?review\\b",
        "we\\s+(?:systematically\\s+)?review(?:ed)?\\b",
        "here\\s+we\\s+summari[sz]e\\b",
        "(?:a\\s+)?systematic\\s+review\\b",
    ],
    "xenograft": [
        "xenograft\\w*",
        "patient-derived\\b(?!\\s+(?:[\\w-]+\\s+){0,3}?organoid)",
        "mice\\b",
        "mouse\\s+models?\\b",
        "in\\s+vivo\\b",
        "orthotopic\\w*",
        "=PDXs?\\b",
    ],
    "cell_line": [
        "cell\\s+lines?\\b",
        "in\\s+vitro\\b",
        "(?:resistant|sensitive|parental)\\s+(?:[\\w-]+\\s+)?cells\\b",
    ],
}
_MODEL = WordStart.from_words(_MODEL_GROUPS)
# A sentence about work still to do, or not done, names models nobody used:
# "confirmation in animal models and patient cohorts is required", "worth evaluating in
# patient cohorts", "the effects were not tested in vivo".
_UNUSED_RE = re.compile(
    r"(?i)\bnot\s+(?:yet\s+)?(?:been\s+)?(?:tested|studied|examined|evaluated|confirmed|"
    r"validated|assessed)\b|\b(?:is|are|will\s+be|would\s+be)\s+(?:now\s+|still\s+)?"
    r"(?:required|needed|warranted)\b|\bworth\s+(?:evaluating|testing|exploring|investigating|validating)\b|"
    r"\bfuture\s+(?:studies|work|trials|research)\b|\bremains?\s+to\s+be\s+(?:tested|"
    r"determined|established|validated|shown)\b|\bshould\s+(?:now\s+)?be\s+(?:tested|"
    r"evaluated|validated|explored|assessed)\b"
)


@dataclass(frozen=True, slots=True)
class RecordFacts:
    record: PubmedRecord
    sentences: list[str]
    model_system: str | None
    model_sentence: str
    cell_lines: tuple[str, ...]
    subtype: tuple[str, str] | None  # (subtype, sentence)


_FACTS_CACHE: list[RecordFacts] = []


def record_facts(record: PubmedRecord, sentences: Sequence[str]) -> RecordFacts:
    """The facts of ``record``, whose title and abstract are ``sentences`` (cached)."""
    if _FACTS_CACHE and _FACTS_CACHE[0].record is record:
        return _FACTS_CACHE[0]
    sentences = list(sentences)
    starts = []
    pos = 0
    for sentence in sentences:
        starts.append(pos)
        pos += len(sentence) + 1
    text = "\n".join(sentences)

    def sentence_at(i: int) -> str:
        k = max(bisect.bisect_right(starts, i) - 1, 0)
        return sentences[k] if sentences else ""

    first_model: dict[str, int] = {}
    for s, _, m in _MODEL.finditer(text):
        if not _UNUSED_RE.search(sentence_at(s)):
            first_model.setdefault(WordStart.group(m), s)
    cell_lines = tuple(find_cell_lines(text))
    model, model_sentence = None, ""
    if record.is_review:
        model, model_sentence = "review", next(iter(sentences), "")
    for kind in ("review", *MODEL_SYSTEMS):  # a review's models are other papers'
        if model is None and kind in first_model:
            model, model_sentence = kind, sentence_at(first_model[kind])
    if model is None and cell_lines:
        model = "cell_line"
        model_sentence = next((s for s in sentences if find_cell_lines(s)), "")
    subtype = None
    hit = next(_SUBTYPE.finditer(text), None)
    if hit is not None and not _spans_subtypes(sentence_at(hit[0])):
        subtype = (_SUBTYPE_NAMES[WordStart.group(hit[2])], sentence_at(hit[0]))
    facts = RecordFacts(record, sentences, model, model_sentence, cell_lines, subtype)
    _FACTS_CACHE[:] = [facts]
    return facts


def first_subtype(sentences: Sequence[str], evidence: dict[str, str]) -> str | None:
    """The subtype named first in ``sentences``, with the sentence as its evidence."""
    for text in sentences:
        hit = _SUBTYPE.search(text)
        if hit:
            if _spans_subtypes(text):
                return None
            evidence["subtype"] = text
            return _SUBTYPE_NAMES[WordStart.group(hit)]
    return None


def _spans_subtypes(sentence: str) -> bool:
    """Whether the sentence names several subtypes together ("in both hormone
    receptor-positive and triple-negative tumours"): the work spans them, so none is its
    subtype."""
    hits = list(_SUBTYPE.finditer(sentence))
    names = {WordStart.group(m) for _, _, m in hits}
    if len(names) < 2:
        return False
    between = sentence[hits[0][1] : hits[-1][0]]
    return re.search(r"(?i)\b(?:and|or|both|as\s+well\s+as|versus|vs)\b", between) is not None
