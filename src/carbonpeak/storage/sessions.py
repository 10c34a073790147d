"""Server-side web sessions: the cookie holds a random session id, the database its digest, the
user, when it began and when it was last used, and whether it was ended (sign-out).

A session ends at sign-out (``revoke``), after ``idle`` seconds without a request and ``lifetime``
seconds after it began, whatever the cookie says; ``revoke_user`` ends every session of a user.
Times are seconds since the epoch, comparable between server processes."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Engine, Float, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.storage.tables import Base

# A session's last use is written at most this often (seconds): not one write per request.
TOUCH_EVERY = 30.0


class WebSessionRow(Base):
    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    started_at: Mapped[float] = mapped_column(Float)
    last_seen_at: Mapped[float] = mapped_column(Float)
    ended_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(200))


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(engine: Engine, user_id: int, now: float, *, source: str) -> str:
    """A new session of ``user_id``; returns its id (kept only in the signed cookie)."""
    session_id = secrets.token_urlsafe(32)
    with Session(engine) as s, s.begin():
        s.add(
            WebSessionRow(
                id_sha256=_digest(session_id),
                user_id=user_id,
                started_at=now,
                last_seen_at=now,
                source=source[:200],
            )
        )
    return session_id


def live_user(engine: Engine, session_id: str, now: float, *, idle: float, lifetime: float) -> int | None:
    """The user of a session that has not ended, been idle ``idle`` seconds or lasted ``lifetime``;
    marks it used. An expired session is ended on the way (so it cannot come back)."""
    key = _digest(session_id)
    with Session(engine) as s, s.begin():
        row = s.get(WebSessionRow, key)
        if row is None or row.ended_at is not None:
            return None
        if now - row.last_seen_at > idle or now - row.started_at > lifetime:
            row.ended_at = now
            return None
        if now - row.last_seen_at > TOUCH_EVERY:
            row.last_seen_at = now
        return row.user_id


def revoke(engine: Engine, session_id: str, now: float) -> None:
    with Session(engine) as s, s.begin():
        s.execute(
            update(WebSessionRow)
            .where(WebSessionRow.id_sha256 == _digest(session_id), WebSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )


def revoke_user(engine: Engine, user_id: int, now: float, *, keep: str | None = None) -> int:
    """End every open session of ``user_id`` (but ``keep``); the number ended."""
    query = update(WebSessionRow).where(WebSessionRow.user_id == user_id, WebSessionRow.ended_at.is_(None))
    if keep is not None:
        query = query.where(WebSessionRow.id_sha256 != _digest(keep))
    with Session(engine) as s, s.begin():
        return int(s.execute(query.values(ended_at=now)).rowcount)  # type: ignore[attr-defined]


def forget_before(engine: Engine, before: float) -> None:
    """Delete the rows of sessions that began before ``before`` (long expired)."""
    with Session(engine) as s, s.begin():
        s.execute(delete(WebSessionRow).where(WebSessionRow.started_at < before))


def open_sessions(engine: Engine, user_id: int) -> int:
    with Session(engine) as s:
        rows = s.scalars(
            select(WebSessionRow.id_sha256).where(
                WebSessionRow.user_id == user_id, WebSessionRow.ended_at.is_(None)
            )
        )
        return len(list(rows))
