"""Signing in: argon2id password hashes, API tokens, the login rate limit, and the account behind a
session or an API token. The web app calls these for every request that carries credentials; the
database keeps only hashes (docs/web.md, "Security measures").

Log lines name the user and the client address, never a password, a token or a cookie.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine

from carbonpeak.storage.accounts import User as User  # the account type the adapters name
from carbonpeak.storage.accounts import (
    add_failed_login,
    audit,
    clear_failed_logins,
    failed_login_times,
    find_user,
    find_user_by_token,
    get_user,
    record_login,
)

log = logging.getLogger(__name__)

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
_HASHER = PasswordHasher()
# A hash to verify against when the user does not exist, so both paths take the same time.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10
# A session holds the end of the user's password hash: changing the password ends its sessions.
FINGERPRINT_LENGTH = 16


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing user is verified against a dummy hash (timing)."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    return secrets.token_urlsafe(12)


def new_api_token() -> str:
    return "cp_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """API tokens are 256-bit random, so a plain SHA-256 is a sound way to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def fingerprint(user: User) -> str:
    """What a session keeps of the user's password hash (see ``session_user``)."""
    return user.password_hash[-FINGERPRINT_LENGTH:]


class LoginRateLimiter:
    """Failed logins per (client IP, user name) in a sliding window, kept in the database
    (table ``login_attempts``), so that every server process (uvicorn worker) counts the same
    attempts and a restart forgets nothing.

    After ``max_attempts`` failures within ``window`` seconds, further attempts for that pair are
    refused (HTTP 429) until the oldest failure leaves the window, even with the right password.
    A successful login clears the pair. Times are seconds since the epoch (``clock``), comparable
    between processes.
    """

    def __init__(
        self, engine: Engine, max_attempts: int, window: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.max_attempts = max_attempts
        self.window = window
        self._clock = clock

    def check(self, ip: str, username: str) -> tuple[int | None, int]:
        """(seconds to wait when the pair is blocked else None, failures within the window)."""
        now = self._clock()
        times = failed_login_times(self.engine, ip, username.lower(), now - self.window)
        if len(times) < self.max_attempts:
            return None, len(times)
        oldest = times[-self.max_attempts]
        return max(1, int(self.window - (now - oldest)) + 1), len(times)

    def retry_after(self, ip: str, username: str) -> int | None:
        """Seconds to wait when the pair is blocked, else None."""
        return self.check(ip, username)[0]

    def failed(self, ip: str, username: str) -> None:
        now = self._clock()
        add_failed_login(self.engine, ip, username.lower(), now, forget_before=now - self.window)

    def succeeded(self, ip: str, username: str) -> None:
        clear_failed_logins(self.engine, ip, username.lower())


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: ``ok`` with the user, ``failed``, or ``blocked`` by the rate limit
    for ``retry_after`` seconds."""

    outcome: Literal["ok", "failed", "blocked"]
    user: User | None = None
    retry_after: int | None = None


def sign_in(engine: Engine, limiter: LoginRateLimiter, *, ip: str, username: str, password: str) -> SignIn:
    """Check a user name and password under the rate limit; every attempt is audited and logged."""
    source = f"web login from {ip}"
    obj = f"user:{username}"
    wait, failures = limiter.check(ip, username)
    if wait is not None:
        audit(engine, who=username, action="login.blocked", obj=obj, source=source)
        log.warning("sign-in of %r from %s blocked by the rate limit for %d s", username, ip, wait)
        return SignIn("blocked", retry_after=wait)
    user = find_user(engine, username)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        limiter.failed(ip, username)
        audit(engine, who=username, action="login.failure", obj=obj, source=source)
        log.warning("sign-in of %r from %s failed (%d earlier failures)", username, ip, failures)
        return SignIn("failed")
    if failures:  # a success clears the pair (no write when there is nothing to clear)
        limiter.succeeded(ip, username)
    record_login(engine, user.id)
    audit(engine, who=username, action="login.success", obj=obj, after={"role": user.role}, source=source)
    log.info("signed in %r (%s) from %s", username, user.role, ip)
    return SignIn("ok", user)


def sign_out(engine: Engine, username: str, *, ip: str) -> None:
    audit(engine, who=username, action="logout", obj=f"user:{username}", source=f"web from {ip}")
    log.info("signed out %r from %s", username, ip)


def session_user(engine: Engine, user_id: int, session_fingerprint: object) -> User | None:
    """The active user of a session, if the session was made with the user's current password."""
    user = get_user(engine, user_id)
    if user is None or not user.active or session_fingerprint != fingerprint(user):
        return None
    return user


def token_user(engine: Engine, token: str) -> User | None:
    """The active user an API token belongs to, or None."""
    user = find_user_by_token(engine, token_digest(token))
    return user if user is not None and user.active else None


def check_password(engine: Engine, username: str, password: str) -> User | None:
    """The user, if ``password`` is theirs (as a sign-in checks it, without the rate limit)."""
    user = find_user(engine, username)
    return user if verify_password(user.password_hash if user else None, password) and user else None
