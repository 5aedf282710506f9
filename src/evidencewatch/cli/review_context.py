"""What the ``review`` commands share: the review context and who is acting, as what role.

The actor is ``--as NAME`` or else ``$USER``. Roles apply as on the web: when
the actor is a web user, their role counts; any other name acts as a curator.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from evidencewatch.cli.context import AppContext

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
    """(name, role) of whoever runs the command: ``--as`` or ``$USER``, as a curator unless
    that name is an active web user with another role."""
    from evidencewatch.core.vocabulary import Role
    from evidencewatch.review.accounts import get_user

    name = actor or os.environ.get("USER") or getpass.getuser()
    user = get_user(session=session, username=name)
    role = user.role if user is not None and user.active else Role.curator.value
    return name, role
