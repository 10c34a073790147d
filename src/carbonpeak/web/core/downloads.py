"""Every table as XLSX or CSV: headers in Chinese, lists joined with 、, a title row naming the plan."""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Literal
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from carbonpeak.web.plan.views import TABLES


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def cells(columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows as spreadsheet cells, in the order of ``columns`` (key, header)."""
    return [[_cell(row.get(key)) for key, _ in columns] for row in rows]


def csv_bytes(header: list[str], rows: list[list[Any]], title: str | None = None) -> bytes:
    """UTF-8 with BOM, so that Excel on a Chinese Windows desktop opens it with the right encoding;
    with ``title``, a first line ``# title`` names the data."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if title is not None:
        writer.writerow([f"# {title}"])
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[Any]], title: str, sheet_title: str) -> bytes:
    """One sheet: a bold title row, bold headers, the panes frozen under them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]  # Excel's limit
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CSV_MEDIA = "text/csv; charset=utf-8"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    fmt: Literal["csv", "xlsx"],
    header: list[str],
    rows: list[list[Any]],
    *,
    title: str,
    sheet: str,
    name: str,
    csv_title: bool = True,
) -> Response:
    """One table as a CSV (``# title`` line unless ``csv_title`` is off) or XLSX download named
    ``name.csv`` / ``name.xlsx``."""
    if fmt == "csv":
        content = csv_bytes(header, rows, title=title if csv_title else None)
        return attachment(content, CSV_MEDIA, f"{name}.csv")
    return attachment(xlsx_bytes(header, rows, title, sheet), XLSX_MEDIA, f"{name}.xlsx")


def to_csv(table: str, rows: list[dict[str, Any]]) -> bytes:
    columns = TABLES[table][1]
    return csv_bytes([header for _, header in columns], cells(columns, rows))


def to_xlsx(table: str, rows: list[dict[str, Any]], title: str) -> bytes:
    sheet_title, columns = TABLES[table]
    return xlsx_bytes([header for _, header in columns], cells(columns, rows), title, sheet_title)
