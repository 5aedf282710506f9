"""Storing a digest (its row and files), and the web routes that serve stored digests."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.testclient import TestClient
from sqlmodel import Session

from evidencewatch.reporting.digest import save_digest
from evidencewatch.storage.models import Digest
from reporting.digest.known_db import NEW_PMIDS, RANGE


def test_save_digest_stores_the_row_and_writes_both_files(
    known: Session, data, html, markdown, tmp_path: Path
):
    digest = save_digest(
        session=known, data=data, html=html, markdown=markdown, out_dir=tmp_path / "out"
    )
    known.commit()
    stored = known.get(Digest, digest.id)
    assert stored is not None and stored.html == html and stored.markdown == markdown
    assert stored.title == f"evidencewatch digest {RANGE}"
    assert stored.summary["new_pmids"] == NEW_PMIDS
    assert stored.summary["first_evidence_genes"] == ["CYP3A4", "RELA", "SRPK1"]
    assert stored.summary["rejected"] == {"alias_collision": 1, "not_breast_cancer": 2}
    files = [Path(f) for f in stored.files]
    assert [f.name for f in files] == ["digest-2026-11-24.html", "digest-2026-11-24.md"]
    assert files[0].read_text(encoding="utf-8") == html
    assert files[1].read_text(encoding="utf-8") == markdown


def _app(engine, dependencies=()) -> TestClient:
    from evidencewatch.web.routes.digests import make_router

    def get_session(request: Request):
        with Session(engine) as s:
            yield s

    app = FastAPI()
    app.include_router(make_router(list(dependencies), get_session=get_session))
    return TestClient(app)


def test_web_lists_digests_and_serves_their_html_and_markdown(
    known: Session, engine, data, html, markdown
):
    digest = save_digest(session=known, data=data, html=html, markdown=markdown, out_dir=None)
    known.commit()
    client = _app(engine)
    listing = client.get("/digests")
    assert listing.status_code == 200
    assert f'href="/digests/{digest.id}">2026-11-18 &ndash; 2026-11-24</a>' in listing.text
    assert f'href="/digests/{digest.id}.md"' in listing.text
    page = client.get(f"/digests/{digest.id}")
    assert page.status_code == 200 and page.text == html
    assert "default-src 'none'" in page.headers["content-security-policy"]
    md = client.get(f"/digests/{digest.id}.md")
    assert md.status_code == 200 and md.text == markdown
    assert md.headers["content-type"].startswith("text/markdown")
    assert client.get("/digests/999").status_code == 404
    assert client.get("/digests/999.md").status_code == 404


def test_web_digest_list_says_when_there_is_none(engine):
    assert "No digest has been written yet" in _app(engine).get("/digests").text


def test_web_digest_routes_are_guarded_by_the_given_dependencies(engine):
    def deny() -> None:
        raise HTTPException(status_code=401, detail="sign in")

    client = _app(engine, [Depends(deny)])
    for path in ("/digests", "/digests/1", "/digests/1.md"):
        assert client.get(path).status_code == 401, path


def test_the_review_app_shows_digests_to_readers_only(
    known: Session, engine, settings, data, html, markdown
):
    from evidencewatch.web.app import create_app

    digest = save_digest(session=known, data=data, html=html, markdown=markdown, out_dir=None)
    known.commit()
    with TestClient(create_app(settings, engine=engine)) as client:
        for path in ("/digests", f"/digests/{digest.id}", f"/digests/{digest.id}.md"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login")
    public = settings.with_overrides(read_requires_login=False)
    with TestClient(create_app(public, engine=engine)) as client:
        listing = client.get("/digests")
        assert listing.status_code == 200
        assert '<body class="page-digests">' in listing.text  # inside the app's layout
        assert '<header class="topbar">' in listing.text
        assert f'href="/digests/{digest.id}.md"' in listing.text
        page = client.get(f"/digests/{digest.id}")
        assert page.text == html
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        assert client.get("/digests/12345").status_code == 404
