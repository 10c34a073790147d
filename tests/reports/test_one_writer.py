"""Only carbonpeak.reports writes CSV or XLSX: no other module of the package calls a CSV or
workbook writer (a new download goes through the writer, or this test names the file)."""

from __future__ import annotations

import re

from tests.conftest import REPO

PACKAGE = REPO / "src" / "carbonpeak"
WRITERS = re.compile(
    r"csv\.writer|DictWriter|Workbook\(|ExcelWriter|\.to_csv\(|\.to_excel\(|\b(?:wb|book|workbook)\.save\("
)


def test_only_the_writer_writes_tables() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(PACKAGE / "reports"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITERS.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == [], "tables written outside carbonpeak.reports:\n" + "\n".join(found)


def test_the_writer_is_where_the_calls_are() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (PACKAGE / "reports").rglob("*.py"))
    assert "csv.writer" in text and "ExcelWriter" in text
