"""Import throughput and memory on a baseline-sized file, beside other parsers in the same run.

Builds a ~30,000-record PubmedArticleSet from the real records in
../shared/pubmed/ (each unique record replicated with offset PMIDs), then
measures, each in a fresh subprocess so peak RSS is the step's own:

  lxml-iterparse     bare lxml iterparse + clear (the floor for any parser)
  ew-parse           evidencewatch.pubmed.parse
  ew-parse+match     parse and match against the shipped watchlist
  ew-import          `evidencewatch import` end to end into a new SQLite file
  biopython          Bio.Entrez.read(validate=False) on the same file
  pubmed_parser      pubmed_parser.parse_medline_xml on the same file

Usage:  python benchmarks/bench_import.py [--records 30000] [--skip-slow] [--json out.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "pubmed"
DATA = REPO / "benchmarks" / "data"
HEADER = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)


def real_articles() -> list[bytes]:
    """Every unique PubmedArticle in the shared corpus's article-set files, serialised."""
    seen: dict[str, bytes] = {}
    files = sorted(p for p in SHARED.rglob("*") if p.name.endswith((".xml", ".xml.gz")))
    for path in files:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError):
                continue
        if b"<PubmedArticle>" not in raw and b"<PubmedArticle " not in raw:
            continue
        parser = etree.XMLParser(
            recover=True, huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False
        )
        try:
            root = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError:
            continue
        if root is None:
            continue
        for article in root.iter("PubmedArticle"):
            pmid = article.findtext("MedlineCitation/PMID")
            # Pre-2015 records put Affiliation directly under Author; Biopython's parser
            # (which follows the 2025 DTD the corpus declares) rejects them, and the
            # comparison needs every parser to read the same file.
            if article.find(".//Author/Affiliation") is not None:
                continue
            if pmid and pmid.strip().isdigit() and pmid not in seen:
                seen[pmid] = etree.tostring(article)
    return list(seen.values())


def build_corpus(n: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    out = DATA / f"corpus-{n}.xml.gz"
    if out.exists():
        return out
    articles = real_articles()
    if not articles:
        sys.exit(f"no PubmedArticle records found under {SHARED}")
    with gzip.open(out, "wb", compresslevel=5) as fh:
        fh.write(HEADER)
        written, copy = 0, 0
        while written < n:
            offset = 50_000_000 + copy * 1_000_000  # far from the real PMIDs it copies
            for blob in articles:
                if written >= n:
                    break
                el = etree.fromstring(blob)
                pmid_el = el.find("MedlineCitation/PMID")
                new_pmid = str(int(pmid_el.text) % 1_000_000 + offset)
                pmid_el.text = new_pmid
                for aid in el.findall("PubmedData/ArticleIdList/ArticleId[@IdType='pubmed']"):
                    aid.text = new_pmid
                fh.write(etree.tostring(el) + b"\n")
                written += 1
            copy += 1
        fh.write(b"</PubmedArticleSet>\n")
    return out


STEPS = {
    "lxml-iterparse": """
import gzip
from lxml import etree
n = 0
with gzip.open(PATH, "rb") as fh:
    for _, el in etree.iterparse(fh, events=("end",), tag="PubmedArticle", huge_tree=True,
                                 resolve_entities=False, no_network=True, load_dtd=False):
        n += 1
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
""",
    "ew-parse": """
from evidencewatch.pubmed.parse import iter_pubmed
from evidencewatch.pubmed.records import PubmedRecord
n = sum(1 for item in iter_pubmed(PATH) if isinstance(item, PubmedRecord))
""",
    "ew-parse+match": """
from evidencewatch.match import Matcher
from evidencewatch.pubmed.parse import iter_pubmed
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.seedfiles import default_seed_dir, load_watchlist
matcher = Matcher.from_watchlist(load_watchlist(default_seed_dir() / "watchlist.toml"))
n = 0
hits = 0
for item in iter_pubmed(PATH):
    if isinstance(item, PubmedRecord):
        n += 1
        hits += len(matcher.match(item))
EXTRA["candidates"] = hits
""",
    "ew-import": """
import tempfile
from pathlib import Path
from evidencewatch.config import load_settings
from evidencewatch.db import init_db, make_engine
from evidencewatch.jobs import import_job
db = Path(tempfile.mkdtemp()) / "bench.db"
settings = load_settings(env={}, database_url=f"sqlite:///{db}")
engine = make_engine(settings.database_url)
init_db(engine)
report = import_job(settings, engine=engine, paths=[Path(PATH)], show_progress=False)
n = report.records
EXTRA.update(report.as_json())
EXTRA["errors"] = len(report.errors)
""",
    "biopython": """
import gzip
from Bio import Entrez
with gzip.open(PATH, "rb") as fh:
    result = Entrez.read(fh, validate=False)
n = len(result["PubmedArticle"])
""",
    "pubmed_parser": """
import pubmed_parser as pp
n = sum(1 for _ in pp.parse_medline_xml(PATH))
""",
}

RUNNER = """
import json, resource, sys, time
PATH = sys.argv[1]
EXTRA = {}
t0 = time.perf_counter()
%s
elapsed = time.perf_counter() - t0
print(json.dumps({"records": n, "seconds": elapsed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "extra": EXTRA}))
"""


def run_step(name: str, path: Path) -> dict:
    code = RUNNER % STEPS[name]
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    if proc.returncode != 0:
        return {"step": name, "error": proc.stderr.strip().splitlines()[-1:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["step"] = name
    result["records_per_s"] = round(result["records"] / result["seconds"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--skip-slow", action="store_true", help="skip biopython and pubmed_parser")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--steps", nargs="*", default=list(STEPS))
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} is absent: the benchmark builds its corpus from the real records there")
    t0 = time.perf_counter()
    path = build_corpus(args.records)
    print(
        f"corpus: {path} ({path.stat().st_size / 1e6:.1f} MB gz, built/reused in "
        f"{time.perf_counter() - t0:.1f} s)",
        file=sys.stderr,
    )
    steps = [s for s in args.steps if not (args.skip_slow and s in ("biopython", "pubmed_parser"))]
    results = []
    for step in steps:
        result = run_step(step, path)
        results.append(result)
        if "error" in result:
            print(f"{step:16} failed: {result['error']}", file=sys.stderr)
        else:
            print(
                f"{step:16} {result['records']:>7} records {result['seconds']:7.2f} s "
                f"{result['records_per_s']:>7}/s  peak RSS {result['peak_rss_mb']:6.0f} MB "
                f"{json.dumps(result['extra']) if result['extra'] else ''}",
                file=sys.stderr,
            )
    out = {
        "corpus": str(path.name),
        "records": args.records,
        "self_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "results": results,
    }
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
