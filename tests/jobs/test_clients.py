"""The one Settings -> E-utilities client factory the CLI, scheduler and demo share."""

from __future__ import annotations

from evidencewatch.config import load_settings
from evidencewatch.jobs.clients import eutils_client


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
