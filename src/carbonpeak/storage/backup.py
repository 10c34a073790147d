"""Backup, restore and export: every table as JSON in a ZIP, with a manifest and sha256 per table.

``backup`` writes ``manifest.json`` and ``data/<table>.json``; ``export`` adds ``csv/<table>.csv``
for people and spreadsheets (described here as tables, written by the writer the adapter passes:
``carbonpeak.reports``, UTF-8 with BOM). ``restore`` reads either, checks the hashes, migrates the
target to the backup's schema revision and replaces every table's rows in one transaction. Tables
are read by reflection, so tables of every capability are included. Datetimes are stored as ISO 8601 in UTC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, DateTime, Engine, MetaData, Table, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from carbonpeak import tables
from carbonpeak.storage.engine import is_sqlite, make_engine, reader
from carbonpeak.storage.migrate import current, upgrade
from carbonpeak.storage.tables import AuditRow

FORMAT = "carbonpeak-backup"
FORMAT_VERSION = 1
SKIP = {"alembic_version"}
log = logging.getLogger(__name__)


class BackupError(ValueError):
    """A backup file that cannot be restored (wrong format, damaged, newer schema)."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _tables(bind: Engine | Connection) -> list[Table]:
    meta = MetaData()
    meta.reflect(bind)
    return [t for t in meta.sorted_tables if t.name not in SKIP]


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction that sees the whole database at one point in time.

    PostgreSQL: REPEATABLE READ, READ ONLY, DEFERRABLE, so every statement reads the same snapshot
    (a report's lines never without their report, a record never without its audit row) and
    writers are not blocked. SQLite: a DEFERRED transaction of ``reader(engine)``; in WAL mode it
    reads one snapshot and neither takes nor waits for the write lock, so writers go on."""
    if is_sqlite(str(engine.url)):
        with reader(engine).connect() as conn, conn.begin():
            yield conn
        return
    options = {
        "isolation_level": "REPEATABLE READ",
        "postgresql_readonly": True,
        "postgresql_deferrable": True,
    }
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _read(conn: Connection) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]], str | None]:
    out: dict[str, list[dict[str, Any]]] = {}
    columns: dict[str, list[str]] = {}
    # the first statement fixes the snapshot: the schema revision, then every table, all in it
    revision = MigrationContext.configure(conn).get_current_revision()
    for table in _tables(conn):
        order = list(table.primary_key.columns) or list(table.columns)
        rows = conn.execute(select(table).order_by(*order)).mappings().all()
        out[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
        columns[table.name] = [c.name for c in table.columns]
    return out, columns, revision


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as JSON-ready dicts, ordered by primary key, from one snapshot."""
    with snapshot(engine) as conn:
        return _read(conn)[0]


def _json_bytes(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8")


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def csv_table(name: str, rows: list[dict[str, Any]], columns: list[str]) -> tables.Table:
    """One table of an export as a table description: the database's column names as headers,
    JSON text for JSON columns (the CSV is written by ``carbonpeak.reports``)."""
    cols = tuple(tables.Column(c, c) for c in columns)
    body = tuple(tuple(_cell(r[c]) for c in columns) for r in rows)
    return tables.Table(name, cols, body)


def write_archive(
    url: str, path: Path, *, csv_writer: Callable[[tables.Table], bytes] | None = None
) -> dict[str, Any]:
    """Write a backup of the database at ``url`` to ``path``; with ``csv_writer`` (the adapter passes
    ``carbonpeak.reports.csv_bytes``) an export, with a CSV of every table."""
    engine = make_engine(url)
    try:
        with snapshot(engine) as conn:
            data, columns, revision = _read(conn)
    finally:
        engine.dispose()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "tables": {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in data.items():
            payload = _json_bytes(rows)
            archive.writestr(f"data/{name}.json", payload)
            manifest["tables"][name] = {
                "rows": len(rows),
                "sha256": hashlib.sha256(payload).hexdigest(),
                "columns": columns[name],
            }
            if csv_writer is not None:
                archive.writestr(f"csv/{name}.csv", csv_writer(csv_table(name, rows, columns[name])))
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def read_archive(path: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The manifest and rows of a backup or export, after checking format and hashes."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(f"{path}: not a {FORMAT} v{FORMAT_VERSION} archive")
            data = {}
            for name, info in manifest["tables"].items():
                payload = archive.read(f"data/{name}.json")
                if hashlib.sha256(payload).hexdigest() != info["sha256"]:
                    raise BackupError(
                        f"{path}: data/{name}.json is damaged (sha256 differs from the manifest)"
                    )
                data[name] = json.loads(payload)
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise BackupError(f"{path}: cannot read the archive: {exc}") from exc
    return manifest, data


def restore_archive(
    url: str,
    path: Path,
    *,
    who: str = "carbonpeak db restore",
    partial: Sequence[str] | None = None,
) -> dict[str, int]:
    """Replace the contents of the database at ``url`` by the archive's, in one transaction with an
    audit row (``db.restore``); returns rows per table.

    An archive must hold every table of the database: one that lacks some is refused (the missing
    ones named) unless ``partial`` names the tables to restore, which are then the only ones
    replaced. A row that breaks a constraint is named (table, row number, id) and nothing changes."""
    manifest, data = read_archive(path)
    revision = manifest.get("schema_revision")
    if revision:
        try:
            upgrade(url, revision)
        except Exception as exc:
            raise BackupError(
                f"{path}: cannot bring the database to schema revision {revision}: {exc}"
            ) from exc
        if current(url) != revision:
            raise BackupError(
                f"{path}: the backup is at schema revision {revision}, the database at {current(url)}; "
                "restore into an empty database or one at the same revision"
            )
    engine = make_engine(url)
    counts: dict[str, int] = {}
    try:
        tables = {t.name: t for t in _tables(engine)}
        unknown = sorted(set(data) - set(tables))
        if unknown:
            raise BackupError(f"{path}: tables not in the database: {', '.join(unknown)}")
        chosen = _chosen(path, tables, data, partial)
        with engine.begin() as conn:
            for table in reversed(chosen):
                conn.execute(delete(table))
            for table in chosen:
                counts[table.name] = _insert(conn, path, table, data[table.name])
            if not is_sqlite(url):
                for table in chosen:
                    _reset_sequence(conn, table)
            conn.execute(
                insert(AuditRow),
                {
                    "who": who,
                    "source": str(path),
                    "action": "db.restore",
                    "table_name": "database",
                    "row_id": 0,
                    "before": None,
                    "after": {
                        "file": path.name,
                        "schema_revision": revision,
                        "backup_created_at": manifest.get("created_at"),
                        "partial": partial is not None,
                        "rows": counts,
                    },
                },
            )
    finally:
        engine.dispose()
    log.info("%s restored %d rows into %d tables from %s", who, sum(counts.values()), len(counts), path)
    return counts


def _chosen(
    path: Path,
    tables: dict[str, Table],
    data: dict[str, list[dict[str, Any]]],
    partial: Sequence[str] | None,
) -> list[Table]:
    """The tables to replace, in dependency order (parents first)."""
    if partial is None:
        missing = [name for name in tables if name not in data]
        if missing:
            raise BackupError(
                f"{path}: the archive lacks the tables {', '.join(missing)}; restoring it would empty "
                "them. Restore from a complete backup, or name the tables to restore with --partial"
            )
        return list(tables.values())
    wanted = set(partial)
    unknown = sorted(wanted - set(tables))
    absent = sorted((wanted & set(tables)) - set(data))
    if unknown or absent or not wanted:
        problems = [f"not tables of the database: {', '.join(unknown)}"] if unknown else []
        problems += [f"not in the archive: {', '.join(absent)}"] if absent else []
        problems += ["no table named"] if not wanted else []
        raise BackupError(f"{path}: --partial {'; '.join(problems)}")
    return [t for name, t in tables.items() if name in wanted]


def _insert(conn: Connection, path: Path, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows``; a row that breaks a constraint is found and named, and the restore stops."""
    parsed = [_parse(table, row) for row in rows]
    if not parsed:
        return 0
    try:
        with conn.begin_nested():
            conn.execute(insert(table), parsed)
        return len(parsed)
    except IntegrityError:
        pass
    for number, row in enumerate(parsed, start=1):
        try:
            with conn.begin_nested():
                conn.execute(insert(table), row)
        except IntegrityError as exc:
            key = ", ".join(f"{c.name}={row.get(c.name)!r}" for c in table.primary_key.columns)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise BackupError(
                f"{path}: table {table.name}, row {number} ({key}) breaks a constraint: {reason}; "
                "nothing was restored"
            ) from exc
    raise BackupError(
        f"{path}: table {table.name}: the rows break a constraint together; nothing was restored"
    )


def _parse(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if isinstance(column.type, DateTime) and isinstance(value, str):
            out[column.name] = dt.datetime.fromisoformat(value)
    return out


def _reset_sequence(conn: Any, table: Table) -> None:
    for column in table.primary_key.columns:
        if column.autoincrement is False or not isinstance(column.type.python_type, type):
            continue
        try:
            if column.type.python_type is not int:
                continue
        except NotImplementedError:
            continue
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
        ).scalar()
        if seq:
            top = conn.execute(select(func.max(column))).scalar()
            conn.execute(
                text("SELECT setval(:s, :v, :called)"), {"s": seq, "v": top or 1, "called": top is not None}
            )
