"""The one reader of the one-row-per-unit-and-year templates (用能预算, 重点排放单位): what is wrong with
the file's shape is refused, located, before any row is read — the same for both templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.budgets_file import read_budgets
from carbonpeak.ledgers.emitters_file import read_emitters

READERS: dict[str, Callable[..., list[Any]]] = {"budgets": read_budgets, "emitters": read_emitters}


@pytest.mark.parametrize("kind", READERS)
def test_no_header_row_is_refused_with_the_file_named(kind: str, tmp_path: Path) -> None:
    bad = tmp_path / "no-header.csv"
    bad.write_text("单位,年份\n91120118EXAMP0001Y,2025\n", encoding="utf-8")
    with pytest.raises(LedgerProblems) as caught:
        READERS[kind](bad)
    [problem] = caught.value.problems
    assert (problem.message, problem.file, problem.row) == ("找不到表头行", "no-header.csv", 1)


@pytest.mark.parametrize(("kind", "missing"), [("budgets", "预算下达文件"), ("emitters", "纳入范围")])
def test_a_missing_required_column_is_named_at_the_header_row(
    kind: str, missing: str, tmp_path: Path
) -> None:
    bad = tmp_path / "short.csv"
    bad.write_text("统一社会信用代码,年度,排放年度\n91120118EXAMP0001Y,2025,2025\n", encoding="utf-8")
    with pytest.raises(LedgerProblems) as caught:
        READERS[kind](bad)
    messages = {(p.message, p.file, p.row) for p in caught.value.problems}
    assert (f"缺少列“{missing}”", "short.csv", 1) in messages


@pytest.mark.parametrize("kind", READERS)
def test_a_file_of_another_kind_is_refused(kind: str, tmp_path: Path) -> None:
    bad = tmp_path / "budgets.txt"
    bad.write_text("统一社会信用代码\n", encoding="utf-8")
    with pytest.raises(LedgerProblems) as caught:
        READERS[kind](bad)
    [problem] = caught.value.problems
    assert (problem.message, problem.file) == ("应为 .xlsx 或 .csv 文件", "budgets.txt")
