"""Effect (resistance, sensitivity, no association) and the direction that goes with it.

Each snippet is read on its own; the first (best-ranked) snippet with an effect and
an *observed* direction ("high X in resistant tumours") decides both, else the
first whose direction comes from an experiment on the gene (knockdown,
inhibitor, re-expression), else the first with an effect alone. Plain
statements come before hedged ones ("X may confer resistance"). So a
loss-of-function biomarker seen in patients stays "down" even when a knockout in
cells is also reported.

The effect cues are in :mod:`~evidencewatch.matching.extraction.cues`, negation,
hedging and clauses in :mod:`~evidencewatch.matching.extraction.modality`. The
experiment is read as the biomarker it implies, the way CIViC curates expression
evidence:

* knockdown-sensitizes: knockdown/silencing/inhibition of the gene with a
  sensitivity outcome means high gene -> resistance ("up", "resistance"). A loss
  word that *restores* ("X deletion restored sensitivity") reads the same.
  "Restored <drug>-induced growth arrest / apoptosis / cell death" is a
  sensitivity outcome, and "in (both) resistant lines / organoids" only names the
  material.
* re-expression restores: re-expression or restoration of the gene with a
  sensitivity outcome, or any gain of it that *restores* sensitivity ("forced X
  expression reversed resistance"), means low gene -> resistance ("down",
  "resistance"). A gain that sensitizes without restoring stays "up",
  "sensitivity"; a gain or a loss that confers resistance keeps its direction.
* an explicit comparison ("lower in sensitive than in resistant cells",
  "compared with resistant cells, sensitive cells had higher X") is read as
  resistance with the direction in the resistant group.
* methods sentences rank after findings of the same kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidencewatch.matching.extraction.cues import (
    R_SPECIAL_FULL,
    EffectCue,
    effect_spans,
    restores,
)
from evidencewatch.matching.extraction.direction import Trigger, find_triggers
from evidencewatch.matching.extraction.modality import (
    clauses,
    exclusions,
    hedge,
    negation,
    unresolved,
)
from evidencewatch.matching.extraction.tables import Tables

__all__ = ["Decision", "decide", "effect_direction"]

# A clause as (start, end) in its sentence.
Clause = tuple[int, int]

_RES_WORDS = r"non-?responders?|resistant|refractory|unresponsive"
_SEN_WORDS = r"sensitive|parental|responders?|responsive"
_GROUP = rf"(?:(?!non-)\w+-)?(?:{_RES_WORDS}|{_SEN_WORDS})"
_COMPARE_RE = re.compile(
    rf"(?i)\b(?:(?!non-)\w+-)?(?P<a>{_RES_WORDS}|{_SEN_WORDS})\b[^;]{{0,80}}?"
    r"\b(?:compared\s+(?:with|to)|relative\s+to|versus|vs\.?|than)\s+"
    rf"(?:(?:in|with|the|those|that|of)\s+)*(?:(?!non-)\w+-)?(?P<b>{_RES_WORDS}|{_SEN_WORDS})\b"
)
# "Compared with resistant cells, sensitive cells had higher X": the subject comes second
_COMPARE_LEAD_RE = re.compile(
    r"(?i)\b(?:compared\s+(?:with|to)|relative\s+to|in\s+contrast\s+to|unlike)\s+"
    rf"(?:the\s+)?(?:[\w-]+\s+){{0,2}}?(?:(?!non-)\w+-)?(?P<b>{_RES_WORDS}|{_SEN_WORDS})\b"
    rf"[^,;]{{0,60}},\s+(?:the\s+|those\s+)?(?:[\w-]+\s+){{0,2}}?(?:(?!non-)\w+-)?"
    rf"(?P<a>{_RES_WORDS}|{_SEN_WORDS})\b"
)
# "X expression was inversely correlated with ...": the level of X itself, so "up"
_SIGNED_CORRELATION_RE = re.compile(
    r"(?i)\b(?:(?:positively|inversely|negatively|directly)\s+(?:correlat|associat)\w*|"
    r"(?:correlat|associat)\w*\s+(?:positively|inversely|negatively|directly))\s+with\b"
)


# The gene as the subject of a verb of causing or predicting, before the effect word.
_AGENT_RE = re.compile(
    r"(?i)(?:[\s\u2010-]*(?:\([^()]{0,30}\)|expression|levels?|protein|mRNA|activity|"
    r"signal(?:l)?ing|status|co-?expression|mediated|expressing|positivity|positive))*"
    r"(?:\s+(?:cells|tumou?rs|lines|cancers|clearance|metabolism))?"
    r"\s+(?:(?:may|might|could|can|also|thus|therefore|likely|strongly|independently)\s+)*"
    r"(?:contribut|predict|mark|identif|driv|sustain|mediat|confer|promot|caus|underl|"
    r"associat|link|(?:were|was)\s+(?:[\w-]+\s+){0,4}?(?:more|less)\b)\w*"
)
# "... and its depletion restores radiation response": a knockdown named by pronoun
_PRONOUN_PERTURB_RE = re.compile(
    r"(?i)\b(?:its|their)\s+(?:[\w-]+\s+)?(?:knock-?down|depletion|silencing|inhibition|"
    r"loss|deletion|knock-?out|ablation|blockade|suppression)\b"
)


# "SRPK1-driven trastuzumab resistance was overcome by lapatinib": the resistance is the
# gene's, whatever rescued it
_DRIVEN_RE = re.compile(
    r"[-\u2010](?:driven|mediated|dependent|induced|conferred|associated)\s+"
    r"(?:[\w/-]+\s+){0,2}?(?P<r>(?:chemo-?|radio-?|endocrine\s+)?resist(?:ance|ant))\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Decision:
    effect: str | None
    direction: str | None
    note: str = ""
    # the direction comes from an experiment on the gene (knockdown, inhibitor,
    # re-expression), read directly or through a pattern, not from observing it
    inferred: bool = False
    hedged: bool = False  # "X may confer resistance": ranked after plain statements


def decide(sentence: str, gene_spans: Sequence[tuple[int, int]], tables: Tables) -> Decision:
    """Effect and direction stated by one sentence (effect None when none is stated)."""
    asides = exclusions(sentence)
    for _, _, ws, we in asides:
        if any(ws <= gs < we for gs, _ in gene_spans):
            return Decision("no_association", None, "excluded ('but not')")
    if asides:  # "SRPK1, but not BARD1, conferred resistance": read without the aside
        for a, b, _, _ in asides:
            sentence = sentence[:a] + " " * (b - a) + sentence[b:]
    parts = clauses(sentence)
    cues_in: dict[Clause, list[EffectCue]] = {}
    driven = [m.start("r") for _, ge in gene_spans if (m := _DRIVEN_RE.match(sentence, ge))]
    for c in parts:
        cues = effect_spans(sentence[c[0] : c[1]], tables)
        cues_in[c] = [
            (c[0] + s, c[0] + e, "R" if any(c[0] + s <= r < c[0] + e for r in driven) else k, d)
            for s, e, k, d in cues
        ]

    def has_gene(c: Clause) -> bool:
        return any(c[0] <= gs < c[1] for gs, _ in gene_spans)

    # the clause that states the effect: with the gene if one does (a plain one before a
    # hedged one), else the first; a question ("we asked whether") states nothing
    asked = {c for c in parts if unresolved(sentence[c[0] : c[1]])}
    stating = [c for c in parts if cues_in[c] and c not in asked]
    with_gene = [c for c in stating if has_gene(c)]
    eclause = next((c for c in with_gene if not hedge(sentence[c[0] : c[1]])), None) or next(
        iter(with_gene or stating), None
    )
    masked = [(s, e) for c in parts for s, e, _, _ in cues_in[c]]
    triggers = [
        t
        for t in find_triggers(sentence, gene_spans, masked)
        if not any(c[0] <= t.start < c[1] for c in asked)
    ]
    if eclause is None:
        return Decision(None, triggers[0].direction if triggers else None)
    etext = sentence[eclause[0] : eclause[1]]
    # triggers on the gene inside the effect clause come first
    inside = [t for t in triggers if eclause[0] <= t.start < eclause[1]]
    triggers = inside + [t for t in triggers if t not in inside]
    decision = _read_effect(sentence, eclause, cues_in[eclause], triggers, gene_spans)
    word = hedge(etext)
    if word and decision.effect is not None:
        note = f"hedged ('{word}')" + (f"; {decision.note}" if decision.note else "")
        return Decision(decision.effect, decision.direction, note, decision.inferred, True)
    return decision


def _read_effect(
    sentence: str,
    eclause: Clause,
    cues: list[EffectCue],
    triggers: list[Trigger],
    gene_spans: Sequence[tuple[int, int]],
) -> Decision:
    """The effect the clause ``eclause`` states, with the direction of its best trigger."""
    trigger = triggers[0] if triggers else None
    direction = trigger.direction if trigger else None
    etext = sentence[eclause[0] : eclause[1]]
    neg_text = etext
    for s, e, _, _ in cues:  # "did not respond", "no longer sensitive" are effects, not negation
        if R_SPECIAL_FULL.fullmatch(sentence, s, e):
            a, b = s - eclause[0], e - eclause[0]
            neg_text = neg_text[:a] + " " * (b - a) + neg_text[b:]
    word = negation(neg_text)
    if word:
        return Decision("no_association", None, f"negated ('{word}')")
    compared = _compared(etext, trigger, direction)
    if compared is not None:
        return compared
    if direction is None and (
        _gene_before_correlation(etext, eclause[0], gene_spans)
        or _gene_as_agent(sentence, eclause, cues, gene_spans)
    ):
        direction = "up"
    return _outcome(sentence, cues, triggers, trigger, direction)


def _gene_before_correlation(
    etext: str, offset: int, gene_spans: Sequence[tuple[int, int]]
) -> bool:
    """ "X expression was inversely correlated with ...": the gene's level is the subject."""
    m = _SIGNED_CORRELATION_RE.search(etext)
    return m is not None and any(offset <= gs < offset + m.start() for gs, _ in gene_spans)


def _gene_as_agent(
    sentence: str,
    eclause: Clause,
    cues: list[EffectCue],
    gene_spans: Sequence[tuple[int, int]],
) -> bool:
    """ "SRPK1 contributes to tamoxifen resistance", "LYN expression predicts resistance",
    "CYP2A6-expressing cells were more sensitive": with no word for a change, the gene's
    presence is what goes with the effect."""
    first_cue = min((s for s, _, _, _ in cues), default=eclause[1])
    return any(
        eclause[0] <= ge <= first_cue and _AGENT_RE.match(sentence[ge:first_cue]) is not None
        for _, ge in gene_spans
    )


def _compared(etext: str, trigger: Trigger | None, direction: str | None) -> Decision | None:
    """An explicit comparison of resistant and sensitive groups, read as resistance."""
    comparison = _COMPARE_LEAD_RE.search(etext) or _COMPARE_RE.search(etext)
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
    """Resistance or sensitivity, read through the experiment's patterns (module doc)."""
    outcome = [c for c in cues if not c[3]] or cues
    has_r = any(k == "R" for _, _, k, _ in outcome)
    has_s = any(k == "S" for _, _, k, _ in outcome)
    s_wins = has_s and (not has_r or outcome[-1][2] == "S")
    restoring = any(restores(sentence, c) for c in outcome)
    perturb = next((t for t in triggers if t.perturb), None)
    if perturb is None and (m := _PRONOUN_PERTURB_RE.search(sentence)):
        perturb = Trigger(m.start(), m.end(), "down", True, 0, m.group(0))
    if perturb is None and trigger is not None and trigger.direction == "down" and restoring:
        # only an experiment restores: "X deletion restored sensitivity", "loss of X
        # reversed resistance" read like a knockdown
        perturb = trigger
    if perturb is not None and s_wins:
        s_cue = next(sentence[s:e] for s, e, k, _ in outcome if k == "S")
        return Decision(
            "resistance",
            "up",
            f"knockdown-sensitizes pattern: '{perturb.text}' of the gene with '{s_cue}' "
            "implies high expression -> resistance",
            inferred=True,
        )
    gain = next((t for t in triggers if t.gain), None)
    if gain is None and trigger is not None and trigger.direction == "up" and restoring:
        gain = trigger
    if gain is not None and s_wins and (restoring or gain.restores):
        s_cue = next(sentence[s:e] for s, e, k, _ in outcome if k == "S")
        return Decision(
            "resistance",
            "down",
            f"re-expression-restores pattern: '{gain.text}' of the gene with '{s_cue}' "
            "implies low expression -> resistance",
            inferred=True,
        )
    from_experiment = trigger is not None and (trigger.perturb or trigger.gain)
    if has_r:  # with both, resistance wins: it is what the watch is for
        return Decision("resistance", direction, inferred=from_experiment)
    return Decision("sensitivity", direction, inferred=from_experiment)


def _rank(decided: tuple[str, Decision, bool]) -> tuple[int, bool, bool]:
    """Plain statements with a direction first; then a plain "X did not alter
    sensitivity" (which has none by its nature), before any hedged statement; then the
    rest. Within each, observed before inferred, findings before methods."""
    _, dec, in_methods = decided
    if dec.direction is not None and not dec.hedged:
        tier = 0
    elif dec.effect == "no_association" and not dec.hedged:
        tier = 1
    elif dec.direction is not None:
        tier = 2
    else:
        tier = 3 + dec.hedged
    return tier, dec.inferred, in_methods


def effect_direction(
    snippets: Sequence[tuple[str, Sequence[tuple[int, int]]]],
    tables: Tables,
    evidence: dict[str, str],
    methods: Sequence[bool] = (),
) -> tuple[str | None, str | None]:
    """Best first (:func:`_rank`): an observed direction with an effect ("high X ...
    resistance"), then one inferred from an experiment, then a plain statement of no
    association, then hedged statements, then an effect alone. An observation in tumours
    beats the reading of a knockdown (a loss-of-function biomarker stays "down"). Within
    each, a sentence from the methods (what was done, "we deleted X in resistant cells")
    comes after the findings."""
    decided = [
        (text, decide(text, spans, tables), k < len(methods) and methods[k])
        for k, (text, spans) in enumerate(snippets)
    ]
    ranked = sorted((d for d in decided if d[1].effect is not None), key=_rank)
    if ranked:
        text, dec, _ = ranked[0]
        noted = dec.note and (dec.direction is None or dec.hedged)
        evidence["effect"] = f"{dec.note}: {text}" if noted else text
        if dec.direction is not None:
            evidence["direction"] = f"{dec.note}: {text}" if dec.note else text
        return dec.effect, dec.direction
    for text, dec, _ in decided:
        if dec.direction is not None:
            evidence["direction"] = text
            return None, dec.direction
    return None, None
