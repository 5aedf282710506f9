"""Exceptions that carry their meaning: what went wrong, where, and whether to try again."""

from __future__ import annotations


class EvidenceWatchError(Exception):
    """Base class: every error evidencewatch raises on purpose."""

    exit_code = 1


class ConfigError(EvidenceWatchError):
    """A setting or config file is wrong; the message names the setting or file."""

    exit_code = 2


class SeedFileError(EvidenceWatchError):
    """A human-edited seed file is invalid. Names the file, the line and the field."""

    exit_code = 2

    def __init__(self, path: str, line: int | None, field: str | None, message: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        where = path if line is None else f"{path}, line {line}"
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}: {what}{message}")


class EutilsError(EvidenceWatchError):
    """NCBI E-utilities failed: HTTP error, error body, or a result that cannot be trusted."""

    exit_code = 3

    def __init__(self, message: str, *, url: str | None = None, retryable: bool = False) -> None:
        self.url = url
        self.retryable = retryable
        super().__init__(message)


class EutilsRateLimited(EutilsError):
    """HTTP 429 from NCBI; ``retry_after`` is the server's Retry-After in seconds, if any."""

    def __init__(
        self, message: str, *, url: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, url=url, retryable=True)
        self.retry_after = retry_after


class EutilsQueryError(EutilsError):
    """The search itself is wrong (PhraseNotFound, FieldNotFound, <ERROR>): retrying won't help."""


class EutilsServerError(EutilsError):
    """HTTP 5xx from NCBI: always retryable; ``retry_after`` is the server's Retry-After, if any."""

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url, retryable=True)
        self.status = status
        self.retry_after = retry_after


class EutilsPhraseNotFound(EutilsQueryError):
    """ESearch's ErrorList named phrases or fields PubMed could not find.

    PubMed does not stop: it drops them and searches what is left, so the result
    answers a broader question than the one asked. ``phrases``/``fields`` name them.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        phrases: tuple[str, ...] = (),
        fields: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, url=url, retryable=False)
        self.phrases = phrases
        self.fields = fields


class ScanLockedError(EvidenceWatchError):
    """Another scan holds the scan lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class NotFound(EvidenceWatchError):
    status = 404
    exit_code = 4


class ReviewConflict(EvidenceWatchError):
    """Someone else decided this candidate since it was loaded; nothing was overwritten."""

    status = 409
    exit_code = 5


class InvalidDecision(EvidenceWatchError):
    status = 400
    exit_code = 2
