"""Small valid seed files for the error tests, and helpers that break them and read the error.

Imported as ``watch.seed_samples`` (``tests/`` is on the path).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencewatch.core.errors import SeedFileError
from evidencewatch.watch.seedfiles import (
    FINDINGS_FILE,
    WATCHLIST_FILE,
    load_findings,
    load_watchlist,
)

MINI_WATCHLIST = """\
# a small valid watchlist for the error tests
[[gene]]
symbol = "ERBB2"
name = "erb-b2 receptor tyrosine kinase 2"
hgnc_id = "HGNC:3430"
aliases = [
    { text = "HER2" },
    { text = "neu", ambiguous = true },
]
context = ["HER2"]
why = "test"

[[gene]]
symbol = "RELA"
name = "RELA proto-oncogene, NF-kB subunit"
hgnc_id = "HGNC:9955"
aliases = [{ text = "RelA", kind = "alias" }]
why = "test"

[terms]
resistance = ["resistance"]

[[therapy]]
class = "chemotherapy"
class_terms = ["chemotherapy"]
agents = ["taxane"]

[[therapy]]
class = "radiotherapy"
class_terms = ["radiotherapy"]
agents = []

[[therapy]]
class = "endocrine"
class_terms = ["endocrine therapy"]
agents = ["tamoxifen"]

[[therapy]]
class = "anti-HER2"
class_terms = ["anti-HER2"]
agents = ["trastuzumab"]

[disease]
mesh = "Breast Neoplasms"
terms = ["breast cancer"]
"""


MINI_FINDINGS = '''\
# two valid findings for the error tests
[[finding]]
id = "first"
group = "g"
genes = ["ERBB2"]
alteration = "protein"
pattern = "p"
direction = "up"
effect = "resistance"
therapy_class = "anti-HER2"
agents = ["trastuzumab"]
resistance_kind = "acquired"
subtype = "HER2-positive"
model_system = "cell_line"
claim = "c"
citations = [{ label = "[^1]", url = "https://pubmed.ncbi.nlm.nih.gov/38256136/", pmid = 38256136 }]

[[finding]]
id = "second"
genes = []
alteration = "signature"
pattern = "p"
direction = "mixed"
effect = "prognosis"
therapy_class = "chemotherapy"
agents = ["taxane"]
resistance_kind = "unspecified"
subtype = "not specified"
claim = """
A claim over
two lines.
"""
citations = [
    { label = "[^2]", url = "https://pmc.ncbi.nlm.nih.gov/PMC12384436/", pmcid = "PMC12384436" },
    { label = "[^9]", url = "https://jamanetwork.com/journals/jama/fullarticle/899864" },
]
'''


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, needle
    return hits[occurrence - 1]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def findings_error(tmp_path: Path, text: str) -> tuple[Path, SeedFileError]:
    watchlist = load_watchlist(write(tmp_path, WATCHLIST_FILE, MINI_WATCHLIST))
    path = write(tmp_path, FINDINGS_FILE, text)
    with pytest.raises(SeedFileError) as info:
        load_findings(path, watchlist=watchlist)
    return path, info.value


def watchlist_error(tmp_path: Path, text: str) -> tuple[Path, SeedFileError]:
    path = write(tmp_path, WATCHLIST_FILE, text)
    with pytest.raises(SeedFileError) as info:
        load_watchlist(path)
    return path, info.value


def assert_names(err: SeedFileError, path: Path, line: int | None, field: str | None) -> None:
    assert err.path == str(path)
    assert err.line == line
    assert err.field == field
    message = str(err)
    assert str(path) in message
    if line is not None:
        assert f"line {line}:" in message
    if field is not None:
        assert f"field '{field}'" in message
