"""A table as CSV: UTF-8 with a BOM (so Excel on a Chinese desktop shows Chinese), CRLF line ends
(RFC 4180; every reader takes them), a header row in the chosen language with units, numbers at
full precision without thousands separators (programs read them), ISO dates. A ``# title`` line
comes first only for the tables that ask for one (``Table.csv_title``)."""

from __future__ import annotations

import csv
import io

from carbonpeak.errors import Lang
from carbonpeak.reports import cells
from carbonpeak.tables import Table

BOM = "\ufeff"
LINE_END = "\r\n"


def table_bytes(table: Table, lang: Lang = "zh-CN") -> bytes:
    """The CSV file of ``table`` in ``lang``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END)
    title = table.heading(lang)
    if table.csv_title and title:
        writer.writerow([cells.text(f"# {title}")])
    if table.header:
        writer.writerow([cells.text(c.heading(lang)) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [cells.as_text(cells.plain(v, c, lang)) for v, c in zip(row, table.columns, strict=False)]
        )
    return (BOM + out.getvalue()).encode("utf-8")
