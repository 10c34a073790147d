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

from carbonpeak.services.passwords import generate_password, rule
from carbonpeak.storage import sessions
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

MIN_PASSWORD_LENGTH = rule().min_length  # the whole rule: carbonpeak.services.passwords
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
    """A random password that the password rule accepts (demo accounts, office resets)."""
    return generate_password()


def new_api_token() -> str:
    return "cp_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """API tokens are 256-bit random, so a plain SHA-256 is a sound way to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def fingerprint(user: User) -> str:
    """What a session keeps of the user's password hash (see ``session_user``)."""
    return user.password_hash[-FINGERPRINT_LENGTH:]


class LoginRateLimiter:
    """Failed logins kept in the database (table ``login_attempts``), so that every server process
    (uvicorn worker) counts the same attempts and a restart forgets nothing. Three limits:

    - per (client IP, user name): ``max_attempts`` failures within ``window`` seconds;
    - per source (client IP, any user name): ``source_attempts`` within ``window`` (password
      spraying: many names, one try each);
    - per account (user name, from any source): ``lockout_attempts`` failures within
      ``lockout_seconds`` lock the name for ``lockout_seconds`` from the failure that reached the
      count. A name that does not exist is locked the same way: the answer never tells.

    A blocked attempt is refused (HTTP 429) even with the right password. A success clears the
    pair. Times are seconds since the epoch (``clock``), comparable between processes.
    """

    def __init__(
        self,
        engine: Engine,
        max_attempts: int,
        window: float,
        clock: Callable[[], float] = time.time,
        *,
        source_attempts: int | None = None,
        lockout_attempts: int | None = None,
        lockout_seconds: float | None = None,
    ) -> None:
        self.engine = engine
        self.max_attempts = max_attempts
        self.window = window
        self.source_attempts = source_attempts
        self.lockout_attempts = lockout_attempts
        self.lockout_seconds = lockout_seconds or window
        self._clock = clock

    def _wait(self, times: list[float], limit: int | None, period: float, now: float) -> int | None:
        if limit is None or len(times) < limit:
            return None
        return max(1, int(period - (now - times[-limit])) + 1)

    def check(self, ip: str, username: str) -> tuple[int | None, int]:
        """(seconds to wait when blocked by any limit else None, failures of the pair in the window)."""
        return self.blocked(ip, username)[1:]

    def blocked(self, ip: str, username: str) -> tuple[str | None, int | None, int]:
        """(which limit blocks: pair, source or account, else None; seconds to wait; failures of
        the pair within the window)."""
        now, name = self._clock(), username.lower()
        pair = failed_login_times(self.engine, ip, name, now - self.window)
        found: list[tuple[int, str]] = []
        if (wait := self._wait(pair, self.max_attempts, self.window, now)) is not None:
            found.append((wait, "pair"))
        if self.source_attempts is not None:
            source = failed_login_times(self.engine, ip, None, now - self.window)
            if (wait := self._wait(source, self.source_attempts, self.window, now)) is not None:
                found.append((wait, "source"))
        if self.lockout_attempts is not None:
            account = failed_login_times(self.engine, None, name, now - self.lockout_seconds)
            if (wait := self._wait(account, self.lockout_attempts, self.lockout_seconds, now)) is not None:
                found.append((wait, "account"))
        if not found:
            return None, None, len(pair)
        wait, reason = max(found)
        return reason, wait, len(pair)

    def retry_after(self, ip: str, username: str) -> int | None:
        """Seconds to wait when blocked, else None."""
        return self.check(ip, username)[0]

    def failed(self, ip: str, username: str) -> None:
        now = self._clock()
        keep = max(self.window, self.lockout_seconds)
        add_failed_login(self.engine, ip, username.lower(), now, forget_before=now - keep)

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
    reason, wait, failures = limiter.blocked(ip, username)
    if wait is not None:
        action = "login.locked" if reason == "account" else "login.blocked"
        audit(engine, who=username, action=action, obj=obj, after={"limit": reason}, source=source)
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


def start_session(engine: Engine, user: User, *, ip: str) -> str:
    """A server-side session for a user who has just signed in: its id goes into the signed cookie."""
    return sessions.start(engine, user.id, time.time(), source=f"web login from {ip}")


def sign_out(engine: Engine, username: str, *, ip: str, session_id: object = None) -> None:
    """End the session server-side (a cookie captured before reads nothing after) and audit it."""
    if isinstance(session_id, str):
        sessions.revoke(engine, session_id, time.time())
    audit(engine, who=username, action="logout", obj=f"user:{username}", source=f"web from {ip}")
    log.info("signed out %r from %s", username, ip)


def session_user(
    engine: Engine,
    user_id: int,
    session_fingerprint: object,
    session_id: object,
    *,
    idle: float,
    lifetime: float,
) -> User | None:
    """The active user of a session, if the session is open server-side (not signed out, not idle
    ``idle`` seconds, younger than ``lifetime``) and was made with the user's current password (a
    password change or a disabled account ends every session)."""
    if not isinstance(session_id, str):
        return None
    live = sessions.live_user(engine, session_id, time.time(), idle=idle, lifetime=lifetime)
    if live != user_id:
        return None
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
