"""Find tracked genes in PubMed records and draft curator candidates (paper x gene).

Only the title and the abstract are read: never MeSH, keywords, affiliations or
references for gene mentions (MeSH is read only for the breast-cancer context).

Gene mentions
-------------
* Symbols and unambiguous aliases are case-sensitive and word-bounded: a letter
  or digit (of any script, Greek too) or "_" right before or after voids the
  match, so "ERBB2IP", "siRELA" and "PCNAs" do not count (a plural of a symbol is
  rare, and a strict boundary keeps derived names out). Hyphens, slashes, "+" and
  brackets are boundaries ("HER2-positive", "(PCNA)", "HER2+", "HER2/neu").
  In aliases with a run of four or more lower-case letters ("annexin A1",
  "proliferating cell nuclear antigen", "Lyn kinase") the lower-case words match
  in any case ("Annexin A1"), the rest stays exact. The HGNC gene name itself is
  not searched (authors do not write "component of inhibitor of nuclear factor
  kappa B kinase complex"); the watchlist's aliases carry the long names in use.
* Variants are generated at compile time, never by rewriting record text: an
  optional hyphen/space where letters meet digits or Greek letters ("HER2",
  "HER-2", "HER 2"; "IKKα", "IKK-α"), any written separator may be a hyphen,
  space, slash or nothing ("NF-κB p65", "NF-κB/p65", "NFκB"; but two words of 3+
  letters keep one: "protein kinase", not "proteinkinase"), and Greek letters match
  their spelled and Latin forms (α/alpha/a, β/beta/b/ß, κ/kappa/k/K, γ/gamma/g).
  A single lower-case letter before digits stays glued ("p65" but not "p 65").
* An AMBIGUOUS alias (p65, neu, MD-2, LAT1, BACH1) counts only when the record
  also has a valid symbol/unambiguous-alias mention of the same gene, or when one
  of the gene's ``context`` words occurs in the same sentence, the sentence just
  before or after it in the same abstract section, or the title. A candidate
  whose only mentions are such context-supported ambiguous aliases gets the
  negative reason ``ambiguous_alias_only``.
* A symbol/alias defined in the record as an acronym of something else is dropped
  for that record: "Preventive Cardiovascular Nurses Association (PCNA)" or
  "PCNA (Preventive Cardiovascular Nurses Association)". The long form is found
  with the Schwartz-Hearst letter-alignment rule; it is accepted as the gene when
  it contains the gene name, an alias or a gene-ish word (protein, kinase,
  receptor, antigen, ...), otherwise the acronym is dropped.
* A mention that is part of a therapy name ("anti-HER2", "HER2-targeted") is a
  therapy cue, not a gene mention. A mention used only as a status label
  ("HER2-positive", "HER2+", "PCNA-negative", "HER2 status") still counts but
  gets the negative reason ``status_label_only``.

Cues and snippets
-----------------
* Cues are the watchlist's terms: resistance, sensitivity, therapy (class terms and
  agents) and disease, in any case except capitals-only terms ("TNBC", "T-DM1",
  "pCR"), word-bounded, with simple inflections ("resistant"/"resistance",
  "sensitised"/"sensitization", "responders") and glued "chemo"/"radio" prefixes
  on resistance/sensitivity words ("chemoresistance", "radiosensitivity"). A
  resistance term wins over a sensitivity word inside it ("reduced sensitivity",
  "non-response"); "immune/DNA damage/stress response" is not a sensitivity cue.
  Breast context is a disease term in title/abstract or the MeSH heading (any
  heading containing the watchlist's ``disease_mesh``, e.g. "Breast Neoplasms").
* A snippet is one sentence holding a valid mention of the gene and a resistance
  or a therapy cue (a sensitivity word alone, as in "sensitivity of the assay",
  is not enough). Snippets are ranked resistance 3 + therapy 2 + sensitivity 1 +
  title/results/conclusions 1, ties in text order, and at most 5 are kept.
* Sentences: the title is one sentence; each abstract section keeps its label
  (lower-cased, "abstract" when unlabelled) and is split after . ! ? + space,
  except after abbreviations ("e.g.", "i.e.", "et al.", "vs.", "Fig.", "U.S.") or
  before a plain lower-case word; decimals, "p < 0.05" and "p.V600E" never split.

Speed: one compiled regex finds every surface form of every gene. Instead of
trying all forms at each capital letter, each form is *anchored* at its rarest
character (measured on PubMed abstracts): the regex starts with that literal,
checks the rest of the form before it with fixed-width look-behinds (one branch
per spelling of the prefix) and the rest after it normally. The regex engine
then only stops at the handful of rare anchor characters in a record (about 60
per abstract; a first-character alternation over all forms stops at every
capital and costs twice as much). Measured: about 13-16 us for a record naming
no tracked gene, 0.5-1 ms for one that yields candidates (with extraction).
Sentence splitting, cues, context and scoring run only for records that hit.

Scoring: every point comes from a :class:`Reason`; the weights are in
:data:`WEIGHTS`. The sum is clipped to 0..100 and the clipping itself is a
reason (``score_clip``), so the reasons always add up to the score exactly.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evidencewatch.matching.extract import Extraction, extract, find_cell_lines
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.watch.watchlist import TrackedGene, Watchlist

# ---------------------------------------------------------------------------
# Scoring table. Every score point comes from one of these, as a Reason.
# ---------------------------------------------------------------------------
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
MAX_SNIPPETS = 5

_FINDING_SECTIONS = frozenset({"title", "results", "result", "conclusions", "conclusion"})
_NO_DATA_TYPES = frozenset(
    {"Comment", "Editorial", "Letter", "News", "Published Erratum", "Newspaper Article"}
)


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str  # one sentence, plain text
    section: str  # "title", the abstract label lower-cased ("results") or "abstract"
    genes: tuple[str, ...]  # tracked symbols mentioned in it
    cues: tuple[str, ...]  # resistance/sensitivity/therapy terms found in it (as written)
    # (start, end, kind) in `text`; kind in {"gene","resistance","sensitivity","therapy","disease"}
    spans: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True, slots=True)
class Reason:
    feature: str  # e.g. "gene_in_title", "no_breast_context"
    weight: float  # its contribution to the score (+/-)
    detail: str  # human text


@dataclass(frozen=True, slots=True)
class CandidateDraft:
    gene: str
    mentions: tuple[str, ...]  # surface forms matched, as written ("HER2", "ErbB-2")
    snippets: tuple[Snippet, ...]  # sentences where the gene meets a cue, best first, <= 5
    # {"resistance","sensitivity","therapy","disease","aliases"} -> watchlist terms found
    matched_terms: dict[str, list[str]]
    score: float  # 0..100, exactly the sum of the reasons' weights
    reasons: tuple[Reason, ...]
    extraction: Extraction


# ---------------------------------------------------------------------------
# Surface-form patterns
# ---------------------------------------------------------------------------
WORD = r"\w"  # what may not touch a mention: a letter or digit of any script, or "_"
# Unicode hyphens as literals, not in a class: a class with non-Latin-1 characters
# makes sre build a 64K table per occurrence (slow to compile).
_SEP_EXPLICIT = "(?:[\\s\\-/]|\u2010|\u2011|\u2013)"  # where the form has a separator
_SEP_IMPLICIT = "(?:[\\s\\-]|\u2010|\u2011|\u2013)"  # where letters meet digits/Greek

_GREEK_NAMES = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "kappa": "κ",
}
_GREEK_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "α": ("α", "alpha", "Alpha", "a"),
    "β": ("β", "beta", "Beta", "b", "ß"),
    "γ": ("γ", "gamma", "Gamma", "g"),
    "δ": ("δ", "delta", "Delta"),
    "ε": ("ε", "epsilon", "Epsilon"),
    "κ": ("κ", "kappa", "Kappa", "k", "K"),
}
_GREEK_NAME_RE = re.compile(
    r"(?<![a-z])([Aa]lpha|[Bb]eta|[Gg]amma|[Dd]elta|[Ee]psilon|[Kk]appa)(?![a-z])"
)
_FORM_TOKEN_RE = re.compile(
    "([\u0370-\u03ff])|([A-Za-z]+)|([0-9]+)|([\\s\\-\u2010\u2011\u2013/]+)|(.)", re.S
)

# Per-mille frequency of characters in PubMed titles+abstracts (measured on ~2,000
# real records). Anchors are chosen to be rare; anything unlisted counts as 1.
_CHAR_FREQ: dict[str, float] = {
    "0": 3.0, "1": 3.1, "2": 2.3, "3": 1.5, "4": 1.2, "5": 1.5, "6": 1.0, "7": 0.9,
    "8": 0.9, "9": 1.0, "A": 3.1, "B": 1.1, "C": 2.9, "D": 1.6, "E": 1.4, "F": 1.1,
    "G": 0.7, "H": 1.2, "I": 2.2, "J": 0.13, "K": 0.36, "L": 1.2, "M": 1.7, "N": 1.3,
    "O": 1.1, "P": 2.3, "Q": 0.19, "R": 1.85, "S": 2.4, "T": 3.1, "U": 0.46, "V": 0.67,
    "W": 0.69, "X": 0.16, "Y": 0.1, "Z": 0.08, "a": 64, "b": 8.8, "c": 31.6, "d": 30.9,
    "e": 93.5, "f": 16.7, "g": 15.0, "h": 24.9, "i": 66.2, "j": 0.5, "k": 2.3, "l": 32.6,
    "m": 20.0, "n": 58.7, "o": 55.7, "p": 19.8, "q": 1.0, "r": 49.3, "s": 51.2, "t": 66.1,
    "u": 20.4, "v": 9.6, "w": 8.9, "x": 2.3, "y": 12.0, "z": 1.2,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Atom:
    kind: str  # "lit" | "greek" | "sep"
    text: str = ""  # for "lit"
    alts: tuple[str, ...] = ()  # for "greek"
    explicit: bool = False  # for "sep": written in the form (may also be "/")
    required: bool = False  # for "sep": between two words ("protein kinase"), never glued
    ci: bool = False  # for "lit": case-insensitive

    def pattern(self) -> str:
        if self.kind == "lit":
            lit = re.escape(self.text)
            return f"(?i:{lit})" if self.ci and _has_letters(self.text) else lit
        if self.kind == "greek":
            return "(?:" + "|".join(re.escape(a) for a in self.alts) + ")"
        sep = _SEP_EXPLICIT if self.explicit else _SEP_IMPLICIT
        return sep if self.required else sep + "?"

    def options(self) -> list[tuple[str, int]]:
        """Fixed-width spellings of this atom: (pattern, width)."""
        if self.kind == "lit":
            return [(self.pattern(), len(self.text))]
        if self.kind == "greek":
            return [(re.escape(a), len(a)) for a in self.alts]
        sep = _SEP_EXPLICIT if self.explicit else _SEP_IMPLICIT
        return [(sep, 1)] if self.required else [(sep, 1), ("", 0)]


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def is_case_insensitive(text: str) -> bool:
    """Whether a name is matched ignoring case: it has a run of 4+ lower-case letters."""
    return re.search(r"[a-z]{4,}", _GREEK_NAME_RE.sub("", text)) is not None


def _atoms(text: str, ci: bool) -> list[_Atom]:
    text = _GREEK_NAME_RE.sub(lambda m: _GREEK_NAMES[m.group(1).lower()], text.strip())
    atoms: list[_Atom] = []
    prev_class = ""
    for m in _FORM_TOKEN_RE.finditer(text):
        greek, letters, digits, sep, other = m.groups()
        if sep is not None:
            if atoms and atoms[-1].kind != "sep":
                atoms.append(_Atom("sep", explicit=True))
            prev_class = ""
            continue
        cls = "greek" if greek else "letters" if letters else "digits" if digits else "other"
        if prev_class and cls != "other" and prev_class != "other" and cls != prev_class:
            glued = prev_class == "letters" and cls == "digits" and _single_lower(atoms[-1])
            if not glued:
                atoms.append(_Atom("sep"))
        if greek:
            atoms.append(_Atom("greek", alts=_GREEK_ALTERNATIVES.get(greek, (greek,))))
        elif letters:
            # Case-insensitive names ignore case only in their lower-case words
            # ("Annexin A1" yes, "annexin a1" no; "BRCA1" stays exact).
            atoms.append(_Atom("lit", text=letters, ci=ci and letters.islower()))
        else:
            atoms.append(_Atom("lit", text=digits or other))
        prev_class = cls
    while atoms and atoms[-1].kind == "sep":
        atoms.pop()
    # Two words of 3+ letters are never written glued ("protein kinase", "amino acid"):
    # their separator is required, which halves the spellings to enumerate per gap.
    for k in range(1, len(atoms) - 1):
        a, b = atoms[k - 1], atoms[k + 1]
        if atoms[k].kind == "sep" and all(
            x.kind == "lit" and x.text.isalpha() and len(x.text) >= 3 for x in (a, b)
        ):
            atoms[k] = _Atom("sep", explicit=True, required=True)
    return atoms


def _single_lower(atom: _Atom) -> bool:
    return atom.kind == "lit" and len(atom.text) == 1 and atom.text.islower()


def surface_pattern(text: str, *, ci: bool | None = None, lower: bool = False) -> str:
    """The regex (without boundaries) for one surface form and its spelling variants.

    ``lower=True``: the variants of ``text`` as they look in lower-cased text.
    """
    if lower:
        atoms = [
            _Atom("lit", text=a.text.lower()) if a.kind == "lit" else a for a in _atoms(text, False)
        ]
        return "".join(a.pattern() for a in atoms)
    if ci is None:
        ci = is_case_insensitive(text)
    return "".join(a.pattern() for a in _atoms(text, ci))


def bounded(pattern: str) -> str:
    return f"(?<!{WORD})(?:{pattern})(?!{WORD})"


def compile_names(names: Iterable[str]) -> re.Pattern[str] | None:
    """One left-to-right regex for a few names (context words, one gene's forms)."""
    pats = sorted({surface_pattern(n) for n in names if n.strip()}, key=len, reverse=True)
    if not pats:
        return None
    return re.compile(bounded("|".join(pats)))


def gene_surface_forms(gene: TrackedGene) -> list[tuple[str, bool, str]]:
    """(text, ambiguous, kind) for the symbol and every alias.

    The HGNC name ("component of inhibitor of nuclear factor kappa B kinase
    complex") is not a surface form: such names are not how authors write, and the
    watchlist lists the long names that are (e.g. "proliferating cell nuclear
    antigen"). The name is still used to recognise an acronym's own definition.
    """
    forms: list[tuple[str, bool, str]] = [(gene.symbol, False, "symbol")]
    forms.extend((a.text, a.ambiguous, a.kind) for a in gene.aliases)
    seen: set[str] = set()
    unique = []
    for text, ambiguous, kind in forms:
        if text.strip() and text not in seen:
            seen.add(text)
            unique.append((text, ambiguous, kind))
    return unique


@dataclass(frozen=True, slots=True)
class _Form:
    gene: str
    text: str  # as written in the watchlist
    ambiguous: bool
    kind: str  # "symbol" | "alias" | "protein" | "previous_symbol"
    ci: bool


@dataclass(frozen=True, slots=True)
class _Branch:
    form: int  # index into forms
    before: int  # characters of the form before the anchor in this spelling


def _anchor_candidates(atoms: list[_Atom]) -> list[tuple[float, int, int]]:
    """(cost, atom index, char index) for each usable anchor position."""
    out = []
    n_variants = 1
    for i, atom in enumerate(atoms):
        if atom.kind == "lit":
            for j, ch in enumerate(atom.text):
                if not ch.isalnum():
                    continue
                chars = {ch.lower(), ch.upper()} if atom.ci and ch.isalpha() else {ch}
                # rarity first; among equals, fewer prefix spellings (smaller regex)
                cost = sum(_CHAR_FREQ.get(c, 1.0) for c in chars) + 0.01 * n_variants
                out.append((cost, i, j))
        n_variants *= len(atom.options())
        if n_variants > 48:  # too many prefix spellings to enumerate beyond here
            break
    return out


def _anchor_chars(atoms: list[_Atom], i: int, j: int) -> list[str]:
    ch = atoms[i].text[j]
    return sorted({ch.lower(), ch.upper()}) if atoms[i].ci and ch.isalpha() else [ch]


def _choose_anchors(forms_atoms: list[list[_Atom]]) -> list[tuple[int, int]]:
    """Pick one anchor per form, preferring rare characters shared between forms.

    A form without a letter or digit outside Greek letters (just "α") has none and
    is never found: the watchlist has no such name.
    """
    cands = [_anchor_candidates(atoms) for atoms in forms_atoms]
    chosen = [min(c)[1:] if c else (-1, -1) for c in cands]
    counts: dict[str, int] = {}
    for atoms, (i, j) in zip(forms_atoms, chosen, strict=True):
        if i >= 0:
            for ch in _anchor_chars(atoms, i, j):
                counts[ch] = counts.get(ch, 0) + 1
    for _ in range(3):  # let forms move onto anchors that other forms already pay for
        changed = False
        for k, cand in enumerate(cands):
            if not cand:
                continue
            atoms = forms_atoms[k]
            for ch in _anchor_chars(atoms, *chosen[k]):
                counts[ch] -= 1
            best_key: tuple[float, float] | None = None
            best = chosen[k]
            for cost, i, j in cand:
                extra = sum(
                    _CHAR_FREQ.get(ch, 1.0)
                    for ch in _anchor_chars(atoms, i, j)
                    if counts.get(ch, 0) <= 0
                )
                if best_key is None or (extra, cost) < best_key:
                    best_key, best = (extra, cost), (i, j)
            if best != chosen[k]:
                chosen[k] = best
                changed = True
            for ch in _anchor_chars(atoms, *chosen[k]):
                counts[ch] = counts.get(ch, 0) + 1
        if not changed:
            break
    return chosen


def _anchored_regex(forms: list[_Form]) -> tuple[re.Pattern[str], dict[str, _Branch]]:
    """The one regex over all surface forms, anchored at rare characters.

    Shape: ``A(?:n(?:<branch>|...)|...)|B(?:...)`` where ``A`` is an anchor
    character and ``n`` the literal right after it, so that sre skips most branches
    with a literal compare. A branch checks the part of the form before the anchor
    with a fixed-width look-behind (one branch per spelling of that part), the
    word boundary before the form, then matches the rest of the form.
    """
    forms_atoms = [_atoms(f.text, f.ci) for f in forms]
    anchors = _choose_anchors(forms_atoms)
    # anchor char -> next literal char ("" when not factored) -> [(length, body)]
    tree: dict[str, dict[str, list[tuple[int, str]]]] = {}
    branches: dict[str, _Branch] = {}
    counter = itertools.count()
    for idx, (atoms, (i, j)) in enumerate(zip(forms_atoms, anchors, strict=True)):
        if i < 0:
            continue
        anchor_atom = atoms[i]
        head = anchor_atom.text[:j]
        tail = anchor_atom.text[j + 1 :]
        prefix_atoms = atoms[:i]
        if head:
            prefix_atoms = [*prefix_atoms, _Atom("lit", text=head, ci=anchor_atom.ci)]
        rest_atoms = atoms[i + 1 :]
        total_len = sum(len(a.text) for a in atoms)
        if tail:
            nexts = sorted({tail[0].lower(), tail[0].upper()}) if anchor_atom.ci else [tail[0]]
            after = _Atom("lit", text=tail[1:], ci=anchor_atom.ci).pattern() if tail[1:] else ""
        else:
            nexts, after = [""], ""
        after += "".join(a.pattern() for a in rest_atoms)
        for ch in _anchor_chars(atoms, i, j):
            for nc in nexts:
                for combo in itertools.product(*(a.options() for a in prefix_atoms)):
                    pre = "".join(p for p, _ in combo)
                    width = sum(w for _, w in combo)
                    consumed = re.escape(ch) + re.escape(nc)
                    name = f"b{next(counter)}"
                    branches[name] = _Branch(idx, width)
                    look = f"(?<={pre}{consumed})" if width else ""
                    boundary = f"(?<!{WORD}.{{{width + 1 + len(nc)}}})"
                    body = f"{look}{boundary}(?P<{name}>{after})(?!{WORD})"
                    tree.setdefault(ch, {}).setdefault(nc, []).append((total_len, body))
    parts = []
    for ch in sorted(tree):
        groups = []
        for nc in sorted(tree[ch], key=lambda c: (c == "", c)):  # factored groups first
            bodies = "|".join(b for _, b in sorted(tree[ch][nc], key=lambda x: -x[0]))
            groups.append(f"{re.escape(nc)}(?:{bodies})" if nc else bodies)
        parts.append(re.escape(ch) + "(?:" + "|".join(groups) + ")")
    if not parts:  # no genes: a regex that never matches (an empty one matches anywhere)
        parts = ["(?!)"]
    return re.compile("|".join(parts), re.S), branches


class FormFinder:
    """Where surface forms occur in a text, with the one anchored regex (module doc)."""

    def __init__(self, forms: Sequence[_Form]) -> None:
        self.forms = list(forms)
        self.regex, self._branches = _anchored_regex(self.forms)
        self.search = self.regex.search  # truthy when any form occurs

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, form index) of each mention, left to right, never overlapping."""
        out: list[tuple[int, int, int]] = []
        last_end = -1
        for m in self.regex.finditer(text):
            branch = self._branches[m.lastgroup or ""]
            start, end = m.start() - branch.before, m.end()
            if start < last_end:  # overlaps the previous mention: keep the longer
                if end - start <= out[-1][1] - out[-1][0]:
                    continue
                out.pop()
            out.append((start, end, branch.form))
            last_end = end
        return out


def gene_forms(gene: TrackedGene) -> list[_Form]:
    return [
        _Form(gene.symbol, text, ambiguous, kind, is_case_insensitive(text))
        for text, ambiguous, kind in gene_surface_forms(gene)
    ]


def compile_gene(gene: TrackedGene) -> FormFinder:
    """A finder for all of one gene's surface forms (used by extract)."""
    return FormFinder(gene_forms(gene))


# ---------------------------------------------------------------------------
# Cue terms
# ---------------------------------------------------------------------------
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
                pat += _SEP_EXPLICIT + "?"
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
        kinds: dict[str, Sequence[str]],
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


_RESPONSE_NOT_THERAPY = re.compile(
    r"(?i:(?:damage|immune|stress|inflammatory|protein|wound|interferon|heat[- ]shock|"
    r"hypoxic|cellular|host|antibody|humoral)[\s-]+)$"
)

# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------
_BREAK_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
_ABBREVIATIONS = frozenset(
    """e.g i.e al vs v fig figs approx ca cf resp no nos ref refs dr prof mr mrs ms st vol
    eq eqs suppl inc ltd co jr sr viz sp spp var tab chap sect ed eds incl dept univ ext
    est nat chr""".split()
)
_DOTTED_ABBREV_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_PLAIN_LOWER_RE = re.compile(r"[a-z]+[,;:]?")
_WORD_RE = re.compile(r"\S+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, whitespace trimmed.

    Breaks after . ! ? followed by whitespace, except after abbreviations ("e.g.",
    "et al.", "vs.", "Fig.", "U.S."), and when the next word is a plain lower-case
    word ("e.g. paclitaxel"). Decimals ("0.05", "p < .05") and dotted names
    ("p.V600E") have no space after the dot and never break. A next word that starts
    lower-case but is a gene or molecule name ("p65", "mRNA", "siRNA") does break.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n and text[start].isspace():
        start += 1
    for m in _BREAK_RE.finditer(text):
        nxt = m.end()
        if nxt >= n or not _is_break(text, m.start(), nxt):
            continue
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = nxt
    end = n
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
    return spans


def _is_break(text: str, dot: int, nxt: int) -> bool:
    if text[dot] == ".":
        k = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot), text.rfind("\t", 0, dot)) + 1
        token = text[k:dot].lstrip("([{\"'\u201c").lower()
        if token in _ABBREVIATIONS or _DOTTED_ABBREV_RE.fullmatch(token):
            return False
    if not text[nxt].islower():
        return True
    word = _WORD_RE.match(text, nxt)
    return not (word and _PLAIN_LOWER_RE.fullmatch(word.group()))


# ---------------------------------------------------------------------------
# Acronym definitions ("Preventive Cardiovascular Nurses Association (PCNA)")
# ---------------------------------------------------------------------------
_GENE_WORDS = frozenset(
    """protein proteins receptor receptors kinase kinases antigen gene genes factor
    transporter subunit helicase nuclease endonuclease glycosylase cytochrome annexin
    enzyme ligase domain oncogene proto-oncogene homolog homologue polymerase lipocortin
    inhibitor isoform ubiquitin chain family member tyrosine transcription""".split()
)
_PAREN_AFTER_RE = re.compile(r"\s*\(([^()]{4,160})\)")


def _schwartz_hearst(short: str, long: str) -> str | None:
    """The long form for ``short`` ending ``long`` (Schwartz & Hearst 2003), or None."""
    s_idx = len(short) - 1
    l_idx = len(long) - 1
    while s_idx >= 0:
        c = short[s_idx].lower()
        if not c.isalnum():
            s_idx -= 1
            continue
        while (l_idx >= 0 and long[l_idx].lower() != c) or (
            s_idx == 0 and l_idx > 0 and long[l_idx - 1].isalnum()
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = long.rfind(" ", 0, l_idx + 1) + 1
    return long[start:]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z\u0370-\u03ff]+", " ", text.lower()).split())


# ---------------------------------------------------------------------------
# Record analysis
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    form: int
    gene: str
    surface: str
    sent: int = -1
    status_label: bool = False


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    section: str
    seg: int


@dataclass(slots=True)
class _Cue:
    start: int
    end: int
    kind: str
    term: str  # as in the watchlist
    surface: str
    sent: int = -1


@dataclass(slots=True)
class _Analysis:
    text: str
    sentences: list[_Sentence]
    mentions: dict[str, list[_Mention]]  # gene -> valid mentions
    cues: list[_Cue]
    ambiguous_only: set[str]


_STATUS_LABEL_RE = re.compile(
    r"(?:[\s\-\u2010\u2013]?(?i:positive|positivity|negative|negativity|enriched|low|"
    r"ultra-?low|zero|status)(?![A-Za-z])|\s?[+\u2212]|\s?\((?:\+|\u2212|-)\)|[-\u2013](?=[\s,;/)]))"
)
_THERAPY_BEFORE_RE = re.compile(r"(?i:anti)[\s\-\u2010]?$")
_THERAPY_AFTER_RE = re.compile(r"[\s\-\u2010](?i:targeted|directed|targeting)(?![A-Za-z])")


# Organisms whose MeSH heading, without "Humans", shows a study is about a plant, microbe
# or invertebrate: a tracked symbol there names another species' enzyme or ortholog
# (e.g. "cytochrome P4503A4" in wheat), never the human gene we watch.
NON_HUMAN_ORGANISMS = frozenset(
    {
        "Plants",
        "Triticum",
        "Arabidopsis",
        "Oryza",
        "Zea mays",
        "Nicotiana",
        "Solanum lycopersicum",
        "Hordeum",
        "Glycine max",
        "Saccharomyces cerevisiae",
        "Schizosaccharomyces",
        "Escherichia coli",
        "Bacteria",
        "Drosophila melanogaster",
        "Caenorhabditis elegans",
        "Plasmodium falciparum",
    }
)


def not_about_humans(record: PubmedRecord) -> bool:
    mesh = set(record.mesh_terms)
    return "Humans" not in mesh and not mesh.isdisjoint(NON_HUMAN_ORGANISMS)


class Matcher:
    """Compiled once from a watchlist; :meth:`match` runs on every record."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        self._finder = FormFinder([f for g in watchlist.genes for f in gene_forms(g)])
        self._forms = self._finder.forms
        self._search = self._finder.search
        self._genes = {g.symbol: g for g in watchlist.genes}
        self._context_res = {g.symbol: compile_names(g.context) for g in watchlist.genes}
        therapy_terms = [t for th in watchlist.therapies for t in (*th.class_terms, *th.agents)]
        self._cue_finder = TermFinder(
            {
                "resistance": watchlist.resistance_terms,
                "sensitivity": watchlist.sensitivity_terms,
                "therapy": therapy_terms,
                "disease": watchlist.disease_terms,
            },
            compound=("resistance", "sensitivity"),
        )
        self._therapy_class = {
            t.lower(): th.therapy_class for th in watchlist.therapies for t in th.class_terms
        } | {t.lower(): th.therapy_class for th in watchlist.therapies for t in th.agents}

    @classmethod
    def from_watchlist(cls, watchlist: Watchlist) -> Matcher:
        return cls(watchlist)

    # -- public --------------------------------------------------------------
    def match(self, record: PubmedRecord) -> list[CandidateDraft]:
        """One draft per tracked gene with a valid mention and >= 1 snippet; [] otherwise."""
        if not_about_humans(record):
            return []
        abstract = record.abstract
        if abstract:
            text = record.title + "\n" + "\n".join([s.text for s in abstract])
        else:
            text = record.title
        if self._search(text) is None:
            return []
        segments = [("title", 0, len(record.title))]
        pos = len(record.title) + 1
        for s in abstract:
            label = (s.label or "").strip().lower() or "abstract"
            segments.append((label, pos, pos + len(s.text)))
            pos += len(s.text) + 1
        analysis = self._analyse(text, segments, has_title=True)
        return self._candidates(record, analysis)

    def could_match(self, text: str) -> bool:
        """Whether ``text`` holds any surface form of a tracked gene: the cheap test.

        The one anchored regex, nothing else (about 15 us for an abstract). Used before
        parsing on a citation's whole text: when it is False, :meth:`match` of that
        citation is ``[]``. True only means "worth reading"; :meth:`match` decides.
        """
        return self._search(text) is not None

    def record_genes(self, record: PubmedRecord) -> dict[str, list[str]]:
        """Tracked genes a record's title and abstract name, in the human-gene sense."""
        if not_about_humans(record):
            return {}
        return self.genes_mentioned(f"{record.title}\n{record.abstract_text}")

    def genes_mentioned(self, text: str) -> dict[str, list[str]]:
        """Tracked symbol -> surface forms in ``text``, after the ambiguity rules."""
        if self._search(text) is None:
            return {}
        analysis = self._analyse(text, [("abstract", 0, len(text))], has_title=False)
        return {
            gene: list(dict.fromkeys(m.surface for m in ms))
            for gene, ms in analysis.mentions.items()
        }

    # -- analysis ------------------------------------------------------------
    def _analyse(
        self, text: str, segments: Sequence[tuple[str, int, int]], *, has_title: bool
    ) -> _Analysis:
        sentences: list[_Sentence] = []
        for seg, (label, start, end) in enumerate(segments):
            if has_title and seg == 0:
                s, e = start, end
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                if e > s:
                    sentences.append(_Sentence(s, e, "title", 0))
                continue
            for s, e in split_sentences(text[start:end]):
                sentences.append(_Sentence(start + s, start + e, label, seg))
        starts = [s.start for s in sentences]

        def sent_of(pos: int) -> int:
            return max(bisect.bisect_right(starts, pos) - 1, 0)

        raw = self._raw_mentions(text)
        cues = self._cues(text)
        for cue in cues:
            cue.sent = sent_of(cue.start)
        therapy_spans = [(c.start, c.end) for c in cues if c.kind in ("therapy", "disease")]
        dropped_forms = self._acronym_clashes(text, raw)
        kept: list[_Mention] = []
        for m in raw:
            if m.form in dropped_forms:
                continue
            if any(s <= m.start and m.end <= e for s, e in therapy_spans):
                continue
            if _THERAPY_BEFORE_RE.search(text, max(0, m.start - 6), m.start) or (
                _THERAPY_AFTER_RE.match(text, m.end)
            ):
                continue
            m.sent = sent_of(m.start)
            m.status_label = _STATUS_LABEL_RE.match(text, m.end) is not None
            kept.append(m)

        by_gene: dict[str, list[_Mention]] = {}
        for m in kept:
            by_gene.setdefault(m.gene, []).append(m)
        valid: dict[str, list[_Mention]] = {}
        ambiguous_only: set[str] = set()
        for gene, ms in by_gene.items():
            strong = [m for m in ms if not self._forms[m.form].ambiguous]
            if strong:
                valid[gene] = ms
                continue
            ctx = self._context_res.get(gene)
            supported = [m for m in ms if ctx and self._context_near(ctx, text, sentences, m)]
            if supported:
                valid[gene] = supported
                ambiguous_only.add(gene)
        return _Analysis(text, sentences, valid, cues, ambiguous_only)

    def _raw_mentions(self, text: str) -> list[_Mention]:
        return [
            _Mention(start, end, form, self._forms[form].gene, text[start:end])
            for start, end, form in self._finder.spans(text)
        ]

    def _cues(self, text: str) -> list[_Cue]:
        cues: list[_Cue] = []
        for start, end, kind, term in self._cue_finder.find(text):
            if kind == "sensitivity" and text[start:end].lower().startswith("respon"):
                if _RESPONSE_NOT_THERAPY.search(text, max(0, start - 30), start):
                    continue
            cues.append(_Cue(start, end, kind, term, text[start:end]))
        # "reduced sensitivity", "non-response": a resistance term wins over the
        # sensitivity word inside it.
        resist = [(c.start, c.end) for c in cues if c.kind == "resistance"]
        if resist:
            cues = [
                c
                for c in cues
                if c.kind != "sensitivity" or not any(s < c.end and c.start < e for s, e in resist)
            ]
        cues.sort(key=lambda c: c.start)
        return cues

    def _context_near(
        self, ctx: re.Pattern[str], text: str, sentences: list[_Sentence], m: _Mention
    ) -> bool:
        """A context word in the mention's sentence, its neighbours (same section) or the title."""
        here = sentences[m.sent]
        for k in (m.sent, m.sent - 1, m.sent + 1):
            if 0 <= k < len(sentences) and sentences[k].seg == here.seg:
                s = sentences[k]
                if ctx.search(text, s.start, s.end):
                    return True
        title = sentences[0] if sentences and sentences[0].section == "title" else None
        return bool(title and ctx.search(text, title.start, title.end))

    def _acronym_clashes(self, text: str, mentions: list[_Mention]) -> set[int]:
        """Forms defined in this text as an acronym of something that is not the gene."""
        dropped: set[int] = set()
        checked: set[int] = set()
        for m in mentions:
            form = self._forms[m.form]
            if form.ci or m.form in checked:
                continue
            long_form = None
            before = text[max(0, m.start - 2) : m.start]
            after = text[m.end : m.end + 2]
            if before.endswith("(") and after[:1] in (")", ",", ";"):
                window = text[max(0, m.start - 200) : m.start - 1]
                window = re.split(r"[.;:()\[\]]\s", window)[-1]
                words = window.split()
                limit = min(len(m.surface) + 5, len(m.surface) * 2)
                candidate = " ".join(words[-limit:])
                long_form = _schwartz_hearst(m.surface, candidate) if candidate else None
            else:
                pm = _PAREN_AFTER_RE.match(text, m.end)
                if pm:
                    inner = pm.group(1).split(";")[0].split(",")[0].strip()
                    first = inner[:1].lower()
                    if len(inner.split()) >= 2 and first == m.surface[:1].lower():
                        found = _schwartz_hearst(m.surface, inner)
                        long_form = inner if found and inner.startswith(found.split()[0]) else None
            if long_form is None or len(long_form.split()) < 2:
                continue
            checked.add(m.form)
            if not self._long_form_is_gene(long_form, self._genes[form.gene]):
                dropped.add(m.form)
        return dropped

    def _long_form_is_gene(self, long_form: str, gene: TrackedGene) -> bool:
        lf = _norm(long_form)
        for name in (gene.name, *(a.text for a in gene.aliases)):
            n = _norm(name)
            if n and len(n.split()) >= 2 and (n in lf or lf in n):
                return True
        if any(f.gene == gene.symbol for f in self._forms if f.text.lower() in lf.split()):
            return True
        return any(w in _GENE_WORDS for w in lf.split())

    # -- candidates ----------------------------------------------------------
    def _candidates(self, record: PubmedRecord, a: _Analysis) -> list[CandidateDraft]:
        if not a.mentions:
            return []
        cues_by_sent: dict[int, list[_Cue]] = {}
        for cue in a.cues:
            cues_by_sent.setdefault(cue.sent, []).append(cue)
        genes_by_sent: dict[int, list[_Mention]] = {}
        for ms in a.mentions.values():
            for m in ms:
                genes_by_sent.setdefault(m.sent, []).append(m)
        context = self._record_context(record, a)
        snippet_cache: dict[int, Snippet] = {}
        drafts = []
        for gene in self.watchlist.symbols:
            ms = a.mentions.get(gene)
            if not ms:
                continue
            sents = sorted({m.sent for m in ms})
            ranked: list[tuple[float, int]] = []
            for k in sents:
                kinds = {c.kind for c in cues_by_sent.get(k, ())}
                if not kinds & {"resistance", "therapy"}:
                    continue
                section = a.sentences[k].section
                rank = (
                    3 * ("resistance" in kinds)
                    + 2 * ("therapy" in kinds)
                    + ("sensitivity" in kinds)
                    + (section in _FINDING_SECTIONS)
                )
                ranked.append((-rank, k))
            if not ranked:
                continue
            ranked.sort()
            snippets = []
            for _, k in ranked[:MAX_SNIPPETS]:
                if k not in snippet_cache:
                    snippet_cache[k] = self._snippet(a, k, genes_by_sent, cues_by_sent)
                snippets.append(snippet_cache[k])
            drafts.append(self._draft(record, a, gene, ms, snippets, len(ranked), context))
        return drafts

    def _snippet(
        self,
        a: _Analysis,
        k: int,
        genes_by_sent: dict[int, list[_Mention]],
        cues_by_sent: dict[int, list[_Cue]],
    ) -> Snippet:
        s = a.sentences[k]
        spans: list[tuple[int, int, str]] = []
        genes: list[str] = []
        for m in sorted(genes_by_sent.get(k, ()), key=lambda m: m.start):
            spans.append((m.start - s.start, m.end - s.start, "gene"))
            if m.gene not in genes:
                genes.append(m.gene)
        cues: list[str] = []
        for c in cues_by_sent.get(k, ()):
            spans.append((c.start - s.start, c.end - s.start, c.kind))
            if c.kind != "disease" and c.surface not in cues:
                cues.append(c.surface)
        spans.sort()
        return Snippet(a.text[s.start : s.end], s.section, tuple(genes), tuple(cues), tuple(spans))

    def _record_context(self, record: PubmedRecord, a: _Analysis) -> dict[str, list[str]]:
        terms: dict[str, list[str]] = {
            "resistance": [],
            "sensitivity": [],
            "therapy": [],
            "disease": [],
        }
        for cue in a.cues:
            if cue.term not in terms[cue.kind]:
                terms[cue.kind].append(cue.term)
        mesh = self.watchlist.disease_mesh.lower()
        for heading in record.mesh_terms:
            if mesh and mesh in heading.lower() and heading not in terms["disease"]:
                terms["disease"].append(heading)
        return terms

    def _draft(
        self,
        record: PubmedRecord,
        a: _Analysis,
        gene: str,
        ms: list[_Mention],
        snippets: list[Snippet],
        n_supporting: int,
        context: dict[str, list[str]],
    ) -> CandidateDraft:
        reasons: list[Reason] = []

        def add(feature: str, detail: str, times: float = 1.0) -> None:
            reasons.append(Reason(feature, WEIGHTS[feature] * times, detail))

        surfaces = list(dict.fromkeys(m.surface for m in ms))
        add("gene_mentioned", f"{gene} named {len(ms)}x as {', '.join(surfaces)}")
        title_forms = [m.surface for m in ms if a.sentences[m.sent].section == "title"]
        if title_forms:
            add("gene_in_title", f"{gene} in the title as '{title_forms[0]}'")
        res = next((s for s in snippets if _has_kind(s, "resistance")), None)
        if res:
            add(
                "resistance_cue_same_sentence",
                f"{gene} and '{_first_cue(res, 'resistance')}' in one sentence ({res.section})",
            )
        sen = next((s for s in snippets if _has_kind(s, "sensitivity")), None)
        if sen:
            add(
                "sensitivity_cue_same_sentence",
                f"{gene} and '{_first_cue(sen, 'sensitivity')}' in one sentence ({sen.section})",
            )
        ther = next((s for s in snippets if _has_kind(s, "therapy")), None)
        if ther:
            word = _first_cue(ther, "therapy")
            cls = self._therapy_class_of(word)
            add(
                "therapy_same_sentence",
                f"{gene} and '{word}'{f' ({cls})' if cls else ''} in one sentence ({ther.section})",
            )
        extra = min(n_supporting - 1, SUPPORTING_SENTENCES_CAP)
        if extra > 0:
            add("supporting_sentences", f"{n_supporting} supporting sentences", extra)
        finding = next((s for s in snippets if s.section in _FINDING_SECTIONS), None)
        if finding:
            add("finding_section", f"a supporting sentence in the {finding.section}")
        if context["disease"]:
            add("breast_context", "breast cancer: " + ", ".join(context["disease"][:3]))
        else:
            lines = find_cell_lines(a.text)
            if lines:
                add("breast_cell_line_only", "no breast-cancer words, but " + ", ".join(lines))
            else:
                add("no_breast_context", "no breast-cancer term in title/abstract nor MeSH")
        if record.is_review:
            add("review_article", "publication type Review: no new data")
        elif no_data := sorted(set(record.publication_types) & _NO_DATA_TYPES):
            add("no_primary_data", "publication type " + ", ".join(no_data))
        if record.is_retracted:
            add("retracted", "retracted publication")
        if gene in a.ambiguous_only:
            add(
                "ambiguous_alias_only",
                f"{gene} only as ambiguous {', '.join(surfaces)}, accepted from context words",
            )
        if all(m.status_label for m in ms):
            add("status_label_only", f"{gene} only as a status label ('{surfaces[0]}-...')")
        total = sum(r.weight for r in reasons)
        clipped = min(max(total, SCORE_MIN), SCORE_MAX)
        if clipped != total:
            reasons.append(
                Reason("score_clip", clipped - total, f"sum {total:g} clipped to {clipped:g}")
            )
        forms = [self._forms[m.form] for m in ms]
        matched = {k: list(v) for k, v in context.items()}
        matched["aliases"] = list(dict.fromkeys(f.text for f in forms if f.kind != "symbol"))
        extraction = extract(
            gene,
            snippets,
            record,
            self.watchlist,
            sentences=[a.text[s.start : s.end] for s in a.sentences],
        )
        return CandidateDraft(
            gene=gene,
            mentions=tuple(surfaces),
            snippets=tuple(snippets),
            matched_terms=matched,
            score=clipped,
            reasons=tuple(reasons),
            extraction=extraction,
        )

    def _therapy_class_of(self, surface: str) -> str | None:
        word = surface.lower()
        if word in self._therapy_class:
            return self._therapy_class[word]
        for term, cls in self._therapy_class.items():
            if word.startswith(term) or term.startswith(word):
                return cls
        return None


def _has_kind(snippet: Snippet, kind: str) -> bool:
    return any(k == kind for _, _, k in snippet.spans)


def _first_cue(snippet: Snippet, kind: str) -> str:
    for s, e, k in snippet.spans:
        if k == kind:
            return snippet.text[s:e]
    return ""
