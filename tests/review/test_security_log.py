"""Security events: one structured record each, written as keys of a JSON log line."""

from __future__ import annotations

import io
import json
import logging

from evidencewatch.core.logs import JsonFormatter, TextFormatter
from evidencewatch.review.security_log import security_event


def capture(formatter: logging.Formatter):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("evidencewatch.security")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    return stream, lambda: (logger.removeHandler(handler), logger.setLevel(old))


def test_a_security_event_is_a_json_line_with_its_fields_as_keys():
    stream, done = capture(JsonFormatter())
    try:
        security_event("login_failed", user="alice", address="10.1.2.3", reason="wrong_password")
    finally:
        done()
    line = json.loads(stream.getvalue())
    assert line["logger"] == "evidencewatch.security" and line["level"] == "warning"
    assert (line["event"], line["user"], line["address"], line["reason"]) == (
        "login_failed",
        "alice",
        "10.1.2.3",
        "wrong_password",
    )


def test_a_user_name_cannot_forge_fields_in_the_text_log():
    stream, done = capture(TextFormatter())
    try:
        security_event("login_failed", user="x address=1.1.1.1", address="10.1.2.3")
    finally:
        done()
    text = stream.getvalue()
    assert "user='x address=1.1.1.1' address='10.1.2.3'" in text
