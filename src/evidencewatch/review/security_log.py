"""Security events: one structured log record each, on the ``evidencewatch.security`` logger.

Every record carries ``event`` and its fields (the client address, the account
name, ...) as ``record.fields``; the JSON log format writes them as keys of the
line, and the text format shows them as ``key=value`` after the event name.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("evidencewatch.security")


def security_event(event: str, *, level: int = logging.WARNING, **fields: Any) -> None:
    """Log ``event`` with ``fields``, shown with repr: no name sent can forge a field."""
    shown = " ".join(f"{key}={value!r}" for key, value in fields.items())
    log.log(level, "%s %s", event, shown, extra={"fields": {"event": event, **fields}})
