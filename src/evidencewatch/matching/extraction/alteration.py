"""Alteration of the gene a candidate reports: mRNA, protein, mutation, copy number...

Snippets first, then any sentence naming the gene. In a sentence, first the words
within three words of the gene ("X mRNA", "amplification of X", "nuclear p65",
"CYP3A4*22 allele"; not "HER2-amplified" in a sentence about another gene), else
the sentence's method words ("by immunohistochemistry", "RNA-seq", "a five-gene
score"); the most specific kind wins, in the order of ``ALTERATIONS``
(nuclear_localisation > methylation > phosphorylation > mutation > copy_number >
signature > protein > mRNA).

The change in it (over-expression, loss, amplification, activation...) is read from
the same sentence by :mod:`~evidencewatch.matching.extraction.change`: it goes into
the evidence as ``alteration_change`` and before the sentence ("amplification: ..."),
so the alteration stays what was measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidencewatch.core.vocabulary import ALTERATIONS
from evidencewatch.matching.extraction.change import read_change
from evidencewatch.matching.extraction.wordstart import WordStart, words

# Alteration words that must sit next to the gene (within three words, no comma).
_ALTERATION = WordStart.from_words(
    {
        "nuclear_localisation": [
            "nuclear\\s+(?:locali[sz]ation|translocation|accumulation|staining|expression|"
            "positivity|import|levels?|fraction|retention)\\b",
            "(?:translocat|locali[sz]|accumulat|shuttl)\\w*\\s+(?:\\w+\\s+){0,2}?"
            "(?:to|in|into|within)\\s+the\\s+nucle(?:us|i)\\b",
        ],
        "methylation": ["(?:hyper|hypo)-?methylat\\w*", "methylat\\w*"],
        "mutation": [
            "mutat\\w*",
            "mutants?\\b",
            "(?:germline|somatic|pathogenic|missense|truncating|frameshift|nonsense)\\b",
            "polymorphism\\w*",
            "=SNPs?\\b",
            "loss-of-function\\b",
            "alleles?\\b",
            "genotyp\\w*",
            "carriers?\\b",
        ],
        "copy_number": [
            "amplif\\w*",
            "copy[\\s-]+number",
            "=CNVs?\\b",
            "=CNAs?\\b",
            "(?:homozygous|hemizygous|genomic)\\s+deletions?\\b",
            "(?:gene|genomic|chromosomal)\\s+gains?\\b",
        ],
        "protein": [
            "proteins?\\b",
            "(?:mono|poly)?ubiquitinat\\w*",
            "ubiquitinat\\w*",
            "acetylat\\w*",
            "sumoylat\\w*",
            "labell?ing\\s+index\\b",
        ],
        "mRNA": ["=mRNAs?\\b", "transcripts?\\b"],
    }
)
# A phospho-form of the gene itself: "LYN phosphorylation", "IKKβ (Ser177/181)
# phosphorylation", "phosphorylated RELA", "p-LYN", "phosphorylation of SRPK1". Not "X
# knockdown reduced AKT phosphorylation" (another protein's) nor "SRPK1 phosphorylates SR
# proteins" (the gene as the kinase).
_PHOSPHO_AFTER_RE = re.compile(
    r"(?i)[\s\u2010-]*(?:\(?(?:at\s+)?(?:Ser|Thr|Tyr|[STY])-?\d+(?:/\d+)?\)?\s*)?"
    r"phosphorylation\b|\s+(?:was|were|is|are|became)\s+(?:\w+ly\s+)?(?:hyper-?)?phosphorylated\b"
)
_PHOSPHO_BEFORE_RE = re.compile(
    r"(?i)(?:\b(?:hyper-?)?phosphorylated\s+|\bphospho-?|\bp-|\bphosphorylation\s+of\s+(?:the\s+)?)$"
)
# An engineered form is what was done to the cells, not an alteration found in them.
_CONSTRUCT_RE = re.compile(
    r"(?i)(?:constitutively[\s-]+active|kinase[\s-]+(?:dead|inactive)|catalytically[\s-]+"
    r"inactive|phospho-?mimetic|non-?phosphorylatable|dominant[\s-]+negative|"
    r"(?:degradation|siRNA|shRNA)[\s-]+resistant)\s+(?:[\w\u0370-\u03ff\x00-]+\s+)?$"
)
# Alteration words that name how the sentence measured things, or a gene set: anywhere in
# a sentence naming the gene, used when no word sits next to the gene.
_ALTERATION_SENTENCE = WordStart.from_words(
    {
        "copy_number": ["=FISH\\b", "fluorescence\\s+in\\s+situ\\s+hybridi[sz]ation\\b"],
        "mutation": [
            "(?:targeted|exome|panel|next-generation)\\s+sequencing\\b",
            "genotyp\\w*",
        ],
        "signature": [
            "signatures?\\b",
            "gene[\\s-]+sets?\\b",
            "classifiers?\\b",
            "(?:risk|prognostic|predictive|recurrence)\\s+(?:score|model|index)\\b",
            "multi-?gene\\b",
            "[0-9][0-9]*-gene\\b",
            "(?:two|three|four|five|six|seven|eight|nine|ten|twelve)-gene\\b",
        ],
        "protein": [
            "immunohistochem\\w*",
            "=IHC\\b",
            "western\\s+blot\\w*",
            "immunoblot\\w*",
            "immunostain\\w*",
            "immunofluorescen\\w*",
            "proteom\\w*",
            "reverse[\\s-]+phase\\s+protein\\s+arrays?",
        ],
        "mRNA": [
            "=RT-?qPCR\\b",
            "=qRT-?PCR\\b",
            "=qPCR\\b",
            "=RT-?PCR\\b",
            "rna-?seq\\w*",
            "rna\\s+in\\s+situ\\s+hybridi[sz]ation\\b",
            "=RNA-?ISH\\b",
            "microarray\\w*",
            "transcriptom\\w*",
            "gene\\s+expression\\s+profil\\w*",
            "northern\\s+blot\\w*",
        ],
    }
)


def read_alteration(
    sentences: Sequence[tuple[str, Sequence[tuple[int, int]]]], evidence: dict[str, str]
) -> str | None:
    """The alteration in the first sentence that names one, most specific kind first.

    First the words within three words of the gene ("SLC7A5 mRNA", "amplification of
    ERBB2", "nuclear p65", "CYP3A4*22 allele"); a sentence about SLC7A5 that says
    "HER2-amplified cells" does not count, nor anything across a comma. Failing those,
    the sentence's method or gene-set words ("by immunohistochemistry", "a five-gene
    score").
    """
    for text, spans in sentences:
        if not spans:
            continue
        masked = text
        for s, e in spans:
            masked = masked[:s] + "\x00" * (e - s) + masked[e:]
        found: set[str] = set()
        for s, e, m in _ALTERATION.finditer(masked):
            if s > 0 and masked[s - 1] in "-\u2010" and masked[s - 2 : s - 1] != "\x00":
                continue  # hyphen-attached to another name: "HER2-amplified"
            kind = WordStart.group(m)
            if kind == "mutation" and _CONSTRUCT_RE.search(masked[max(0, s - 60) : s]):
                continue
            if any(_near(masked, s, e, gs, ge) for gs, ge in spans):
                found.add(kind)
        for s, e in spans:
            if _PHOSPHO_AFTER_RE.match(text, e) or _PHOSPHO_BEFORE_RE.search(text[:s]):
                found.add("phosphorylation")
            if re.search(r"(?i)\bnuclear[\s-]+$", text[:s]):
                found.add("nuclear_localisation")
            if re.match(r"\*\d", text[e:]):  # star allele: "CYP3A4*22"
                found.add("mutation")
        if not found:
            found = {WordStart.group(m) for _, _, m in _ALTERATION_SENTENCE.finditer(masked)}
        if found:
            kind = min(found, key=ALTERATIONS.index)
            change = read_change(text, spans, kind)
            evidence["alteration"] = f"{change[0]}: {text}" if change else text
            if change:
                evidence["alteration_change"] = change[0]
            return kind
    return None


def _near(text: str, s: int, e: int, gs: int, ge: int, max_words: int = 3) -> bool:
    gap = text[e:gs] if e <= gs else text[ge:s] if ge <= s else ""
    gap = re.sub(r"\([^()]{0,40}\)", " ", gap)  # "low BRIP1 (FANCJ) protein"
    return not re.search(r"[,;:()]", gap) and len(words(gap)) <= max_words
