"""The rules of a cell, written once for CSV and XLSX: what a value becomes, which number format
a column gets, how wide it is. Every text cell of every file passes through ``text``."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from carbonpeak.errors import Lang
from carbonpeak.tables import Column

Plain = str | int | float | dt.date | dt.datetime | None

_YES_NO: dict[Lang, tuple[str, str]] = {"zh-CN": ("是", "否"), "en": ("yes", "no")}
_JOIN: dict[Lang, str] = {"zh-CN": "、", "en": ", "}
YEARS = range(1900, 2101)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# OWASP "CSV Injection": a cell that begins with one of these is taken for a formula by Excel,
# LibreOffice and WPS; it is written with a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids (every C0 control but tab, line feed, carriage return): an XLSX that
# holds one does not open, so they never reach a file.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    """Every text cell of every file (CSV and XLSX) passes here, and only here: the one place where
    a rule about text cells lives (XLSX writes the result as a text cell, never as a formula).

    Characters XML forbids are removed; a text that a spreadsheet would read as a formula (it begins
    with ``= + - @``, a tab or a carriage return) gets a leading ``'``. Numbers never come here:
    they stay numbers."""
    value = ILLEGAL_XML.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _date(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the wall-clock time of the value's own offset
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        s = value.strip()
        try:
            parsed = dt.datetime.fromisoformat(s)
        except ValueError:
            return None
        if len(s) <= 10:
            return parsed.date()
        return parsed.replace(tzinfo=None)
    return None


def plain(value: Any, column: Column, lang: Lang = "zh-CN") -> Plain:
    """The value of one cell as a file holds it: None (empty), text, a number or a date.

    Booleans become 是/否, lists are joined with 、, NaN and infinities are empty, a date column turns
    ISO text into a date (an ``auto`` column a ``YYYY-MM-DD`` day), a value of another type becomes
    its text."""
    if value is None:
        return None
    if isinstance(value, bool):
        yes, no = _YES_NO[lang]
        return yes if value else no
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        parts = [plain(v, column, lang) for v in items]
        return _JOIN[lang].join(as_text(p) for p in parts if p is not None)
    if column.kind == "date" or (
        column.kind == "auto" and isinstance(value, str) and ISO_DAY.fullmatch(value)
    ):
        found = _date(value)  # (an auto column takes a day written 2025-12-31 as a date, not a time)
        if found is not None:
            return found
    if isinstance(value, dt.datetime | dt.date):
        return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value
    if isinstance(value, Decimal):
        value = float(value)
    if hasattr(value, "item") and not isinstance(value, str):  # NumPy scalars
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if column.kind in ("integer", "year") and value.is_integer():
            return int(value)
        return value
    if isinstance(value, str):
        return value
    return str(value)


def as_text(value: Plain) -> str:
    """A plain value as CSV text: full precision, no thousands separators, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _decimal_format(decimals: int) -> str:
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def number_format(column: Column, values: Sequence[Plain]) -> str | None:
    """The XLSX number format of a column's numbers (None: General), by kind and decimals; an
    ``auto`` column by its values: years and small whole numbers plain, other whole numbers with
    separators, fractions with 2 decimals (4 when every value is below 1)."""
    kind = column.kind
    if kind == "number":
        return _decimal_format(2 if column.decimals is None else column.decimals)
    if kind == "integer":
        return "#,##0"
    if kind == "percent":
        d = 1 if column.decimals is None else column.decimals
        return "0%" if d == 0 else "0." + "0" * d + "%"
    if kind == "year":
        return "0"
    if kind != "auto":
        return None
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    if all(isinstance(v, int) for v in numbers):
        if all(v in YEARS for v in numbers) or max(abs(v) for v in numbers) < 10000:
            return None
        return "#,##0"
    if column.decimals is not None:
        return _decimal_format(column.decimals)
    fractions = [v for v in numbers if isinstance(v, float)]
    return "0.0000" if max(abs(v) for v in fractions) < 1 else "#,##0.00"


def date_format(value: dt.date) -> str:
    return "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"


def display_width(value: str) -> int:
    """Characters as Excel measures them: a CJK (wide) character counts double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in value)


MIN_WIDTH, MAX_WIDTH = 6, 60
MEASURED_ROWS = 2000


def column_width(column: Column, heading: str, values: Sequence[Plain], fmt: str | None) -> float:
    """A column's width from its header and the first rows' content, within 6..60 characters."""
    if column.width is not None:
        return column.width
    longest = display_width(heading) if heading else 0
    for value in values[:MEASURED_ROWS]:
        if value is None:
            continue
        if isinstance(value, float) and fmt:
            decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            shown = f"{value * 100:,.{decimals}f}%" if fmt.endswith("%") else f"{value:,.{decimals}f}"
        elif isinstance(value, int) and fmt == "#,##0":
            shown = f"{value:,}"
        elif isinstance(value, dt.date):
            shown = "2024-01-01 00:00" if isinstance(value, dt.datetime) else "2024-01-01"
        else:
            shown = as_text(value)
        longest = max(longest, max(display_width(line) for line in shown.splitlines() or [""]))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
