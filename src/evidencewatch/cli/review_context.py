"""What the ``review`` commands share: the review context and who is acting, as what role.

The actor is ``--as NAME`` (an existing, enabled account, whose role counts) or
else ``$USER`` (their account's role if one of that name exists, else a curator).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from evidencewatch.cli.context import AppContext, resolve_actor

if TYPE_CHECKING:
    from sqlmodel import Session

    from evidencewatch.review.decisions import DecisionHook


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What the decision commands share: the app, and what runs after each decision."""

    app: AppContext
    on_decided: DecisionHook | None = None

    @property
    def mode(self) -> str:
        """``single`` or ``dual`` (the ``review_mode`` setting)."""
        return self.app.settings.review_mode


pass_review = click.make_pass_decorator(ReviewContext)


def acting(session: Session, actor: str | None) -> tuple[str, str]:
    """(name, role) of whoever runs the command, as `resolve_actor` checks them: ``--as``
    must name an enabled account, whose role counts; else ``$USER``."""
    who = resolve_actor(session=session, as_name=actor)
    return who.name, who.role
