"""Direction of the gene's change in a sentence: the up/down word nearest the gene.

"overexpression of X", "loss of X amplification", "X was downregulated", "high X",
"X-depleted", "knockdown of RELA, X or Y"; after the gene an adjective needs a
copula ("X was elevated") or a hyphen ("X-high"), so "X inhibited apoptosis" says
nothing, while passive-only participles need neither ("we found X upregulated").
A perturbation (knockdown, inhibitor) is a "down" that comes from an experiment; a
loss word counts as one when genome editing or a knockout is named beside it
("deleted X with CRISPR-Cas9", "genetic deletion of X"). A gain experiment
(ectopic, forced or re-expression, restoration, transfection of X) is an "up"
from an experiment; re-expression and restoration also say that the gene had
been lost. In "low rather than high X" the rejected alternative is not the
direction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidencewatch.matching.extraction.wordstart import WordStart, words

_GENE_LIST_GAP_RE = re.compile(
    r"\s+(?:of\s+)?(?:the\s+)?(?:[\w\u0370-\u03ff-]*[A-Z0-9][\w\u0370-\u03ff-]*"
    r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*/\s*))+"
)
_COPULA = frozenset("is are was were be been being became remained appeared seemed".split())

# Direction triggers. Kind: U/D/P = up/down/perturbation (down); G/R = gain experiment
# (up), R one that restores what was lost; suffix "a" = adjective (after the gene only with
# a copula or hyphen-attached: "X was elevated", "X-high", not "X elevated ROS"); suffix
# "o" = passive-only participle (after the gene even bare); suffix "v" = verb or
# modifier (before the gene only).
_TRIGGERS: dict[str, str] = {
    "U": r"over-?expression|up-?regulation|amplification|activation|hyperactivation|gain|"
    r"induction|accumulation|positivity|overabundance",
    # participles that are never active verbs: after the gene even without a copula
    # ("we found X upregulated in ...")
    "Uo": r"over-?expressed|up-?regulated|amplified",
    "Ua": r"over-?expressing|higher|high|highly|elevated|increased|enhanced|activated|"
    r"abundant|stronger|strong|positive|gained",
    "D": r"loss|down-?regulation|deficiency|deletion|absence|lack|under-?expression|"
    r"hypermethylation|reduction|decrease|negativity",
    "Do": r"down-?regulated|under-?expressed|hypermethylated|deleted",
    "Da": r"lower|low|reduced|decreased|diminished|deficient|absent|lost|suppressed|"
    r"repressed|weaker|weak|negative|lacking",
    "P": r"knock-?downs?|knock-?outs?|silencing|depletion|inhibition|inhibitors?|siRNAs?|"
    r"shRNAs?|blockade|ablation|antagonists?|antagonism|suppression|CRISPR(?:/Cas9)?",
    "Po": r"knocked[\s-]down|knocked[\s-]out|silenced|depleted",
    "Pa": r"inhibited|blocked|ablated",
    "Pv": r"knocking\s+down|knocking\s+out|depleting|inhibiting|blocking|targeting|"
    r"silence|deplete|si(?=-)|sh(?=-)",
    # "expressed more X than", "less X": before the gene only
    "Uv": r"more",
    "Dv": r"less",
    "G": r"transfection|transduction|ectopic\s+expression|forced\s+expression|"
    r"enforced\s+expression|exogenous\s+expression",
    "Gv": r"ectopic(?:ally)?|forced|enforced|exogenous(?:ly)?|transfected\s+with|"
    r"transducing|transfecting",
    "R": r"re-?expression|restoration|reconstitution|re-?introduction|add-?back",
    "Ro": r"re-?expressed|reconstituted|re-?introduced",
    "Rv": r"re-?expressing|restoring|restored|reconstituting|re-?introducing",
}
_TRIGGER = WordStart.from_words(
    {kind: alts.split("|") for kind, alts in _TRIGGERS.items()}, tail=r"(?![A-Za-z0-9])"
)
# A loss word that names an experiment on the gene, not an observation ("deleted X with
# CRISPR-Cas9", "genetic deletion of X", "X-deleted isogenic cells"): read like a knockdown.
_EXPERIMENTAL_LOSS_WORDS = frozenset(
    "loss lost deletion deleted deficiency deficient absence ablated".split()
)
_EXPERIMENT_RE = re.compile(
    r"(?i)\b(?:CRISPR|Cas9|Cas12a?|sg-?RNAs?|g-?RNAs?|guide\s+RNAs?|gene[\s-]+edit\w*|"
    r"genome[\s-]+edit\w*|knock-?outs?|knocked[\s-]+out|isogenic|floxed|conditional|"
    r"Cre-mediated|engineered)(?![\w])"
)
_GENETIC_BEFORE_RE = re.compile(r"(?i)\b(?:genetic(?:al)?(?:ly)?|targeted)[\s-]+$")
# "low rather than high X": the rejected alternative says nothing about the gene
_REJECTED_ALTERNATIVE_RE = re.compile(r"(?i)\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to)\s+$")


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int
    end: int
    direction: str  # "up" | "down"
    perturb: bool
    distance: int  # words between trigger and gene
    text: str
    pre: bool = False  # the trigger comes before the gene
    gain: bool = False  # a gain experiment: ectopic, forced or re-expression
    restores: bool = False  # the gain gives back a lost gene: re-expression, restoration


def find_triggers(
    sentence: str, gene_spans: Sequence[tuple[int, int]], masked: Sequence[tuple[int, int]]
) -> list[Trigger]:
    """Direction words about the gene, nearest first; none inside ``masked`` (effect cues)."""
    found = []
    for s, e, m in _TRIGGER.finditer(sentence):
        if any(s < b and a < e for a, b in masked) or any(s < b and a < e for a, b in gene_spans):
            continue
        if _REJECTED_ALTERNATIVE_RE.search(sentence, max(0, s - 30), s):
            continue
        kind = WordStart.group(m)
        direction = "up" if kind[0] in "UGR" else "down"
        gain, restores = kind[0] in "GR", kind[0] == "R"
        word = sentence[s:e]
        for gs, ge in gene_spans:
            perturb = kind.startswith("P") or (
                word.lower() in _EXPERIMENTAL_LOSS_WORDS and _experimental(sentence, s, e, gs, ge)
            )
            if e <= gs:  # trigger before the gene: "overexpression of X", "high X"
                if s >= 2 and sentence[s - 1] in "-\u2010" and sentence[s - 2].isalnum():
                    continue  # "triple-negative", "ER-positive": another word's status
                gap = sentence[e:gs]
                if _GENE_LIST_GAP_RE.fullmatch(gap):  # "knockdown of RELA, CHUK or IKBKB"
                    gap = ""
                if re.search(r"[,;:()]", gap):
                    continue
                gap_words = [w for w in words(gap) if w.lower() not in ("of", "the")]
                if len(gap_words) > 3 or any(w.lower() in _COPULA for w in gap_words):
                    continue
                # "loss of X amplification": the head noun before the gene wins the tie
                found.append(
                    Trigger(s, e, direction, perturb, len(gap_words), word, True, gain, restores)
                )
            elif s >= ge:  # after the gene: "X overexpression", "X was downregulated"
                if kind.endswith("v"):
                    continue
                gap = sentence[ge:s]
                if re.search(r"[,;:()]", gap):
                    continue
                gap_words = words(gap)
                n = len(gap_words)
                attached = gap in ("", "-", "\u2010")  # "SRPK1-high", not "SRPK1 inhibited"
                copula = n <= 4 and any(w.lower() in _COPULA for w in gap_words)
                if kind.endswith("a"):
                    if not attached and not copula:
                        continue
                elif n > 2 and not copula:
                    continue
                found.append(Trigger(s, e, direction, perturb, n, word, False, gain, restores))
    return sorted(found, key=lambda t: (t.distance, not t.pre, t.start))


def _experimental(sentence: str, s: int, e: int, gs: int, ge: int) -> bool:
    """Whether the loss word at ``s:e`` about the gene at ``gs:ge`` names an experiment:
    a genome-editing or knockout word close by, in the same clause, or "genetic" just
    before it ("genetic deletion of X"). "Deletion of X in 20% of tumours" stays observed."""
    if _GENETIC_BEFORE_RE.search(sentence, max(0, s - 20), s):
        return True
    lo, hi = min(s, gs), max(e, ge)
    before = re.split(r"[;,]", sentence[max(0, lo - 40) : lo])[-1]
    after = re.split(r"[;,]", sentence[hi : hi + 40])[0]
    return _EXPERIMENT_RE.search(before + " " + sentence[lo:hi] + " " + after) is not None
