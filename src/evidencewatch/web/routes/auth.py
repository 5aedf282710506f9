"""Sign in and sign out.

Signing in is an ``async`` route so that its slow part, the Argon2id check,
runs on the bounded :class:`~evidencewatch.web.hashing.HashingPool` and never
on the request threads the other pages use; its short database steps run on
those threads (Starlette's threadpool), each its own transaction:

1. the throttle (:mod:`evidencewatch.review.throttle`): refuse a locked account
   or address with 429 and ``Retry-After``, else record the attempt as in
   flight (committed), then admit it unless the account already has as many
   attempts in flight as it has guesses left (429 again, ``in_flight``);
2. check the password on the pool (429 and ``Retry-After`` when it is full:
   sign-in attempts are being shed, not a guessing brake and not a server
   fault; logged as ``login_busy``; the attempt is forgotten);
3. a right password starts a server-side session and forgets the attempt; a
   wrong one makes it a failure, which may lock the account or address. Every
   failure, lockout and refusal is a security event with the client's address.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from evidencewatch.config import Settings
from evidencewatch.review import accounts, sessions, throttle
from evidencewatch.review.security_log import security_event
from evidencewatch.storage.db import session_scope
from evidencewatch.storage.models import User
from evidencewatch.web.deps import (
    CurrentUser,
    client_address,
    flash,
    form,
    now,
    render,
    safe_next,
)
from evidencewatch.web.hashing import HashingBusy, HashingPool

router = APIRouter()
WRONG = "Wrong user name or password."


@dataclass(frozen=True, slots=True)
class Attempt:
    """One sign-in under way: who, from where, and what its password is checked against."""

    username: str
    address: str
    attempt_id: int
    password_hash: str
    known: bool  # an account of this name exists
    active: bool


@router.get("/login")
def login_page(request: Request, user: CurrentUser, next: str = "/queue") -> Response:
    """The sign-in form (or straight on, if already signed in)."""
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "web/login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the name and password, throttled; on success start a fresh session."""
    data = form(request)
    username = str(data.get("username") or "").strip()
    password = str(data.get("password") or "")
    target = safe_next(str(data.get("next") or ""))
    engine: Engine = request.app.state.engine
    settings: Settings = request.app.state.settings
    pool: HashingPool = request.app.state.hashing
    address = client_address(request)
    begun = await run_in_threadpool(_begin, engine, settings, username, address, request)
    if isinstance(begun, throttle.Lock):
        return _refused(request, begun, username, target)
    try:
        right = await pool.run(accounts.verify_password, begun.password_hash, password)
    except HashingBusy as exc:
        await run_in_threadpool(_forget, engine, begun)
        security_event("login_busy", user=username, address=address, in_flight=pool.in_flight)
        context = {"next": target, "error": str(exc), "username": username}
        response = render(request, "web/login.html", context, status_code=exc.status)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    user = None
    if right and begun.active:
        new_hash = None
        if accounts.needs_rehash(begun.password_hash):
            try:
                new_hash = await pool.run(accounts.hash_password, password)
            except HashingBusy:  # the password was right: upgrade its hash at a later sign-in
                new_hash = None
        user, token = await run_in_threadpool(_succeed, engine, begun, new_hash, request)
    if user is None:
        await run_in_threadpool(_fail, engine, settings, begun, right, request)
        context = {"next": target, "error": WRONG, "username": username}
        return render(request, "web/login.html", context, status_code=401)
    request.session.clear()  # no session fixation: new token, new session
    request.session.update(sid=token, csrf=secrets.token_urlsafe(32))
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End this server-side session (every saved copy of the cookie with it)."""
    token = request.session.get("sid")
    if isinstance(token, str) and token:
        with session_scope(request.app.state.engine) as session:
            sessions.end_session(session=session, token=token, now=now(request))
    request.session.clear()
    flash(request, "Signed out.")
    return RedirectResponse("/login", status_code=303)


def _begin(
    engine: Engine, settings: Settings, username: str, address: str, request: Request
) -> Attempt | throttle.Lock:
    """The lock that refuses this sign-in, or the attempt, in flight, with the hash to check."""
    at = now(request)
    with session_scope(engine) as session:
        lock = throttle.lock_in_force(
            session=session, settings=settings, username=username, address=address, now=at
        )
        if lock is not None:
            return lock
        user = accounts.get_user(session=session, username=username) if username else None
        password_hash = accounts.hash_to_check(user)
        known, active = user is not None, user is not None and user.active
    # Counted in a transaction of its own that starts with its write (see begin_attempt).
    with session_scope(engine) as session:
        attempt_id = throttle.begin_attempt(
            session=session, settings=settings, username=username, address=address, now=at
        )
    if isinstance(attempt_id, throttle.Lock):
        return attempt_id
    return Attempt(
        username=username,
        address=address,
        attempt_id=attempt_id,
        password_hash=password_hash,
        known=known,
        active=active,
    )


def _succeed(
    engine: Engine, begun: Attempt, new_hash: str | None, request: Request
) -> tuple[User | None, str]:
    """Start the session (unless the account went away or was disabled meanwhile)."""
    with session_scope(engine) as session:
        user = accounts.get_user(session=session, username=begun.username)
        if user is None or not user.active or user.password_hash != begun.password_hash:
            return None, ""
        throttle.attempt_succeeded(
            session=session, attempt_id=begun.attempt_id, username=begun.username
        )
        if new_hash is not None:  # hashed with older parameters: upgrade it now
            user.password_hash = new_hash
        token = sessions.start_session(
            session=session, user=user, address=begun.address, now=now(request)
        )
    security_event(
        "login_succeeded", level=logging.INFO, user=begun.username, address=begun.address
    )
    return user, token


def _fail(
    engine: Engine, settings: Settings, begun: Attempt, right: bool, request: Request
) -> None:
    """Count and log the failure, and any lockout it started or extended."""
    reason = "wrong_password" if begun.known else "unknown_user"
    if right or (begun.known and not begun.active):
        reason = "disabled"
    security_event("login_failed", user=begun.username, address=begun.address, reason=reason)
    with session_scope(engine) as session:
        locks = throttle.attempt_failed(
            session=session,
            settings=settings,
            attempt_id=begun.attempt_id,
            username=begun.username,
            address=begun.address,
            now=now(request),
        )
    for lock in locks:
        security_event(
            "login_locked",
            scope=lock.scope,
            user=begun.username,
            address=begun.address,
            failures=lock.failures,
            until=lock.until.isoformat(timespec="seconds"),
        )


def _forget(engine: Engine, begun: Attempt) -> None:
    """A sign-in refused before its password was checked does not count as a failure."""
    with session_scope(engine) as session:
        throttle.forget_attempt(session=session, attempt_id=begun.attempt_id)


def _refused(request: Request, lock: throttle.Lock, username: str, target: str) -> Response:
    retry_after = lock.retry_after(now(request))
    address = client_address(request)
    in_flight = lock.scope == throttle.IN_FLIGHT
    security_event(
        "login_refused_in_flight" if in_flight else "login_refused_locked",
        scope=lock.scope,
        user=username,
        address=address,
        retry=retry_after,
    )
    where = "from this address" if lock.scope == throttle.ADDRESS else "for this account"
    error = (
        f"Too many sign-ins for this account at once. Try again in {retry_after} seconds."
        if in_flight
        else f"Too many failed sign-ins {where}. Sign-in is locked for {retry_after} more "
        "seconds; try again then."
    )
    context = {"next": target, "error": error, "username": username}
    response = render(request, "web/login.html", context, status_code=429)
    response.headers["Retry-After"] = str(retry_after)
    return response
