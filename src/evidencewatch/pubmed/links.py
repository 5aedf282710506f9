"""Links to a paper's pages for people: PubMed, PubMed Central, the DOI resolver."""

from __future__ import annotations

from urllib.parse import quote

PUBMED_WEB = "https://pubmed.ncbi.nlm.nih.gov/"
#: NCBI's production E-utilities endpoint, here (not in ``client``) so that settings can
#: name it without loading the HTTP client. Only configuration defaults should use it.
EUTILS_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
PMC_WEB = "https://pmc.ncbi.nlm.nih.gov/articles/"


def pubmed_url(pmid: int | str) -> str:
    """The paper's PubMed page."""
    return f"{PUBMED_WEB}{int(pmid)}/"


def pmc_url(pmcid: str) -> str:
    """The paper's PubMed Central page, for an id like ``PMC5732731``."""
    return f"{PMC_WEB}{quote(pmcid)}/"


def doi_url(doi: str) -> str:
    """The DOI resolver's link; the characters DOIs allow stay unescaped."""
    return "https://doi.org/" + quote(doi, safe="/:;()._-")
