"""The E-utilities client a job talks to NCBI through, made from the settings."""

from __future__ import annotations

from evidencewatch.config import Settings
from evidencewatch.pubmed.client import EutilsClient

__all__ = ["eutils_client"]


def eutils_client(settings: Settings) -> EutilsClient:
    """A client for ``eutils_url`` sending ``tool``, ``ncbi_email`` and ``ncbi_api_key``.

    Empty settings are sent as nothing at all (no ``email=``, no ``api_key=``).
    Its waits are bounded by ``eutils_connect_timeout_seconds``,
    ``eutils_read_timeout_seconds`` and ``eutils_deadline_seconds``.
    The caller closes it (it is a context manager).
    """
    return EutilsClient(
        base_url=settings.eutils_url,
        tool=settings.tool,
        email=settings.ncbi_email or None,
        api_key=settings.ncbi_api_key or None,
        timeout=(settings.eutils_connect_timeout_seconds, settings.eutils_read_timeout_seconds),
        deadline=settings.eutils_deadline_seconds,
    )
