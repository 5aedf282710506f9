"""Web users: argon2id password hashes, roles curator | editor | admin.

Roles follow CIViC: curators decide undecided candidates; editors and admins
may also change a decision already made (see :mod:`evidencewatch.review`).
A password change, a role change and disabling an account are logged as
security events; the first two end every web session of the account
(:mod:`evidencewatch.review.sessions`), as disabling does.
"""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.core.timeutil import utcnow
from evidencewatch.core.vocabulary import Role
from evidencewatch.review.security_log import security_event
from evidencewatch.review.sessions import end_sessions
from evidencewatch.storage.models import User

MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$")
_hasher = PasswordHasher()


class InvalidUser(EvidenceWatchError):
    """A user name, role or password that cannot be used; the message says which."""

    status = 400
    exit_code = 2


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a real password: spends the time a real check takes")


def create_user(*, session: Session, username: str, password: str, role: str) -> User:
    """Add a user; InvalidUser if the name is taken or malformed, the role unknown, or the
    password shorter than 8 characters."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise InvalidUser(f"user name {username!r}: use 1-80 letters, digits, '.', '_', '@' or '-'")
    _check_role(role)
    _check_password(password)
    if get_user(session=session, username=username) is not None:
        raise InvalidUser(f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def existing_user(*, session: Session, username: str) -> User:
    """The account named ``username``; InvalidUser (exit 2) naming it if there is none."""
    user = get_user(session=session, username=username.strip())
    if user is None:
        raise InvalidUser(f"no account named {username!r} (see `evidencewatch user list`)")
    return user


def set_password(*, session: Session, username: str, password: str) -> User:
    """A new password for the account; its web sessions end."""
    _check_password(password)
    user = existing_user(session=session, username=username)
    user.password_hash = hash_password(password)
    session.add(user)
    end_sessions(session=session, user=user, reason="password_changed", now=utcnow())
    security_event("password_changed", user=user.username)
    session.flush()
    return user


def set_active(*, session: Session, username: str, active: bool) -> User:
    """Enable or disable the account; a disabled one cannot sign in and its sessions end."""
    user = existing_user(session=session, username=username)
    user.active = active
    session.add(user)
    if not active:
        end_sessions(session=session, user=user, reason="disabled", now=utcnow())
    security_event("account_enabled" if active else "account_disabled", user=user.username)
    session.flush()
    return user


def set_role(*, session: Session, username: str, role: str) -> User:
    """Give the account another role; it applies to its next request."""
    _check_role(role)
    user = existing_user(session=session, username=username)
    old, user.role = user.role, role
    session.add(user)
    security_event("role_changed", user=user.username, old=old, new=role)
    session.flush()
    return user


def _check_role(role: str) -> None:
    roles = [r.value for r in Role]
    if role not in roles:
        raise InvalidUser(f"role {role!r} is not one of {', '.join(roles)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUser(f"password: at least {MIN_PASSWORD_LENGTH} characters")


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None.

    An unknown name costs a hash check too, so the response time does not
    tell which names exist.
    """
    user = get_user(session=session, username=username.strip())
    if not verify_password(hash_to_check(user), password) or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
        session.flush()
    return user


def hash_to_check(user: User | None) -> str:
    """The hash a sign-in as ``user`` is checked against: a stand-in one for no user."""
    return user.password_hash if user is not None else _dummy_hash()


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (slow on purpose: Argon2id)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False
