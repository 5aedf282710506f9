"""Surface forms of tracked genes and the one anchored regex that finds them all.

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

Speed: one compiled regex finds every surface form of every gene. Instead of
trying all forms at each capital letter, each form is *anchored* at its rarest
character (measured on PubMed abstracts): the regex starts with that literal,
checks the rest of the form before it with fixed-width look-behinds (one branch
per spelling of the prefix) and the rest after it normally. The regex engine
then only stops at the handful of rare anchor characters in a record (about 60
per abstract; a first-character alternation over all forms stops at every
capital and costs twice as much). Measured: about 13-16 us for a record naming
no tracked gene.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evidencewatch.watch.watchlist import TrackedGene

WORD = r"\w"  # what may not touch a mention: a letter or digit of any script, or "_"
# Unicode hyphens as literals, not in a class: a class with non-Latin-1 characters
# makes sre build a 64K table per occurrence (slow to compile).
SEP_EXPLICIT = "(?:[\\s\\-/]|\u2010|\u2011|\u2013)"  # where the form has a separator
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
        sep = SEP_EXPLICIT if self.explicit else _SEP_IMPLICIT
        return sep if self.required else sep + "?"

    def options(self) -> list[tuple[str, int]]:
        """Fixed-width spellings of this atom: (pattern, width)."""
        if self.kind == "lit":
            return [(self.pattern(), len(self.text))]
        if self.kind == "greek":
            return [(re.escape(a), len(a)) for a in self.alts]
        sep = SEP_EXPLICIT if self.explicit else _SEP_IMPLICIT
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
class SurfaceForm:
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


def _anchored_regex(forms: list[SurfaceForm]) -> tuple[re.Pattern[str], dict[str, _Branch]]:
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
    """Where surface forms occur in a text, with the one anchored regex (module doc).

    Forms are numbered by their index in ``forms``: :meth:`spans` names them so.
    """

    def __init__(self, forms: Sequence[SurfaceForm]) -> None:
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


def gene_forms(gene: TrackedGene) -> list[SurfaceForm]:
    """The gene's symbol and aliases as the finder searches them."""
    return [
        SurfaceForm(gene.symbol, text, ambiguous, kind, is_case_insensitive(text))
        for text, ambiguous, kind in gene_surface_forms(gene)
    ]


def compile_gene(gene: TrackedGene) -> FormFinder:
    """A finder for all of one gene's surface forms, for extraction run without a matcher."""
    return FormFinder(gene_forms(gene))
