"""What a curator typed into a decision that was not saved, kept across one redirect.

After a conflict the decision route redirects to the candidate's page
(post/redirect/get), so reloading that page shows it again instead of posting
the form a second time. What was typed travels to that page here: in this
process's memory, under a random key that the signed session cookie carries
(a 5,000-character statement does not fit in a cookie). A draft is shown once
and dropped; it also goes after :data:`DRAFT_TTL_SECONDS`, or oldest first
beyond :data:`DRAFT_LIMIT`, and on a restart. Nothing stored is involved: a
draft is a decision that was never saved.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.requests import Request

DRAFT_TTL_SECONDS = 3600.0
DRAFT_LIMIT = 1000
SESSION_KEY = "drafts"
# Keys one session carries at once: a draft per candidate, the latest few candidates.
SESSION_DRAFTS = 10


@dataclass(frozen=True)
class Draft:
    """A decision form as it was posted: which action, its typed fields, and why it failed."""

    candidate_id: int
    user_id: int | None
    action: str  # "accept", "reject" or "defer"
    values: Mapping[str, str]
    problem: str


class DraftStore:
    """Drafts by random key, each taken at most once; thread-safe (routes run in a pool)."""

    def __init__(
        self,
        *,
        ttl: float = DRAFT_TTL_SECONDS,
        limit: int = DRAFT_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Draft]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, draft: Draft) -> str:
        """Keep ``draft``; returns its key."""
        key = secrets.token_urlsafe(18)
        with self._lock:
            self._expire()
            self._items[key] = (self._clock(), draft)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return key

    def take(self, key: str) -> Draft | None:
        """The draft kept under ``key``, removed; None if unknown or expired."""
        with self._lock:
            self._expire()
            item = self._items.pop(key, None)
        return item[1] if item is not None else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _expire(self) -> None:
        oldest = self._clock() - self.ttl
        while self._items:
            key, (made, _draft) = next(iter(self._items.items()))
            if made >= oldest:
                return
            del self._items[key]


def keep_draft(request: Request, draft: Draft) -> None:
    """Keep ``draft`` for the next page of this session that shows its candidate."""
    key = _store(request).put(draft)
    keys = _session_keys(request)
    keys.pop(str(draft.candidate_id), None)
    keys[str(draft.candidate_id)] = key
    request.session[SESSION_KEY] = dict(list(keys.items())[-SESSION_DRAFTS:])


def take_draft(request: Request, candidate_id: int, user_id: int | None) -> Draft | None:
    """This session's draft for ``candidate_id``, once; None if there is none (any more)."""
    keys = _session_keys(request)
    key = keys.pop(str(candidate_id), None)
    if key is None:
        return None
    if keys:
        request.session[SESSION_KEY] = keys
    else:
        request.session.pop(SESSION_KEY, None)
    draft = _store(request).take(key)
    if draft is None or draft.candidate_id != candidate_id or draft.user_id != user_id:
        return None
    return draft


def _session_keys(request: Request) -> dict[str, str]:
    if "session" not in request.scope:
        return {}
    keys = request.session.get(SESSION_KEY)
    if not isinstance(keys, dict):
        return {}
    return {str(k): v for k, v in keys.items() if isinstance(v, str)}


def _store(request: Request) -> DraftStore:
    """The app's store (``app.state.drafts``), made on first use."""
    store = getattr(request.app.state, "drafts", None)
    if not isinstance(store, DraftStore):
        store = DraftStore()
        request.app.state.drafts = store
    return store
