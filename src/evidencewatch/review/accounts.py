"""Web users: argon2id password hashes, roles curator | editor | admin.

Roles follow CIViC: curators decide undecided candidates; editors and admins
may also change a decision already made (see :mod:`evidencewatch.review`).
"""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from evidencewatch.core.errors import EvidenceWatchError
from evidencewatch.core.vocabulary import Role
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
    roles = [r.value for r in Role]
    if role not in roles:
        raise InvalidUser(f"role {role!r} is not one of {', '.join(roles)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUser(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if get_user(session=session, username=username) is not None:
        raise InvalidUser(f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None.

    An unknown name costs a hash check too, so the response time does not
    tell which names exist.
    """
    user = get_user(session=session, username=username.strip())
    if user is None:
        _verify(_dummy_hash(), password)
        return None
    if not _verify(user.password_hash, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
        session.flush()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
