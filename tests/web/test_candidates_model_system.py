"""The accept form's model system is a choice of the one vocabulary, stored as its value."""

from __future__ import annotations

import re

import pytest

from evidencewatch.core.vocabulary import MODEL_SYSTEM_LABELS
from evidencewatch.storage.models import Candidate
from factories import make_candidate
from web.webtools import form_page, sign_in

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S)
    assert found is not None, f"no <select name={name!r}> on the page"
    return found.group(1)


def test_the_accept_form_offers_the_model_system_labels_with_the_stored_one_selected(
    client, session
):
    cid = make_candidate(session, None, "ESR1", model_system="xenograft").id
    session.commit()
    sign_in(client, session)
    _, page = form_page(client, cid)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>',
                         _select(page, "model_system"))  # fmt: skip
    assert [(v, t) for v, _s, t in options] == [("", "—"), *MODEL_SYSTEM_LABELS.items()]
    assert [v for v, s, _t in options if s] == ["xenograft"]


def test_accepting_with_a_picked_model_system_stores_its_vocabulary_value(client, session):
    cid = make_candidate(session, None, "ESR1").id
    session.commit()
    sign_in(client, session)
    csrf, _ = form_page(client, cid)
    data = {"csrf_token": csrf, "version": "1", "model_system": "cell_line", "statement": "s"}
    assert client.post(f"/candidates/{cid}/accept", data=data).status_code == 200
    session.expire_all()
    assert session.get(Candidate, cid).model_system == "cell_line"
