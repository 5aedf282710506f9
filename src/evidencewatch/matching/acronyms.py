"""Acronyms a record defines as something other than the tracked gene.

"Preventive Cardiovascular Nurses Association (PCNA)" or "PCNA (Preventive
Cardiovascular Nurses Association)": the long form is found with the
Schwartz-Hearst letter-alignment rule; it is accepted as the gene when it
contains the gene name, an alias or a gene-ish word (protein, kinase, receptor,
antigen, ...), otherwise that surface form is dropped for the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from evidencewatch.matching.forms import SurfaceForm
from evidencewatch.watch.watchlist import TrackedGene

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


def acronym_clashes(
    text: str,
    spans: Iterable[tuple[int, int, int]],
    forms: Sequence[SurfaceForm],
    genes: Mapping[str, TrackedGene],
) -> set[int]:
    """Forms defined in ``text`` as an acronym of something that is not their gene.

    ``spans`` are (start, end, form index) as :meth:`FormFinder.spans` gives them.
    Case-insensitive forms (long names) are never acronyms; each form is judged
    on its first definition.
    """
    dropped: set[int] = set()
    checked: set[int] = set()
    for start, end, form_index in spans:
        form = forms[form_index]
        if form.ci or form_index in checked:
            continue
        long_form = _defined_long_form(text, start, end)
        if long_form is None or len(long_form.split()) < 2:
            continue
        checked.add(form_index)
        if not _long_form_is_gene(long_form, genes[form.gene], forms):
            dropped.add(form_index)
    return dropped


def _defined_long_form(text: str, start: int, end: int) -> str | None:
    """The long form written around the acronym at ``start:end``, if it is defined there."""
    surface = text[start:end]
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    if before.endswith("(") and after[:1] in (")", ",", ";"):  # "long form (PCNA)"
        window = text[max(0, start - 200) : start - 1]
        window = re.split(r"[.;:()\[\]]\s", window)[-1]
        words = window.split()
        limit = min(len(surface) + 5, len(surface) * 2)
        candidate = " ".join(words[-limit:])
        return _schwartz_hearst(surface, candidate) if candidate else None
    pm = _PAREN_AFTER_RE.match(text, end)  # "PCNA (long form)"
    if pm:
        inner = pm.group(1).split(";")[0].split(",")[0].strip()
        first = inner[:1].lower()
        if len(inner.split()) >= 2 and first == surface[:1].lower():
            found = _schwartz_hearst(surface, inner)
            return inner if found and inner.startswith(found.split()[0]) else None
    return None


def _long_form_is_gene(long_form: str, gene: TrackedGene, forms: Sequence[SurfaceForm]) -> bool:
    lf = _norm(long_form)
    for name in (gene.name, *(a.text for a in gene.aliases)):
        n = _norm(name)
        if n and len(n.split()) >= 2 and (n in lf or lf in n):
            return True
    if any(f.gene == gene.symbol for f in forms if f.text.lower() in lf.split()):
        return True
    return any(w in _GENE_WORDS for w in lf.split())
