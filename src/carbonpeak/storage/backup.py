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
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, Table, delete, func, insert, select, text

from carbonpeak import tables
from carbonpeak.storage.engine import is_sqlite, make_engine
from carbonpeak.storage.migrate import current, upgrade

FORMAT = "carbonpeak-backup"
FORMAT_VERSION = 1
SKIP = {"alembic_version"}


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


def _tables(engine: Engine) -> list[Table]:
    meta = MetaData()
    meta.reflect(engine)
    return [t for t in meta.sorted_tables if t.name not in SKIP]


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as JSON-ready dicts, ordered by primary key."""
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in _tables(engine):
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).mappings().all()
            out[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


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
        data = dump(engine)
        columns = {t.name: [c.name for c in t.columns] for t in _tables(engine)}
    finally:
        engine.dispose()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": current(url),
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


def restore_archive(url: str, path: Path) -> dict[str, int]:
    """Replace the contents of the database at ``url`` by the archive's; returns rows per table."""
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
        with engine.begin() as conn:
            for table in reversed(list(tables.values())):
                conn.execute(delete(table))
            for name, table in tables.items():
                rows = [_parse(table, row) for row in data.get(name, [])]
                if rows:
                    conn.execute(insert(table), rows)
                counts[name] = len(rows)
            if not is_sqlite(url):
                for table in tables.values():
                    _reset_sequence(conn, table)
    finally:
        engine.dispose()
    return counts


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
