"""Find tracked genes in PubMed records and draft curator candidates (paper x gene).

Only the title and the abstract are read, as the one text
:attr:`PubmedRecord.text <evidencewatch.pubmed.records.PubmedRecord.text>`: never
MeSH, keywords, affiliations or references for gene mentions (MeSH is read only
for the breast-cancer context and to set aside studies of other species). Every
offset a draft carries (mention spans) is into that text; snippet spans are into
the snippet's sentence.

The stages, each in its module:

* :mod:`~evidencewatch.matching.forms`: the surface forms of every gene and the one
  anchored regex that finds them (spelling variants, word boundaries, speed).
* :mod:`~evidencewatch.matching.analysis`: which mentions count (ambiguous aliases,
  acronyms defined as something else, therapy names, status labels) and the cues.
* :mod:`~evidencewatch.matching.snippets`: the sentences where a gene meets a cue.
* :mod:`~evidencewatch.matching.scoring`: the rule score, every point a reason.
* :mod:`~evidencewatch.matching.extract`: the suggested structured fields, read
  from the mentions found here (nothing is searched twice).

Sentence splitting, cues, context and scoring run only for records where the one
regex hits: about 13-16 us for a record naming no tracked gene, 0.5-1 ms for one
that yields candidates (with extraction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evidencewatch.matching.analysis import Analyser, Analysis, Cue, Mention
from evidencewatch.matching.extract import Extraction, GeneSentence, extract_from_mentions
from evidencewatch.matching.scoring import Reason, rule_score, therapy_class_table
from evidencewatch.matching.sentences import record_segments
from evidencewatch.matching.snippets import (
    MAX_SNIPPETS,
    Snippet,
    build_snippet,
    supporting_sentences,
)
from evidencewatch.pubmed.records import PubmedRecord, title_and_abstract
from evidencewatch.watch.watchlist import Watchlist

if TYPE_CHECKING:
    from evidencewatch.matching.prefilter import Prefilter

__all__ = ["NON_HUMAN_ORGANISMS", "CandidateDraft", "Matcher", "not_about_humans"]


@dataclass(frozen=True, slots=True)
class CandidateDraft:
    gene: str
    mentions: tuple[str, ...]  # surface forms matched, as written ("HER2", "ErbB-2")
    # (start, end) of each valid mention of the gene in ``record.text``, in text order
    mention_spans: tuple[tuple[int, int], ...]
    snippets: tuple[Snippet, ...]  # sentences where the gene meets a cue, best first, <= 5
    # {"resistance","sensitivity","therapy","disease","aliases"} -> watchlist terms found
    matched_terms: dict[str, list[str]]
    score: float  # 0..100, a logistic of the reasons' weights (matching.scoring)
    reasons: tuple[Reason, ...]
    extraction: Extraction


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
        self._analyser = Analyser(watchlist)
        self._forms = self._analyser.forms
        self._search = self._analyser.finder.search
        self._therapy_classes = therapy_class_table(watchlist)

    @classmethod
    def from_watchlist(cls, watchlist: Watchlist) -> Matcher:
        return cls(watchlist)

    # -- public --------------------------------------------------------------
    def match(self, record: PubmedRecord) -> list[CandidateDraft]:
        """One draft per tracked gene with a valid mention and >= 1 snippet; [] otherwise."""
        if not_about_humans(record):
            return []
        text = record.text
        if self._search(text) is None:
            return []
        analysis = self._analyser.analyse(text, record_segments(record), has_title=True)
        return self._drafts(record, analysis)

    def could_match(self, text: str) -> bool:
        """Whether ``text`` holds any surface form of a tracked gene: the cheap test.

        The one anchored regex, nothing else (about 15 us for an abstract). Used before
        parsing on a citation's whole text: when it is False, :meth:`match` of that
        citation is ``[]``. True only means "worth reading"; :meth:`match` decides.
        """
        return self._search(text) is not None

    def prefilter(self) -> Prefilter:
        """The byte-level test an import runs on raw records before parsing any."""
        from evidencewatch.matching.prefilter import Prefilter

        return Prefilter(self._forms, exact=self.could_match)

    def record_genes(self, record: PubmedRecord) -> dict[str, list[str]]:
        """Tracked genes a record's title and abstract name, in the human-gene sense.

        The abstract is read with its section labels (``abstract_text``), unlike
        :meth:`match`, so the evaluation's gene truth keeps the text it was measured on.
        """
        if not_about_humans(record):
            return {}
        return self.genes_mentioned(title_and_abstract(record.title, (record.abstract_text,)))

    def genes_mentioned(self, text: str) -> dict[str, list[str]]:
        """Tracked symbol -> surface forms in ``text``, after the ambiguity rules."""
        if self._search(text) is None:
            return {}
        analysis = self._analyser.analyse(text, [("abstract", 0, len(text))], has_title=False)
        return {
            gene: list(dict.fromkeys(m.surface for m in ms))
            for gene, ms in analysis.mentions.items()
        }

    # -- candidates ----------------------------------------------------------
    def _drafts(self, record: PubmedRecord, a: Analysis) -> list[CandidateDraft]:
        if not a.mentions:
            return []
        cues_by_sent: dict[int, list[Cue]] = {}
        for cue in a.cues:
            cues_by_sent.setdefault(cue.sent, []).append(cue)
        genes_by_sent: dict[int, list[Mention]] = {}
        for valid in a.mentions.values():
            for m in valid:
                genes_by_sent.setdefault(m.sent, []).append(m)
        context = self._record_context(record, a)
        sentence_texts = [a.text[s.start : s.end] for s in a.sentences]
        snippet_cache: dict[int, Snippet] = {}
        drafts = []
        for gene in self.watchlist.symbols:
            ms = a.mentions.get(gene)
            if not ms:
                continue
            ranked = supporting_sentences(a, ms, cues_by_sent)
            if not ranked:
                continue
            chosen = ranked[:MAX_SNIPPETS]
            for k in chosen:
                if k not in snippet_cache:
                    snippet_cache[k] = build_snippet(a, k, genes_by_sent, cues_by_sent)
            snippets = [snippet_cache[k] for k in chosen]
            extraction = self._extraction(
                record, a, a.found[gene], chosen, snippets, sentence_texts
            )
            drafts.append(
                self._draft(record, a, gene, ms, snippets, len(ranked), context, extraction)
            )
        return drafts

    def _extraction(
        self,
        record: PubmedRecord,
        a: Analysis,
        ms: Sequence[Mention],
        chosen: Sequence[int],
        snippets: Sequence[Snippet],
        sentence_texts: Sequence[str],
    ) -> Extraction:
        """Extraction from the gene's mentions found here, handed over, not searched again.

        ``ms``: every mention of the gene the finder found (``Analysis.found``), not
        only those that count for the candidate: extraction has always read each
        written form of the gene as the gene in a sentence's grammar.
        """
        local: dict[int, list[tuple[int, int]]] = {}  # sentence -> spans in that sentence
        for m in ms:
            base = a.sentences[m.sent].start
            local.setdefault(m.sent, []).append((m.start - base, m.end - base))
        named = [GeneSentence(sentence_texts[k], tuple(v)) for k, v in sorted(local.items())]
        reads = [
            GeneSentence(s.text, tuple(local.get(k, ())), s.section)
            for k, s in zip(chosen, snippets, strict=True)
        ]
        return extract_from_mentions(reads, named, record, self.watchlist, sentence_texts)

    def _record_context(self, record: PubmedRecord, a: Analysis) -> dict[str, list[str]]:
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
        a: Analysis,
        gene: str,
        ms: list[Mention],
        snippets: list[Snippet],
        n_supporting: int,
        context: dict[str, list[str]],
        extraction: Extraction,
    ) -> CandidateDraft:
        score, reasons = rule_score(
            gene,
            ms,
            snippets,
            n_supporting,
            analysis=a,
            record=record,
            disease=context["disease"],
            therapy_classes=self._therapy_classes,
        )
        forms = [self._forms[m.form] for m in ms]
        matched = {k: list(v) for k, v in context.items()}
        matched["aliases"] = list(dict.fromkeys(f.text for f in forms if f.kind != "symbol"))
        return CandidateDraft(
            gene=gene,
            mentions=tuple(dict.fromkeys(m.surface for m in ms)),
            mention_spans=tuple((m.start, m.end) for m in ms),
            snippets=tuple(snippets),
            matched_terms=matched,
            score=score,
            reasons=reasons,
            extraction=extraction,
        )
