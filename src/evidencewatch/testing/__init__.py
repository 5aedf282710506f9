"""Test doubles that ship with evidencewatch (the offline demo uses them too).

:mod:`evidencewatch.testing.fake` is a real HTTP server on 127.0.0.1
that speaks enough of NCBI E-utilities (ESearch, EFetch, the History server)
to exercise the client end to end, including NCBI's failure modes.
"""

from evidencewatch.testing.fake import (
    FakeEutils,
    FakeRecord,
    FakeRequest,
    Fault,
    FaultKind,
    make_record,
    query_phrases,
    records_from_xml,
    synthetic_records,
)

__all__ = [
    "FakeEutils",
    "FakeRecord",
    "FakeRequest",
    "Fault",
    "FaultKind",
    "make_record",
    "query_phrases",
    "records_from_xml",
    "synthetic_records",
]
