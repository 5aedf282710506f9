"""The change in what was measured: over-expression, loss, amplification, activation...

The alteration says what was measured (mRNA, protein, copy number...); the change is
read from the same sentence, from the direction word nearest the gene that reports
an observation ("SRPK1 amplification", "loss of BARD1 protein", "an activating
mutation"), never from an experiment (a knockdown is not a loss the tumour had). It
is a value of ``ALTERATION_CHANGES``, whose direction it carries; the measurement
refines it ("high copy number" is an amplification, a loss-of-function mutation an
inactivation).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidencewatch.core.vocabulary import ALTERATION_CHANGES
from evidencewatch.matching.extraction.direction import find_triggers

__all__ = ["read_change"]

# The direction word (lower case) -> the change it names; first match wins.
_WORD_CHANGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rx), change)
    for rx, change in (
        (r"^(?:amplif|gain)", "amplification"),
        (r"^delet", "deletion"),
        (r"^(?:hyper)?activat", "activation"),
        (r"^(?:loss|lost|absen|lack|negativ|deficien|hypermethylat)", "loss"),
        (
            r"^(?:down|under|low|reduc|decreas|diminish|weak|suppress|repress|less)",
            "under-expression",
        ),
        (r"", "over-expression"),
    )
)
# The measurement refines the change: (alteration, change) -> change
_REFINED = {
    ("copy_number", "over-expression"): "amplification",
    ("copy_number", "under-expression"): "deletion",
    ("copy_number", "loss"): "deletion",
    ("mutation", "loss"): "inactivation",
    ("mutation", "under-expression"): "inactivation",
    ("mutation", "over-expression"): None,  # "more frequent mutations" says no change
    ("nuclear_localisation", "over-expression"): "activation",  # "nuclear accumulation"
    ("pathway_activity", "over-expression"): "activation",
    ("phosphorylation", "over-expression"): "activation",  # "increased phosphorylation"
}
_MUTATION_KIND_RE = re.compile(
    r"(?i)\b(?P<up>activating|gain-of-function|hotspot)\b|"
    r"\b(?P<down>inactivating|loss-of-function|truncating|deleterious|frameshift|nonsense)\b"
)


def read_change(
    text: str, spans: Sequence[tuple[int, int]], alteration: str
) -> tuple[str, str] | None:
    """(change, the words it was read from) for the gene at ``spans`` in ``text``."""
    if alteration == "mutation":
        kind = _mutation_kind(text, spans)
        if kind is not None:
            return kind
    for trigger in find_triggers(text, spans, ()):
        if trigger.perturb or trigger.gain:
            continue
        word = trigger.text.lower()
        change = next(c for rx, c in _WORD_CHANGES if rx.search(word))
        refined = _REFINED.get((alteration, change), change)
        if refined is None or refined not in ALTERATION_CHANGES:
            return None
        return refined, trigger.text
    return None


def _mutation_kind(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, str] | None:
    """An activating or inactivating mutation named within a few words of the gene."""
    for m in _MUTATION_KIND_RE.finditer(text):
        if any(abs(m.start() - ge) < 40 or abs(gs - m.end()) < 40 for gs, ge in spans):
            return ("activation" if m.group("up") else "inactivation"), m.group()
    return None


def agree_with_change(
    direction: str | None, effect: str | None, evidence: dict[str, str]
) -> str | None:
    """The candidate's direction, made to agree with the alteration's change.

    Without a direction of its own, a candidate with an effect takes the change's ("SRPK1
    amplification" is up). A change that contradicts the direction read with the effect
    is dropped from the evidence: the direction is what the curator confirms, and it
    comes from the sentence about the therapy.
    """
    change = evidence.get("alteration_change")
    if change is None:
        return direction
    implied = ALTERATION_CHANGES[change]
    if direction is None and effect in ("resistance", "sensitivity"):
        evidence["direction"] = evidence["alteration"]
        return implied
    if direction != implied:
        del evidence["alteration_change"]
        evidence["alteration"] = evidence["alteration"].removeprefix(f"{change}: ")
    return direction
