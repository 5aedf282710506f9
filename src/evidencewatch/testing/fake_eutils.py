"""The fake E-utilities server's entry point: ``python -m evidencewatch.testing.fake_eutils``.

The server itself lives in :mod:`evidencewatch.testing.fake`; its names are
re-exported here because tests, the demo and scripts import them from this module.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from evidencewatch.testing.fake import (
    ESEARCH_CAP,
    MAX_SLOW_SECONDS,
    PATH_PREFIX,
    FakeEutils,
    FakeRecord,
    FakeRequest,
    Fault,
    FaultKind,
    QuerySyntaxError,
    make_record,
    parse_query,
    query_phrases,
    records_from_xml,
    synthetic_records,
)

__all__ = [
    "ESEARCH_CAP",
    "MAX_SLOW_SECONDS",
    "PATH_PREFIX",
    "FakeEutils",
    "FakeRecord",
    "FakeRequest",
    "Fault",
    "FaultKind",
    "QuerySyntaxError",
    "main",
    "make_record",
    "parse_query",
    "query_phrases",
    "records_from_xml",
    "synthetic_records",
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m evidencewatch.testing.fake_eutils",
        description="Serve PubMed records from XML files as a fake NCBI E-utilities server "
        "on 127.0.0.1 (point evidencewatch's eutils URL at the printed base URL).",
    )
    parser.add_argument(
        "files", nargs="+", type=Path, help="PubmedArticleSet XML (.xml or .xml.gz)"
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--cap", type=int, default=ESEARCH_CAP, help="ESearch ID cap")
    parser.add_argument(
        "--enforce-rate-limit", action="store_true", help="answer 429 above 3 (10 with key) req/s"
    )
    parser.add_argument(
        "--default-crdt",
        type=date.fromisoformat,
        default=None,
        help="create date (YYYY-MM-DD) for records whose History has none",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Serve records from PubMed XML files until interrupted; prints the base URL."""
    args = _parser().parse_args(argv)
    records: list[FakeRecord] = []
    for path in args.files:
        try:
            records += records_from_xml(path.read_bytes(), default_crdt=args.default_crdt)
        except (OSError, ValueError, etree.XMLSyntaxError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
    fake = FakeEutils(
        records, cap=args.cap, port=args.port, enforce_rate_limit=args.enforce_rate_limit
    )
    with fake:
        print(f"serving {len(records)} records; Ctrl-C to stop", file=sys.stderr)
        print(fake.base_url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
