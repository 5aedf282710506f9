"""Effect (resistance, sensitivity, no association) and the direction that goes with it.

Each snippet is read on its own; the first (best-ranked) snippet with an effect and
an *observed* direction ("high X in resistant tumours") decides both, else the
first whose direction comes from an experiment on the gene (knockdown,
inhibitor), else the first with an effect alone. So a loss-of-function biomarker
seen in patients stays "down" even when a knockout in cells is also reported.

* effect words: resistance ("resistant", "refractory", "non-responders", "poor
  response", "reduced sensitivity", "did not respond") vs sensitivity
  ("sensitized", "restored sensitivity", "pCR", "overcame resistance").
  Descriptors of the material ("tamoxifen-resistant cells") count less than
  outcomes ("conferred resistance"); an explicit comparison ("lower in sensitive
  than in resistant cells") is read as resistance with the direction flipped.
* knockdown-sensitizes pattern: knockdown/silencing/inhibition of the gene with a
  sensitivity outcome means high gene -> resistance: direction "up", effect
  "resistance", and the evidence says so. A loss word that *restores* ("X deletion
  restored sensitivity") reads the same. "Restored <drug>-induced growth arrest /
  apoptosis / cell death" is a sensitivity outcome, and "in (both) resistant lines
  / organoids / breast cancer" only names the material.
* a trailing ", suggesting ..." clause is a clause of its own; methods sentences
  rank after findings of the same kind.
* negation in the clause that states the effect ("was not associated", "no
  significant", "did not alter") -> effect "no_association", direction None.
  "did not respond", "no longer sensitive" and "not only" are not negations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidencewatch.matching.extraction.direction import Trigger, find_triggers
from evidencewatch.matching.extraction.tables import Tables
from evidencewatch.matching.extraction.wordstart import WordStart, words

# A clause as (start, end) in its sentence; an effect cue as (start, end, "R"|"S", is_descriptor).
Clause = tuple[int, int]
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
_GAP = r"(?P<gap>(?:[\w\-/]+\s+){0,3}?)"
_R_TO_S = WordStart.from_words(  # reversing resistance means sensitivity
    {
        "v": """overc[oa]m\\w* revers\\w* abrogat\\w* abolish\\w* attenuat\\w* alleviat\\w*
        circumvent\\w* reduc\\w* decreas\\w* diminish\\w* prevent\\w* delay\\w* mitigat\\w*
        counteract\\w* suppress\\w* impair\\w* lower\\w* eliminat\\w* bypass\\w*""".split()
    },
    tail=rf"(?i:\s+{_GAP}(?:to\s+)?{_RESIST})",
)
_S_TO_R = WordStart.from_words(  # losing sensitivity means resistance
    {
        "v": """reduc\\w* decreas\\w* diminish\\w* impair\\w* attenuat\\w* blunt\\w* abrogat\\w*
        abolish\\w* lower(?:ed|s)? loss\\s+of lost declin\\w* weaken\\w*""".split()
    },
    tail=rf"(?i:\s+{_GAP}{_SENSIT})",
)
_S_PLUS_VERB = WordStart.from_words(  # raising sensitivity
    {
        "v": """restor\\w* increas\\w* enhanc\\w* improv\\w* augment\\w* potentiat\\w*
        heighten\\w* re-?establish\\w*""".split()
    },
    tail=rf"(?i:\s+{_GAP}(?:{_SENSIT}|respon(?:se|ses)\b))",
)
_S_PLUS = WordStart.from_words(
    {
        "s": [
            "restor\\w*\\s+(?:[\\w-]+\\s+){0,3}?(?:growth\\s+(?:inhibition|arrest)|apoptosis|"
            "cell\\s+death|killing|efficacy|cytotoxicity)\\b",
            "(?:reduc|decreas|impair|lower|diminish|abrogat)\\w*\\s+(?:the\\s+)?(?:clonogenic|"
            "cell|colony)\\s+(?:survival|formation|viability)\\b",
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
]
_R_SPECIAL = WordStart.from_words({"r": _R_SPECIAL_WORDS})
_R_SPECIAL_FULL = re.compile("(?i:" + "|".join(_R_SPECIAL_WORDS) + ")")
_R_BASE = WordStart.from_words({"r": _RESIST_WORDS})
_S_BASE = WordStart.from_words(
    {
        "s": [
            *_SENSIT_WORDS,
            "responders?\\b",
            "responsive\\b",
            "respon(?:se|ses|ded|d|ding)\\b",  # not "immune response": see _effect_spans
        ]
    }
)
# Words allowed between "reduced"/"overcame"/"restored" and the sensitivity or resistance
# word they govern ("overcame acquired tamoxifen resistance"); therapy words are allowed too.
_GAP_WORDS = frozenset(
    """the a an its their this these that such acquired intrinsic de novo primary secondary
    cellular cell drug multidrug cross endocrine hormone hormonal therapy therapeutic
    treatment radiation tumour tumor cancer""".split()
)
_GAP_SUFFIXES = ("-induced", "-mediated", "-dependent", "-driven", "-associated", "-related")
_NEG = WordStart.from_words(
    {
        "n": [
            "not\\b",
            "no\\b",
            "neither\\b",
            "nor\\b",
            "never\\b",
            "failed\\s+to\\b",
            "unrelated\\b",
            "non-?significant\\w*",
            "insignificant\\w*",
            "lack(?:ed|s|ing)?\\s+(?:of\\s+)?(?:an?\\s+)?(?:significant\\s+)?"
            "(?:association|correlation|effect|impact)\\b",
            "n\\.s\\.",
        ]
    }
)
_NEG_EXCEPT_RE = re.compile(r"(?i)\bnot\s+only\b|\bwhether\s+or\s+not\b|\bif\s+not\b")
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
_CLAUSE_SPLIT_RE = re.compile(
    r"\s*;\s*|,?\s+\b(?:whereas|while|but|although|though|however|yet)\b\s+"
    r"|,\s+(?=(?:suggesting|indicating|implying)\b)"
    r"|,\s+(?:in\s+contrast|conversely),?\s+",
    re.I,
)
_RES_WORDS = r"non-?responders?|resistant|refractory|unresponsive"
_SEN_WORDS = r"sensitive|parental|responders?|responsive"
_COMPARE_RE = re.compile(
    rf"(?i)\b(?:(?!non-)\w+-)?(?P<a>{_RES_WORDS}|{_SEN_WORDS})\b[^;]{{0,80}}?"
    r"\b(?:compared\s+(?:with|to)|relative\s+to|versus|vs\.?|than)\s+"
    rf"(?:(?:in|with|the|those|that|of)\s+)*(?:(?!non-)\w+-)?(?P<b>{_RES_WORDS}|{_SEN_WORDS})\b"
)
_RESTORE_RE = re.compile(r"(?i)(?:restor|re-?sensiti[sz]|re-?establish|overc[oa]m|revers)")


def _gap_ok(gap: str, tables: Tables) -> bool:
    return all(
        w.lower() in _GAP_WORDS or w.lower().endswith(_GAP_SUFFIXES) or tables.therapy.find(w)
        for w in words(gap)
    )


def _effect_spans(clause: str, tables: Tables) -> list[tuple[int, int, str, bool]]:
    """(start, end, "R"|"S", is_descriptor) for each effect cue in a clause."""
    spans: list[tuple[int, int, str]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b, _ in spans)

    for finder, kind, check_gap in (
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
            if free(s, e):
                spans.append((s, e, kind))
    hits = [(s, e, kind) for s, e, kind, _ in tables.effects.find(clause)]
    hits += [(s, e, "R") for s, e, _ in _R_BASE.finditer(clause)]
    hits += [(s, e, "S") for s, e, _ in _S_BASE.finditer(clause)]
    for s, e, kind in hits:
        if not free(s, e):
            continue
        if kind == "S" and clause[s:e].lower().startswith("respon"):
            before = clause[max(0, s - 25) : s].lower()
            if re.search(r"(?:damage|immune|stress|protein|inflammatory)[\s-]+$", before):
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


def _clauses(sentence: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in _CLAUSE_SPLIT_RE.finditer(sentence):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(sentence)))
    return [(s, e) for s, e in out if e > s]


@dataclass(frozen=True, slots=True)
class Decision:
    effect: str | None
    direction: str | None
    note: str = ""
    # the direction comes from an experiment on the gene (knockdown, inhibitor), read
    # directly or through the knockdown-sensitizes pattern, not from observing it
    inferred: bool = False


def decide(sentence: str, gene_spans: Sequence[tuple[int, int]], tables: Tables) -> Decision:
    """Effect and direction stated by one sentence (effect None when none is stated)."""
    clauses = _clauses(sentence)
    cues_in: dict[Clause, list[EffectCue]] = {}
    for c in clauses:
        cues = _effect_spans(sentence[c[0] : c[1]], tables)
        cues_in[c] = [(c[0] + s, c[0] + e, k, d) for s, e, k, d in cues]

    def has_gene(c: Clause) -> bool:
        return any(c[0] <= gs < c[1] for gs, _ in gene_spans)

    # the clause that states the effect: with the gene if one does, else the first
    eclause = next((c for c in clauses if cues_in[c] and has_gene(c)), None) or next(
        (c for c in clauses if cues_in[c]), None
    )
    masked = [(s, e) for c in clauses for s, e, _, _ in cues_in[c]]
    triggers = find_triggers(sentence, gene_spans, masked)
    if eclause is None:
        return Decision(None, triggers[0].direction if triggers else None)
    # triggers on the gene inside the effect clause come first
    inside = [t for t in triggers if eclause[0] <= t.start < eclause[1]]
    triggers = inside + [t for t in triggers if t not in inside]
    return _read_effect(sentence, eclause, cues_in[eclause], triggers)


def _read_effect(
    sentence: str, eclause: Clause, cues: list[EffectCue], triggers: list[Trigger]
) -> Decision:
    """The effect the clause ``eclause`` states, with the direction of its best trigger."""
    trigger = triggers[0] if triggers else None
    direction = trigger.direction if trigger else None
    etext = sentence[eclause[0] : eclause[1]]
    neg_text = _NEG_EXCEPT_RE.sub(lambda m: " " * len(m.group()), etext)
    for s, e, _, _ in cues:  # "did not respond", "no longer sensitive" are effects, not negation
        if _R_SPECIAL_FULL.fullmatch(sentence, s, e):
            a, b = s - eclause[0], e - eclause[0]
            neg_text = neg_text[:a] + " " * (b - a) + neg_text[b:]
    neg = _NEG.search(neg_text)
    if neg:
        return Decision("no_association", None, f"negated ('{neg.group().strip()}')")
    compared = _compared(etext, trigger, direction)
    if compared is not None:
        return compared
    return _outcome(sentence, cues, triggers, trigger, direction)


def _compared(etext: str, trigger: Trigger | None, direction: str | None) -> Decision | None:
    """An explicit comparison of resistant and sensitive groups, read as resistance."""
    comparison = _COMPARE_RE.search(etext)
    if not comparison:
        return None
    a_res = re.fullmatch(_RES_WORDS, comparison.group("a"), re.I) is not None
    b_res = re.fullmatch(_RES_WORDS, comparison.group("b"), re.I) is not None
    if a_res == b_res:
        return None
    if not a_res and trigger is not None:
        flipped = "down" if trigger.direction == "up" else "up"
        return Decision(
            "resistance",
            flipped,
            f"'{trigger.text}' in {comparison.group('a')} vs "
            f"{comparison.group('b')}: {flipped} in the resistant group",
        )
    return Decision("resistance", direction)


def _outcome(
    sentence: str,
    cues: list[EffectCue],
    triggers: list[Trigger],
    trigger: Trigger | None,
    direction: str | None,
) -> Decision:
    """Resistance or sensitivity, with the knockdown-sensitizes pattern (module doc)."""
    outcome = [c for c in cues if not c[3]] or cues
    has_r = any(k == "R" for _, _, k, _ in outcome)
    has_s = any(k == "S" for _, _, k, _ in outcome)
    perturb = next((t for t in triggers if t.perturb), None)
    if perturb is None and trigger is not None and trigger.direction == "down":
        # only an experiment restores: "X deletion restored sensitivity", "loss of X
        # reversed resistance" read like a knockdown
        if any(k == "S" and _RESTORE_RE.match(sentence, s) for s, _, k, _ in outcome):
            perturb = trigger
    if perturb is not None and has_s and (not has_r or outcome[-1][2] == "S"):
        s_cue = next(sentence[s:e] for s, e, k, _ in outcome if k == "S")
        return Decision(
            "resistance",
            "up",
            f"knockdown-sensitizes pattern: '{perturb.text}' of the gene with '{s_cue}' "
            "implies high expression -> resistance",
            inferred=True,
        )
    from_experiment = trigger is not None and trigger.perturb
    if has_r:  # with both, resistance wins: it is what the watch is for
        return Decision("resistance", direction, inferred=from_experiment)
    return Decision("sensitivity", direction, inferred=from_experiment)


def effect_direction(
    snippets: Sequence[tuple[str, Sequence[tuple[int, int]]]],
    tables: Tables,
    evidence: dict[str, str],
    methods: Sequence[bool] = (),
) -> tuple[str | None, str | None]:
    """Best first: an observed direction with an effect ("high X ... resistance"), then one
    inferred from a perturbation, then an effect alone. An observation in tumours beats
    the reading of a knockdown (a loss-of-function biomarker stays "down"). Within each,
    a sentence from the methods (what was done, "we deleted X in resistant cells") comes
    after the findings."""
    decided = [
        (text, decide(text, spans, tables), k < len(methods) and methods[k])
        for k, (text, spans) in enumerate(snippets)
    ]
    ranked = sorted(
        (d for d in decided if d[1].effect is not None),
        key=lambda d: (d[1].direction is None, d[1].inferred, d[2]),
    )
    if ranked:
        text, dec, _ = ranked[0]
        evidence["effect"] = f"{dec.note}: {text}" if dec.note and dec.direction is None else text
        if dec.direction is not None:
            evidence["direction"] = f"{dec.note}: {text}" if dec.note else text
        return dec.effect, dec.direction
    for text, dec, _ in decided:
        if dec.direction is not None:
            evidence["direction"] = text
            return None, dec.direction
    return None, None
