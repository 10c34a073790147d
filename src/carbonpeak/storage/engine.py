"""Engine factory: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url

from carbonpeak.errors import UnavailableError


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, say when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


READ_ONLY = "carbonpeak_read_only"


def _sqlite_begin(connection: Any) -> None:
    """One writer at a time: take the write lock when a transaction begins, so that a writer never
    works on a stale snapshot (which SQLite would refuse at commit with 'database is locked').
    A connection of ``reader(engine)`` begins DEFERRED instead: in WAL mode a reader reads its own
    snapshot and neither takes nor waits for the write lock."""
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def reader(engine: Engine) -> Engine:
    """The same engine (same pool, same events) for work that only reads. On SQLite its
    transactions do not take the write lock, so many concurrent page views do not queue behind one
    another or behind a writer; a write through it would be refused at commit if another writer
    got in first, so use it for reads only. On PostgreSQL it changes nothing."""
    return engine.execution_options(**{READ_ONLY: True})


BUSY_MESSAGE = "数据库正忙（其他用户正在保存），本次操作未保存任何内容，请稍后重试。"
BUSY_MESSAGE_EN = (
    "The database is busy (someone else is saving); nothing was saved. Please try again shortly."
)


def _sqlite_busy(context: ExceptionContext) -> None:
    """A write that could not get SQLite's lock within the busy timeout becomes the domain's
    ``UnavailableError`` (the web answers 503 with Retry-After, the CLI exit code 5), never a bare
    OperationalError; SQLAlchemy rolls the transaction back and the connection stays usable."""
    original = context.original_exception
    if isinstance(original, sqlite3.OperationalError) and "locked" in str(original):
        raise UnavailableError(BUSY_MESSAGE, message_en=BUSY_MESSAGE_EN) from original


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; for an SQLite file, its folder is created and WAL mode is set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "handle_error", _sqlite_busy)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)
