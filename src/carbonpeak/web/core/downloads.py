"""Web downloads: a table (or workbook) from ``carbonpeak.reports`` as a file response. The files
themselves — headers, formats, BOM, title rows — are the writer's; here only the HTTP part."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import quote

from fastapi.responses import Response

from carbonpeak.errors import Lang
from carbonpeak.reports import CSV_MEDIA, XLSX_MEDIA, file_bytes
from carbonpeak.tables import Book, ColumnLike, Table
from carbonpeak.web.plan.views import TABLES

__all__ = ["CSV_MEDIA", "XLSX_MEDIA", "attachment", "plan_table", "records_table", "table_response"]


def attachment(content: bytes, media: str, filename: str) -> Response:
    """A file download; a non-ASCII name goes in ``filename*`` (RFC 6266) with an ASCII fallback."""
    ascii_name = re.sub(r'[^\x20-\x7e]|["\\]', "", filename).strip()
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "download" + ascii_name
    disposition = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        disposition += f"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media, headers={"content-disposition": disposition})


def table_response(
    fmt: Literal["csv", "xlsx"], content: Table | Book, name: str, lang: Lang = "zh-CN"
) -> Response:
    """``content`` written by ``carbonpeak.reports`` as ``name.csv`` or ``name.xlsx``."""
    media = CSV_MEDIA if fmt == "csv" else XLSX_MEDIA
    return attachment(file_bytes(content, fmt, lang), media, f"{name}.{fmt}")


def records_table(
    sheet: str, columns: Sequence[ColumnLike], rows: Sequence[dict[str, Any]], title: str, **options: Any
) -> Table:
    """A table of row dicts under ``columns`` ((key, header) pairs or columns), with its title row."""
    return Table.of(sheet, columns, rows, title=title, **options)


def plan_table(table: str, rows: list[dict[str, Any]], title: str) -> Table:
    """One of the plan's tables of ``/downloads`` (views.TABLES): the XLSX has the title row, the
    CSV none."""
    sheet_title, columns = TABLES[table]
    return records_table(sheet_title, columns, rows, title)
