"""evidencewatch: PubMed monitoring and curator review for breast-cancer therapy resistance."""

__version__ = "0.1.0"
