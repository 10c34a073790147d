"""Every table as XLSX or CSV: headers in Chinese, lists joined with 、, a title row naming the plan."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from carbonpeak.web.views import TABLES


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def to_csv(table: str, rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM, so that Excel on a Chinese Windows desktop opens it with the right encoding."""
    columns = TABLES[table][1]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _, header in columns])
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key, _ in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: str, rows: list[dict[str, Any]], title: str) -> bytes:
    sheet_title, columns = TABLES[table]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([header for _, header in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(row.get(key)) for key, _ in columns])
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
