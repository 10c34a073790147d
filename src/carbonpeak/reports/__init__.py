"""The one writer of every table the product writes (and, as it grows, of its documents).

Give it a ``carbonpeak.tables.Table`` (or a ``Book`` of several) and get the bytes of a CSV or an
XLSX file: the CLI's ``--format csv|xlsx`` and ``-o``, every web download, the templates, the
inventory workbook, the CSVs of a database export all come from here, so one table gives one file
whatever path produced it (docs/decisions/0006-one-table-writer.md). Domain packages and storage
never import this package; they describe their tables and the adapters (web, cli) call the writer.
"""

from __future__ import annotations

from pathlib import Path

from carbonpeak.errors import InvalidInputError, Lang
from carbonpeak.reports.csv import table_bytes as csv_bytes
from carbonpeak.reports.xlsx import workbook_bytes as xlsx_bytes
from carbonpeak.tables import Book, Table

CSV_MEDIA = "text/csv; charset=utf-8"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def file_bytes(content: Book | Table, fmt: str, lang: Lang = "zh-CN") -> bytes:
    """``content`` as ``fmt`` (csv or xlsx). A CSV holds one table: a book of several is refused."""
    if fmt == "xlsx":
        return xlsx_bytes(content, lang)
    if fmt != "csv":
        raise InvalidInputError(
            f"format {fmt!r}: expected csv or xlsx", message_en=f"format {fmt!r}: expected csv or xlsx"
        )
    if isinstance(content, Book):
        if len(content.tables) != 1:
            names = "、".join(t.sheet_name(lang) for t in content.tables)
            raise InvalidInputError(
                f"CSV 文件只能容纳一张表，这里有 {len(content.tables)} 张（{names}）："
                "请选择其中一张或写成 .xlsx",
                message_en=f"a CSV file holds one table, this has {len(content.tables)}: choose one or "
                "write .xlsx",
            )
        content = content.tables[0]
    return csv_bytes(content, lang)


def format_of(path: Path) -> str:
    """csv or xlsx, from a file name's suffix; anything else is refused with the name."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InvalidInputError(
            f"{path}：文件扩展名应为 .csv 或 .xlsx",
            message_en=f"{path}: the file name should end in .csv or .xlsx",
        )
    return suffix


def write_file(content: Book | Table, path: Path, fmt: str | None = None, lang: Lang = "zh-CN") -> Path:
    """Write ``content`` to ``path`` as ``fmt`` (default: from the suffix); returns the path."""
    data = file_bytes(content, fmt or format_of(path), lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


__all__ = [
    "CSV_MEDIA",
    "FORMATS",
    "XLSX_MEDIA",
    "Book",
    "Table",
    "csv_bytes",
    "file_bytes",
    "format_of",
    "write_file",
    "xlsx_bytes",
]
