"""The one Settings -> E-utilities client factory the CLI, scheduler and demo share."""

from __future__ import annotations

import threading

from evidencewatch.config import load_settings
from evidencewatch.core.errors import EutilsError
from evidencewatch.jobs.clients import eutils_client
from sockets import silent_server


def test_the_client_sends_the_configured_url_tool_email_and_key():
    settings = load_settings(
        env={},
        eutils_url="http://127.0.0.1:9/eutils",
        tool="ew-tests",
        ncbi_email="dev@example.org",
        ncbi_api_key="k3y",
    )
    with eutils_client(settings) as client:
        assert client.base_url == "http://127.0.0.1:9/eutils/"
        assert (client.tool, client.email) == ("ew-tests", "dev@example.org")
        assert client.rate_limiter.rate == 10  # a key raises NCBI's limit


def test_empty_email_and_key_settings_send_neither():
    with eutils_client(load_settings(env={}, ncbi_email="", ncbi_api_key="")) as client:
        assert client.email is None
        assert client.rate_limiter.rate == 3


def test_the_timeout_and_deadline_settings_bound_a_request_to_a_server_that_never_answers():
    outcome: list[BaseException] = []

    def search(client) -> None:
        try:
            client.esearch("GENEA")
        except BaseException as exc:  # looked at below
            outcome.append(exc)

    with silent_server() as server:
        settings = load_settings(
            env={
                "EVIDENCEWATCH_EUTILS_URL": server.base_url,
                "EVIDENCEWATCH_EUTILS_CONNECT_TIMEOUT": "1",
                "EVIDENCEWATCH_EUTILS_READ_TIMEOUT": "0.2",
                "EVIDENCEWATCH_EUTILS_DEADLINE": "0.5",
            },
            ncbi_email="dev@example.org",
        )
        with eutils_client(settings) as client:
            # In a thread, so that a client ignoring the settings fails the test in
            # seconds instead of hanging it for 5 attempts of 60 s.
            worker = threading.Thread(target=search, args=(client,), daemon=True)
            worker.start()
            worker.join(1.5)
            assert not worker.is_alive(), "the request outlived its 0.5 s deadline"
    [error] = outcome
    assert isinstance(error, EutilsError)
    assert "the 0.5 s deadline per request" in str(error)
