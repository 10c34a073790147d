"""One output layer for every command that prints data: ``--format table|json|csv``.

Tables are rich tables on a terminal; JSON is UTF-8 (Chinese unescaped) and indented; CSV has a
header row. Commands pass rows as dicts and the columns to show.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output format: table (for people), json or csv (for programs)."),
]

Column = tuple[str, str]  # (key in the row, header shown)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "、".join(_cell(v) for v in value)
    return str(value)


def console() -> Console:
    return Console(soft_wrap=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], stream: Any = None) -> None:
    out = stream or sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _ in columns])
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key, _ in columns])


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    buffer = io.StringIO()
    write_csv(rows, columns, buffer)
    return buffer.getvalue()


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    fmt: Format,
    *,
    title: str | None = None,
    json_data: Any = None,
) -> None:
    """Print rows in the chosen format. ``json_data`` (default: the rows) is what JSON prints."""
    if fmt is Format.json:
        print_json(rows if json_data is None else json_data)
    elif fmt is Format.csv:
        write_csv(rows, columns)
    else:
        table = Table(title=title, show_lines=False, header_style="bold")
        for _, header in columns:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(key)) for key, _ in columns))
        console().print(table)
