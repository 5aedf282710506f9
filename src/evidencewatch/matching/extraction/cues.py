"""Effect cues: the words of a clause that say resistance ("R") or sensitivity ("S").

* resistance: "resistant", "refractory", "non-responders", "poor response",
  "reduced sensitivity", "less responsive", "did not respond", "a lower pCR rate",
  "increased the IC50", "attenuated paclitaxel-induced apoptosis".
* sensitivity: "sensitized", "restored sensitivity", "pCR", "overcame resistance",
  "resistance was reversed", "decreased the IC50", "enhanced paclitaxel-induced
  apoptosis", "regained sensitivity".
* signed correlations: "inversely correlated with sensitivity" is resistance,
  "negatively correlated with resistance" sensitivity.

Descriptors of the material ("tamoxifen-resistant cells", "in resistant lines")
are marked, so that outcomes count first. The cue of a phrase that wins is the
one found first in the order of :func:`effect_spans`, so "lower pCR" is a
resistance cue before "pCR" can be read as sensitivity.
"""

from __future__ import annotations

import re

from evidencewatch.matching.extraction.tables import Tables
from evidencewatch.matching.extraction.wordstart import WordStart, words

__all__ = ["R_SPECIAL_FULL", "EffectCue", "effect_spans", "restores"]

# An effect cue as (start, end, "R"|"S", is_descriptor), offsets into its clause or sentence.
EffectCue = tuple[int, int, str, bool]

_RESIST_WORDS = [
    "chemo-?resist(?:ance|ances|ant|ants)\\b",
    "radio-?resist(?:ance|ances|ant|ants)\\b",
    "cross-?resist(?:ance|ances|ant|ants)\\b",
    "multi-?drug[\\s-]resist(?:ance|ances|ant|ants)\\b",
    "resist(?:ance|ances|ant|ants)\\b",
    "refractor(?:y|iness)\\b",
]
_SENSIT_WORDS = [
    "chemo-?sensitiv(?:ity|ities|e|eness)\\b",
    "radio-?sensitiv(?:ity|ities|e|eness)\\b",
    "hyper-?sensitiv(?:ity|ities|e|eness)\\b",
    "sensitiv(?:ity|ities|e|eness)\\b",
    "responsiveness\\b",
]
_RESIST = "(?:" + "|".join(_RESIST_WORDS) + ")"
_SENSIT = "(?:" + "|".join(_SENSIT_WORDS) + ")"
_RESPONSE = r"(?:respon(?:se|ses|sive|siveness)\b|(?-i:pCR)\b)"
_GAP = r"(?P<gap>(?:[\w\-/]+\s+){0,3}?)"
_IC50 = r"(?-i:(?:IC|GI)(?:50|₅₀))"
_KILLING = (
    r"(?:[\w-]+-(?:induced|mediated)\s+(?:apoptosis|cell\s+death|cytotoxicity|killing|"
    r"growth\s+(?:inhibition|arrest))\b|(?:apoptosis|cell\s+death|cytotoxicity)\s+"
    r"(?:induced|caused|triggered)\s+by\b|(?:(?:anti-?proliferative|cytotoxic|"
    r"growth-inhibitory|pro-?apoptotic)\s+)?(?:effects?|efficacy|cytotoxicity|activity|"
    r"action)\s+of\b)"
)
# "tamoxifen resistance was reversed", "sensitivity to paclitaxel was markedly reduced"
_COPULA_PASSIVE = (
    r"\s+(?:to\s+(?:[\w-]+\s+){1,2}?)?(?:was|were|is|are|could\s+be|can\s+be|has\s+been|"
    r"have\s+been)\s+(?:\w+ly\s+)?"
)
_R_TO_S = WordStart.from_words(  # reversing resistance means sensitivity
    {
        "v": """overc[oa]m\\w* revers\\w* abrogat\\w* abolish\\w* attenuat\\w* alleviat\\w*
        circumvent\\w* reduc\\w* decreas\\w* diminish\\w* prevent\\w* delay\\w* mitigat\\w*
        counteract\\w* suppress\\w* impair\\w* lower\\w* eliminat\\w* bypass\\w*
        less""".split()
    },
    tail=rf"(?i:\s+{_GAP}(?:to\s+)?{_RESIST})",
)
_S_TO_R = WordStart.from_words(  # losing sensitivity means resistance
    {
        "v": """reduc\\w* decreas\\w* diminish\\w* impair\\w* attenuat\\w* blunt\\w* abrogat\\w*
        abolish\\w* lower(?:ed|s)? loss\\s+of lost declin\\w* weaken\\w* less""".split()
    },
    tail=rf"(?i:\s+{_GAP}(?:{_SENSIT}|{_RESPONSE}))",
)
_S_PLUS_VERB = WordStart.from_words(  # raising sensitivity
    {
        "v": """restor\\w* increas\\w* enhanc\\w* improv\\w* augment\\w* potentiat\\w*
        heighten\\w* re-?establish\\w* regain\\w* rescu\\w*""".split()
    },
    tail=rf"(?i:\s+{_GAP}(?:{_SENSIT}|respon(?:se|ses)\b))",
)
# The passive of the two: "tamoxifen resistance was reversed", "sensitivity was reduced".
_PASSIVE = WordStart.from_words(
    {
        "S": [
            f"{w}{_COPULA_PASSIVE}(?:overcome|reversed|abrogated|abolished|attenuated|"
            "alleviated|circumvented|reduced|decreased|diminished|prevented|mitigated|"
            "counteracted|suppressed|eliminated|bypassed)\\b"
            # "this protection was abolished by X knockout": the drug works again
            for w in [*_RESIST_WORDS, "protection\\b"]
        ],
        "R": [
            f"{w}{_COPULA_PASSIVE}(?:reduced|decreased|diminished|impaired|attenuated|"
            "blunted|abrogated|abolished|lost|weakened|lowered)\\b"
            for w in _SENSIT_WORDS
        ],
    }
)
_S_PLUS = WordStart.from_words(
    {
        "s": [
            "restor\\w*\\s+(?:[\\w-]+\\s+){0,3}?(?:growth\\s+(?:inhibition|arrest)|apoptosis|"
            "cell\\s+death|killing|efficacy|cytotoxicity)\\b",
            "(?:reduc|decreas|impair|lower|diminish|abrogat)\\w*\\s+(?:[\\w-]+\\s+){0,4}?"
            "(?:clonogenic|cell|colony)\\s+(?:survival|formation|viability)\\b",
            "(?:induced|caused|produced|achieved)\\s+(?:[\\w-]+\\s+)?(?:tumou?r\\s+)?regression\\b",
            f"(?:enhanc|increas|potentiat|augment|promot|amplif|restor|improv)\\w*\\s+"
            f"(?:the\\s+)?{_KILLING}",
            f"(?:decreas|reduc|lower|diminish)\\w*\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?{_IC50}",
            f"(?:lower|reduced|decreased)\\s+{_IC50}",
            # "reduced growth of resistant cells on tamoxifen": the drug works again
            "(?:reduc|decreas|inhibit|suppress|impair|block|abolish|restrain)\\w*\\s+(?:the\\s+)?"
            "(?:growth|proliferation|viability|survival|colony\\s+formation)\\s+of\\s+(?:the\\s+)?"
            "(?:[\\w/]+-)?resistant\\b",
            "chemo-?sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "radio-?sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "re-?sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "vulnerab\\w*",
            "pathologic(?:al)?\\s+complete\\s+respon\\w*",
            "complete\\s+respon\\w*",
            "(?:good|better|favou?rable|greater|improved)\\s+(?:\\w+\\s+)?respon\\w*",
            "benefit(?:ed|ted|s)?\\s+(?:more\\s+)?from",
            "=pCR\\b",
        ]
    }
)
_R_SPECIAL_WORDS = [
    "(?:did|does|do|could|would)\\s+not\\s+respond\\w*",
    "fail\\w*\\s+to\\s+respond\\w*",
    "no\\s+longer\\s+(?:sensitive|respond\\w*)",
    "unresponsive\\w*",
    "non-?respon\\w*",
    "poor(?:er|ly)?\\s+(?:\\w+\\s+)?respon\\w*",
    "desensiti[sz]\\w*",
    "(?:less|little|limited|reduced|lower|poor(?:er)?|inferior|worse|decreased|diminished|no)"
    "\\s+(?:clinical\\s+)?benefit\\w*",
    "(?:early\\s+)?relapse[sd]?\\b",
    "residual\\s+disease\\b",
    "fail\\w*\\s+to\\s+(?:achieve|attain|reach|obtain)\\s+(?:an?\\s+)?(?:[\\w-]+\\s+){0,2}?"
    "(?:respon\\w*|(?-i:pCR)|remission)",
    "(?:worse|shorter|reduced)\\s+(?!clonogenic|cell\\b|colony)(?:\\w+\\s+)?(?:response|survival)",
    # "a lower pCR rate", "a lower likelihood of pCR", "fewer complete responses"
    "(?:lower|reduced|decreased|fewer|less\\s+frequent)\\s+(?:(?:likelihood|probability|"
    "chance|odds|rates?|frequency|proportion)\\s+of\\s+)?(?:(?-i:pCR)|pathologic(?:al)?\\s+"
    "complete\\s+respon\\w*|complete\\s+respon\\w*|(?:objective\\s+)?response\\s+rates?|"
    "responses|remissions?)",
    "(?:less\\s+likely|unlikely)\\s+to\\s+(?:respond|achieve|attain|benefit)\\w*",
    "(?:shorter|reduced)\\s+time\\s+to\\s+(?:progression|relapse|recurrence|treatment\\s+failure)",
    f"protect\\w*\\s+(?:[\\w-]+\\s+){{0,2}}?(?:from|against)\\s+(?:the\\s+)?{_KILLING}",
    "(?:without|absence\\s+of|lack\\s+of)\\s+(?:an?\\s+)?(?:(?-i:pCR)\\b|(?:pathologic(?:al)?\\s+)?"
    "complete\\s+respon\\w*|(?:clinical\\s+|objective\\s+)?response\\b|remission)",
    "no\\s+(?:(?-i:pCR)\\b|(?:pathologic(?:al)?\\s+)?complete\\s+respon\\w*|objective\\s+response\\b)",
    f"(?:increas|rais|elevat)\\w*\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?{_IC50}",
    f"(?:higher|increased|elevated)\\s+{_IC50}",
    f"(?:attenuat|reduc|decreas|impair|block|prevent|inhibit|suppress|abrogat)\\w*\\s+"
    f"(?:the\\s+)?{_KILLING}",
]
_R_SPECIAL = WordStart.from_words({"r": _R_SPECIAL_WORDS})
R_SPECIAL_FULL = re.compile("(?i:" + "|".join(_R_SPECIAL_WORDS) + ")")
_R_BASE = WordStart.from_words({"r": _RESIST_WORDS})
_S_BASE = WordStart.from_words(
    {
        "s": [
            *_SENSIT_WORDS,
            "responders?\\b",
            "responsive\\b",
            "respon(?:se|ses|ded|d|ding)\\b",  # not "immune response": see effect_spans
        ]
    }
)
# "inversely correlated with sensitivity": the sign turns the effect word over
_INVERSE = [
    "(?:inversely|negatively)\\s+(?:correlat|associat)\\w*\\s+with",
    "(?:correlat|associat)\\w*\\s+(?:inversely|negatively)\\s+with",
]
_INVERSE_S = WordStart.from_words(
    {"R": _INVERSE}, tail=rf"(?i:\s+{_GAP}(?:{_SENSIT}|{_RESPONSE}|benefit))"
)
_INVERSE_R = WordStart.from_words({"S": _INVERSE}, tail=rf"(?i:\s+{_GAP}{_RESIST})")
# Words allowed between "reduced"/"overcame"/"restored" and the sensitivity or resistance
# word they govern ("overcame acquired tamoxifen resistance"); therapy words are allowed too.
_GAP_WORDS = frozenset(
    """the a an its their this these that such acquired intrinsic de novo primary secondary
    cellular cell drug multidrug cross endocrine hormone hormonal therapy therapeutic
    treatment radiation tumour tumor cancer""".split()
)
_GAP_SUFFIXES = ("-induced", "-mediated", "-dependent", "-driven", "-associated", "-related")
_DESCRIPTOR_RE = re.compile(
    r"(?i)[\w/-]*\s*(?:[\w-]+\s+){0,2}?(?:cells?|cell\s+lines?|tumou?rs?|patients|xenografts?|"
    r"models?|clones?|sub-?lines?|lines|derivatives?|counterparts?|variants?|populations?|"
    r"organoids?|spheroids?|mice|PDXs?|explants?|"
    r"group|groups|cases|samples|tissues?)\b"
)
# "... restored sensitivity in (both) resistant <anything>": where the experiment was done
_IN_MATERIAL_RE = re.compile(
    r"(?i)(?<!result)(?<!resulted)(?<!resulting)(?<!results)\s+(?:with)?in\s+"
    r"(?:(?:the|both|all|these|those|two|three|four|several|each)\s+)?(?:[\w/-]+-)?$"
)
# "oestrogen-responsive promoters", "siRNA-resistant cDNA", "puromycin-resistant clones":
# a compound whose first half is a hormone, a reagent or a selection marker names genes,
# constructs or selected cells, not a response to therapy.
_HORMONE_PREFIX_RE = re.compile(
    r"(?i)(?:o?estrogen|o?estradiol|(?-i:E2|ER)|hormone|androgen|hypoxia)[-‐]$"
)
_REAGENT_PREFIX_RE = re.compile(
    r"(?i)(?:si|sh|g|sg)?RNAi?[-‐]$|(?:guide|Cas9|nuclease|RNase|DNase|"
    r"protease|trypsin|detergent|puromycin|neomycin|G418|hygromycin|blasticidin|zeocin|"
    r"ampicillin|kanamycin)[-‐]$"
)
# "the response to 4-hydroxytamoxifen was measured": what was done, not what was found
_MEASURED_AFTER_RE = re.compile(
    r"(?i)(?:\s+(?:to|of)(?:\s+[\w-]+){1,4}?)?\s+(?:was|were|is|are)\s+(?:then\s+|also\s+)?"
    r"(?:measured|assessed|evaluated|determined|tested|examined|quantified|monitored|"
    r"recorded|analy[sz]ed|scored)\b"
)
_MEASURED_BEFORE_RE = re.compile(
    r"(?i)\b(?:measured|assessed|evaluated|determined|tested|examined|quantified|monitored|"
    r"investigated|studied)\s+(?:[\w,-]+\s+){0,6}?$"
)
# A cue that ends "effect of", "induced by": what follows must be a treatment
_OF_BY_RE = re.compile(r"\s(?:of|by)$")
_INDUCED_RE = re.compile(r"([\w-]+)-(?:induced|mediated)\s")
# A sensitivity cue that gives back what resistant material had lost.
_RESTORE_RE = re.compile(
    r"(?i)(?:restor|re-?sensiti[sz]|re-?establish|overc[oa]m|revers|regain|rescu|"
    r"\bagain\b|abrogat|abolish|circumvent)"
)


def _treatment_named(clause: str, s: int, e: int, tables: Tables) -> bool:
    """Whether a cue about a drug's effect names a treatment: the word before "-induced"
    ("paclitaxel-induced apoptosis"), or within three words after "effect of", "induced by"."""
    induced = _INDUCED_RE.search(clause, s, e)
    if induced and not tables.therapy.find(induced.group(1)):
        return False
    if _OF_BY_RE.search(clause, s, e):
        return bool(tables.therapy.find(" ".join(words(clause[e : e + 60])[:3])))
    return True


def _gap_ok(gap: str, tables: Tables) -> bool:
    return all(
        w.lower() in _GAP_WORDS or w.lower().endswith(_GAP_SUFFIXES) or tables.therapy.find(w)
        for w in words(gap)
    )


def effect_spans(clause: str, tables: Tables) -> list[EffectCue]:
    """(start, end, "R"|"S", is_descriptor) for each effect cue in a clause."""
    spans: list[tuple[int, int, str]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b, _ in spans)

    for finder, kind, check_gap in (
        (_INVERSE_S, "R", True),
        (_INVERSE_R, "S", True),
        (_PASSIVE, "", False),
        (_R_SPECIAL, "R", False),
        (_R_TO_S, "S", True),
        (_S_TO_R, "R", True),
        (_S_PLUS_VERB, "S", True),
        (_S_PLUS, "S", False),
    ):
        for s, e, m in finder.finditer(clause):
            gap = m.groupdict().get("gap") or ""
            if check_gap and gap and not _gap_ok(gap, tables):
                continue
            if not _treatment_named(clause, s, e, tables):
                continue  # "enhanced the effect of estrogen", "TNF-induced apoptosis"
            if free(s, e):
                spans.append((s, e, kind or WordStart.group(m)))
    hits = [(s, e, kind) for s, e, kind, _ in tables.effects.find(clause)]
    hits += [(s, e, "R") for s, e, _ in _R_BASE.finditer(clause)]
    hits += [(s, e, "S") for s, e, _ in _S_BASE.finditer(clause)]
    for s, e, kind in hits:
        if not free(s, e):
            continue
        if not _therapy_cue(clause, s, e, kind):
            continue
        spans.append((s, e, kind))
    out = []
    for s, e, kind in sorted(spans):
        descriptor = clause[s:e].lower().endswith(("resistant", "sensitive", "refractory")) and (
            _DESCRIPTOR_RE.match(clause, e + (len(clause[e:]) - len(clause[e:].lstrip())))
            is not None
            or _IN_MATERIAL_RE.search(clause[max(0, s - 40) : s]) is not None
        )
        out.append((s, e, kind, descriptor))
    return out


def _therapy_cue(clause: str, s: int, e: int, kind: str) -> bool:
    """Whether a plain "resistant", "response"... word speaks of a response to therapy
    (not "immune response", "oestrogen-responsive genes", "siRNA-resistant cDNA", nor
    "the response ... was measured")."""
    before = clause[max(0, s - 25) : s]
    word = clause[s:e].lower()
    if kind == "S" and word.startswith("respon"):
        if re.search(r"(?i)(?:damage|immune|stress|protein|inflammatory)[\s-]+$", before):
            return False
        if _HORMONE_PREFIX_RE.search(before):
            return False
    if _REAGENT_PREFIX_RE.search(before):
        return False
    if word.startswith(("respon", "sensitiv", "resist")):
        if _MEASURED_AFTER_RE.match(clause, e) or _MEASURED_BEFORE_RE.search(before):
            return False
    return True


def restores(sentence: str, cue: EffectCue) -> bool:
    """Whether a sensitivity cue gives back what was lost: "restored sensitivity",
    "reversed resistance", "resistance was overcome", "sensitive again"."""
    s, e, kind, _ = cue
    return kind == "S" and _RESTORE_RE.search(sentence, s, e + 7) is not None
