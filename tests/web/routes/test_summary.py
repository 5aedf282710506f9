"""The summary pages: the draft, the versions, side by side, and the override form."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from evidencewatch.jobs.summary import summary_job
from evidencewatch.storage.summary import SummaryOverride
from summary_data import SLC7A5, accept, seed, validate
from web.webtools import sign_in, token

T1 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def publish(settings, engine, tmp_path, now=T1):
    return summary_job(settings, engine=engine, out_dir=tmp_path / "out", publish=True, now=now)


def test_the_summary_needs_sign_in_when_read_pages_do(client, session):
    seed(session)
    session.commit()
    response = client.get("/summary", follow_redirects=False)
    assert response.status_code in (302, 303, 401)


def test_the_draft_page_shows_findings_statuses_legend_and_says_draft(open_client, session):
    seed(session)
    accept(session, "SLC7A5", statement="SLC7A5 <script>x</script> high")
    session.commit()
    page = open_client.get("/summary")
    assert page.status_code == 200
    assert "draft, as of now" in page.text
    assert "How a status is computed" in page.text
    assert f'data-finding="{SLC7A5}"' in page.text
    assert "<script>x</script>" not in page.text
    assert 'href="/summary">Summary</a>' in page.text  # the nav link
    assert 'action="/summary/override"' not in page.text  # no form for readers


def test_versions_list_each_version_and_serve_its_stored_files(
    open_client, session, settings, engine, tmp_path
):
    seed(session)
    accept(session, "SLC7A5")
    session.commit()
    v1 = publish(settings, engine, tmp_path)
    listing = open_client.get("/summary/versions")
    assert 'data-version="1"' in listing.text
    page = open_client.get("/summary/versions/1")
    assert page.status_code == 200 and "version 1" in page.text
    assert "Changes since the seed document" in page.text
    as_json = open_client.get("/summary/versions/1.json")
    validate(as_json.json())
    assert as_json.json() == v1.document
    assert (
        open_client.get("/summary/versions/1.md").text
        == (tmp_path / "out/summary-v1.md").read_text()
    )
    assert (
        open_client.get("/summary/versions/1.html").text
        == (tmp_path / "out/summary-v1.html").read_text()
    )
    assert open_client.get("/summary/versions/2").status_code == 404
    assert open_client.get("/summary/compare?a=1&b=zz").status_code == 400


def test_side_by_side_marks_the_finding_that_changed(
    open_client, session, settings, engine, tmp_path
):
    seed(session)
    accept(session, "SLC7A5")
    session.commit()
    publish(settings, engine, tmp_path)
    accept(session, "SLC7A5", direction="down")
    session.commit()
    publish(settings, engine, tmp_path, now=datetime(2026, 12, 2, tzinfo=UTC))
    page = open_client.get("/summary/compare?a=1&b=2").text
    assert f'<tr class="compare-row differs" data-key="{SLC7A5}">' in page
    assert '<tr class="compare-row" data-key="drug-metabolism-cyp3a4-cyp2a6-mrna-high">' in page
    assert '<mark class="changed">contested</mark>' in page
    assert "1 status change," in page


def test_an_editor_overrides_a_status_with_a_reason_and_a_curator_cannot(client, session):
    seed(session)
    accept(session, "SLC7A5")
    session.commit()
    sign_in(client, session, "carl", "curator")
    csrf = token(client, "/summary")
    assert 'action="/summary/override"' not in client.get("/summary").text
    refused = client.post(
        "/summary/override",
        data={"finding_id": SLC7A5, "status": "contested", "reason": "r", "csrf_token": csrf},
    )
    assert "needs an editor or an admin" in refused.text
    client.post("/logout", data={"csrf_token": csrf})
    sign_in(client, session, "erin", "editor")
    csrf = token(client, "/summary")
    no_reason = client.post(
        "/summary/override",
        data={"finding_id": SLC7A5, "status": "contested", "reason": "", "csrf_token": csrf},
    )
    assert "written reason" in no_reason.text
    done = client.post(
        "/summary/override",
        data={"finding_id": SLC7A5, "status": "contested", "reason": "protein", "csrf_token": csrf},
    )
    assert done.status_code == 200
    assert f"{SLC7A5}: status set to contested" in done.text
    assert "Reason: protein" in done.text and "computed: supported" in done.text
    session.expire_all()
    rows = session.exec(select(SummaryOverride)).all()
    assert [(r.actor, r.status, r.reason) for r in rows] == [("erin", "contested", "protein")]


def test_an_override_without_the_csrf_token_is_refused(client, session):
    seed(session)
    session.commit()
    sign_in(client, session, "erin", "editor")
    response = client.post(
        "/summary/override", data={"finding_id": SLC7A5, "status": "contested", "reason": "r"}
    )
    assert response.status_code == 403
    assert session.exec(select(SummaryOverride)).all() == []
