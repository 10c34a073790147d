"""Tables as an XLSX workbook: a bold title row where the table has one, a bold frozen header with
units, number formats by the column's kind, widths from the content, dates as date cells, drop-downs
that refuse other values, Chinese sheet names. The same tables always give the same bytes: the
file's times come from the book (or a fixed time), and so do the times inside the ZIP."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from carbonpeak.errors import Lang
from carbonpeak.reports import cells
from carbonpeak.tables import Book, Column, Table

# The time of a book that gives none: fixed, so that a file's bytes depend on its tables alone.
FIXED_STAMP = dt.datetime(2020, 1, 1)
LIST_SHEET: dict[Lang, str] = {"zh-CN": "下拉选项", "en": "lists"}
INLINE_LIMIT = 255  # Excel's limit for a list written into the validation formula
_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WORDS: dict[Lang, dict[str, str]] = {
    "zh-CN": {
        "error_title": "输入无效",
        "choose": "请从下拉列表中选择{}",
        "minimum": "{}须为不小于 {} 的数",
    },
    "en": {
        "error_title": "Invalid entry",
        "choose": "Choose {} from the drop-down list",
        "minimum": "{} must be a number of at least {}",
    },
}


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: Excel's forbidden characters \\ / ? * [ ] : become -, at most 31
    characters, no apostrophe at either end; a repeated name gets (2), (3) …"""
    base = _FORBIDDEN.sub("-", name).strip().strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


class _FixedTimeZip(zipfile.ZipFile):
    """A ZIP whose every entry carries the same time (openpyxl stamps each with the clock)."""

    def __init__(self, file: Any, stamp: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._stamp = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        """openpyxl writes each worksheet to a temporary file first: take its bytes, not its mtime."""
        with open(filename, "rb") as handle:
            self.writestr(str(arcname or filename), handle.read())


class _Lists:
    """The hidden sheet that holds the drop-down lists too long for the formula."""

    def __init__(self, workbook: Workbook, lang: Lang, taken: set[str]) -> None:
        self.workbook, self.lang, self.taken = workbook, lang, taken
        self.sheet: Any = None
        self.ranges: dict[tuple[str, ...], str] = {}

    def formula(self, choices: tuple[str, ...]) -> str:
        joined = ",".join(choices)
        if (
            len(joined) <= INLINE_LIMIT
            and not any(c in joined for c in '"')
            and all("," not in choice for choice in choices)
        ):
            return f'"{joined}"'
        if choices not in self.ranges:
            if self.sheet is None:
                self.sheet = self.workbook.create_sheet(sheet_title(LIST_SHEET[self.lang], self.taken))
                self.sheet.sheet_state = "hidden"
            col = len(self.ranges) + 1
            for row, choice in enumerate(choices, start=1):
                _put_text(self.sheet.cell(row, col), choice)
            letter = get_column_letter(col)
            self.ranges[choices] = (
                f"{quote_sheetname(self.sheet.title)}!${letter}$1:${letter}${max(len(choices), 1)}"
            )
        return self.ranges[choices]


def _put_text(cell: Any, value: str) -> None:
    cell.value = cells.text(value)
    cell.data_type = "s"  # text, never a formula, whatever the text begins with


def _put(cell: Any, value: cells.Plain, fmt: str | None, auto: bool) -> None:
    if value is None:
        return
    if isinstance(value, str):
        _put_text(cell, value)
        return
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = cells.date_format(value)
    elif fmt is not None and not (auto and isinstance(value, int) and "." in fmt):
        cell.number_format = fmt  # (a whole number in an auto column of fractions stays plain)


def _validations(ws: Any, table: Table, first: int, last: int, lists: _Lists, lang: Lang) -> None:
    words = _WORDS[lang]
    for index, col in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        where = f"{letter}{first}:{letter}{last}"
        if col.choices:
            dv = DataValidation(
                type="list", formula1=lists.formula(col.choices), allow_blank=True, showErrorMessage=True
            )
            dv.errorTitle = words["error_title"]
            dv.error = words["choose"].format(
                f"“{col.heading(lang)}”" if lang == "zh-CN" else col.heading(lang)
            )
            ws.add_data_validation(dv)
            dv.add(where)
        if col.minimum is not None:
            dv = DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1=f"{col.minimum:g}",
                allow_blank=True,
                showErrorMessage=True,
            )
            dv.errorTitle = words["error_title"]
            dv.error = words["minimum"].format(col.heading(lang), f"{col.minimum:g}")
            ws.add_data_validation(dv)
            dv.add(where)


def _sheet(workbook: Workbook, table: Table, lang: Lang, taken: set[str], lists: _Lists) -> None:
    ws = workbook.create_sheet(sheet_title(table.sheet_name(lang), taken))
    columns: tuple[Column, ...] = table.columns
    body = [[cells.plain(v, c, lang) for v, c in zip(row, columns, strict=False)] for row in table.rows]
    row = 1
    title = table.heading(lang)
    if title:
        _put_text(ws.cell(row, 1), title)
        ws.cell(row, 1).font = Font(bold=True, size=12)
        row += 1
    headings = [c.heading(lang) for c in columns] if table.header else ["" for _ in columns]
    if table.header:
        for index, heading in enumerate(headings, start=1):
            cell = ws.cell(row, index)
            _put_text(cell, heading)
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=False)
        ws.freeze_panes = f"A{row + 1}"
        row += 1
    first = row
    formats = []
    for index, col in enumerate(columns):
        values = [r[index] if index < len(r) else None for r in body]
        fmt = cells.number_format(col, values)
        formats.append(fmt)
        ws.column_dimensions[get_column_letter(index + 1)].width = cells.column_width(
            col, headings[index], values, fmt
        )
    for values in body:
        for index, value in enumerate(values):
            _put(ws.cell(row, index + 1), value, formats[index], columns[index].kind == "auto")
        row += 1
    last = row - 1 + table.input_rows
    if last >= first:
        _validations(ws, table, first, last, lists, lang)
    if table.hidden:
        ws.sheet_state = "hidden"


def workbook_bytes(book: Book | Table, lang: Lang = "zh-CN") -> bytes:
    """The XLSX file of ``book`` (or of one table) in ``lang``."""
    if isinstance(book, Table):
        book = Book((book,), title=book.heading(lang))
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    lists = _Lists(workbook, lang, taken)
    for table in book.tables:
        _sheet(workbook, table, lang, taken, lists)
    if lists.sheet is not None:  # the hidden lists go last
        workbook.move_sheet(lists.sheet, len(workbook.sheetnames) - 1 - workbook.index(lists.sheet))
    first_visible = next(i for i, ws in enumerate(workbook.worksheets) if ws.sheet_state == "visible")
    workbook.active = first_visible
    stamp = (book.stamp or FIXED_STAMP).replace(tzinfo=None, microsecond=0)
    props = workbook.properties
    props.creator = "carbonpeak"
    props.lastModifiedBy = "carbonpeak"
    props.title = book.title
    props.language = lang
    props.created = stamp
    props.modified = stamp
    out = io.BytesIO()
    archive = _FixedTimeZip(out, stamp)
    ExcelWriter(workbook, archive).save()
    return out.getvalue()
