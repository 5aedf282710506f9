"""The digest's integrity notices: open ones and those found in the period, on papers the
evidence rests on, in both the HTML and the Markdown digest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from evidencewatch.reporting.digest import build_digest, render_html, render_markdown
from evidencewatch.reporting.templating import make_env
from evidencewatch.storage.models import IntegrityNotice
from factories import make_candidate, make_paper

NOW = datetime(2026, 11, 25, 8, tzinfo=UTC)
PERIOD = (date(2026, 11, 18), date(2026, 11, 24))


def notice(session: Session, pmid: int, kind: str, **kw) -> IntegrityNotice:
    row = IntegrityNotice(pmid=pmid, kind=kind, detected_by="recheck:test", **kw)
    session.add(row)
    session.flush()
    return row


def test_open_and_in_period_notices_are_listed_with_the_genes_they_touch(session: Session):
    retracted = make_paper(session, 93_000_001, "SLC7A5 in resistant cells")
    make_candidate(session, retracted, "SLC7A5", status="accepted", statement="s")
    corrected = make_paper(session, 93_000_002, "RELA and doxorubicin")
    make_candidate(session, corrected, "RELA", status="pending")
    ignored = make_paper(session, 93_000_003, "Rejected paper")
    make_candidate(session, ignored, "ESR1", status="rejected")
    notice(
        session,
        93_000_001,
        "retracted",
        notice_pmid=99_000_001,
        notice_date=date(2026, 11, 19),
        detected_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    notice(
        session,
        93_000_002,
        "erratum",
        state="dismissed",
        resolved_by="alice",
        detected_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    notice(session, 93_000_003, "concern", detected_at=datetime(2026, 11, 2, tzinfo=UTC))
    notice(
        session,
        93_000_002,
        "updated",
        state="confirmed",
        detected_at=datetime(2026, 10, 2, tzinfo=UTC),
    )  # answered, before the period
    data = build_digest(session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    assert [(n.pmid, n.kind, n.state, n.genes, n.accepted) for n in data.notices] == [
        (93_000_002, "erratum", "dismissed", ("RELA",), 0),
        (93_000_001, "retracted", "open", ("SLC7A5",), 1),
    ]
    assert data.summary()["integrity_notices"] == [n.id for n in data.notices]
    html = render_html(data, make_env())
    assert "<strong>Retracted</strong>" in html and "notice PMID 99000001, 2026-11-19" in html
    markdown = render_markdown(data, make_env())
    assert "**Retracted**" in markdown and "**Erratum**" in markdown
    assert "93000003" not in markdown


def test_a_digest_without_notices_has_no_notice_list(session: Session):
    make_candidate(session, make_paper(session, 93_000_010), "ESR1", status="accepted")
    data = build_digest(session=session, period_from=PERIOD[0], period_to=PERIOD[1], now=NOW)
    assert data.notices == ()
    assert "integrity-notices" not in render_html(data, make_env())
