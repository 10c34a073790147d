"""Small helpers: write real activity / macro files for the tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

HEADER = "year,sector,fuel,amount,unit,note"


def write_csv(path: Path, rows: Iterable[Sequence[object]], header: str = HEADER) -> Path:
    lines = [header] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
