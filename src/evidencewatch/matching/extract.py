"""Machine-suggested structured fields for a candidate, read from its sentences.

Everything here is a *suggestion* for the curator, with the sentence it came from
in ``Extraction.evidence``. Each field has its module in
:mod:`evidencewatch.matching.extraction`, in order of use:

* therapy class and agents (``therapy``, with the compiled terms of ``tables``):
  from the candidate's snippets first, else from the whole title/abstract.
* effect and direction (``effect``, ``direction``): each snippet read on its own,
  the best one decides.
* alteration (``alteration``): snippets first, then any sentence naming the gene.
* subtype, model system and cell lines (``record_facts``): facts of the whole
  record, computed once per record and shared by its genes.

The matcher hands over the gene's mentions it found (:func:`extract_from_mentions`),
so nothing is searched twice; :func:`extract` is for callers without a matcher and
finds the gene's forms itself.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from evidencewatch.matching.cell_lines import find_cell_lines
from evidencewatch.matching.extraction.alteration import read_alteration
from evidencewatch.matching.extraction.change import agree_with_change
from evidencewatch.matching.extraction.effect import effect_direction
from evidencewatch.matching.extraction.record_facts import first_subtype, record_facts
from evidencewatch.matching.extraction.tables import tables
from evidencewatch.matching.extraction.therapy import read_therapy
from evidencewatch.matching.forms import FormFinder, compile_gene, gene_forms
from evidencewatch.matching.sentences import Sentence, record_sentences
from evidencewatch.matching.snippets import Snippet
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.watch.watchlist import TrackedGene, Watchlist

__all__ = [
    "Extraction",
    "GeneSentence",
    "extract",
    "extract_from_mentions",
    "find_cell_lines",
]


@dataclass(frozen=True, slots=True)
class Extraction:
    therapy_class: str | None = None
    agents: tuple[str, ...] = ()
    direction: str | None = None  # "up" | "down" | None
    effect: str | None = None  # "resistance" | "sensitivity" | "no_association" | None
    alteration: str | None = None  # one of ALTERATIONS
    subtype: str | None = None  # one of SUBTYPES
    model_system: str | None = None  # one of MODEL_SYSTEMS
    cell_lines: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)  # field -> sentence or phrase


@dataclass(frozen=True, slots=True)
class GeneSentence:
    """A sentence and where the gene is named in it, as offsets into ``text``."""

    text: str
    spans: tuple[tuple[int, int], ...]
    section: str = ""  # as in Snippet.section; "" when it does not matter


def extract(
    gene: str,
    snippets: Sequence[Snippet],
    record: PubmedRecord,
    watchlist: Watchlist,
) -> Extraction:
    """Suggest therapy, direction, effect, alteration, subtype and model for one gene.

    For callers without a matcher: the gene's surface forms (all of them, ambiguous
    aliases too) are searched here, in the snippets and in ``record.text``.
    """
    finder = _gene_finder(watchlist, gene)
    sentences = record_sentences(record)
    text = record.text
    reads = [
        GeneSentence(s.text, tuple((a, b) for a, b, _ in finder.spans(s.text)), s.section)
        for s in snippets
    ]
    named = _sentences_naming(text, sentences, ((a, b) for a, b, _ in finder.spans(text)))
    return extract_from_mentions(
        reads, named, record, watchlist, [text[s.start : s.end] for s in sentences]
    )


def _sentences_naming(
    text: str, sentences: Sequence[Sentence], spans: Iterable[tuple[int, int]]
) -> list[GeneSentence]:
    """Each sentence holding one of ``spans`` (offsets into ``text``), in text order,
    with the spans made relative to it."""
    starts = [s.start for s in sentences]
    local: dict[int, list[tuple[int, int]]] = {}
    for start, end in spans:
        k = max(bisect.bisect_right(starts, start) - 1, 0)
        base = sentences[k].start
        local.setdefault(k, []).append((start - base, end - base))
    return [
        GeneSentence(text[sentences[k].start : sentences[k].end], tuple(local[k]))
        for k in sorted(local)
    ]


def extract_from_mentions(
    snippets: Sequence[GeneSentence],
    named: Sequence[GeneSentence],
    record: PubmedRecord,
    watchlist: Watchlist,
    sentences: Sequence[str],
) -> Extraction:
    """The suggestions for one gene from where it is already known to be named.

    ``snippets``: the candidate's snippets, best first, with the gene's spans in each;
    ``named``: every sentence of the record naming the gene, in text order;
    ``sentences``: the record's title and abstract split into sentences.
    """
    compiled = tables(watchlist)
    facts = record_facts(record, sentences)
    evidence: dict[str, str] = {}
    snippet_texts = [s.text for s in snippets]

    therapy_class, agents = read_therapy(snippet_texts, facts.sentences, compiled, evidence)
    methods = [s.section == "methods" for s in snippets]
    effect, direction = effect_direction(
        [(s.text, s.spans) for s in snippets], compiled, evidence, methods
    )

    gene_sents = list(snippets)
    seen = set(snippet_texts)
    for sentence in named:
        if sentence.text not in seen:
            seen.add(sentence.text)
            gene_sents.append(sentence)
    alteration = read_alteration([(s.text, s.spans) for s in gene_sents], evidence)
    direction = agree_with_change(direction, effect, evidence)

    subtype = first_subtype(snippet_texts, evidence)
    if subtype is None and facts.subtype is not None:
        subtype, evidence["subtype"] = facts.subtype
    if facts.model_system:
        evidence["model_system"] = facts.model_sentence
    return Extraction(
        therapy_class=therapy_class,
        agents=agents,
        direction=direction,
        effect=effect,
        alteration=alteration,
        subtype=subtype,
        model_system=facts.model_system,
        cell_lines=facts.cell_lines,
        evidence=evidence,
    )


_GENE_CACHE: dict[tuple[int, str], tuple[Watchlist, FormFinder]] = {}


def _gene_finder(watchlist: Watchlist, gene: str) -> FormFinder:
    key = (id(watchlist), gene)
    cached = _GENE_CACHE.get(key)
    if cached is not None and cached[0] is watchlist:
        return cached[1]
    try:
        finder = compile_gene(watchlist.gene(gene))
    except KeyError:  # not tracked: its symbol alone
        finder = FormFinder(gene_forms(TrackedGene(gene, "", "")))
    if len(_GENE_CACHE) > 256:
        _GENE_CACHE.clear()
    _GENE_CACHE[key] = (watchlist, finder)
    return finder
