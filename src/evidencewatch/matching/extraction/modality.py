"""How a clause states its effect: negated, hedged, only asked, or said of someone else.

* negation: "was not associated", "no significant", "did not alter", "failed to
  sensitize", "unchanged", "similar in resistant and sensitive cells", "was
  independent of response" -> no association. "did not respond", "no longer
  sensitive" and "not only" are not negations (the caller masks effect phrases).
* hedging: "may", "might", "could", "suggest", "potentially": the effect stands,
  but a plain statement elsewhere is preferred.
* a question or an open problem ("we asked whether", "remains unclear") states
  nothing.
* an exclusion "X, but not Y, conferred resistance" is said of X; of Y it is a
  negation.
* a trailing ", suggesting ..." clause is a clause of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidencewatch.matching.extraction.wordstart import WordStart

__all__ = [
    "NEG_EXCEPT_RE",
    "clauses",
    "exclusions",
    "hedge",
    "negation",
    "unresolved",
]

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
            "unchanged\\b",
            "unaltered\\b",
            "unaffected\\b",
            "non-?significant\\w*",
            "insignificant\\w*",
            "lack(?:ed|s|ing)?\\s+(?:of\\s+)?(?:an?\\s+)?(?:significant\\s+)?"
            "(?:association|correlation|effect|impact)\\b",
            "(?:similar|comparable|equivalent)\\s+(?:\\w+\\s+){0,2}?(?:in|between|among|across)\\b",
            "(?:was|were|is|are|remained)\\s+independent\\s+of\\b",
            "n\\.s\\.",
        ]
    }
)
NEG_EXCEPT_RE = re.compile(r"(?i)\bnot\s+only\b|\bwhether\s+or\s+not\b|\bif\s+not\b")
_HEDGE = WordStart.from_words(
    {
        "h": [
            "may\\b",
            "might\\b",
            "could\\b",
            "possibl[ey]\\b",
            "potential(?:ly)?\\b",
            "putative(?:ly)?\\b",
            "presumabl[ey]\\b",
            "suggest\\w*",
            "hypothes[ie][sz]\\w*",
            "speculat\\w*",
            "(?:appear|seem)(?:s|ed)?\\s+to\\b",
            # what earlier work claimed, not this paper's finding
            "(?:has|have)\\s+been\\s+(?:\\w+ly\\s+)?(?:linked|implicated|proposed|reported|"
            "suggested|associated|described)\\b",
            "proposed\\s+(?:mechanisms?|to)\\b",
        ]
    }
)
_UNRESOLVED = WordStart.from_words(
    {
        "q": [
            "whether\\b",
            "(?:remains?|is|are|was|were)\\s+(?:still\\s+|largely\\s+)?(?:unclear|unknown|"
            "elusive|undetermined|controversial|poorly\\s+understood|to\\s+be\\s+(?:determined|"
            "elucidated|established|clarified))\\b",
            "(?:determine|examine|test|assess|investigate|evaluate|explore|ask)(?:d|ed)?\\s+if\\b",
        ]
    }
)
# "irrespective of whether ...": a condition, not a question
_REGARDLESS_RE = re.compile(r"(?i)\b(?:of|regardless|irrespective|independently)\s+$")
_ANSWER_RE = re.compile(
    r"(?i)\b(?:found|find|finds|show(?:ed|s|n)?|observed|demonstrat\w+|reveal\w*|"
    r"confirm\w*|identif\w+)\s+that\b"
)
_CLAUSE_SPLIT_RE = re.compile(
    r"\s*;\s*|,?\s+\b(?:whereas|while|but|although|though|however|yet)\b\s+"
    r"|,\s+(?=(?:suggesting|indicating|implying)\b)"
    r"|,\s+(?:in\s+contrast|conversely),?\s+",
    re.I,
)
# "SRPK1, but not BARD1, ..." / "SRPK1 (but not BARD1)" / "... SRPK1 but not BARD1.": what
# is excluded is a name (a capital or a digit in it), not "in sensitive cells"
_EXCLUSION_RE = re.compile(
    r",?\s*\(?\b[Bb]ut\s+not\s+(?P<what>(?=[^,;()]{0,60}?[A-Z0-9])[^,;()]{1,60}?)"
    r"(?:\s*[,)]|(?=\s*[.]?\s*$))"
)


def negation(text: str) -> str | None:
    """The negation word of a clause (effect phrases already masked), or None."""
    m = _NEG.search(NEG_EXCEPT_RE.sub(lambda m: " " * len(m.group()), text))
    return m.group().strip() if m else None


def hedge(text: str) -> str | None:
    """The hedge word of a clause ("may", "suggesting"), or None."""
    m = _HEDGE.search(text)
    return m.group().strip() if m else None


def unresolved(text: str) -> bool:
    """Whether the clause only asks or calls the matter open ("we asked whether")."""
    for s, e, _ in _UNRESOLVED.finditer(text):
        if _REGARDLESS_RE.search(text, max(0, s - 25), s):
            continue
        # "we asked whether ... and found that ...": the answer follows the question
        return _ANSWER_RE.search(text, e) is None
    return False


def exclusions(sentence: str) -> list[tuple[int, int, int, int]]:
    """Each "but not Y" aside: (start, end) of the whole aside, (start, end) of Y."""
    return [
        (m.start(), m.end(), m.start("what"), m.end("what"))
        for m in _EXCLUSION_RE.finditer(sentence)
    ]


def clauses(sentence: str, masked: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """The clauses of a sentence as (start, end); no split inside a ``masked`` span."""
    out = []
    start = 0
    for m in _CLAUSE_SPLIT_RE.finditer(sentence):
        if any(a <= m.start() < b for a, b in masked):
            continue
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(sentence)))
    return [(s, e) for s, e in out if e > s]
