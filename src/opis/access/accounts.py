"""Accounts, API tokens and login throttling, stored in the archive's own database.

Passwords are kept only as argon2id hashes (argon2-cffi's defaults, rehashed when those
change). A failed login counts against the name typed, whether or not an account has it,
and an unknown name costs the same argon2 work as a wrong password, so neither the
answers nor their timing tell who has an account. After `FREE_FAILURES` failures in a row
each further attempt must wait twice as long as the one before (up to `MAX_WAIT`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from opis.access.policy import ROLES, Viewer
from opis.store.schema import api_tokens, login_failures, settings, users

FREE_FAILURES = 3  # failed logins in a row before attempts are slowed down
MAX_WAIT = 300  # seconds
MIN_PASSWORD = 8
TOKEN_PREFIX = "opis_"
_hasher = PasswordHasher()
# verified against when the name is unknown, so that answer costs what a wrong password does
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


class LoginThrottled(Exception):
    """Too many failed logins for this name: try again in `wait` seconds."""

    def __init__(self, wait: int):
        super().__init__(f"too many failed logins; try again in {wait} seconds")
        self.wait = wait


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.name, self.role)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)  # SQLite hands back naive times


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        raise AccountError("a user name is 1 to 100 printable characters without spaces")
    return name


def create_user(store: Any, name: str, role: str, password: str) -> User:
    name = check_name(name)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    try:
        with store.engine.begin() as conn:
            uid = conn.execute(insert(users).values(name=name, role=role, password_hash=_hasher.hash(password),
                                                    created_at=_now()).returning(users.c.id)).scalar_one()
    except IntegrityError:
        raise AccountError(f"there is already a user called {name}") from None
    return User(uid, name, role)


def set_password(store: Any, name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    with store.engine.begin() as conn:
        n = conn.execute(update(users).where(users.c.name == name)
                         .values(password_hash=_hasher.hash(password))).rowcount
    if not n:
        raise AccountError(f"there is no user called {name}")


def set_role(store: Any, name: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with store.engine.begin() as conn:
        if not conn.execute(update(users).where(users.c.name == name).values(role=role)).rowcount:
            raise AccountError(f"there is no user called {name}")


def disable_user(store: Any, name: str) -> None:
    """Accounts are disabled, never deleted: the history names them."""
    with store.engine.begin() as conn:
        if not conn.execute(update(users).where(users.c.name == name).values(disabled_at=_now())).rowcount:
            raise AccountError(f"there is no user called {name}")


def list_users(store: Any) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(users.c.name, users.c.role, users.c.created_at, users.c.disabled_at)
                            .order_by(users.c.name)).mappings().all()
    return [dict(r) for r in rows]


def get_user(store: Any, user_id: int) -> User | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(users.c.id, users.c.name, users.c.role)
                           .where(users.c.id == user_id, users.c.disabled_at.is_(None))).first()
    return User(row.id, row.name, row.role) if row else None


def _failure_key(name: str) -> str:
    return hashlib.sha256(name.strip().casefold().encode()).hexdigest()


def wait_needed(failures: int) -> int:
    """Seconds to wait after this many failed logins in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_WAIT, 2 ** (failures - FREE_FAILURES))


def authenticate(store: Any, name: str, password: str, now: datetime | None = None) -> User | None:
    """The user if name and password match; None otherwise (the same for an unknown
    name); LoginThrottled while the name must wait after failures."""
    now = now or _now()
    key = _failure_key(name or "")
    with store.engine.connect() as conn:
        fail = conn.execute(select(login_failures).where(login_failures.c.key == key)).mappings().first()
        # a name no account can have (PostgreSQL refuses NUL in text) is simply unknown
        row = None if "\x00" in (name or "") else conn.execute(
            select(users).where(users.c.name == (name or "").strip(),
                                users.c.disabled_at.is_(None))).mappings().first()
    if fail is not None:
        wait = wait_needed(fail["count"]) - int((now - _aware(fail["last_at"])).total_seconds())
        if wait > 0:
            raise LoginThrottled(wait)
    ok = False
    try:
        ok = _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password or "") and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    with store.engine.begin() as conn:
        if ok:
            conn.execute(delete(login_failures).where(login_failures.c.key == key))
            if _hasher.check_needs_rehash(row["password_hash"]):
                conn.execute(update(users).where(users.c.id == row["id"])
                             .values(password_hash=_hasher.hash(password)))
            return User(row["id"], row["name"], row["role"])
        if fail is None:
            try:
                conn.execute(insert(login_failures).values(key=key, count=1, last_at=now))
            except IntegrityError:  # another attempt at the same moment
                pass
        else:
            conn.execute(update(login_failures).where(login_failures.c.key == key)
                         .values(count=login_failures.c.count + 1, last_at=now))
    return None


# --- API tokens -------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(store: Any, name: str, label: str | None = None) -> str:
    """A new API token for a user, shown once: only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.engine.begin() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        if uid is None:
            raise AccountError(f"there is no user called {name}")
        conn.execute(insert(api_tokens).values(user_id=uid, token_hash=_token_hash(token), label=label,
                                               created_at=_now()))
    return token


def revoke_tokens(store: Any, name: str) -> int:
    with store.engine.begin() as conn:
        uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        if uid is None:
            raise AccountError(f"there is no user called {name}")
        return conn.execute(update(api_tokens).where(api_tokens.c.user_id == uid, api_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=_now())).rowcount


def user_for_token(store: Any, token: str) -> User | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(
            select(users.c.id, users.c.name, users.c.role)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.token_hash == _token_hash(token), api_tokens.c.revoked_at.is_(None),
                   users.c.disabled_at.is_(None))
        ).first()
    return User(row.id, row.name, row.role) if row else None


# --- the key that signs session cookies -------------------------------------------------

def session_secret(store: Any) -> str:
    """The archive's cookie-signing key: OPIS_SECRET if set, else one made at random on
    first use and kept in the database (so every server process on it agrees)."""
    import os

    if os.environ.get("OPIS_SECRET"):
        return os.environ["OPIS_SECRET"]
    with store.engine.connect() as conn:
        value = conn.execute(select(settings.c.value).where(settings.c.key == "session_secret")).scalar()
    if value:
        return value
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(settings).values(key="session_secret", value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another process made it first
    with store.engine.connect() as conn:
        return conn.execute(select(settings.c.value).where(settings.c.key == "session_secret")).scalar_one()
