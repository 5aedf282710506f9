"""Locust users of the load test (run by run_load.py, headless, never imported by pytest).

* ``Curator``: signs in once, then pages through the queue, opens candidates and
  decides them (accept, reject, defer in turn). Told 429 with ``Retry-After`` (the
  hashing pool shedding sign-ins, or the throttle), it waits that long and tries again,
  at most ``SIGN_IN_TRIES`` times in all; any other refusal ends its attempts. Each
  curator's tries, refusals and whether it got in go to ``EW_LOAD_OUT/signins-<pid>.json``.
  Each decision the server answered with a redirect onward (not back to the same
  candidate, which is a lost race) is written to ``EW_LOAD_OUT/decisions-<pid>.jsonl``,
  for the check against the database afterwards.
* ``LoginFlood``: signs in over and over, with a wrong password
  (``EW_LOAD_FLOOD=wrong``) or the right one (``right``); ``EW_LOAD_FLOOD_USERS``
  of them (0 = none, the quiet run). They start ``EW_LOAD_FLOOD_DELAY`` seconds
  into the run, once the curators have signed in; from then on the curators'
  requests are reported under their route name + ``FLOODED``, so the flood's
  effect is not averaged with the quiet start.

Every response's status is counted per route (route names say the user class:
``(curator)``/``(flood…)`` on the sign-in routes; every other route is the curators'), and
each 429 by class and kind (``busy``: the hashing pool shedding sign-ins; ``locked``: the
throttle's lock; ``in_flight``: the throttle's cap on one account's parallel attempts;
``no Retry-After``: a 429 that does not say when to come back). The counts are written to
``EW_LOAD_OUT/status-<pid>.json`` when the run stops.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, events, task

OUT = Path(os.environ.get("EW_LOAD_OUT", "."))
PASSWORD = os.environ.get("EW_LOAD_PASSWORD", "load-password")
CURATORS = int(os.environ.get("EW_LOAD_CURATORS", "50"))
FLOOD = os.environ.get("EW_LOAD_FLOOD", "wrong")
FLOOD_USERS = int(os.environ.get("EW_LOAD_FLOOD_USERS", "0"))
PAGES = int(os.environ.get("EW_LOAD_PAGES", "40"))
FLOOD_DELAY = float(os.environ.get("EW_LOAD_FLOOD_DELAY", "0"))
FLOODED = " FLOODED"
SIGN_IN_TRIES = 3
START = time.monotonic()
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_CANDIDATE = re.compile(r'href="/candidates/(\d+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')
STATUSES: Counter[tuple[str, int]] = Counter()
REFUSALS: Counter[tuple[str, str]] = Counter()  # (user class, kind of 429)
SIGNINS: dict[str, dict[str, Any]] = {}  # curator -> tries, refusals, signed in
_KINDS = (("too many sign-ins at once", "busy"), ("Sign-in is locked", "locked"),
          ("for this account at once", "in_flight"))  # fmt: skip
_DECISIONS = OUT / f"decisions-{os.getpid()}.jsonl"
_numbers = iter(range(1, 1_000_000))


def _label(name: str) -> str:
    """The route name, marked once the flood has started."""
    flooding = FLOOD_USERS > 0 and time.monotonic() - START >= FLOOD_DELAY
    return name + FLOODED if flooding else name


@events.request.add_listener
def _count(name: str, response: Any, exception: Any, **_kw: Any) -> None:
    code = getattr(response, "status_code", 0) or 0
    STATUSES[(name, int(code))] += 1


@events.quitting.add_listener
def _write_statuses(**_kw: Any) -> None:
    rows = [{"name": n, "status": s, "count": c} for (n, s), c in sorted(STATUSES.items())]
    refusals = [{"class": k, "kind": w, "count": c} for (k, w), c in sorted(REFUSALS.items())]
    (OUT / f"status-{os.getpid()}.json").write_text(json.dumps(rows))
    (OUT / f"refusals-{os.getpid()}.json").write_text(json.dumps(refusals))
    (OUT / f"signins-{os.getpid()}.json").write_text(json.dumps(SIGNINS))


def _refusal(r: Any) -> str:
    """What kind of 429 this is (see the module's docstring)."""
    if not r.headers.get("retry-after", "").isdigit():
        return "no Retry-After"
    return next((kind for text, kind in _KINDS if text in r.text), "other")


def _sign_in(user: HttpUser, name: str, password: str, who: str) -> tuple[int, float | None]:
    """The sign-in's status, and the Retry-After of a 429 (come back then), else None."""
    page = user.client.get("/login", name=f"GET /login ({who.split(',')[0]})")
    found = _CSRF.search(page.text)
    data = {"username": name, "password": password, "csrf_token": found.group(1) if found else ""}
    with user.client.post(
        "/login", data=data, name=f"POST /login ({who})", allow_redirects=False,
        catch_response=True,
    ) as r:  # fmt: skip
        code = int(r.status_code or 0)
        if code in (303, 401, 429):
            r.success()  # refusals are counted apart (REFUSALS), not as locust failures
        if code != 429:
            return code, None
        kind = _refusal(r)
        REFUSALS[("flood" if who.startswith("flood") else "curators", kind)] += 1
        return code, (float(r.headers["retry-after"]) if kind != "no Retry-After" else None)


class Curator(HttpUser):
    wait_time = between(0.2, 1.0)
    weight = 1
    fixed_count = CURATORS

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.name = f"curator{self.number:02d}"
        # A person told "try again in N seconds" (429 + Retry-After) does so, a few times;
        # every refusal is still counted, and one who never got in is reported.
        record = SIGNINS[self.name] = {"tries": 0, "refused": 0, "signed_in": False}
        self.signed_in = False
        for _ in range(SIGN_IN_TRIES):
            record["tries"] += 1
            code, retry = _sign_in(self, self.name, PASSWORD, "curator")
            self.signed_in = record["signed_in"] = code == 303
            record["last_status"] = code
            if code == 429:
                record["refused"] += 1
            if self.signed_in or retry is None:
                break
            gevent.sleep(retry + random.uniform(0, 1))
        self.csrf = ""
        self.next_action = self.number % 3

    @task(3)
    def page_through_queue(self) -> None:
        if not self.signed_in:
            return
        page = random.randint(1, PAGES)
        self.client.get(f"/queue?page={page}", name=_label("GET /queue?page=N"))

    @task(5)
    def open_and_decide(self) -> None:
        if not self.signed_in:
            return
        # Each curator works its own stretch of the queue (page = its number), as a team
        # splitting the work would; races with the others still happen and are allowed.
        listing = self.client.get(f"/queue?page={self.number}", name=_label("GET /queue?page=N"))
        ids = _CANDIDATE.findall(listing.text)
        if not ids:
            return
        cid = random.choice(ids)
        page = self.client.get(f"/candidates/{cid}", name=_label("GET /candidates/ID"))
        csrf, version = _CSRF.search(page.text), _VERSION.search(page.text)
        if csrf is None or version is None:
            return  # decided meanwhile (no form), or not shown
        action = ("accept", "reject", "defer")[self.next_action % 3]
        self.next_action += 1
        data = {"csrf_token": csrf.group(1), "version": version.group(1),
                "statement": f"Load test statement by {self.name}.", "reason": "duplicate",
                "note": "load test"}  # fmt: skip
        r = self.client.post(f"/candidates/{cid}/{action}", data=data, allow_redirects=False,
                             name=_label(f"POST /candidates/ID/{action}"))  # fmt: skip
        location = r.headers.get("location", "")
        if r.status_code == 303 and location != f"/candidates/{cid}":
            with _DECISIONS.open("a") as out:
                out.write(json.dumps({"id": int(cid), "action": action, "by": self.name}) + "\n")


class LoginFlood(HttpUser):
    wait_time = between(0, 0.05)
    weight = 1
    fixed_count = FLOOD_USERS

    def on_start(self) -> None:
        self.target = f"curator{random.randint(1, max(1, CURATORS)):02d}"
        gevent.sleep(max(0.0, START + FLOOD_DELAY - time.monotonic()))

    @task
    def sign_in(self) -> None:
        password = PASSWORD if FLOOD == "right" else "wrong-password"
        _sign_in(self, self.target, password, f"flood, {FLOOD}")
        self.client.cookies.clear()
