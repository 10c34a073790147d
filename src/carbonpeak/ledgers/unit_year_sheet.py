"""One reader for the ledgers' templates of one row per unit and year (用能预算, 重点排放单位): the file
read through ``carbonpeak.sheetfile`` (bounded; XLSX or CSV), the header row found among the first
three rows by its credit-code column, columns matched by their Chinese or English heading or their
key, missing required columns refused with the header row named; the data rows come with their row
number in the file, blank rows left out. What a cell means stays with each template's reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.months_file import _text
from carbonpeak.sheetfile import SheetLimitError, SheetLimits, read_csv_rows, read_xlsx
from carbonpeak.tables import Column

ID_HEADINGS = frozenset({"统一社会信用代码", "enterprise_id"})


@dataclass(frozen=True)
class UnitYearSheet:
    """The rows of one template file: ``rows`` are (row number in the file, {column key: cell})."""

    file: str
    sheet: str | None
    heading_of: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]


def read_unit_year_sheet(
    path: str | Path,
    sheet_name: str,
    cols: Sequence[Column],
    required: Sequence[str],
    *,
    limits: SheetLimits,
    name: str | None = None,
) -> UnitYearSheet:
    path = Path(path)
    file = name or path.name
    sheet: str | None = None
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            book = read_xlsx(path, (sheet_name,), limits, file, first_if_none=True)
            sheet = sheet_name if sheet_name in book else next(iter(book), None)
            raw: list[tuple[Any, ...]] = book.get(sheet or "", [])
        elif path.suffix.lower() == ".csv":
            raw = list(read_csv_rows(path, limits, file, skip_comments=True))
        else:
            raise LedgerProblems(
                [Problem("应为 .xlsx 或 .csv 文件", message_en="expected .xlsx or .csv", file=file)]
            )
    except SheetLimitError as exc:
        raise LedgerProblems(exc.problems) from exc
    heading_of = {c.key: c.heading() for c in cols}
    lookup = (
        {c.heading(): c.key for c in cols}
        | {c.heading("en"): c.key for c in cols}
        | {c.key: c.key for c in cols}
    )
    head = next((i for i, row in enumerate(raw[:3]) if ID_HEADINGS & {_text(v) for v in row}), None)
    if head is None:
        raise LedgerProblems(
            [Problem("找不到表头行", message_en="no header row", file=file, sheet=sheet, row=1)]
        )
    keys = {j: lookup[_text(h)] for j, h in enumerate(raw[head]) if _text(h) in lookup}
    missing = [
        Problem(
            f"缺少列“{heading_of[k]}”", message_en=f"missing column {k}", file=file, sheet=sheet, row=head + 1
        )
        for k in required
        if k not in keys.values()
    ]
    if missing:
        raise LedgerProblems(missing)
    rows: list[tuple[int, dict[str, Any]]] = []
    for i in range(head + 1, len(raw)):
        cells = {k: raw[i][j] if j < len(raw[i]) else None for j, k in keys.items()}
        if any(_text(v) != "" for v in cells.values()):
            rows.append((i + 1, cells))
    return UnitYearSheet(file, sheet, heading_of, rows)


def cell_date(value: Any) -> Any:
    """A date cell as a date (XLSX gives datetimes), else its text (the model parses or refuses it)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _text(value) or None
