"""Reading the enterprise registry from CSV or XLSX: all or nothing, every problem as file:row:column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from carbonpeak.accounting.plausibility import plausible
from carbonpeak.ledgers.enterprises import Enterprise
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.sheetfile import (
    DEFAULT_LIMITS,
    SheetLimitError,
    SheetLimits,
    check_frame,
    csv_encoding,
    xlsx_frame,
)

REQUIRED = ("id", "name", "industry")
OPTIONAL = ("town", "two_high", "two_high_category", "benchmark_product", "illustrative")
TRUE = {"1", "true", "yes", "y", "是", "x", "✓"}
FALSE = {"", "0", "false", "no", "n", "否"}


def _frame(path: Path, limits: SheetLimits) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame: pd.DataFrame = xlsx_frame(path, (), limits, str(path))
        return frame
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding=csv_encoding(path, str(path)),
            comment="#",
            nrows=limits.max_rows + 1,
        )
        check_frame(frame, limits, file=str(path))
        return frame
    raise LedgerProblems([Problem("expected a .csv or .xlsx file", file=str(path))])


def read_registry(path: str | Path, limits: SheetLimits = DEFAULT_LIMITS) -> list[Enterprise]:
    """The enterprises of a registry file (columns id, name, industry, town, two_high, …), read
    within the caps of ``limits``."""
    path = Path(path)
    name = str(path)
    try:
        frame = _frame(path, limits)
    except SheetLimitError as exc:
        raise LedgerProblems(exc.problems) from exc
    except (OSError, ValueError) as exc:
        if isinstance(exc, LedgerProblems):
            raise
        raise LedgerProblems([Problem(f"cannot read the file: {exc}", file=name)]) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    problems = [
        Problem("missing column", file=name, row=1, column=c) for c in REQUIRED if c not in frame.columns
    ]
    unknown = [c for c in frame.columns if c not in REQUIRED + OPTIONAL]
    problems += [
        Problem(f"unknown column; expected {', '.join(REQUIRED + OPTIONAL)}", file=name, row=1, column=c)
        for c in unknown
    ]
    if problems:
        raise LedgerProblems(problems)
    out: list[Enterprise] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(frame.to_dict("records")):
        row_no = i + 2
        rec = {k: str(v).strip() for k, v in raw.items()}
        data: dict[str, Any] = {k: rec[k] for k in REQUIRED}
        for key in ("town", "two_high_category", "benchmark_product"):
            data[key] = rec.get(key, "")
        ok = True
        name_rule = plausible("enterprise_registry.name")
        if rec["name"] and name_rule.outside(len(rec["name"])):
            zh, en = name_rule.message(len(rec["name"]))
            problems.append(Problem(zh, file=name, row=row_no, column="name", message_en=en))
            ok = False
        for flag in ("two_high", "illustrative"):
            value = rec.get(flag, "").lower()
            if value not in TRUE | FALSE:
                problems.append(
                    Problem(
                        f"expected 是/否 (yes/no), got {rec.get(flag)!r}", file=name, row=row_no, column=flag
                    )
                )
                ok = False
            data[flag] = value in TRUE
        try:
            ent = Enterprise(**data)
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else "?"
                message = str(err["msg"]).removeprefix("Value error, ")
                problems.append(Problem(message, file=name, row=row_no, column=column))
            continue
        if ent.id in seen:
            problems.append(
                Problem(f"{ent.id} is already on row {seen[ent.id]}", file=name, row=row_no, column="id")
            )
            continue
        seen[ent.id] = row_no
        if ok:
            out.append(ent)
    if problems:
        raise LedgerProblems(problems)
    if not out:
        raise LedgerProblems([Problem("no enterprises in the file", file=name, row=2)])
    return out
