"""Machine-suggested structured fields for a candidate, read from its sentences.

Everything here is a *suggestion* for the curator, with the sentence it came from
in ``Extraction.evidence``. Rules, in order of use:

* therapy class and agents: from the candidate's snippets first (most frequent
  class, ties to the best snippet), else from the whole title/abstract. Watchlist
  terms plus a built-in table of common agents; "chemoresistance" and
  "radiosensitivity" name their class too.
* effect and direction (of the gene's change, relative to the gene): each snippet
  is read on its own; the first (best-ranked) snippet with an effect and an
  *observed* direction ("high X in resistant tumours") decides both, else the first
  whose direction comes from an experiment on the gene (knockdown, inhibitor),
  else the first with an effect alone. So a loss-of-function biomarker seen in
  patients stays "down" even when a knockout in cells is also reported.
  - effect words: resistance ("resistant", "refractory", "non-responders", "poor
    response", "reduced sensitivity", "did not respond") vs sensitivity
    ("sensitized", "restored sensitivity", "pCR", "overcame resistance").
    Descriptors of the material ("tamoxifen-resistant cells") count less than
    outcomes ("conferred resistance"); an explicit comparison ("lower in sensitive
    than in resistant cells") is read as resistance with the direction flipped.
  - direction: the up/down word nearest the gene mention ("overexpression of X",
    "loss of X amplification", "X was downregulated", "high X", "X-depleted",
    "knockdown of RELA, X or Y"); after the gene an adjective needs a copula ("X was
    elevated") or a hyphen ("X-high"), so "X inhibited apoptosis" says nothing,
    while passive-only participles need neither ("we found X upregulated").
  - knockdown-sensitizes pattern: knockdown/silencing/inhibition of the gene with a
    sensitivity outcome means high gene -> resistance: direction "up", effect
    "resistance", and the evidence says so. A loss word counts as such an experiment
    when genome editing or a knockout is named beside it ("deleted X with CRISPR-Cas9",
    "genetic deletion of X") or when it *restores* ("X deletion restored sensitivity");
    "deletion of X in tumours" stays an observation. "Restored <drug>-induced growth
    arrest / apoptosis / cell death" is a sensitivity outcome, and "in (both) resistant
    lines / organoids / breast cancer" only names the material.
  - "low rather than high X": the rejected alternative is not the direction; a trailing
    ", suggesting ..." clause is a clause of its own; methods sentences rank after
    findings of the same kind.
  - negation in the clause that states the effect ("was not associated", "no
    significant", "did not alter") -> effect "no_association", direction None.
    "did not respond", "no longer sensitive" and "not only" are not negations.
* alteration: snippets first, then any sentence naming the gene. In a sentence,
  first the words within three words of the gene ("X mRNA", "amplification of X",
  "nuclear p65", "CYP3A4*22 allele"; not "HER2-amplified" in a sentence about
  another gene), else the sentence's method words ("by immunohistochemistry",
  "RNA-seq", "a five-gene score"); the most specific kind wins
  (nuclear_localisation > methylation > mutation > copy_number > signature >
  protein > mRNA).
* subtype: snippets, then title, then abstract; the first one named.
* model system: the strongest named anywhere in title/abstract (clinical_trial >
  patient_cohort > xenograft > cell_line); ``cell_lines`` lists every breast
  cell line named.

Speed: the regexes here are tried only at word starts and grouped by first letter
(see :class:`_WordStart`), and facts about the whole record (sentences, model
system, cell lines, subtype) are computed once per record and shared by its genes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evidencewatch.core.vocabulary import ALTERATIONS, MODEL_SYSTEMS
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.watch.watchlist import Watchlist

if TYPE_CHECKING:
    from evidencewatch.matching.match import FormFinder, Snippet, TermFinder


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


class _WordStart:
    """A regex tried only at word starts.

    Compiled as ``[^\\w](?:body)`` and run over ``" " + text``: sre then only
    attempts a match at non-word characters instead of at every character (a
    leading ``\\b`` or look-behind defeats its first-character scan). Positions
    are given back in ``text`` coordinates; use ``m.group(name)`` for content.
    """

    __slots__ = ("_rx",)

    def __init__(self, body: str, flags: int = 0) -> None:
        self._rx = re.compile(r"[^\w](?:" + body + ")", flags)

    @classmethod
    def from_words(cls, groups: dict[str, Sequence[str]], tail: str = "") -> _WordStart:
        """Word alternatives grouped by their first character, for speed.

        ``groups`` maps a name to alternatives; ``_WordStart.group(m)`` of a hit is that
        name. An alternative is lower-case regex text matched in any case, or, after a
        leading "=", matched as written. It starts with a letter, a digit, a class
        (``[Pp]hase``) or a group of words (``(?:good|better)\\s+respon``, expanded
        here). Built as ``[kK](?:(?P<P__0>(?i:nockdown))|...)``: sre skips a branch
        whose first character or class does not match, which it cannot do for ``re.I``
        literals, so only the branches for the right letter are tried.
        """
        by_first: dict[str, list[tuple[str, str]]] = {}
        for name, alternatives in groups.items():
            for alt in alternatives:
                for exact, first, rest in _split_first(alt):
                    if exact or not first.isalpha():
                        key = first if len(first) > 1 else re.escape(first)
                    else:
                        key = f"[{first.lower()}{first.upper()}]"
                    body = rest if exact or not rest else f"(?i:{rest})"
                    by_first.setdefault(key, []).append((name, body))
        parts = []
        counter = 0
        for key, items in sorted(by_first.items()):
            inner = []
            for name, body in sorted(items, key=lambda it: -len(it[1])):
                inner.append(f"(?P<{name}__{counter}>{body})")
                counter += 1
            parts.append(f"{key}(?:{'|'.join(inner)})")
        return cls("(?:" + "|".join(parts) + ")" + tail)

    @staticmethod
    def group(m: re.Match[str]) -> str:
        """The name given to :meth:`from_words` for the alternative that matched."""
        return (m.lastgroup or "").split("__")[0]

    def finditer(self, text: str) -> Iterator[tuple[int, int, re.Match[str]]]:
        for m in self._rx.finditer(" " + text):
            yield m.start(), m.end() - 1, m

    def search(self, text: str) -> re.Match[str] | None:
        return self._rx.search(" " + text)


def _split_first(alt: str) -> list[tuple[bool, str, str]]:
    """(exact case, first character or class, rest) for each spelling of ``alt``."""
    exact = alt.startswith("=")
    if exact:
        alt = alt[1:]
    if alt.startswith("(?:"):  # "(?:good|better)\\s+x" -> "good\\s+x", "better\\s+x"
        depth, close, cuts = 0, -1, [3]
        for k in range(3, len(alt)):
            c = alt[k]
            if c == "\\":
                continue
            if c == "(" and alt[k - 1] != "\\":
                depth += 1
            elif c == ")" and alt[k - 1] != "\\":
                if depth == 0:
                    close = k
                    break
                depth -= 1
            elif c == "|" and depth == 0:
                cuts.append(k + 1)
        options = [alt[a : b - 1] for a, b in zip(cuts, [*cuts[1:], close + 1], strict=True)]
        rest = alt[close + 1 :]
        if rest.startswith("?"):
            options.append("")
            rest = rest[1:]
        out = []
        for option in options:
            out.extend(_split_first(("=" if exact else "") + option + rest))
        return out
    if alt.startswith("["):
        close = alt.index("]") + 1
        first, rest = alt[:close], alt[close:]
    elif alt.startswith("\\"):
        first, rest = alt[:2], alt[2:]
    else:
        first, rest = alt[:1], alt[1:]
    if not first or first in "?*+{|)" or rest[:1] in ("?", "*", "+", "{"):
        raise ValueError(f"word alternative must start with a fixed character: {alt!r}")
    return [(exact, first, rest)]


# ---------------------------------------------------------------------------
# Cell lines
# ---------------------------------------------------------------------------
BREAST_CELL_LINES: tuple[str, ...] = (
    "MCF-7", "T47D", "MDA-MB-231", "MDA-MB-468", "MDA-MB-453", "MDA-MB-361", "MDA-MB-436",
    "MDA-MB-157", "MDA-MB-175", "BT-474", "SK-BR-3", "HCC1954", "HCC1937", "HCC1806",
    "HCC1569", "HCC1428", "HCC1143", "HCC202", "HCC38", "HCC70", "ZR-75-1", "ZR-75-30",
    "BT-549", "BT-20", "Hs578T", "SUM149", "SUM149PT", "SUM159", "SUM159PT", "SUM190",
    "SUM52", "CAMA-1", "JIMT-1", "EFM-192A", "EFM-19", "UACC-812", "UACC-893", "AU565",
    "KPL-4", "MCF-10A", "4T1",
)  # fmt: skip
_CELL_LINE_CANON = {"SUM149PT": "SUM149", "SUM159PT": "SUM159"}
_cell_finder: list[TermFinder] = []


def find_cell_lines(text: str) -> list[str]:
    """Canonical names of the breast cell lines named in ``text``, in order of first mention.

    Case and separators are free ("MCF7", "mcf-7", "MDA MB 231"); a digit right after
    the name voids it ("MCF-70"), a suffix after a separator does not ("MCF-7/ADR").
    """
    if not _cell_finder:
        from evidencewatch.matching.match import TermFinder

        _cell_finder.append(TermFinder({"cell_line": BREAST_CELL_LINES}, exact_case=False))
    found: dict[str, None] = {}
    for _, _, _, name in _cell_finder[0].find(text):
        found.setdefault(_CELL_LINE_CANON.get(name, name), None)
    return list(found)


# ---------------------------------------------------------------------------
# Therapy
# ---------------------------------------------------------------------------
_DEFAULT_THERAPY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "chemotherapy": (
        ("chemotherapy", "chemotherapeutic", "chemo", "cytotoxic", "chemoresistance",
         "chemoresistant", "chemosensitivity", "chemosensitization", "anthracycline",
         "taxane", "platinum", "alkylating agent"),
        ("doxorubicin", "adriamycin", "epirubicin", "paclitaxel", "nab-paclitaxel",
         "docetaxel", "cisplatin", "carboplatin", "oxaliplatin", "cyclophosphamide",
         "capecitabine", "5-fluorouracil", "5-FU", "gemcitabine", "methotrexate", "eribulin",
         "vinorelbine", "mitoxantrone", "etoposide"),
    ),
    "radiotherapy": (
        ("radiotherapy", "radiation therapy", "radiation", "irradiation", "irradiated",
         "radioresistance", "radioresistant", "radiosensitivity", "radiosensitization",
         "radiosensitizes", "radiosensitized", "X-ray"),
        ("ionizing radiation", "ionising radiation"),
    ),
    "endocrine": (
        ("endocrine therapy", "endocrine", "hormone therapy", "hormonal therapy",
         "antiestrogen", "anti-estrogen", "antioestrogen", "aromatase inhibitor", "SERD",
         "SERM"),
        ("tamoxifen", "4-hydroxytamoxifen", "4-OHT", "letrozole", "anastrozole",
         "exemestane", "fulvestrant", "raloxifene", "elacestrant", "toremifene"),
    ),
    "anti-HER2": (
        ("anti-HER2", "HER2-targeted", "HER2-directed"),
        ("trastuzumab", "Herceptin", "pertuzumab", "T-DM1", "trastuzumab emtansine",
         "ado-trastuzumab emtansine", "T-DXd", "trastuzumab deruxtecan", "DS-8201",
         "lapatinib", "neratinib", "tucatinib", "pyrotinib", "margetuximab"),
    ),
}  # fmt: skip
_AGENT_SYNONYMS = {
    "adriamycin": "doxorubicin",
    "herceptin": "trastuzumab",
    "t-dm1": "trastuzumab emtansine",
    "ado-trastuzumab emtansine": "trastuzumab emtansine",
    "t-dxd": "trastuzumab deruxtecan",
    "ds-8201": "trastuzumab deruxtecan",
    "5-fu": "5-fluorouracil",
    "4-oht": "4-hydroxytamoxifen",
}


@dataclass(frozen=True, slots=True)
class _Tables:
    therapy: TermFinder  # kinds are the therapy classes
    agents: dict[tuple[str, str], str]  # (class, term) -> canonical agent; class terms absent
    effects: TermFinder  # kinds "R" (resistance) and "S" (sensitivity), watchlist terms


_TABLE_CACHE: dict[int, tuple[Watchlist, _Tables]] = {}
_GENE_CACHE: dict[tuple[int, str], tuple[Watchlist, FormFinder]] = {}


def _tables(watchlist: Watchlist) -> _Tables:
    cached = _TABLE_CACHE.get(id(watchlist))
    if cached is not None and cached[0] is watchlist:
        return cached[1]
    from evidencewatch.matching.match import TermFinder  # runtime: match imports this module

    by_class: dict[str, list[str]] = {}
    agents: dict[tuple[str, str], str] = {}
    seen: set[str] = set()

    def add(cls: str, term: str, is_agent: bool) -> None:
        if term.lower() in seen:  # the watchlist's class wins over the defaults
            return
        seen.add(term.lower())
        by_class.setdefault(cls, []).append(term)
        if is_agent:
            agents[(cls, term)] = _AGENT_SYNONYMS.get(term.lower(), term.lower())

    for th in watchlist.therapies:
        for t in th.agents:
            add(th.therapy_class, t, True)
        for t in th.class_terms:
            add(th.therapy_class, t, False)
    for cls, (class_terms, default_agents) in _DEFAULT_THERAPY.items():
        for t in default_agents:
            add(cls, t, True)
        for t in class_terms:
            add(cls, t, False)
    tables = _Tables(
        TermFinder(by_class),
        agents,
        TermFinder(
            {"R": watchlist.resistance_terms, "S": watchlist.sensitivity_terms},
            compound=("R", "S"),
        ),
    )
    if len(_TABLE_CACHE) > 8:
        _TABLE_CACHE.clear()
    _TABLE_CACHE[id(watchlist)] = (watchlist, tables)
    return tables


def _gene_finder(watchlist: Watchlist, gene: str) -> FormFinder:
    key = (id(watchlist), gene)
    cached = _GENE_CACHE.get(key)
    if cached is not None and cached[0] is watchlist:
        return cached[1]
    from evidencewatch.matching.match import FormFinder, compile_gene, gene_forms
    from evidencewatch.watch.watchlist import TrackedGene

    try:
        finder = compile_gene(watchlist.gene(gene))
    except KeyError:  # not tracked: its symbol alone
        finder = FormFinder(gene_forms(TrackedGene(gene, "", "")))
    if len(_GENE_CACHE) > 256:
        _GENE_CACHE.clear()
    _GENE_CACHE[key] = (watchlist, finder)
    return finder


# ---------------------------------------------------------------------------
# Effect and direction vocabulary
# ---------------------------------------------------------------------------
# Every list below is built with _WordStart.from_words: lower-case alternatives that each
# start with a letter (any case) or a class; a leading "=" keeps the alternative's case.
_RESIST_WORDS = [
    "chemo-?resist(?:ance|ances|ant|ants)\\b",
    "radio-?resist(?:ance|ances|ant|ants)\\b",
    "cross-?resist(?:ance|ances|ant|ants)\\b",
    "multi-?drug[\\s-]resist(?:ance|ances|ant|ants)\\b",
    "resist(?:ance|ances|ant|ants)\\b",
    "refractor(?:y|iness)\\b",
]
_SENSIT_WORDS = [
    "chemo-?sensitiv(?:ity|ities|e|eness)\\b",
    "radio-?sensitiv(?:ity|ities|e|eness)\\b",
    "hyper-?sensitiv(?:ity|ities|e|eness)\\b",
    "sensitiv(?:ity|ities|e|eness)\\b",
    "responsiveness\\b",
]
_RESIST = "(?:" + "|".join(_RESIST_WORDS) + ")"
_SENSIT = "(?:" + "|".join(_SENSIT_WORDS) + ")"
_GAP = r"(?P<gap>(?:[\w\-/]+\s+){0,3}?)"
_R_TO_S = _WordStart.from_words(  # reversing resistance means sensitivity
    {
        "v": """overc[oa]m\\w* revers\\w* abrogat\\w* abolish\\w* attenuat\\w* alleviat\\w*
        circumvent\\w* reduc\\w* decreas\\w* diminish\\w* prevent\\w* delay\\w* mitigat\\w*
        counteract\\w* suppress\\w* impair\\w* lower\\w* eliminat\\w* bypass\\w*""".split()
    },
    tail=rf"(?i:\s+{_GAP}(?:to\s+)?{_RESIST})",
)
_S_TO_R = _WordStart.from_words(  # losing sensitivity means resistance
    {
        "v": """reduc\\w* decreas\\w* diminish\\w* impair\\w* attenuat\\w* blunt\\w* abrogat\\w*
        abolish\\w* lower(?:ed|s)? loss\\s+of lost declin\\w* weaken\\w*""".split()
    },
    tail=rf"(?i:\s+{_GAP}{_SENSIT})",
)
_S_PLUS_VERB = _WordStart.from_words(  # raising sensitivity
    {
        "v": """restor\\w* increas\\w* enhanc\\w* improv\\w* augment\\w* potentiat\\w*
        heighten\\w* re-?establish\\w*""".split()
    },
    tail=rf"(?i:\s+{_GAP}(?:{_SENSIT}|respon(?:se|ses)\b))",
)
_S_PLUS = _WordStart.from_words(
    {
        "s": [
            "restor\\w*\\s+(?:[\\w-]+\\s+){0,3}?(?:growth\\s+(?:inhibition|arrest)|apoptosis|"
            "cell\\s+death|killing|efficacy|cytotoxicity)\\b",
            "(?:reduc|decreas|impair|lower|diminish|abrogat)\\w*\\s+(?:the\\s+)?(?:clonogenic|"
            "cell|colony)\\s+(?:survival|formation|viability)\\b",
            "chemo-?sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "radio-?sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "re-?sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "sensiti[sz](?:e|es|ed|ing|ation|er|ers)\\b",
            "vulnerab\\w*",
            "pathologic(?:al)?\\s+complete\\s+respon\\w*",
            "complete\\s+respon\\w*",
            "(?:good|better|favou?rable|greater|improved)\\s+(?:\\w+\\s+)?respon\\w*",
            "benefit(?:ed|ted|s)?\\s+(?:more\\s+)?from",
            "=pCR\\b",
        ]
    }
)
_R_SPECIAL_WORDS = [
    "(?:did|does|do|could|would)\\s+not\\s+respond\\w*",
    "fail\\w*\\s+to\\s+respond\\w*",
    "no\\s+longer\\s+(?:sensitive|respond\\w*)",
    "unresponsive\\w*",
    "non-?respon\\w*",
    "poor(?:er|ly)?\\s+(?:\\w+\\s+)?respon\\w*",
    "desensiti[sz]\\w*",
    "(?:less|little|limited|reduced|lower|poor(?:er)?|inferior|worse|decreased|diminished|no)"
    "\\s+(?:clinical\\s+)?benefit\\w*",
    "(?:early\\s+)?relapse[sd]?\\b",
    "residual\\s+disease\\b",
    "fail\\w*\\s+to\\s+(?:achieve|attain|reach|obtain)\\s+(?:an?\\s+)?(?:[\\w-]+\\s+){0,2}?"
    "(?:respon\\w*|(?-i:pCR)|remission)",
    "(?:worse|shorter|reduced)\\s+(?!clonogenic|cell\\b|colony)(?:\\w+\\s+)?(?:response|survival)",
]
_R_SPECIAL = _WordStart.from_words({"r": _R_SPECIAL_WORDS})
_R_SPECIAL_FULL = re.compile("(?i:" + "|".join(_R_SPECIAL_WORDS) + ")")
_R_BASE = _WordStart.from_words({"r": _RESIST_WORDS})
_S_BASE = _WordStart.from_words(
    {
        "s": [
            *_SENSIT_WORDS,
            "responders?\\b",
            "responsive\\b",
            "respon(?:se|ses|ded|d|ding)\\b",  # not "immune response": see _effect_spans
        ]
    }
)
# Words allowed between "reduced"/"overcame"/"restored" and the sensitivity or resistance
# word they govern ("overcame acquired tamoxifen resistance"); therapy words are allowed too.
_GAP_WORDS = frozenset(
    """the a an its their this these that such acquired intrinsic de novo primary secondary
    cellular cell drug multidrug cross endocrine hormone hormonal therapy therapeutic
    treatment radiation tumour tumor cancer""".split()
)
_GAP_SUFFIXES = ("-induced", "-mediated", "-dependent", "-driven", "-associated", "-related")
_NEG = _WordStart.from_words(
    {
        "n": [
            "not\\b",
            "no\\b",
            "neither\\b",
            "nor\\b",
            "never\\b",
            "failed\\s+to\\b",
            "unrelated\\b",
            "non-?significant\\w*",
            "insignificant\\w*",
            "lack(?:ed|s|ing)?\\s+(?:of\\s+)?(?:an?\\s+)?(?:significant\\s+)?"
            "(?:association|correlation|effect|impact)\\b",
            "n\\.s\\.",
        ]
    }
)
_NEG_EXCEPT_RE = re.compile(r"(?i)\bnot\s+only\b|\bwhether\s+or\s+not\b|\bif\s+not\b")
_DESCRIPTOR_RE = re.compile(
    r"(?i)[\w/-]*\s*(?:[\w-]+\s+){0,2}?(?:cells?|cell\s+lines?|tumou?rs?|patients|xenografts?|"
    r"models?|clones?|sub-?lines?|lines|derivatives?|counterparts?|variants?|populations?|"
    r"organoids?|spheroids?|mice|PDXs?|explants?|"
    r"group|groups|cases|samples|tissues?)\b"
)
# "... restored sensitivity in (both) resistant <anything>": where the experiment was done
_IN_MATERIAL_RE = re.compile(
    r"(?i)(?<!result)(?<!resulted)(?<!resulting)(?<!results)\s+(?:with)?in\s+"
    r"(?:(?:the|both|all|these|those|two|three|four|several|each)\s+)?(?:[\w/-]+-)?$"
)
_CLAUSE_SPLIT_RE = re.compile(
    r"\s*;\s*|,?\s+\b(?:whereas|while|but|although|though|however|yet)\b\s+"
    r"|,\s+(?=(?:suggesting|indicating|implying)\b)"
    r"|,\s+(?:in\s+contrast|conversely),?\s+",
    re.I,
)
_RES_WORDS = r"non-?responders?|resistant|refractory|unresponsive"
_SEN_WORDS = r"sensitive|parental|responders?|responsive"
_COMPARE_RE = re.compile(
    rf"(?i)\b(?:(?!non-)\w+-)?(?P<a>{_RES_WORDS}|{_SEN_WORDS})\b[^;]{{0,80}}?"
    r"\b(?:compared\s+(?:with|to)|relative\s+to|versus|vs\.?|than)\s+"
    rf"(?:(?:in|with|the|those|that|of)\s+)*(?:(?!non-)\w+-)?(?P<b>{_RES_WORDS}|{_SEN_WORDS})\b"
)
_GENE_LIST_GAP_RE = re.compile(
    r"\s+(?:of\s+)?(?:the\s+)?(?:[\w\u0370-\u03ff-]*[A-Z0-9][\w\u0370-\u03ff-]*"
    r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*/\s*))+"
)
_COPULA = frozenset("is are was were be been being became remained appeared seemed".split())

# Direction triggers. Kind: U/D/P = up/down/perturbation (down); suffix "a" = adjective
# (after the gene only with a copula or hyphen-attached: "X was elevated", "X-high", not
# "X elevated ROS"); suffix "o" = passive-only participle (after the gene even bare);
# suffix "v" = verb (before the gene only).
_TRIGGERS: dict[str, str] = {
    "U": r"over-?expression|up-?regulation|amplification|activation|hyperactivation|gain|"
    r"induction|accumulation|positivity|overabundance",
    # participles that are never active verbs: after the gene even without a copula
    # ("we found X upregulated in ...")
    "Uo": r"over-?expressed|up-?regulated|amplified",
    "Ua": r"over-?expressing|higher|high|highly|elevated|increased|enhanced|activated|"
    r"abundant|stronger|strong|positive|gained",
    "D": r"loss|down-?regulation|deficiency|deletion|absence|lack|under-?expression|"
    r"hypermethylation|reduction|decrease|negativity",
    "Do": r"down-?regulated|under-?expressed|hypermethylated|deleted",
    "Da": r"lower|low|reduced|decreased|diminished|deficient|absent|lost|suppressed|"
    r"repressed|weaker|weak|negative|lacking",
    "P": r"knock-?downs?|knock-?outs?|silencing|depletion|inhibition|inhibitors?|siRNAs?|"
    r"shRNAs?|blockade|ablation|antagonists?|antagonism|suppression|CRISPR(?:/Cas9)?",
    "Po": r"knocked[\s-]down|knocked[\s-]out|silenced|depleted",
    "Pa": r"inhibited|blocked|ablated",
    "Pv": r"knocking\s+down|knocking\s+out|depleting|inhibiting|blocking|targeting|"
    r"silence|deplete|si(?=-)|sh(?=-)",
}
_TRIGGER = _WordStart.from_words(
    {kind: alts.split("|") for kind, alts in _TRIGGERS.items()}, tail=r"(?![A-Za-z0-9])"
)
# A loss word that names an experiment on the gene, not an observation ("deleted X with
# CRISPR-Cas9", "genetic deletion of X", "X-deleted isogenic cells"): read like a knockdown.
_EXPERIMENTAL_LOSS_WORDS = frozenset(
    "loss lost deletion deleted deficiency deficient absence ablated".split()
)
_EXPERIMENT_RE = re.compile(
    r"(?i)\b(?:CRISPR|Cas9|Cas12a?|sg-?RNAs?|g-?RNAs?|guide\s+RNAs?|gene[\s-]+edit\w*|"
    r"genome[\s-]+edit\w*|knock-?outs?|knocked[\s-]+out|isogenic|floxed|conditional|"
    r"Cre-mediated|engineered)(?![\w])"
)
_RESTORE_RE = re.compile(r"(?i)(?:restor|re-?sensiti[sz]|re-?establish|overc[oa]m|revers)")
_GENETIC_BEFORE_RE = re.compile(r"(?i)\b(?:genetic(?:al)?(?:ly)?|targeted)[\s-]+$")
# "low rather than high X": the rejected alternative says nothing about the gene
_REJECTED_ALTERNATIVE_RE = re.compile(r"(?i)\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to)\s+$")

# ---------------------------------------------------------------------------
# Alteration, subtype, model-system vocabularies
# ---------------------------------------------------------------------------
# Alteration words that must sit next to the gene (within three words, no comma).
_ALTERATION = _WordStart.from_words(
    {
        "nuclear_localisation": [
            "nuclear\\s+(?:locali[sz]ation|translocation|accumulation|staining|expression|"
            "positivity|import|levels?|fraction|retention)\\b",
            "(?:translocat|locali[sz]|accumulat|shuttl)\\w*\\s+(?:\\w+\\s+){0,2}?"
            "(?:to|in|into|within)\\s+the\\s+nucle(?:us|i)\\b",
        ],
        "methylation": ["(?:hyper|hypo)-?methylat\\w*", "methylat\\w*"],
        "mutation": [
            "mutat\\w*",
            "mutants?\\b",
            "(?:germline|somatic|pathogenic|missense|truncating|frameshift|nonsense)\\b",
            "polymorphism\\w*",
            "=SNPs?\\b",
            "loss-of-function\\b",
            "alleles?\\b",
            "genotyp\\w*",
            "carriers?\\b",
        ],
        "copy_number": [
            "amplif\\w*",
            "copy[\\s-]+number",
            "=CNVs?\\b",
            "=CNAs?\\b",
            "(?:homozygous|hemizygous|genomic)\\s+deletions?\\b",
            "(?:gene|genomic|chromosomal)\\s+gains?\\b",
        ],
        "protein": [
            "proteins?\\b",
            "phosphorylat\\w*",
            "(?:mono|poly)?ubiquitinat\\w*",
            "ubiquitinat\\w*",
            "acetylat\\w*",
            "sumoylat\\w*",
            "labell?ing\\s+index\\b",
        ],
        "mRNA": ["=mRNAs?\\b", "transcripts?\\b"],
    }
)
# Alteration words that name how the sentence measured things, or a gene set: anywhere in
# a sentence naming the gene, used when no word sits next to the gene.
_ALTERATION_SENTENCE = _WordStart.from_words(
    {
        "copy_number": ["=FISH\\b", "fluorescence\\s+in\\s+situ\\s+hybridi[sz]ation\\b"],
        "mutation": [
            "(?:targeted|exome|panel|next-generation)\\s+sequencing\\b",
            "genotyp\\w*",
        ],
        "signature": [
            "signatures?\\b",
            "gene[\\s-]+sets?\\b",
            "classifiers?\\b",
            "(?:risk|prognostic|predictive|recurrence)\\s+(?:score|model|index)\\b",
            "multi-?gene\\b",
            "[0-9][0-9]*-gene\\b",
            "(?:two|three|four|five|six|seven|eight|nine|ten|twelve)-gene\\b",
        ],
        "protein": [
            "immunohistochem\\w*",
            "=IHC\\b",
            "western\\s+blot\\w*",
            "immunoblot\\w*",
            "immunostain\\w*",
            "immunofluorescen\\w*",
            "proteom\\w*",
            "reverse[\\s-]+phase\\s+protein\\s+arrays?",
        ],
        "mRNA": [
            "=RT-?qPCR\\b",
            "=qRT-?PCR\\b",
            "=qPCR\\b",
            "=RT-?PCR\\b",
            "rna-?seq\\w*",
            "rna\\s+in\\s+situ\\s+hybridi[sz]ation\\b",
            "=RNA-?ISH\\b",
            "microarray\\w*",
            "transcriptom\\w*",
            "gene\\s+expression\\s+profil\\w*",
            "northern\\s+blot\\w*",
        ],
    }
)
_SUBTYPE = _WordStart.from_words(
    {
        "tn": ["triple[\\s-]*negative", "=TNBCs?\\b"],
        "her2": [
            "=HER-?2(?:/neu)?(?:[\\s-]*(?i:positive|enriched|overexpressing|amplified)\\b|\\+)",
            "=E(?:RBB2|rbB2)(?:[\\s-]*(?i:positive|enriched|overexpressing|amplified)\\b|\\+)",
        ],
        "luma": ["=[Ll]uminal[\\s-]*A\\b"],
        "lumb": ["=[Ll]uminal[\\s-]*B\\b"],
        "basal": ["basal[\\s-]*like\\b"],
        "er": [
            "=ER(?:α|a|-?alpha|/PR|/PgR)?(?:[\\s-]*(?i:positive)\\b|\\+)",
            "=HR(?:[\\s-]*(?i:positive)\\b|\\+)",
            "oestrogen[\\s-]+receptor(?:[\\s-]*(?:α|alpha))?[\\s-]*positive\\b",
            "estrogen[\\s-]+receptor(?:[\\s-]*(?:α|alpha))?[\\s-]*positive\\b",
            "hormone[\\s-]+receptor[\\s-]*positive\\b",
        ],
    }
)
_SUBTYPE_NAMES = {
    "tn": "triple-negative",
    "her2": "HER2-positive",
    "luma": "luminal A",
    "lumb": "luminal B",
    "basal": "basal-like",
    "er": "ER-positive",
}
_MODEL = _WordStart.from_words(
    {
        "clinical_trial": [
            "=[Pp]hase\\s+(?:I{1,3}|IV|[1-4])(?:\\s*[/-]\\s*(?:I{1,3}|IV|[1-4]))?[ab]?\\s+"
            "(?:[\\w-]+\\s+){0,3}?(?i:trials?|studies|study)\\b",
            "randomi[sz]ed(?:[\\s-]+[\\w-]+){0,3}?\\s+trials?\\b",
            "=NCT\\d{6,}\\b",
            "=[Ii]n\\s+the\\s+[A-Z][\\w/-]*(?:\\s+[\\w/-]+){0,2}\\s+trial\\b",
            "=[Ff]rom\\s+the\\s+[A-Z][\\w/-]*(?:\\s+[\\w/-]+){0,2}\\s+trial\\b",
            "=[Oo]f\\s+the\\s+[A-Z][\\w/-]*(?:\\s+[\\w/-]+){0,2}\\s+trial\\b",
        ],
        "patient_cohort": [
            # a count of patients, not "MCF-7 tumours": the digit follows a space or "("
            "[0-9](?<=[\\s(][0-9])[\\d,]*\\s+(?:[\\w-]+\\s+){0,3}?(?:patients|women|cases|"
            "tumou?rs|specimens|biopsies)\\b",
            "cohorts?\\b",
            "tissue\\s+micro-?arrays?\\b",
            "retrospective\\w*",
            "(?:clinical|patient|surgical|tumou?r)\\s+(?:samples|specimens|tissues|biopsies)\\b",
            "n\\s*=\\s*\\d+\\s+patients\\b",
            "=TCGA\\b",
            "=METABRIC\\b",
        ],
        "xenograft": [
            "xenograft\\w*",
            "patient-derived\\b",
            "mice\\b",
            "mouse\\s+models?\\b",
            "in\\s+vivo\\b",
            "orthotopic\\w*",
            "=PDXs?\\b",
        ],
        "cell_line": [
            "cell\\s+lines?\\b",
            "in\\s+vitro\\b",
            "(?:resistant|sensitive|parental)\\s+(?:[\\w-]+\\s+)?cells\\b",
        ],
    }
)


# ---------------------------------------------------------------------------
# Facts about the whole record, shared by all its genes
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class _RecordFacts:
    record: PubmedRecord
    sentences: list[str]
    text: str  # sentences joined by "\n"
    starts: list[int]  # offset of each sentence in text
    model_system: str | None
    model_sentence: str
    cell_lines: tuple[str, ...]
    subtype: tuple[str, str] | None  # (subtype, sentence)


_FACTS_CACHE: list[_RecordFacts] = []


def _facts(record: PubmedRecord, given: Sequence[str] | None = None) -> _RecordFacts:
    if _FACTS_CACHE and _FACTS_CACHE[0].record is record:
        return _FACTS_CACHE[0]
    from evidencewatch.matching.match import split_sentences

    if given is not None:
        sentences = list(given)
    else:
        sentences = [record.title] if record.title.strip() else []
        for section in record.abstract:
            sentences.extend(section.text[s:e] for s, e in split_sentences(section.text))
    starts = []
    pos = 0
    for s in sentences:
        starts.append(pos)
        pos += len(s) + 1
    text = "\n".join(sentences)

    def sentence_at(i: int) -> str:
        k = max(_bisect(starts, i), 0)
        return sentences[k] if sentences else ""

    first_model: dict[str, int] = {}
    for s, _, m in _MODEL.finditer(text):
        first_model.setdefault(_WordStart.group(m), s)
    cell_lines = tuple(find_cell_lines(text))
    model, model_sentence = None, ""
    for kind in MODEL_SYSTEMS:
        if kind in first_model:
            model, model_sentence = kind, sentence_at(first_model[kind])
            break
    if model is None and cell_lines:
        model = "cell_line"
        model_sentence = next((s for s in sentences if find_cell_lines(s)), "")
    subtype = None
    hit = next(_SUBTYPE.finditer(text), None)
    if hit is not None:
        subtype = (_SUBTYPE_NAMES[_WordStart.group(hit[2])], sentence_at(hit[0]))
    facts = _RecordFacts(
        record, sentences, text, starts, model, model_sentence, cell_lines, subtype
    )
    _FACTS_CACHE[:] = [facts]
    return facts


def _bisect(starts: list[int], pos: int) -> int:
    """Index of the sentence that holds ``pos``."""
    return max(bisect.bisect_right(starts, pos) - 1, 0)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------
def extract(
    gene: str,
    snippets: Sequence[Snippet],
    record: PubmedRecord,
    watchlist: Watchlist,
    *,
    sentences: Sequence[str] | None = None,
) -> Extraction:
    """Suggest therapy, direction, effect, alteration, subtype and model for one gene.

    ``sentences``: the title and abstract already split (the matcher passes its own),
    else they are split here.
    """
    tables = _tables(watchlist)
    finder = _gene_finder(watchlist, gene)
    facts = _facts(record, sentences)
    evidence: dict[str, str] = {}
    snippet_texts = [s.text for s in snippets]

    therapy_class, agents = _therapy(snippet_texts, facts.sentences, tables, evidence)
    methods = [s.section == "methods" for s in snippets]
    effect, direction = _effect_direction(snippet_texts, finder, tables, evidence, methods)

    gene_sents = list(snippet_texts)
    for start, _, _ in finder.spans(facts.text):
        sentence = facts.sentences[_bisect(facts.starts, start)]
        if sentence not in gene_sents:
            gene_sents.append(sentence)
    alteration = _alteration(gene_sents, finder, evidence)

    subtype = _first_subtype(snippet_texts, evidence)
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


def _therapy(
    snippet_texts: list[str], record_sents: list[str], tables: _Tables, evidence: dict[str, str]
) -> tuple[str | None, tuple[str, ...]]:
    for source in (snippet_texts, record_sents):
        counts: dict[str, int] = {}
        first_sentence: dict[str, str] = {}
        agents: dict[str, None] = {}
        for text in source:
            for _, _, cls, term in tables.therapy.find(text):
                counts[cls] = counts.get(cls, 0) + 1
                first_sentence.setdefault(cls, text)
                agent = tables.agents.get((cls, term))
                if agent:
                    agents.setdefault(agent, None)
        if counts:
            order = list(first_sentence)
            best = max(order, key=lambda c: (counts[c], -order.index(c)))
            evidence["therapy_class"] = first_sentence[best]
            if agents:
                evidence["agents"] = first_sentence[best]
            return best, tuple(agents)
    return None, ()


# -- effect and direction -----------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Trigger:
    start: int
    end: int
    direction: str  # "up" | "down"
    perturb: bool
    distance: int  # words between trigger and gene
    text: str
    pre: bool = False  # the trigger comes before the gene


def _words(text: str) -> list[str]:
    return re.findall(r"[\w\-/]+", text)


def _gap_ok(gap: str, tables: _Tables) -> bool:
    return all(
        w.lower() in _GAP_WORDS or w.lower().endswith(_GAP_SUFFIXES) or tables.therapy.find(w)
        for w in _words(gap)
    )


def _effect_spans(clause: str, tables: _Tables) -> list[tuple[int, int, str, bool]]:
    """(start, end, "R"|"S", is_descriptor) for each effect cue in a clause."""
    spans: list[tuple[int, int, str]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b, _ in spans)

    for finder, kind, check_gap in (
        (_R_SPECIAL, "R", False),
        (_R_TO_S, "S", True),
        (_S_TO_R, "R", True),
        (_S_PLUS_VERB, "S", True),
        (_S_PLUS, "S", False),
    ):
        for s, e, m in finder.finditer(clause):
            gap = m.groupdict().get("gap") or ""
            if check_gap and gap and not _gap_ok(gap, tables):
                continue
            if free(s, e):
                spans.append((s, e, kind))
    hits = [(s, e, kind) for s, e, kind, _ in tables.effects.find(clause)]
    hits += [(s, e, "R") for s, e, _ in _R_BASE.finditer(clause)]
    hits += [(s, e, "S") for s, e, _ in _S_BASE.finditer(clause)]
    for s, e, kind in hits:
        if not free(s, e):
            continue
        if kind == "S" and clause[s:e].lower().startswith("respon"):
            before = clause[max(0, s - 25) : s].lower()
            if re.search(r"(?:damage|immune|stress|protein|inflammatory)[\s-]+$", before):
                continue
        spans.append((s, e, kind))
    out = []
    for s, e, kind in sorted(spans):
        descriptor = clause[s:e].lower().endswith(("resistant", "sensitive", "refractory")) and (
            _DESCRIPTOR_RE.match(clause, e + (len(clause[e:]) - len(clause[e:].lstrip())))
            is not None
            or _IN_MATERIAL_RE.search(clause[max(0, s - 40) : s]) is not None
        )
        out.append((s, e, kind, descriptor))
    return out


def _triggers(
    sentence: str, gene_spans: list[tuple[int, int]], masked: list[tuple[int, int]]
) -> list[_Trigger]:
    found = []
    for s, e, m in _TRIGGER.finditer(sentence):
        if any(s < b and a < e for a, b in masked) or any(s < b and a < e for a, b in gene_spans):
            continue
        if _REJECTED_ALTERNATIVE_RE.search(sentence, max(0, s - 30), s):
            continue
        kind = _WordStart.group(m)
        direction = "up" if kind.startswith("U") else "down"
        word = sentence[s:e]
        for gs, ge in gene_spans:
            perturb = kind.startswith("P") or (
                word.lower() in _EXPERIMENTAL_LOSS_WORDS and _experimental(sentence, s, e, gs, ge)
            )
            if e <= gs:  # trigger before the gene: "overexpression of X", "high X"
                gap = sentence[e:gs]
                if _GENE_LIST_GAP_RE.fullmatch(gap):  # "knockdown of RELA, CHUK or IKBKB"
                    gap = ""
                if re.search(r"[,;:()]", gap):
                    continue
                words = [w for w in _words(gap) if w.lower() not in ("of", "the")]
                if len(words) > 3 or any(w.lower() in _COPULA for w in words):
                    continue
                # "loss of X amplification": the head noun before the gene wins the tie
                found.append(_Trigger(s, e, direction, perturb, len(words), word, pre=True))
            elif s >= ge:  # after the gene: "X overexpression", "X was downregulated"
                if kind.endswith("v"):
                    continue
                gap = sentence[ge:s]
                if re.search(r"[,;:()]", gap):
                    continue
                words = _words(gap)
                n = len(words)
                attached = gap in ("", "-", "\u2010")  # "SRPK1-high", not "SRPK1 inhibited"
                copula = n <= 4 and any(w.lower() in _COPULA for w in words)
                if kind.endswith("a"):
                    if not attached and not copula:
                        continue
                elif n > 2 and not copula:
                    continue
                found.append(_Trigger(s, e, direction, perturb, n, word))
    return sorted(found, key=lambda t: (t.distance, not t.pre, t.start))


def _experimental(sentence: str, s: int, e: int, gs: int, ge: int) -> bool:
    """Whether the loss word at ``s:e`` about the gene at ``gs:ge`` names an experiment:
    a genome-editing or knockout word close by, in the same clause, or "genetic" just
    before it ("genetic deletion of X"). "Deletion of X in 20% of tumours" stays observed."""
    if _GENETIC_BEFORE_RE.search(sentence, max(0, s - 20), s):
        return True
    lo, hi = min(s, gs), max(e, ge)
    before = re.split(r"[;,]", sentence[max(0, lo - 40) : lo])[-1]
    after = re.split(r"[;,]", sentence[hi : hi + 40])[0]
    return _EXPERIMENT_RE.search(before + " " + sentence[lo:hi] + " " + after) is not None


def _clauses(sentence: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in _CLAUSE_SPLIT_RE.finditer(sentence):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(sentence)))
    return [(s, e) for s, e in out if e > s]


@dataclass(frozen=True, slots=True)
class _Decision:
    effect: str | None
    direction: str | None
    note: str = ""
    # the direction comes from an experiment on the gene (knockdown, inhibitor), read
    # directly or through the knockdown-sensitizes pattern, not from observing it
    inferred: bool = False


def _decide(sentence: str, finder: FormFinder, tables: _Tables) -> _Decision:
    """Effect and direction stated by one sentence (effect None when none is stated)."""
    gene_spans = [(s, e) for s, e, _ in finder.spans(sentence)]
    clauses = _clauses(sentence)
    cues_in: dict[tuple[int, int], list[tuple[int, int, str, bool]]] = {}
    for c in clauses:
        cues = _effect_spans(sentence[c[0] : c[1]], tables)
        cues_in[c] = [(c[0] + s, c[0] + e, k, d) for s, e, k, d in cues]

    def has_gene(c: tuple[int, int]) -> bool:
        return any(c[0] <= gs < c[1] for gs, _ in gene_spans)

    # the clause that states the effect: with the gene if one does, else the first
    eclause = next((c for c in clauses if cues_in[c] and has_gene(c)), None) or next(
        (c for c in clauses if cues_in[c]), None
    )
    masked = [(s, e) for c in clauses for s, e, _, _ in cues_in[c]]
    triggers = _triggers(sentence, gene_spans, masked)
    if eclause is not None:  # triggers on the gene inside the effect clause come first
        inside = [t for t in triggers if eclause[0] <= t.start < eclause[1]]
        triggers = inside + [t for t in triggers if t not in inside]
    trigger = triggers[0] if triggers else None
    direction = trigger.direction if trigger else None
    if eclause is None:
        return _Decision(None, direction)
    cues = cues_in[eclause]
    etext = sentence[eclause[0] : eclause[1]]
    neg_text = _NEG_EXCEPT_RE.sub(lambda m: " " * len(m.group()), etext)
    for s, e, _, _ in cues:  # "did not respond", "no longer sensitive" are effects, not negation
        if _R_SPECIAL_FULL.fullmatch(sentence, s, e):
            a, b = s - eclause[0], e - eclause[0]
            neg_text = neg_text[:a] + " " * (b - a) + neg_text[b:]
    neg = _NEG.search(neg_text)
    if neg:
        return _Decision("no_association", None, f"negated ('{neg.group().strip()}')")
    comparison = _COMPARE_RE.search(etext)
    if comparison:
        a_res = re.fullmatch(_RES_WORDS, comparison.group("a"), re.I) is not None
        b_res = re.fullmatch(_RES_WORDS, comparison.group("b"), re.I) is not None
        if a_res != b_res:
            if not a_res and trigger is not None:
                flipped = "down" if trigger.direction == "up" else "up"
                return _Decision(
                    "resistance",
                    flipped,
                    f"'{trigger.text}' in {comparison.group('a')} vs "
                    f"{comparison.group('b')}: {flipped} in the resistant group",
                )
            return _Decision("resistance", direction)
    outcome = [c for c in cues if not c[3]] or cues
    has_r = any(k == "R" for _, _, k, _ in outcome)
    has_s = any(k == "S" for _, _, k, _ in outcome)
    perturb = next((t for t in triggers if t.perturb), None)
    if perturb is None and trigger is not None and trigger.direction == "down":
        # only an experiment restores: "X deletion restored sensitivity", "loss of X
        # reversed resistance" read like a knockdown
        if any(k == "S" and _RESTORE_RE.match(sentence, s) for s, _, k, _ in outcome):
            perturb = trigger
    if perturb is not None and has_s and (not has_r or outcome[-1][2] == "S"):
        s_cue = next(sentence[s:e] for s, e, k, _ in outcome if k == "S")
        return _Decision(
            "resistance",
            "up",
            f"knockdown-sensitizes pattern: '{perturb.text}' of the gene with '{s_cue}' "
            "implies high expression -> resistance",
            inferred=True,
        )
    from_experiment = trigger is not None and trigger.perturb
    if has_r:  # with both, resistance wins: it is what the watch is for
        return _Decision("resistance", direction, inferred=from_experiment)
    return _Decision("sensitivity", direction, inferred=from_experiment)


def _effect_direction(
    snippet_texts: list[str],
    finder: FormFinder,
    tables: _Tables,
    evidence: dict[str, str],
    methods: Sequence[bool] = (),
) -> tuple[str | None, str | None]:
    """Best first: an observed direction with an effect ("high X ... resistance"), then one
    inferred from a perturbation, then an effect alone. An observation in tumours beats
    the reading of a knockdown (a loss-of-function biomarker stays "down"). Within each,
    a sentence from the methods (what was done, "we deleted X in resistant cells") comes
    after the findings."""
    decided = [
        (text, _decide(text, finder, tables), k < len(methods) and methods[k])
        for k, text in enumerate(snippet_texts)
    ]
    ranked = sorted(
        (d for d in decided if d[1].effect is not None),
        key=lambda d: (d[1].direction is None, d[1].inferred, d[2]),
    )
    if ranked:
        text, dec, _ = ranked[0]
        evidence["effect"] = f"{dec.note}: {text}" if dec.note and dec.direction is None else text
        if dec.direction is not None:
            evidence["direction"] = f"{dec.note}: {text}" if dec.note else text
        return dec.effect, dec.direction
    for text, dec, _ in decided:
        if dec.direction is not None:
            evidence["direction"] = text
            return None, dec.direction
    return None, None


# -- alteration, subtype ------------------------------------------------------
def _alteration(sentences: list[str], finder: FormFinder, evidence: dict[str, str]) -> str | None:
    """The alteration in the first sentence that names one, most specific kind first.

    First the words within three words of the gene ("SLC7A5 mRNA", "amplification of
    ERBB2", "nuclear p65", "CYP3A4*22 allele"); a sentence about SLC7A5 that says
    "HER2-amplified cells" does not count, nor anything across a comma. Failing those,
    the sentence's method or gene-set words ("by immunohistochemistry", "a five-gene
    score").
    """
    for text in sentences:
        spans = finder.spans(text)
        if not spans:
            continue
        masked = text
        for s, e, _ in spans:
            masked = masked[:s] + "\x00" * (e - s) + masked[e:]
        found: set[str] = set()
        for s, e, m in _ALTERATION.finditer(masked):
            if s > 0 and masked[s - 1] in "-\u2010" and masked[s - 2 : s - 1] != "\x00":
                continue  # hyphen-attached to another name: "HER2-amplified"
            if any(_near(masked, s, e, gs, ge) for gs, ge, _ in spans):
                found.add(_WordStart.group(m))
        for s, e, _ in spans:
            if re.search(r"(?i)\bnuclear[\s-]+$", text[:s]):
                found.add("nuclear_localisation")
            if re.match(r"\*\d", text[e:]):  # star allele: "CYP3A4*22"
                found.add("mutation")
        if not found:
            found = {_WordStart.group(m) for _, _, m in _ALTERATION_SENTENCE.finditer(masked)}
        if found:
            evidence["alteration"] = text
            return min(found, key=ALTERATIONS.index)
    return None


def _near(text: str, s: int, e: int, gs: int, ge: int, max_words: int = 3) -> bool:
    gap = text[e:gs] if e <= gs else text[ge:s] if ge <= s else ""
    gap = re.sub(r"\([^()]{0,40}\)", " ", gap)  # "low BRIP1 (FANCJ) protein"
    return not re.search(r"[,;:()]", gap) and len(_words(gap)) <= max_words


def _first_subtype(sentences: list[str], evidence: dict[str, str]) -> str | None:
    for text in sentences:
        hit = _SUBTYPE.search(text)
        if hit:
            evidence["subtype"] = text
            return _SUBTYPE_NAMES[_WordStart.group(hit)]
    return None
