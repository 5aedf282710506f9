"""Where the shared corpus of real NCBI files lives, and how to read its vcr cassettes.

``../shared/pubmed`` (beside the repository checkout) holds PubMed and E-utilities
files saved from NCBI by other projects; ``CATALOGUE.md`` describes them. Tests that
read it are marked ``@requires_shared_corpus`` and skip when the folder is absent.
Nothing from it is copied into this repository: tests read it at run time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencewatch.evaluation.cassettes import cassette_bodies

__all__ = ["SHARED", "cassette_bodies", "requires_shared_corpus"]

SHARED = Path(__file__).resolve().parents[2] / "shared" / "pubmed"

requires_shared_corpus = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/pubmed (real NCBI files) is not beside this checkout"
)
