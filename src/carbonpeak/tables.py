"""A table described as data: the one thing every CSV and XLSX the product writes is made from.

Domain packages, storage and the adapters describe what goes into a file — columns with a key, a
header in Chinese (and English), a unit, a kind, decimals, the values allowed in a drop-down, a
width — and the rows. ``carbonpeak.reports`` turns the description into bytes, so one table gives one
file whatever path produced it (the CLI's ``-o``, a web download, a template) and every rule of the
formats is written once (docs/decisions/0006-one-table-writer.md). This module is pure: it imports
nothing of the product but the language type, and nothing outside the standard library.

Kinds (what a column holds, which decides the XLSX number format and how a CSV writes it):

- ``text``: words and codes, written as text (never as a formula);
- ``number``: a real number, ``decimals`` after the point (default 2) with thousands separators;
- ``integer``: a whole number with thousands separators;
- ``percent``: a fraction (0.25 is 25 %), shown as ``0.0%`` with ``decimals`` (default 1);
- ``year``: a year, a whole number without separators;
- ``date``: a ``date`` or ``datetime`` (or its ISO text), a real date cell in XLSX;
- ``auto``: decided from the values (numbers get a format by their size): for the ad-hoc tables of
  the CLI whose columns carry no kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from carbonpeak.errors import Lang

Kind = Literal["text", "number", "integer", "percent", "year", "date", "auto"]
KINDS: tuple[Kind, ...] = ("text", "number", "integer", "percent", "year", "date", "auto")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` names the value in a row mapping; ``header`` is shown (zh-CN), with
    ``unit`` appended as ``排放量（tCO2）``; ``choices`` makes a drop-down of exactly those values
    (in a template); ``minimum`` makes a number check; ``width`` (characters) overrides the width
    measured from the content."""

    key: str
    header: str
    header_en: str | None = None
    unit: str | None = None
    kind: Kind = "text"
    decimals: int | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    width: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: kind {self.kind!r}, expected one of {', '.join(KINDS)}")
        if self.decimals is not None and not 0 <= self.decimals <= 10:
            raise ValueError(f"column {self.key!r}: decimals {self.decimals}, expected 0 to 10")

    def heading(self, lang: Lang = "zh-CN") -> str:
        """The header cell: the header in ``lang`` (English falls back to Chinese) and the unit."""
        name = (self.header_en or self.header) if lang == "en" else self.header
        if not self.unit:
            return name
        return f"{name} ({self.unit})" if lang == "en" else f"{name}（{self.unit}）"


ColumnLike = Column | tuple[str, str]


def column(spec: ColumnLike) -> Column:
    """A ``Column`` from itself or from a ``(key, header)`` pair (kind ``auto``; the English header
    is the key, an English identifier)."""
    if isinstance(spec, Column):
        return spec
    key, header = spec
    return Column(key, header, header_en=key, kind="auto")


@dataclass(frozen=True)
class Table:
    """One table, one sheet of a workbook or one CSV file.

    ``name`` is the sheet name (zh-CN; ``name_en`` in English); ``title`` a first row naming the table
    and its plan or source (XLSX: a bold row above the header; CSV: a ``# title`` line only when
    ``csv_title``); ``header=False`` writes the rows alone (an instruction sheet); ``input_rows`` are
    blank rows below the data where the drop-downs and checks still apply (a template to fill);
    ``hidden`` hides the sheet."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...] = ()
    title: str | None = None
    name_en: str | None = None
    title_en: str | None = None
    csv_title: bool = False
    header: bool = True
    input_rows: int = 0
    hidden: bool = False

    def __post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) > width:
                raise ValueError(f"table {self.name!r}: row {i + 1} has {len(row)} cells for {width} columns")
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.name!r}: column keys repeat: {keys}")

    @classmethod
    def of(
        cls,
        name: str,
        columns: Sequence[ColumnLike],
        records: Iterable[Mapping[str, Any]] = (),
        **options: Any,
    ) -> Table:
        """A table whose rows are mappings keyed by the columns' keys (missing keys are empty)."""
        cols = tuple(column(c) for c in columns)
        rows = tuple(tuple(r.get(c.key) for c in cols) for r in records)
        return cls(name, cols, rows, **options)

    def sheet_name(self, lang: Lang = "zh-CN") -> str:
        return (self.name_en or self.name) if lang == "en" else self.name

    def heading(self, lang: Lang = "zh-CN") -> str | None:
        return (self.title_en or self.title) if lang == "en" else self.title


@dataclass(frozen=True)
class Book:
    """Several tables as one workbook, in order. ``title`` goes into the file's properties;
    ``stamp`` is its created/modified time (from the data, e.g. the newest batch; else a fixed
    time, so the same tables always give the same bytes)."""

    tables: tuple[Table, ...]
    title: str | None = None
    stamp: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not self.tables:
            raise ValueError("a workbook needs at least one table")


__all__ = ["KINDS", "Book", "Column", "ColumnLike", "Kind", "Table", "column"]
