"""Dates read from a CommentsCorrections citation (``RefSource``), as real records write them."""

from __future__ import annotations

from datetime import date

import pytest

from evidencewatch.pubmed.records import refsource_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BMJ. 2020 Nov 19;371:m4475. doi: 10.1136/bmj.m4475.", date(2020, 11, 19)),
        ("Ginekol Pol. 1998 Jul;69(7):559-60", date(1998, 7, 1)),
        ("Wu D, Yang CM, Lau YT, Chen JC. Mol Pharmacol. 1998 Feb;53(2):346", date(1998, 2, 1)),
        ("Cochrane Database Syst Rev. 2001;(2):CD002020", date(2001, 1, 1)),
        ("J Fict. 2001 Spring;3(1):4", date(2001, 1, 1)),
        ("J Fict. 2001 Feb 30;3(1):4", date(2001, 2, 1)),
        ("no date here", None),
        ("", None),
    ],
)
def test_refsource_dates(text: str, expected: date | None):
    assert refsource_date(text) == expected
