"""Import throughput and memory on a baseline-sized file, beside other parsers in the same run.

Builds a ~30,000-record PubmedArticleSet from the real records in
../shared/pubmed/ (each unique record replicated, with new sequential PMIDs from
50,000,001 so no two records share one), then measures, each in a fresh
subprocess so peak RSS is the step's own:

  lxml-iterparse      bare lxml iterparse + clear (the floor for any parser)
  ew-parse            evidencewatch.pubmed.parse: every field of every record
  ew-parse+match      parse every record in full, match each against the shipped watchlist
  ew-prefilter+match  what `evidencewatch import` does before the database: parse in full
                      only the records whose title+abstract text Matcher.could_match, and
                      match those (the candidate count must equal ew-parse+match's)
  ew-import           `evidencewatch import` end to end into a new SQLite file: raw records
                      cut from the bytes, the Aho-Corasick prefilter, only kept ones parsed
  biopython           Bio.Entrez.read(validate=False) on the same file
  pubmed_parser       pubmed_parser.parse_medline_xml on the same file

Every step reads the same file. Records that a baseline cannot read at all are
left out of the corpus (see UNREADABLE_STRUCTURES); how many, which, and the error
each baseline raises on each, is printed and written to the JSON. Times include
each step's imports (not the interpreter start); peak RSS is the step process's
VmHWM; the load average is recorded before and after each step.

Each step runs --repeat times (default 3) and its median run is reported; the ratio of
ew-import to bare lxml iterparse, issue 9's target (>= 2x, peak RSS <= 200 MB), is printed.

Usage:  python benchmarks/bench_import.py [--records 30000] [--skip-slow] [--repeat 3]
        [--steps lxml-iterparse ew-import] [--json out.json]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import platform
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


# Records a baseline cannot read at all are left out of the corpus, so that every
# parser reads the same file. Known structures are recognised first (the key names the
# structure); then the remaining set is read by each baseline, and any record one of
# them still rejects is found by bisection and left out too ("other"). Every record
# left out is then read alone by each baseline, to record the error it actually raises.
# A PMID is left out only when no copy of it in the shared files is readable.
UNREADABLE_STRUCTURES = {
    "old-dtd-affiliation": (
        "Affiliation directly under Author or Article (the pre-2015 DTD; records now put it in "
        "AffiliationInfo): Biopython follows the DTD the file declares"
    ),
    "unprefixed-namespace": (
        "an element in a default (unprefixed) XML namespace, e.g. <math xmlns=MathML> "
        "(NCBI writes <mml:math xmlns:mml=...>): Biopython handles prefixed namespaces only"
    ),
    "no-journal": "no MedlineCitation/Article/Journal: pubmed_parser reads it unconditionally",
    "other": "rejected by a baseline when read (found by bisection)",
}
CORPUS_VERSION = 4  # bump when the build changes, so an older corpus file is rebuilt
FOOTER = b"\n</PubmedArticleSet>\n"


def structure_problem(article: etree._Element) -> str | None:
    """The UNREADABLE_STRUCTURES key for ``article``, or None if none applies."""
    if article.find("MedlineCitation/Article/Journal") is None:
        return "no-journal"
    for el in article.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "Affiliation" and el.getparent().tag != "AffiliationInfo":
            return "old-dtd-affiliation"
        if el.tag.startswith("{") and el.prefix is None:
            return "unprefixed-namespace"
    return None


def _baseline_readers() -> dict:
    """Each installed baseline as ``read(xml_bytes)``, raising what the baseline raises."""
    readers = {}
    try:
        from Bio import Entrez

        readers["biopython"] = lambda doc: Entrez.read(io.BytesIO(doc), validate=False)
    except ImportError:
        print("warning: biopython is not installed; corpus not checked with it", file=sys.stderr)
    try:
        import pubmed_parser

        def read_pp(doc: bytes) -> None:
            for _ in pubmed_parser.parse_medline_xml(io.BytesIO(gzip.compress(doc, 1))):
                pass

        readers["pubmed_parser"] = read_pp
    except ImportError:
        print(
            "warning: pubmed_parser is not installed; corpus not checked with it", file=sys.stderr
        )
    return readers


def _errors(readers: dict, blobs: list[bytes]) -> dict[str, str]:
    """Baseline -> the error it raises reading ``blobs`` as one article set (none: {})."""
    doc = HEADER + b"\n".join(blobs) + FOOTER
    errors = {}
    for name, read in readers.items():
        try:
            read(doc)
        except Exception as exc:  # whatever the baseline raises is the finding
            errors[name] = f"{type(exc).__name__}: {exc}"
    return errors


def _rejected(readers: dict, blobs: list[bytes]) -> list[int]:
    """Indexes of the records in ``blobs`` that some baseline cannot read (bisection)."""
    if not blobs or not _errors(readers, blobs):
        return []
    if len(blobs) == 1:
        return [0]
    half = len(blobs) // 2
    return _rejected(readers, blobs[:half]) + [half + i for i in _rejected(readers, blobs[half:])]


def source_digest() -> str:
    """A digest of the shared files the corpus is built from, and of this build's version."""
    h = hashlib.sha256(f"v{CORPUS_VERSION}".encode())
    for path in sorted(p for p in SHARED.rglob("*") if p.name.endswith((".xml", ".xml.gz"))):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def real_articles() -> tuple[list[bytes], list[dict]]:
    """Every unique readable PubmedArticle in the shared corpus, serialised, and the
    records left out: one dict per PMID (pmid, source file, structure, errors)."""
    seen: dict[str, bytes] = {}
    seen_in: dict[str, str] = {}  # pmid -> file the kept copy came from
    unreadable: dict[str, tuple[str, str, bytes]] = {}  # pmid -> (structure, file, blob)
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
            pmid = (article.findtext("MedlineCitation/PMID") or "").strip()
            if not pmid.isdigit() or pmid in seen:
                continue
            problem = structure_problem(article)
            if problem is None:
                seen[pmid] = etree.tostring(article)
                seen_in[pmid] = path.name
                unreadable.pop(pmid, None)  # another copy of it is readable
            else:
                unreadable.setdefault(pmid, (problem, path.name, etree.tostring(article)))
    readers = _baseline_readers()
    pmids = list(seen)
    for i in _rejected(readers, list(seen.values())):
        unreadable[pmids[i]] = ("other", seen_in[pmids[i]], seen.pop(pmids[i]))
    dropped = [
        {
            "pmid": pmid,
            "structure": structure,
            "file": source,
            "errors": _errors(readers, [blob]),
        }
        for pmid, (structure, source, blob) in sorted(
            unreadable.items(), key=lambda kv: (kv[1][0], int(kv[0]))
        )
    ]
    return list(seen.values()), dropped


def build_corpus(n: int) -> tuple[Path, dict]:
    """The corpus file and its manifest (unique records, records left out); rebuilt when
    the shared files or this build changed."""
    DATA.mkdir(parents=True, exist_ok=True)
    out = DATA / f"corpus-{n}.xml.gz"
    manifest_path = DATA / f"corpus-{n}.json"
    digest = source_digest()
    if out.exists() and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("source_digest") == digest and manifest.get("records") == n:
            return out, manifest | {"built": False}
    articles, dropped = real_articles()
    if not articles:
        sys.exit(f"no PubmedArticle records found under {SHARED}")
    out.unlink(missing_ok=True)
    tmp = out.with_suffix(".tmp")
    with gzip.open(tmp, "wb", compresslevel=5) as fh:
        fh.write(HEADER)
        written = 0
        while written < n:
            for blob in articles:
                if written >= n:
                    break
                el = etree.fromstring(blob)
                pmid_el = el.find("MedlineCitation/PMID")
                new_pmid = str(50_000_001 + written)  # far above real PMIDs, never repeated
                pmid_el.text = new_pmid
                for aid in el.findall("PubmedData/ArticleIdList/ArticleId[@IdType='pubmed']"):
                    aid.text = new_pmid
                fh.write(etree.tostring(el) + b"\n")
                written += 1
        fh.write(FOOTER)
    tmp.rename(out)
    manifest = {
        "source_digest": digest,
        "records": n,
        "unique_records": len(articles),
        "dropped": dropped,
        "structures": UNREADABLE_STRUCTURES,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return out, manifest | {"built": True}


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
from evidencewatch.matching.match import Matcher
from evidencewatch.pubmed.parse import iter_pubmed
from evidencewatch.pubmed.records import PubmedRecord
from evidencewatch.watch.seedfiles import default_seed_dir, load_watchlist
matcher = Matcher.from_watchlist(load_watchlist(default_seed_dir() / "watchlist.toml"))
n = 0
hits = 0
for item in iter_pubmed(PATH):
    if isinstance(item, PubmedRecord):
        n += 1
        hits += len(matcher.match(item))
EXTRA["candidates"] = hits
""",
    "ew-prefilter+match": """
from evidencewatch.matching.match import Matcher
from evidencewatch.pubmed.parse import iter_pubmed
from evidencewatch.pubmed.records import PubmedRecord, SkippedRecord
from evidencewatch.watch.seedfiles import default_seed_dir, load_watchlist
matcher = Matcher.from_watchlist(load_watchlist(default_seed_dir() / "watchlist.toml"))
n = 0
read = 0
hits = 0
for item in iter_pubmed(PATH, keep=lambda pmid, text: matcher.could_match(text)):
    if isinstance(item, PubmedRecord):
        n += 1
        read += 1
        hits += len(matcher.match(item))
    elif isinstance(item, SkippedRecord):
        n += 1
EXTRA["read_in_full"] = read
EXTRA["candidates"] = hits
""",
    "ew-import": """
import tempfile
from pathlib import Path
from evidencewatch.config import load_settings
from evidencewatch.storage.db import init_db, make_engine
from evidencewatch.jobs.scans import import_job
db = Path(tempfile.mkdtemp()) / "bench.db"
settings = load_settings(env={}, database_url=f"sqlite:///{db}")
engine = make_engine(settings.database_url)
t_init = time.perf_counter()
init_db(engine)  # a new database's schema (Alembic): counted in the step, reported apart
t_job = time.perf_counter()
report = import_job(settings, engine=engine, paths=[Path(PATH)], show_progress=False)
EXTRA["setup_s"] = round(t_init - t0, 3)  # the step's imports and settings
EXTRA["init_db_s"] = round(t_job - t_init, 3)
EXTRA["import_job_s"] = round(time.perf_counter() - t_job, 3)
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
# VmHWM is this process's own peak RSS. ru_maxrss is not: on Linux it keeps the
# parent's peak across fork+exec, so it never reads below the benchmark driver's RSS.
hwm = None
try:
    with open("/proc/self/status") as fh:
        hwm = next(int(l.split()[1]) / 1024 for l in fh if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"records": n, "seconds": elapsed,
                  "peak_rss_mb": round(hwm if hwm is not None else maxrss, 1),
                  "ru_maxrss_mb": round(maxrss, 1),
                  "extra": EXTRA}))
"""


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_step(name: str, path: Path) -> dict:
    code = RUNNER % STEPS[name]
    load_before = loadavg()
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    load = {"loadavg_before": load_before, "loadavg_after": loadavg()}
    if proc.returncode != 0:
        return {"step": name, "error": proc.stderr.strip().splitlines()[-1:], **load}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["step"] = name
    result["records_per_s"] = round(result["records"] / result["seconds"])
    result.update(load)
    return result


def _proc_field(path: str, key: str) -> str | None:
    """The value of ``key:`` in a /proc text file, if there is one."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    pairs = (ln.split(":", 1) for ln in lines if ":" in ln)
    return next((v.strip() for k, v in pairs if k.strip() == key), None)


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    mem = _proc_field("/proc/meminfo", "MemTotal")  # "24576000 kB"
    versions = {}
    for dist in ("lxml", "biopython", "pubmed_parser", "SQLAlchemy", "evidencewatch"):
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": os.cpu_count(),
        "mem_total_gb": round(int(mem.split()[0]) / 1024**2, 1) if mem else None,
        "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor(),
        "python": sys.version.split()[0],
        "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
        **versions,
        "git": _git_state(),
    }


def _git_state() -> str | None:
    """The commit measured, and which files differed from it (someone may be editing)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return None
    modified = [line[3:] for line in changed if line.strip()]
    return head + (f" + uncommitted changes to {', '.join(modified)}" if modified else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--skip-slow", action="store_true", help="skip biopython and pubmed_parser")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--steps", nargs="*", default=list(STEPS))
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the median is kept")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} is absent: the benchmark builds its corpus from the real records there")
    t0 = time.perf_counter()
    path, manifest = build_corpus(args.records)
    print(
        f"corpus: {path} ({path.stat().st_size / 1e6:.1f} MB gz, "
        f"{'built' if manifest['built'] else 'reused'} in {time.perf_counter() - t0:.1f} s): "
        f"{args.records} records replicated from {manifest['unique_records']} unique real ones",
        file=sys.stderr,
    )
    dropped = manifest["dropped"]
    print(
        f"left out of the corpus: {len(dropped)} of {manifest['unique_records'] + len(dropped)} "
        "unique real records, which a baseline cannot read:",
        file=sys.stderr,
    )
    for d in dropped:
        errors = "; ".join(f"{k}: {v[:90]}" for k, v in d["errors"].items()) or "no error alone"
        print(f"  PMID {d['pmid']:>9} {d['structure']:21} {d['file']}: {errors}", file=sys.stderr)
    info = machine()
    print(f"machine: {json.dumps(info)}  load average {loadavg()}", file=sys.stderr)
    steps = [s for s in args.steps if not (args.skip_slow and s in ("biopython", "pubmed_parser"))]
    results = []
    for step in steps:
        runs = [run_step(step, path) for _ in range(args.repeat)]
        good = sorted((r for r in runs if "error" not in r), key=lambda r: r["seconds"])
        result = good[len(good) // 2] if good else runs[0]
        result["runs_seconds"] = [r.get("seconds") for r in runs]
        results.append(result)
        load = f"load {result['loadavg_before'][0]:.2f}->{result['loadavg_after'][0]:.2f}"
        if "error" in result:
            print(f"{step:18} failed: {result['error']}  {load}", file=sys.stderr)
        else:
            print(
                f"{step:18} {result['records']:>7} records {result['seconds']:7.2f} s "
                f"{result['records_per_s']:>7}/s  peak RSS {result['peak_rss_mb']:6.0f} MB  {load} "
                f"{json.dumps(result['extra']) if result['extra'] else ''}",
                file=sys.stderr,
            )
    by_step = {r["step"]: r for r in results if "error" not in r}
    if "lxml-iterparse" in by_step and "ew-import" in by_step:
        ratio = by_step["ew-import"]["records_per_s"] / by_step["lxml-iterparse"]["records_per_s"]
        print(
            f"ew-import / bare lxml iterparse: {ratio:.2f}x the records/s (target >= 2x), "
            f"peak RSS {by_step['ew-import']['peak_rss_mb']:.0f} MB (target <= 200 MB); "
            f"median of {args.repeat}",
            file=sys.stderr,
        )
    out = {
        "corpus": str(path.name),
        "corpus_bytes": path.stat().st_size,
        "records": args.records,
        "unique_records": manifest["unique_records"],
        "dropped": manifest["dropped"],
        "structures": manifest["structures"],
        "machine": info,
        "self_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "results": results,
    }
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
