"""Which gene mentions in a text count, and the cue words around them.

* An AMBIGUOUS alias (p65, neu, MD-2, LAT1, BACH1) counts only when the text
  also has a valid symbol/unambiguous-alias mention of the same gene, or when one
  of the gene's ``context`` words occurs in the same sentence, the sentence just
  before or after it in the same abstract section, or the title. A gene whose only
  mentions are such context-supported ambiguous aliases is ``ambiguous_only``.
* A symbol/alias the text defines as an acronym of something else is dropped
  (see :mod:`evidencewatch.matching.acronyms`).
* A mention that is part of a therapy name ("anti-HER2", "HER2-targeted") is a
  therapy cue, not a gene mention. A mention used only as a status label
  ("HER2-positive", "HER2+", "PCNA-negative", "HER2 status") still counts but is
  marked ``status_label``.
* Cues are the watchlist's resistance, sensitivity, therapy (class terms and
  agents) and disease terms. A resistance term wins over a sensitivity word inside
  it ("reduced sensitivity", "non-response"); "immune/DNA damage/stress response"
  is not a sensitivity cue.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidencewatch.matching.acronyms import acronym_clashes
from evidencewatch.matching.forms import FormFinder, compile_names, gene_forms
from evidencewatch.matching.sentences import Segment, Sentence, split_segments
from evidencewatch.matching.terms import TermFinder
from evidencewatch.watch.watchlist import Watchlist


@dataclass(slots=True)
class Mention:
    """A surface form of a tracked gene found in the text."""

    start: int
    end: int
    form: int  # index into the finder's forms
    gene: str
    surface: str  # as written
    sent: int = -1  # index of its sentence
    status_label: bool = False


@dataclass(slots=True)
class Cue:
    """A watchlist term found in the text."""

    start: int
    end: int
    kind: str  # "resistance" | "sensitivity" | "therapy" | "disease"
    term: str  # as in the watchlist
    surface: str  # as written
    sent: int = -1


@dataclass(slots=True)
class Analysis:
    """What the matcher read in one text."""

    text: str
    sentences: list[Sentence]
    mentions: dict[str, list[Mention]]  # gene -> valid mentions, in text order
    cues: list[Cue]
    ambiguous_only: set[str]
    # gene -> every mention the finder found, before the rules above: how extraction
    # reads the gene's words in a sentence ("anti-HER2" still names HER2 there)
    found: dict[str, list[Mention]]


_STATUS_LABEL_RE = re.compile(
    r"(?:[\s\-\u2010\u2013]?(?i:positive|positivity|negative|negativity|enriched|low|"
    r"ultra-?low|zero|status)(?![A-Za-z])|\s?[+\u2212]|\s?\((?:\+|\u2212|-)\)|[-\u2013](?=[\s,;/)]))"
)
_THERAPY_BEFORE_RE = re.compile(r"(?i:anti)[\s\-\u2010]?$")
_THERAPY_AFTER_RE = re.compile(r"[\s\-\u2010](?i:targeted|directed|targeting)(?![A-Za-z])")
_RESPONSE_NOT_THERAPY = re.compile(
    r"(?i:(?:damage|immune|stress|inflammatory|protein|wound|interferon|heat[- ]shock|"
    r"hypoxic|cellular|host|antibody|humoral)[\s-]+)$"
)


class Analyser:
    """The gene finder, cue finder and context words of a watchlist, compiled once."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.finder = FormFinder([f for g in watchlist.genes for f in gene_forms(g)])
        self.forms = self.finder.forms
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

    def analyse(self, text: str, segments: Sequence[Segment], *, has_title: bool) -> Analysis:
        """Sentences, valid gene mentions and cues of ``text`` (module doc for the rules)."""
        sentences = split_segments(text, segments, has_title=has_title)
        starts = [s.start for s in sentences]

        def sent_of(pos: int) -> int:
            return max(bisect.bisect_right(starts, pos) - 1, 0)

        cues = self._cues(text)
        for cue in cues:
            cue.sent = sent_of(cue.start)
        found: dict[str, list[Mention]] = {}
        raw: list[Mention] = []
        for start, end, form in self.finder.spans(text):
            m = Mention(start, end, form, self.forms[form].gene, text[start:end], sent_of(start))
            found.setdefault(m.gene, []).append(m)
            raw.append(m)
        kept = self._kept_mentions(text, raw, cues)
        valid, ambiguous_only = self._valid_by_gene(text, sentences, kept)
        return Analysis(text, sentences, valid, cues, ambiguous_only, found)

    def _kept_mentions(self, text: str, raw: list[Mention], cues: list[Cue]) -> list[Mention]:
        """Mentions not dropped as another acronym nor read as part of a therapy name."""
        therapy_spans = [(c.start, c.end) for c in cues if c.kind in ("therapy", "disease")]
        spans = [(m.start, m.end, m.form) for m in raw]
        dropped_forms = acronym_clashes(text, spans, self.forms, self._genes)
        kept: list[Mention] = []
        for m in raw:
            if m.form in dropped_forms:
                continue
            if any(s <= m.start and m.end <= e for s, e in therapy_spans):
                continue
            if _THERAPY_BEFORE_RE.search(text, max(0, m.start - 6), m.start) or (
                _THERAPY_AFTER_RE.match(text, m.end)
            ):
                continue
            m.status_label = _STATUS_LABEL_RE.match(text, m.end) is not None
            kept.append(m)
        return kept

    def _valid_by_gene(
        self, text: str, sentences: list[Sentence], kept: list[Mention]
    ) -> tuple[dict[str, list[Mention]], set[str]]:
        """Gene -> mentions that count, and the genes named by ambiguous aliases only."""
        by_gene: dict[str, list[Mention]] = {}
        for m in kept:
            by_gene.setdefault(m.gene, []).append(m)
        valid: dict[str, list[Mention]] = {}
        ambiguous_only: set[str] = set()
        for gene, ms in by_gene.items():
            if any(not self.forms[m.form].ambiguous for m in ms):
                valid[gene] = ms
                continue
            ctx = self._context_res.get(gene)
            supported = [m for m in ms if ctx and _context_near(ctx, text, sentences, m)]
            if supported:
                valid[gene] = supported
                ambiguous_only.add(gene)
        return valid, ambiguous_only

    def _cues(self, text: str) -> list[Cue]:
        cues: list[Cue] = []
        for start, end, kind, term in self._cue_finder.find(text):
            if kind == "sensitivity" and text[start:end].lower().startswith("respon"):
                if _RESPONSE_NOT_THERAPY.search(text, max(0, start - 30), start):
                    continue
            cues.append(Cue(start, end, kind, term, text[start:end]))
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


def _context_near(ctx: re.Pattern[str], text: str, sentences: list[Sentence], m: Mention) -> bool:
    """A context word in the mention's sentence, its neighbours (same section) or the title."""
    here = sentences[m.sent]
    for k in (m.sent, m.sent - 1, m.sent + 1):
        if 0 <= k < len(sentences) and sentences[k].seg == here.seg:
            s = sentences[k]
            if ctx.search(text, s.start, s.end):
                return True
    title = sentences[0] if sentences and sentences[0].section == "title" else None
    return bool(title and ctx.search(text, title.start, title.end))
