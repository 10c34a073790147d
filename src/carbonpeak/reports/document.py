"""A document as data: numbered headings, paragraphs, numbered tables and figures.

Each document (annual report, period evaluation, dispatch notice) is built once as a ``Document``;
the renderers turn the same blocks into HTML, PDF (from the HTML) and DOCX, and its tables are
``carbonpeak.tables.Table`` descriptions, so the XLSX annex is written by the one table writer from
the very tables the document shows. Headings are numbered as Chinese official documents number them
(GB/T 9704: 一、 （一） 1. （1）); tables 表1, figures 图1. A figure shown in a cell is formatted by
``carbonpeak.units.display``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from carbonpeak.errors import Lang
from carbonpeak.tables import Column, Table
from carbonpeak.units import display

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings go no further than 99)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def heading_number(level: int, n: int, lang: Lang) -> str:
    """一、 （一） 1. （1） in Chinese; 1. 1.1 style letters in English."""
    if lang == "en":
        return f"{n}." if level == 1 else f"({n})" if level == 2 else f"{n})"
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


@dataclass(frozen=True)
class Heading:
    level: int
    number: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class TableBlock:
    number: int
    table: Table


@dataclass(frozen=True)
class Figure:
    number: int
    png: bytes
    caption: str


Block = Heading | Paragraph | TableBlock | Figure


@dataclass
class Document:
    """Title, issuing body and date (the GB/T 9704 elements a report keeps), the blocks in order."""

    title: str
    issuer: str
    date: dt.date
    lang: Lang
    illustrative: bool
    subtitle: str | None = None
    blocks: list[Block] = field(default_factory=list)
    _counters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    _tables: int = 0
    _figures: int = 0

    def heading(self, level: int, text: str) -> None:
        self._counters[level - 1] += 1
        for deeper in range(level, len(self._counters)):
            self._counters[deeper] = 0
        self.blocks.append(Heading(level, heading_number(level, self._counters[level - 1], self.lang), text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(Paragraph(text))

    def table(self, table: Table) -> None:
        self._tables += 1
        self.blocks.append(TableBlock(self._tables, table))

    def figure(self, png: bytes, caption: str) -> None:
        self._figures += 1
        self.blocks.append(Figure(self._figures, png, caption))

    def tables(self) -> tuple[Table, ...]:
        return tuple(b.table for b in self.blocks if isinstance(b, TableBlock))

    def table_caption(self, block: TableBlock) -> str:
        label = f"Table {block.number}" if self.lang == "en" else f"表{block.number}"
        return f"{label} {block.table.heading(self.lang) or block.table.sheet_name(self.lang)}"

    def figure_caption(self, block: Figure) -> str:
        label = f"Figure {block.number}" if self.lang == "en" else f"图{block.number}"
        return f"{label} {block.caption}"

    def date_text(self) -> str:
        if self.lang == "en":
            return self.date.isoformat()
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"


def shown(value: object, column: Column, lang: Lang) -> str:
    """A cell as a person reads it: numbers through ``carbonpeak.units.display`` (a ``percent``
    column holds a fraction), booleans 是/否, nothing as —."""
    if value is None:
        return display.MISSING
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, int | float):
        if column.kind == "year":
            return str(int(value))
        if column.kind == "percent":
            return display.percent(float(value) * 100, column.decimals)
        if column.kind == "integer":
            return display.number(float(value), 0)
        if column.kind == "number":
            return display.number(float(value), column.decimals)
        return display.number(float(value))
    if isinstance(value, dt.datetime):
        return display.local_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
