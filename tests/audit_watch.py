"""Every committed change of data carries its audit row in the same transaction (issue 13).

``AuditWatch`` listens to every engine (SQLAlchemy's Engine class events) and records, per
connection, the tables each transaction wrote (INSERT, UPDATE, DELETE). At the commit, a transaction
that wrote a data table but no ``audit_log`` row is a violation. The tests' conftest runs one watch
around every test (a test that commits such a change fails), and tests/storage/test_audit_walk.py
drives every mutating service method under one. A migration's transaction (it writes
``alembic_version``) is the schema's history, not a change of data. ``NOT_DATA`` names the tables
that are not data, with the reason they carry no audit row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

NOT_DATA = {
    "audit_log": "the audit log itself",
    "alembic_version": "the schema revision (migrations are the history of the schema)",
    "web_sessions": "server-side sign-in sessions (sign-in and sign-out are audited by the sign-in service)",
    "login_attempts": "the failed-login counter behind the login limits (each failure is audited)",
}
# (table, the only columns written) that are bookkeeping, not a change of the row's data
BOOKKEEPING = {("users", frozenset({"last_login_at"}))}

_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
_SET = re.compile(r"\bSET\s+(.*?)\s+WHERE\b", re.I | re.S)


def written_table(statement: str) -> str | None:
    """The table an INSERT/UPDATE/DELETE statement writes, or None for anything else."""
    match = _WRITE.match(statement)
    if match is None:
        return None
    table = match.group(1)
    if statement.lstrip()[:6].upper() == "UPDATE":
        sets = _SET.search(statement)
        if sets:
            columns = frozenset(c.split("=")[0].strip().strip('"') for c in sets.group(1).split(","))
            if (table, columns) in BOOKKEEPING:
                return None
    return table


_SETUP = [0]  # > 0 while a test sets up old data by hand (``setup_writes``)


@contextmanager
def setup_writes() -> Iterator[None]:
    """A test's own raw SQL that builds the state to test (e.g. a row as an old version stored it):
    not a change the product makes, so not watched."""
    _SETUP[0] += 1
    try:
        yield
    finally:
        _SETUP[0] -= 1


@dataclass
class AuditWatch:
    """The violations seen while the watch was on: (tables written, statements) per transaction."""

    violations: list[tuple[set[str], list[str]]] = field(default_factory=list)
    commits: list[set[str]] = field(default_factory=list)
    _open: dict[int, tuple[set[str], list[str]]] = field(default_factory=dict)

    def _before(self, conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        table = None if _SETUP[0] else written_table(statement)
        if table is not None:
            tables, statements = self._open.setdefault(id(conn), (set(), []))
            tables.add(table)
            statements.append(statement.strip().split("\n")[0][:160])

    def _commit(self, conn: Connection) -> None:
        tables, statements = self._open.pop(id(conn), (set(), []))
        data = set() if "alembic_version" in tables else tables - set(NOT_DATA)
        if data:
            self.commits.append(tables)
        if data and "audit_log" not in tables:
            self.violations.append((data, statements))

    def _rollback(self, conn: Connection) -> None:
        self._open.pop(id(conn), None)

    def describe(self) -> str:
        return "\n".join(
            f"- wrote {', '.join(sorted(tables))} without an audit_log row: {'; '.join(stmts[:3])}"
            for tables, stmts in self.violations
        )


@contextmanager
def audit_watch() -> Iterator[AuditWatch]:
    """Watch every engine's transactions while the block runs."""
    watch = AuditWatch()
    hooks = (
        ("before_cursor_execute", watch._before),
        ("commit", watch._commit),
        ("rollback", watch._rollback),
    )
    for name, hook in hooks:
        event.listen(Engine, name, hook)
    try:
        yield watch
    finally:
        for name, hook in hooks:
            event.remove(Engine, name, hook)
