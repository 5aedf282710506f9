"""Watchlist terms (cues, cell lines) found word-bounded in one pass, with inflections.

Terms match in any case except capitals-only terms ("TNBC", "T-DM1", "pCR"),
word-bounded, with simple inflections ("resistant"/"resistance",
"sensitised"/"sensitization", "responders") and, for the kinds named
``compound``, glued "chemo"/"radio" prefixes ("chemoresistance",
"radiosensitivity").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from evidencewatch.matching.forms import SEP_EXPLICIT, WORD, is_case_insensitive, surface_pattern


def _inflect(word: str) -> str:
    """Regex for a lower-case word with its simple inflections."""
    w = re.escape(word)
    for ending, alts in (
        ("ance", "(?:ance|ances|ant|ants)"),
        ("ant", "(?:ance|ances|ant|ants)"),
        ("ence", "(?:ence|ences|ent)"),
        ("ivity", "(?:ivity|ivities|ive)"),
        ("ive", "(?:ivity|ivities|ive)"),
        ("ization", "i[sz](?:e|es|ed|ing|ation|ations)"),
        ("isation", "i[sz](?:e|es|ed|ing|ation|ations)"),
        ("izes", "i[sz](?:e|es|ed|ing|ation|ations)"),
        ("ises", "i[sz](?:e|es|ed|ing|ation|ations)"),
        ("ize", "i[sz](?:e|es|ed|ing|ation|ations)"),
        ("ise", "i[sz](?:e|es|ed|ing|ation|ations)"),
    ):
        if word.endswith(ending):
            return re.escape(word[: -len(ending)]) + alts
    if word.endswith("er"):
        return w + "s?"
    if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        return re.escape(word[:-1]) + "(?:y|ies)"
    if word.endswith("e"):
        return w + "[sd]?"
    if word.endswith("s") and not word.endswith("ss"):
        return re.escape(word[:-1]) + "s?"
    if word.endswith(("ss", "ed", "ing")):
        return w
    return w + "(?:s|es)?"


def term_pattern(term: str, *, lower: bool = False) -> str:
    """Regex (no boundaries) for a cue term: case rule, separators, inflection, spelling.

    The last lower-case word gets its simple inflections ("resistance" ~ "resistant",
    "sensitize" ~ "sensitised"/"sensitization", "responder" ~ "responders"), "tumour"
    ~ "tumor", "oestrogen" ~ "estrogen". ``lower=True`` gives a case-sensitive
    pattern for lower-cased text (what :class:`TermFinder` scans); otherwise
    lower-case words match in any case.
    """
    term = term.strip()
    ci = not lower and (is_case_insensitive(term) or term.islower())
    probe = term.lower() if lower else term
    m = re.search(r"[a-z]{3,}$", probe)
    if m and (ci or lower):
        head, last = term[: m.start()], m.group()
        pat = ""
        if head.strip(" -\u2010"):
            pat = surface_pattern(head.rstrip(" -\u2010"), ci=ci, lower=lower)
            if head[-1:] in " -\u2010":
                pat += SEP_EXPLICIT + "?"
        pat += _inflect(last)
        if ci:
            pat = f"(?i:{pat})"
    else:
        pat = surface_pattern(term, ci=ci, lower=lower)
    pat = re.sub(r"tumou\??r", "tumou?r", pat)
    return re.sub(r"o?estrogen", "o?estrogen", pat)


# kind, lower-case full-match regex, its group -> term, exact-case regex, its group -> term,
# lower-cased term -> term
_KindTable = tuple[
    str, "re.Pattern[str] | None", dict[str, str], "re.Pattern[str] | None", dict[str, str],
    dict[str, str],
]  # fmt: skip


class TermFinder:
    """Finds watchlist terms of several kinds in one pass over lower-cased text.

    The scan regex is ``[^\\w](?:r(?:esist...)|c(?:hemo...)|...)`` over
    ``" " + text.lower()``: it consumes the non-word character before a term, so
    sre only tries at word starts (a ``(?<!\\w)`` lead would make it try at every
    character), and each branch starts with a literal that sre skips fast. A hit
    is then classified per kind by a small full-match regex naming the term.
    Terms with capitals and no lower-case word ("TNBC", "T-DM1", "pCR") are
    case-sensitive (found lower-cased, then checked on the original text) unless
    ``exact_case=False``.
    """

    def __init__(
        self,
        kinds: Mapping[str, Sequence[str]],
        *,
        compound: Iterable[str] = (),
        exact_case: bool = True,
    ) -> None:
        compound = set(compound)
        by_first: dict[str, set[str]] = {}
        self._kinds: list[_KindTable] = []
        for kind, terms in kinds.items():
            low_alts: list[str] = []
            low_terms: dict[str, str] = {}
            exact_alts: list[str] = []
            exact_terms: dict[str, str] = {}
            for k, term in enumerate(dict.fromkeys(t.strip() for t in terms if t.strip())):
                variants = [term_pattern(term, lower=True)]
                if kind in compound and term[:1].islower():
                    variants += [f"chemo-?{variants[0]}", f"radio-?{variants[0]}"]
                for v in variants:
                    if v[:1].isalnum():
                        by_first.setdefault(v[0], set()).add(v[1:])
                if not exact_case or is_case_insensitive(term) or term.islower():
                    low_terms[f"t{k}"] = term
                    low_alts.append(f"(?P<t{k}>{'|'.join(variants)})")
                else:
                    exact_terms[f"t{k}"] = term
                    exact_alts.append(f"(?P<t{k}>{surface_pattern(term, ci=False)})")
            self._kinds.append(
                (
                    kind,
                    re.compile("|".join(low_alts)) if low_alts else None,
                    low_terms,
                    re.compile("|".join(exact_alts)) if exact_alts else None,
                    exact_terms,
                    {t.lower(): t for t in reversed(low_terms.values())},
                )
            )
        groups = [
            re.escape(first) + "(?:" + "|".join(sorted(rests, key=len, reverse=True)) + ")"
            for first, rests in sorted(by_first.items())
        ]
        self._scan = re.compile(f"[^{WORD}](?:{'|'.join(groups)})(?!{WORD})") if groups else None
        # surface as written -> [(kind, term)]: the same few words recur in every record
        self._memo: dict[str, list[tuple[str, str]]] = {}

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, kind, term as in the watchlist) for each hit, in text order."""
        if self._scan is None:
            return []
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two ("İ")
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        out: list[tuple[int, int, str, str]] = []
        memo = self._memo
        for m in self._scan.finditer(" " + low):
            s, e = m.start(), m.end() - 1
            surface = text[s:e]
            found = memo.get(surface)
            if found is None:
                found = self._classify(surface, low[s:e])
                if len(memo) > 20_000:
                    memo.clear()
                memo[surface] = found
            out.extend((s, e, kind, term) for kind, term in found)
        return out

    def _classify(self, surface: str, surface_low: str) -> list[tuple[str, str]]:
        found = []
        for kind, low_re, low_terms, exact_re, exact_terms, same in self._kinds:
            hit = low_re.fullmatch(surface_low) if low_re is not None else None
            if hit is not None:
                # the term written exactly so, else the first whose inflections fit
                found.append((kind, same.get(surface_low) or low_terms[hit.lastgroup or ""]))
                continue
            hit = exact_re.fullmatch(surface) if exact_re is not None else None
            if hit is not None:
                found.append((kind, exact_terms[hit.lastgroup or ""]))
        return found
