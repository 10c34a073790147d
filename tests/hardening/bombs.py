"""Hostile spreadsheets built in the test, as an attacker would: real zip archives (zipfile), real
workbooks (openpyxl) with one part swapped for a bomb."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from carbonpeak.tracking.sheets import INFO_SHEET, REPORT_COLUMNS, REPORT_SHEET

MB = 1024 * 1024


def small_workbook() -> bytes:
    """A valid workbook with a string cell (so it has a sharedStrings part) in the template's shape."""
    book = Workbook()
    info = book.active
    assert info is not None
    info.title = INFO_SHEET
    info.append(["carbonpeak 填报模板", "示例"])
    sheet = book.create_sheet(REPORT_SHEET)
    sheet.append(REPORT_COLUMNS)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _swap(base: bytes, name: str, write: object) -> bytes:
    """``base`` with entry ``name`` replaced by what ``write(handle)`` streams into it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == name:
                continue
            dst.writestr(item, src.read(item.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as handle:
            write(handle)  # type: ignore[operator]
    return out.getvalue()


def shared_strings_bomb(expanded_mb: int = 256) -> bytes:
    """A workbook of a few hundred KB whose shared strings expand to ``expanded_mb`` MB."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    chunk = item * (MB // len(item))

    def write(handle: io.BufferedIOBase) -> None:
        handle.write(head)
        for _ in range(expanded_mb):
            handle.write(chunk)
        handle.write(b"</sst>")

    return _swap(small_workbook(), "xl/sharedStrings.xml", write)


def sheet_xml(rows: int, cells: int = 1, text: str = "x") -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{_col(c)}{r}" t="inlineStr"><is><t>{text}</t></is></c>' for c in range(cells))
        + "</row>"
        for r in range(1, rows + 1)
    )
    return (head + body + "</sheetData></worksheet>").encode()


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def with_sheet(xml: bytes, sheet: int = 2) -> bytes:
    """The small workbook with worksheet ``sheet`` (1-based) replaced by ``xml``."""
    return _swap(small_workbook(), f"xl/worksheets/sheet{sheet}.xml", lambda h: h.write(xml))


def many_entries(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small_workbook())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for i in range(count):
            dst.writestr(f"xl/media/pad{i}.bin", b"")
    return out.getvalue()


def broken_workbook() -> bytes:
    """A zip that is no workbook inside: the worksheet part is not XML."""
    return _swap(
        small_workbook(), "xl/worksheets/sheet1.xml", lambda h: h.write(b"<worksheet><sheetData><row")
    )
