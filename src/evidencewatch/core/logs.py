"""Logging set-up: plain text or JSON lines, each line of a scan carrying the scan's id."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

scan_id_var: ContextVar[int | None] = ContextVar("scan_id", default=None)


@contextmanager
def scan_context(scan_id: int) -> Iterator[None]:
    """Tag every log record emitted inside the block with ``scan_id``."""
    token = scan_id_var.set(scan_id)
    try:
        yield
    finally:
        scan_id_var.reset(token)


class _ScanIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.scan_id = scan_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        scan_id = getattr(record, "scan_id", None)
        if scan_id is not None:
            payload["scan_id"] = scan_id
        # Structured events (security events) carry their fields; they never replace the above.
        for key, value in (getattr(record, "fields", None) or {}).items():
            payload.setdefault(key, value)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        scan_id = getattr(record, "scan_id", None)
        return f"{text} [scan {scan_id}]" if scan_id is not None else text


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    """Send evidencewatch's logs to stderr in ``fmt`` ("text" or "json")."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(_ScanIdFilter())
    root = logging.getLogger("evidencewatch")
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    root.propagate = False
