"""The watchlist's therapy and effect terms compiled for extraction, once per watchlist.

Watchlist terms plus a built-in table of common agents and class words, so that
"chemoresistance" and "radiosensitivity" name their class too; where both name a
term, the watchlist's class wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from evidencewatch.matching.terms import TermFinder
from evidencewatch.watch.watchlist import Watchlist

# therapy class -> (class terms, agents); the classes are THERAPY_CLASSES (vocabulary)
DEFAULT_THERAPY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
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
class Tables:
    therapy: TermFinder  # kinds are the therapy classes
    agents: dict[tuple[str, str], str]  # (class, term) -> canonical agent; class terms absent
    effects: TermFinder  # kinds "R" (resistance) and "S" (sensitivity), watchlist terms


_TABLE_CACHE: dict[int, tuple[Watchlist, Tables]] = {}


def tables(watchlist: Watchlist) -> Tables:
    """The compiled tables of ``watchlist``, built on its first use and kept."""
    cached = _TABLE_CACHE.get(id(watchlist))
    if cached is not None and cached[0] is watchlist:
        return cached[1]
    by_class, agents = _therapy_terms(watchlist)
    compiled = Tables(
        TermFinder(by_class),
        agents,
        TermFinder(
            {"R": watchlist.resistance_terms, "S": watchlist.sensitivity_terms},
            compound=("R", "S"),
        ),
    )
    if len(_TABLE_CACHE) > 8:
        _TABLE_CACHE.clear()
    _TABLE_CACHE[id(watchlist)] = (watchlist, compiled)
    return compiled


def _therapy_terms(
    watchlist: Watchlist,
) -> tuple[dict[str, list[str]], dict[tuple[str, str], str]]:
    """Therapy class -> its terms, and (class, agent term) -> canonical agent."""
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
    for cls, (class_terms, default_agents) in DEFAULT_THERAPY.items():
        for t in default_agents:
            add(cls, t, True)
        for t in class_terms:
            add(cls, t, False)
    return by_class, agents
