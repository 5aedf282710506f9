"""What the app refuses at the edge (evidencewatch.web.limits): ids past any row, bad version
numbers and oversized bodies, each on the app's error page with its security headers."""

from __future__ import annotations

import pytest

from evidencewatch.core.errors import InvalidDecision
from evidencewatch.web.limits import MAX_FORM_BYTES, MAX_ROW_ID, form_number
from factories import make_candidate
from web.webtools import audit_actions, form_page, sign_in, status_of, token

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TOO_BIG = 2**63  # one past SQLite's largest integer
OUR_PAGE = '<h1><span class="status-code">'


def assert_error_page(response, status: int, *words: str) -> None:
    """The app's own error page (not Starlette's plain text), with the security headers."""
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert OUR_PAGE in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    for word in words:
        assert word in response.text, word


# --- form_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "number"), [("1", 1), (" 42 ", 42), (str(MAX_ROW_ID), MAX_ROW_ID)])
def test_form_number_reads_whole_numbers_up_to_the_largest_row_id(raw, number):
    assert form_number(raw, "ids") == number


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (None, "missing"),
        ("", "missing"),
        ("abc", "'abc' is not a whole number"),
        ("+3", "is not a whole number"),
        ("-3", "is not a whole number"),
        ("1_000", "is not a whole number"),
        ("\u0663", "is not a whole number"),  # ARABIC-INDIC DIGIT THREE: int() would take it
        (object(), "a file is not a whole number"),
        ("0", "out of range"),
        (str(TOO_BIG), "out of range"),
        ("9" * 5000, "out of range"),  # past int()'s digit limit: still a 400, not a crash
    ],
)
def test_form_number_names_the_field_when_the_value_is_not_usable(raw, words):
    with pytest.raises(InvalidDecision, match=r"^version: ") as caught:
        form_number(raw, "version")
    assert words in str(caught.value)


# --- ids past any row -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/candidates/{TOO_BIG}",
        f"/candidates/{10**40}",
        "/candidates/0",
        "/candidates/-1",
        f"/digests/{TOO_BIG}",
        f"/digests/{TOO_BIG}.md",
    ],
)
def test_an_id_past_any_row_in_a_path_is_a_404_page(client, session, path):
    sign_in(client, session)
    assert_error_page(client.get(path), 404, "Not found")


@pytest.mark.parametrize("action", ["accept", "reject", "defer"])
def test_a_decision_on_an_id_past_any_row_is_a_404_page(client, session, action):
    sign_in(client, session)
    data = {"csrf_token": token(client, "/queue"), "version": "1", "reason": "duplicate"}
    r = client.post(f"/candidates/{TOO_BIG}/{action}", data={**data, "statement": "s"})
    assert_error_page(r, 404, "Not found")


@pytest.mark.parametrize("bad", [str(TOO_BIG), "12abc", ""])
def test_bulk_reject_with_an_id_that_is_not_a_row_id_is_a_400_naming_ids(client, session, bad):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    r = client.post(
        "/queue/bulk-reject",
        data={"csrf_token": token(client, "/queue"), "ids": [str(cid), bad], "reason": "duplicate"},
    )
    assert_error_page(r, 400, "ids: ")
    assert status_of(session, cid) == ("pending", 1)  # nothing rejected, not even the good id


# --- bad version values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "words"),
    [
        (None, "version: missing from the form"),
        ("", "version: missing from the form"),
        ("one", "version: &#39;one&#39; is not a whole number"),
        (str(TOO_BIG), f"version: {TOO_BIG} is out of range"),
    ],
)
@pytest.mark.parametrize("action", ["accept", "reject", "defer"])
def test_a_decision_with_a_missing_or_bad_version_is_a_400_naming_the_field(
    client, session, action, version, words
):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    data = {"csrf_token": csrf, "statement": "typed statement", "reason": "duplicate"}
    data["note"] = "typed note"
    if version is not None:
        data["version"] = version
    r = client.post(f"/candidates/{cid}/{action}", data=data)
    assert r.status_code == 400 and words in r.text
    assert "while you were looking" not in r.text and "Conflict" not in r.text
    assert "typed statement" in r.text if action == "accept" else "typed note" in r.text
    assert 'name="version" value="1"' in r.text  # the form now carries the version it shows
    assert status_of(session, cid) == ("pending", 1)
    assert audit_actions(session, cid) == ["created"]


# --- oversized bodies -----------------------------------------------------------------------


def test_a_form_over_the_limit_is_a_413_that_says_the_limit_and_saves_nothing(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    data = {"csrf_token": csrf, "version": "1", "statement": "x" * 1_000_000}
    r = client.post(f"/candidates/{cid}/accept", data=data)
    assert_error_page(r, 413, "Too large", "at most 256 KB (262,144 bytes)")
    assert status_of(session, cid) == ("pending", 1)


def test_a_body_over_the_limit_without_a_content_length_is_a_413_too(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)

    def chunks():  # a chunked upload declares no length: the bytes are counted as they come
        yield f"csrf_token={csrf}&version=1&note=".encode()
        for _ in range(MAX_FORM_BYTES // 4096 + 2):
            yield b"y" * 4096

    r = client.post(
        f"/candidates/{cid}/defer",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_error_page(r, 413, "at most 256 KB")
    assert status_of(session, cid) == ("pending", 1)


def test_a_multipart_form_over_the_limit_is_a_413(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    r = client.post(
        f"/candidates/{cid}/defer",
        data={"csrf_token": csrf, "version": "1"},
        files={"note": ("note.txt", b"z" * (2 * 1024 * 1024))},
    )
    assert_error_page(r, 413, "at most 256 KB")


def test_a_form_just_under_the_limit_is_read_as_usual(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    data = {"csrf_token": csrf, "version": "1", "note": "n" * (MAX_FORM_BYTES - 200)}
    r = client.post(f"/candidates/{cid}/defer", data=data)
    assert r.status_code == 400 and "note: at most 5000 characters" in r.text  # validation's turn
