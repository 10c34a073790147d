"""Bounded reading of spreadsheets and CSV files that come from outside (every import reads here).

A small file must not take the server down: an XLSX is a zip archive, and a 1 MB archive can expand
to gigabytes (a zip bomb, or shared strings repeated millions of times). So before openpyxl sees a
workbook, ``check_archive`` looks at the archive's directory (entry count, each entry's and the total
uncompressed size, each entry's compression ratio); then ``read_xlsx`` reads the sheets in openpyxl's
streaming (read-only) mode and stops at the row and column caps; every text cell is held to the cell
length cap, and a text cell holding a control character XML forbids is refused (it could never be
exported). CSV files get the same row, column and cell checks, after ``csv_encoding`` found their
encoding (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030). Over a cap → ``SheetLimitError`` naming
the file, the sheet, the row or column and the cap, raised before anything is stored.

Python's zip reader never returns more than an entry's declared size (a lying header ends in a CRC
error), so checking the declared sizes bounds what openpyxl can decompress.

The caps are ``SheetLimits``; the adapters build them from the settings (``upload_*`` in
docs/settings.md), the defaults below are the settings' defaults.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpeak.errors import CONTROL_CHARACTERS, InvalidInputError, Problem

log = logging.getLogger(__name__)

MB = 1024 * 1024


@dataclass(frozen=True)
class SheetLimits:
    """The caps of one read (see docs/settings.md, ``upload_*``)."""

    max_rows: int = 100_000
    max_columns: int = 200
    max_cell_chars: int = 32_767  # Excel's own limit of a cell's text
    max_entries: int = 1_000
    max_entry_bytes: int = 100 * MB
    max_total_bytes: int = 200 * MB
    max_ratio: float = 200.0


DEFAULT_LIMITS = SheetLimits()


class SheetLimitError(InvalidInputError):
    """A spreadsheet or CSV file over one of the caps, not a readable file, in an unknown encoding
    or with a control character in a cell (nothing stored)."""


def _refuse(file: str, zh: str, en: str, **where: Any) -> SheetLimitError:
    log.info("file %s refused: %s", file, en)
    return SheetLimitError(Problem(zh, message_en=en, file=file, **where))


def check_archive(path: Path, limits: SheetLimits = DEFAULT_LIMITS, name: str | None = None) -> None:
    """Refuse an XLSX whose zip directory promises more than the caps allow (read from the
    directory only: nothing is decompressed)."""
    file = name or path.name
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(file, f"不是可读取的 XLSX 文件 ({exc})", f"not a readable XLSX file ({exc})") from exc
    if len(entries) > limits.max_entries:
        raise _refuse(
            file,
            f"压缩包内文件数 {len(entries)} 超过上限 {limits.max_entries}",
            f"the archive holds {len(entries)} entries, more than the cap of {limits.max_entries}",
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > limits.max_entry_bytes:
            raise _refuse(
                file,
                f"压缩包内 {entry.filename} 解压后 {entry.file_size // MB} MB，"
                f"超过单个文件上限 {limits.max_entry_bytes // MB} MB",
                f"entry {entry.filename} expands to {entry.file_size // MB} MB, more than the cap of "
                f"{limits.max_entry_bytes // MB} MB",
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > MB and ratio > limits.max_ratio:
            raise _refuse(
                file,
                f"压缩包内 {entry.filename} 的压缩比 {ratio:.0f} 超过上限 "
                f"{limits.max_ratio:.0f} (疑似压缩炸弹)",
                f"entry {entry.filename} has a compression ratio of {ratio:.0f}, above the cap of "
                f"{limits.max_ratio:.0f} (a zip bomb?)",
            )
    if total > limits.max_total_bytes:
        raise _refuse(
            file,
            f"解压后共 {total // MB} MB，超过上限 {limits.max_total_bytes // MB} MB",
            f"the archive expands to {total // MB} MB, more than the cap of "
            f"{limits.max_total_bytes // MB} MB",
        )


def _check_cell(value: Any, file: str, sheet: str | None, row: int, col: int, limits: SheetLimits) -> None:
    if not isinstance(value, str):
        return
    if len(value) > limits.max_cell_chars:
        raise _refuse(
            file,
            f"单元格内容 {len(value)} 个字符，超过上限 {limits.max_cell_chars}",
            f"the cell holds {len(value)} characters, more than the cap of {limits.max_cell_chars}",
            sheet=sheet,
            row=row,
            column=_letter(col),
        )
    if found := CONTROL_CHARACTERS.search(value):
        raise _control(file, value, found.start(), sheet=sheet, row=row, column=_letter(col))


def _control(file: str, value: str, at: int, **where: Any) -> SheetLimitError:
    """A cell holding a control character XML forbids (it could never be exported; issue 12)."""
    code = f"U+{ord(value[at]):04X}"
    return _refuse(
        file,
        f"单元格第 {at + 1} 个字符是不可见的控制字符 ({code})，请删除后再导入",
        f"character {at + 1} of the cell is an invisible control character ({code}); remove it and "
        f"import again",
        **where,
    )


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


def _bounded_rows(
    rows: Iterator[tuple[Any, ...]], file: str, sheet: str | None, limits: SheetLimits, csv_file: bool
) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for row_no, row in enumerate(rows, start=1):
        if row_no > limits.max_rows:
            raise _refuse(
                file,
                f"行数超过上限 {limits.max_rows} 行",
                f"more than the cap of {limits.max_rows} rows",
                sheet=sheet,
                row=row_no,
            )
        if len(row) > limits.max_columns and any(v not in (None, "") for v in row[limits.max_columns :]):
            col = limits.max_columns + 1
            raise _refuse(
                file,
                f"列数超过上限 {limits.max_columns} 列",
                f"more than the cap of {limits.max_columns} columns",
                sheet=sheet,
                row=row_no,
                column=_letter(col),
            )
        row = row[: limits.max_columns]
        for col, value in enumerate(row, start=1):
            _check_cell(value, file, sheet, row_no, col, limits)
        out.append(tuple(row))
    return out


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → sheet title, from the workbook and its relationships (best effort: a part
    whose title cannot be found is named by its part name)."""
    from openpyxl.xml.functions import fromstring  # openpyxl's own (defused when it can be)

    try:
        book = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a part missing or not XML: openpyxl says so when it opens the file
        return {}
    targets = {r.get("Id"): str(r.get("Target", "")) for r in rels.iter(f"{_PKG}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[part] = str(sheet.get("name", part))
    return out


def check_rows(
    path: Path, limits: SheetLimits = DEFAULT_LIMITS, name: str | None = None
) -> dict[str, list[str]]:
    """Refuse a workbook with a worksheet of more than ``max_rows`` rows, counted on the raw XML
    (openpyxl parses a whole sheet once when it opens it, even in read-only mode, to find its size:
    this count comes first, at C speed, so a tall sheet never reaches it). Returns the merged
    ranges of each sheet (``A2:A5``), which read-only openpyxl does not show."""
    file = name or path.name
    try:
        with zipfile.ZipFile(path) as archive:
            titles = _sheet_titles(archive)
            parts = [i.filename for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
            scans = {p: _scan(archive, p) for p in parts if p.endswith(".xml")}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(file, f"不是可读取的 XLSX 文件 ({exc})", f"not a readable XLSX file ({exc})") from exc
    for part, (count, _merged) in scans.items():
        if count > limits.max_rows:
            raise _refuse(
                file,
                f"行数超过上限 {limits.max_rows} 行",
                f"more than the cap of {limits.max_rows} rows",
                sheet=titles.get(part, part),
                row=limits.max_rows + 1,
            )
    return {titles.get(part, part): merged for part, (_count, merged) in scans.items()}


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)"')


def _scan(archive: zipfile.ZipFile, part: str) -> tuple[int, list[str]]:
    """The ``<row`` elements of a worksheet part, counted on the decompressed bytes as they stream
    (C speed, nothing kept), and its merged ranges: a sheet over the row cap is refused before
    openpyxl parses a row."""
    count = 0
    tail = b""
    merged: dict[str, None] = {}
    with archive.open(part) as handle:
        while chunk := handle.read(MB):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>")
            merged.update((m.group(1).decode(), None) for m in _MERGE.finditer(data))
            tail = data[-64:]
            count -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next chunk
    return count + tail.count(b"<row ") + tail.count(b"<row>"), list(merged)


def _trim_width(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows cut to the last column that holds a value (as openpyxl pads them to the dimension)."""
    used = max((i + 1 for row in rows for i, v in enumerate(row) if v is not None), default=0)
    return [row[:used] for row in rows]


def read_xlsx(
    path: Path,
    sheets: tuple[str, ...] | None = None,
    limits: SheetLimits = DEFAULT_LIMITS,
    name: str | None = None,
    *,
    first_if_none: bool = False,
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows (tuples of cell values) of the named sheets that the workbook has (``None``: every
    sheet; ``first_if_none``: the first sheet when it has none of them), in sheet order, after
    ``check_archive`` and ``check_rows``; streaming, within the caps."""
    from openpyxl import load_workbook

    file = name or path.name
    check_archive(path, limits, file)
    merged = check_rows(path, limits, file)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise _refuse(file, f"不是可读取的 XLSX 文件 ({exc})", f"not a readable XLSX file ({exc})") from exc
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        wanted = list(wb.sheetnames) if sheets is None else [t for t in wb.sheetnames if t in sheets]
        if not wanted and first_if_none and wb.sheetnames:
            wanted = [wb.sheetnames[0]]
        for title in wanted:
            if merged.get(title):
                ranges = "、".join(merged[title][:10])
                raise _refuse(
                    file,
                    f"工作表含合并单元格 {ranges}：合并后只有第一格有值，其余各行会被读成空白；"
                    "请取消合并，并在每一行填写完整后再导入",
                    f"the sheet has merged cells {', '.join(merged[title][:10])}: only the first cell of a "
                    "merge holds the value, the other rows would read as blank; unmerge them and fill "
                    "every row, then import again",
                    sheet=title,
                )
            ws = wb[title]
            try:
                declared = getattr(ws, "max_column", None)  # from the sheet's dimension, if any
                width = min(declared, limits.max_columns + 1) if declared else limits.max_columns + 1
                rows = ws.iter_rows(max_row=limits.max_rows + 1, max_col=width, values_only=True)
                try:
                    out[title] = _trim_width(_bounded_rows(rows, file, title, limits, csv_file=False))
                finally:
                    rows.close()  # the sheet's part stays open until its reader is closed
            except SheetLimitError:
                raise
            except Exception as exc:  # a broken sheet inside a readable archive
                raise _refuse(
                    file,
                    f"工作表无法读取 ({exc})",
                    f"the sheet cannot be read ({exc})",
                    sheet=title,
                ) from exc
        return out
    finally:
        wb.close()


# The encodings a CSV may come in (Excel's "CSV" on Chinese Windows writes GBK; its "Unicode text"
# UTF-16 with a BOM; everything else UTF-8, with or without BOM). GB18030 is GBK's superset.
CSV_ENCODINGS = ("UTF-8", "UTF-8 (BOM)", "UTF-16 (BOM)", "GBK/GB18030")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def csv_encoding(path: Path, name: str | None = None) -> str:
    """The Python codec of a CSV file: UTF-8 (BOM or not), UTF-16 with its BOM, else GB18030 (which
    reads GBK) when the bytes are valid GB18030; anything else → ``SheetLimitError`` naming the file,
    the byte offset of the first undecodable byte and what to do."""
    file = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(file, f"无法读取文件 ({exc})", f"cannot read the file ({exc})") from exc
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _undecodable(file, codec, exc.start, data=data) from exc
            return codec
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    nul = data.find(b"\x00", 0, 4096)
    if nul >= 0:  # UTF-16 without its BOM (or a binary file)
        raise _refuse(
            file,
            f"文件在第 {nul} 字节处含空字节，疑似无 BOM 的 UTF-16 或非文本文件；"
            f"请另存为“CSV UTF-8（逗号分隔）”",
            f"the file holds a NUL byte at byte {nul}: UTF-16 without its BOM, or not a "
            f'text file; save it as "CSV UTF-8 (Comma delimited)"',
        )
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _undecodable(file, "utf-8", first_bad, exc.start, data) from exc
    log.info("CSV %s read as GB18030 (not UTF-8 at byte %d)", file, first_bad)
    return "gb18030"


def _undecodable(
    file: str, codec: str, offset: int, gbk_offset: int | None = None, data: bytes = b""
) -> SheetLimitError:
    expected = "、".join(CSV_ENCODINGS)
    also = gbk_offset is not None and gbk_offset != offset
    where = f"第 {offset} 字节（从 0 起）" + (f"（按 GBK 读在第 {gbk_offset} 字节）" if also else "")
    where_en = f"byte {offset} (counted from 0)" + (f" (byte {gbk_offset} when read as GBK)" if also else "")
    return _refuse(
        file,
        f"无法识别文件编码：{where}不是有效的 {codec.upper()} 字符；应为 {expected}，"
        f"请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
        f"unknown encoding: {where_en} is not valid {codec.upper()}; expected {', '.join(CSV_ENCODINGS)}; "
        f'save it from Excel as "CSV UTF-8 (Comma delimited)"',
        row=data[:offset].count(b"\n") + 1 if data else None,
    )


def read_csv_rows(
    path: Path, limits: SheetLimits = DEFAULT_LIMITS, name: str | None = None, skip_comments: bool = False
) -> list[tuple[str, ...]]:
    """The rows of a CSV file (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030:
    ``csv_encoding``) within the caps; with ``skip_comments`` the leading lines starting with ``#``
    are left out."""
    file = name or path.name
    encoding = csv_encoding(path, file)
    line = 0
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(_after_comments(handle) if skip_comments else handle)

            def rows() -> Iterator[tuple[str, ...]]:
                nonlocal line
                for row in reader:
                    line = reader.line_num
                    yield tuple(row)

            return _bounded_rows(rows(), file, None, limits, csv_file=True)
    except csv.Error as exc:  # e.g. a field above the csv module's limit (131,072 characters)
        raise _refuse(file, f"CSV 无法读取 ({exc})", f"the CSV cannot be read ({exc})", row=line + 1) from exc


def _after_comments(handle: io.TextIOBase) -> Iterator[str]:
    leading = True
    for line in handle:
        if leading and line.lstrip().startswith("#"):
            continue
        leading = False
        yield line


def check_csv(path: Path, limits: SheetLimits = DEFAULT_LIMITS, name: str | None = None) -> None:
    """Refuse a CSV over the caps before a table reader (pandas) reads it whole."""
    read_csv_rows(path, limits, name)


def check_file(path: Path, limits: SheetLimits = DEFAULT_LIMITS, name: str | None = None) -> None:
    """``check_archive`` for a workbook, ``check_csv`` for anything else."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_archive(path, limits, name)
    else:
        check_csv(path, limits, name)


def _cell_text(value: Any) -> str:
    """A cell as the text pandas' ``read_excel(dtype=str)`` gives it (whole floats without .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_frame(
    path: Path,
    candidates: tuple[str, ...] = (),
    limits: SheetLimits = DEFAULT_LIMITS,
    name: str | None = None,
) -> Any:
    """The first sheet named in ``candidates`` (else the first sheet) as a pandas DataFrame of text,
    the first row the header: ``pd.read_excel(dtype=str, keep_default_na=False)`` within the caps."""
    import pandas as pd

    book = read_xlsx(path, candidates, limits, name, first_if_none=True)
    if not book:
        raise _refuse(name or path.name, "工作簿没有工作表", "the workbook has no sheet")
    chosen = next((n for n in candidates if n in book), next(iter(book)))
    rows = book[chosen]
    texts = [[_cell_text(v) for v in row] for row in rows]
    while texts and not any(texts[-1]):
        texts.pop()
    if not texts:
        return pd.DataFrame()
    width = max(len(r) for r in texts)
    while width and not any(len(r) >= width and r[width - 1] for r in texts):
        width -= 1
    header = [h if h else f"Unnamed: {i}" for i, h in enumerate((texts[0] + [""] * width)[:width])]
    body = [(r + [""] * width)[:width] for r in texts[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)


def check_frame(frame: Any, limits: SheetLimits = DEFAULT_LIMITS, *, file: str, first_row: int = 2) -> None:
    """Hold a DataFrame of text read from a CSV (pandas ``nrows=max_rows + 1``) to the caps: rows,
    columns and each cell's length (vectorized), located by row and column header."""
    if len(frame.columns) > limits.max_columns:
        raise _refuse(
            file,
            f"列数 {len(frame.columns)} 超过上限 {limits.max_columns} 列",
            f"{len(frame.columns)} columns, more than the cap of {limits.max_columns}",
            row=first_row - 1,
        )
    if len(frame) > limits.max_rows:
        raise _refuse(
            file,
            f"行数超过上限 {limits.max_rows} 行",
            f"more than the cap of {limits.max_rows} rows",
            row=first_row + limits.max_rows,
        )
    check_text(frame, file=file, first_row=first_row)
    for column in frame.columns:
        lengths = frame[column].astype(str).str.len()
        if len(lengths) and int(lengths.max()) > limits.max_cell_chars:
            at = int(lengths.to_numpy().argmax())
            raise _refuse(
                file,
                f"单元格内容 {int(lengths.max())} 个字符，超过上限 {limits.max_cell_chars}",
                f"the cell holds {int(lengths.max())} characters, more than the cap of "
                f"{limits.max_cell_chars}",
                row=first_row + at,
                column=str(column),
            )


def check_text(frame: Any, *, file: str, first_row: int = 2) -> None:
    """Refuse a DataFrame of text holding a control character XML forbids (vectorized per column),
    located by row and column header (tab, line feed and carriage return are text)."""
    for column in frame.columns:
        texts = frame[column].astype(str)
        hits = texts.str.contains(CONTROL_CHARACTERS.pattern, regex=True).to_numpy()
        if hits.any():
            at = int(hits.argmax())
            value = str(texts.iloc[at])
            found = CONTROL_CHARACTERS.search(value)
            assert found is not None
            raise _control(file, value, found.start(), row=first_row + at, column=str(column))
