"""Reading the energy-project and charging-station ledgers from CSV or XLSX: all or nothing, every
problem located by file, row and column. Headers may be the English column names or the Chinese
ones of the templates (``PROJECT_COLUMNS``/``STATION_COLUMNS``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from carbonpeak.errors import CarbonpeakError
from carbonpeak.ledgers.charging import PileGroup, Station
from carbonpeak.ledgers.energy_projects import EnergyProject, parse_status
from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.geo import parse_crs
from carbonpeak.sheetfile import SheetLimitError, check_text, csv_encoding

TRUE = {"1", "true", "yes", "y", "是", "x", "✓"}
FALSE = {"", "0", "false", "no", "n", "否"}

# English column → Chinese header of the template.
PROJECT_COLUMNS: dict[str, str] = {
    "id": "编号",
    "name": "项目名称",
    "kind": "类型",
    "capacity": "规模",
    "unit": "单位",
    "location": "地点",
    "owner": "业主单位",
    "status": "状态",
    "planned_on": "规划日期",
    "approved_on": "核准日期",
    "construction_on": "开工日期",
    "expected_commissioning": "预计投产日期",
    "actual_commissioning": "实际并网日期",
    "retired_on": "退役日期",
    "centralized": "集中式",
    "storage_mw": "配套储能功率(MW)",
    "storage_mwh": "配套储能容量(MWh)",
    "plan_project_id": "规划项目",
    "task_id": "任务",
    "note": "备注",
    "illustrative": "示例数据",
}
PROJECT_REQUIRED = ("id", "name", "kind", "status")
STATUS_DATE_COLUMNS = {"planned_on": "planned", "approved_on": "approved", "construction_on": "construction"}

STATION_COLUMNS: dict[str, str] = {
    "id": "编号",
    "name": "充电站名称",
    "lon": "经度",
    "lat": "纬度",
    "crs": "坐标系",
    "dc_piles": "直流桩数",
    "dc_kw": "直流单桩功率(kW)",
    "ac_piles": "交流桩数",
    "ac_kw": "交流单桩功率(kW)",
    "public": "公用",
    "operator": "运营单位",
    "commissioned": "投运日期",
    "in_pilot": "源荷互动试点",
    "flexible_kw": "可调节容量(kW)",
    "illustrative": "示例数据",
}
STATION_REQUIRED = ("id", "name", "lon", "lat", "crs")

M = TypeVar("M", bound=BaseModel)


def _frame(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl", header=None)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding=csv_encoding(path),
            comment="#",
            header=None,
        )
    raise LedgerProblems(
        [Problem("应为 .csv 或 .xlsx 文件", file=path.name, message_en="expected a .csv or .xlsx file")]
    )


class _Cell(Exception):
    def __init__(self, column: str, zh: str, en: str) -> None:
        self.column, self.zh, self.en = column, zh, en


def _flag(rec: Mapping[str, str], key: str) -> bool:
    value = rec.get(key, "").lower()
    if value not in TRUE | FALSE:
        raise _Cell(key, f"应为 是/否，实为“{rec.get(key)}”", f"expected yes/no, got {rec.get(key)!r}")
    return value in TRUE


def _number(rec: Mapping[str, str], key: str) -> float | None:
    text = rec.get(key, "").replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise _Cell(key, f"应为数字，实为“{text}”", f"expected a number, got {text!r}") from None


def _date(rec: Mapping[str, str], key: str) -> dt.date | None:
    text = rec.get(key, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise _Cell(
            key, f"应为日期 YYYY-MM-DD，实为“{text}”", f"expected a date YYYY-MM-DD, got {text!r}"
        ) from None


def _project(rec: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: rec.get(k, "") for k in ("id", "name", "kind", "location", "owner", "note")}
    try:
        data["status"] = parse_status(rec["status"])
    except CarbonpeakError as exc:
        raise _Cell("status", exc.describe("zh-CN"), exc.describe("en")) from None
    data["capacity"] = _number(rec, "capacity")
    data["unit"] = rec.get("unit") or None
    for key in ("expected_commissioning", "actual_commissioning", "retired_on"):
        data[key] = _date(rec, key)
    data["status_dates"] = {s: d for c, s in STATUS_DATE_COLUMNS.items() if (d := _date(rec, c))}
    if data["actual_commissioning"] is not None:
        data["status_dates"]["connected"] = data["actual_commissioning"]
    data["centralized"] = _flag(rec, "centralized")
    data["storage_mw"] = _number(rec, "storage_mw")
    data["storage_mwh"] = _number(rec, "storage_mwh")
    data["plan_project_id"] = rec.get("plan_project_id") or None
    data["task_id"] = rec.get("task_id") or None
    data["illustrative"] = _flag(rec, "illustrative")
    return data


def _station(rec: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: rec.get(k, "") for k in ("id", "name", "operator")}
    data["lon"], data["lat"] = _number(rec, "lon"), _number(rec, "lat")
    try:
        data["crs"] = parse_crs(rec.get("crs", ""))
    except CarbonpeakError as exc:
        raise _Cell("crs", exc.describe("zh-CN"), exc.describe("en")) from None
    piles = []
    for current in ("dc", "ac"):
        count, kw = _number(rec, f"{current}_piles"), _number(rec, f"{current}_kw")
        if count:
            if not kw:
                col = f"{current}_kw"
                raise _Cell(col, "有桩数时应填单桩功率", "a pile count needs the power of each pile")
            piles.append(PileGroup(count=int(count), power_kw=kw, current="DC" if current == "dc" else "AC"))
    data["piles"] = tuple(piles)
    data["public"] = _flag(rec, "public") if rec.get("public", "") else True
    data["commissioned"] = _date(rec, "commissioned")
    data["in_pilot"] = _flag(rec, "in_pilot")
    data["flexible_kw"] = _number(rec, "flexible_kw")
    data["illustrative"] = _flag(rec, "illustrative")
    return data


def _read(
    path: str | Path,
    columns: Mapping[str, str],
    required: tuple[str, ...],
    build: Callable[[Mapping[str, str]], dict[str, Any]],
    model: type[M],
) -> list[M]:
    path = Path(path)
    name = path.name
    try:
        frame = _frame(path)
        check_text(frame, file=name, first_row=1)  # header=None: the frame's first row is row 1
    except SheetLimitError as exc:
        raise LedgerProblems(exc.problems) from exc
    except (OSError, ValueError) as exc:
        if isinstance(exc, LedgerProblems):
            raise
        raise LedgerProblems(
            [Problem(f"无法读取文件：{exc}", file=name, message_en=f"cannot read: {exc}")]
        ) from exc
    by_header = {v: k for k, v in columns.items()} | {k: k for k in columns}
    # The header is the first row naming the id column; rows above it are a title (as the writer's
    # XLSX export has), so an export reads back as an import.
    first = next(
        (
            i
            for i in range(min(len(frame), 5))
            if {"id", columns["id"]} & {str(v).strip() for v in frame.iloc[i]}
        ),
        0,
    )
    headers = [str(c).strip() for c in frame.iloc[first]] if len(frame) else []
    frame = frame.iloc[first + 1 :]
    while headers and not headers[-1]:
        headers.pop()
    frame = frame.iloc[:, : len(headers)]
    header_row = first + 1
    problems = [
        Problem(
            f"未知列，应为 {'、'.join(columns.values())}",
            file=name,
            row=header_row,
            column=h,
            message_en=f"unknown column; expected {', '.join(columns)}",
        )
        for h in headers
        if h not in by_header
    ]
    keys = [by_header.get(h, h) for h in headers]
    problems += [
        Problem("缺少列", file=name, row=header_row, column=columns[c], message_en=f"missing column {c}")
        for c in required
        if c not in keys
    ]
    if problems:
        raise LedgerProblems(problems)
    frame.columns = keys
    out: list[M] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(frame.to_dict("records")):
        row_no = header_row + i + 1
        rec = {str(k): str(v).strip() for k, v in raw.items()}
        if not any(rec.values()):
            continue
        ident = rec.get("id", "")
        if ident and ident in seen:
            problems.append(
                Problem(
                    f"编号 {ident} 已在第{seen[ident]}行",
                    file=name,
                    row=row_no,
                    column=columns["id"],
                    message_en=f"{ident} is already on row {seen[ident]}",
                )
            )
            continue
        seen[ident] = row_no
        try:
            item = model.model_validate(build(rec))
        except _Cell as cell:
            problems.append(
                Problem(cell.zh, file=name, row=row_no, column=columns[cell.column], message_en=cell.en)
            )
            continue
        except ValidationError as exc:
            for err in exc.errors():
                key = str(err["loc"][0]) if err["loc"] else ""
                message = str(err["msg"]).removeprefix("Value error, ")
                problems.append(Problem(message, file=name, row=row_no, column=columns.get(key, key) or None))
            continue
        out.append(item)
    if problems:
        raise LedgerProblems(problems)
    if not out:
        raise LedgerProblems(
            [Problem("文件中没有数据行", file=name, row=2, message_en="no rows in the file")]
        )
    return out


def read_projects(path: str | Path) -> list[EnergyProject]:
    """The projects of a ledger file (the template's Chinese headers or the English column names)."""
    return _read(path, PROJECT_COLUMNS, PROJECT_REQUIRED, _project, EnergyProject)


def read_stations(path: str | Path) -> list[Station]:
    """The charging stations of a file; coordinates as entered with their system (WGS-84 or GCJ-02)."""
    return _read(path, STATION_COLUMNS, STATION_REQUIRED, _station, Station)


def project_from_record(rec: Mapping[str, str], *, file: str = "<form>") -> EnergyProject:
    """One project from a record of the template's columns (a web form, as text): the same rules as
    a file's row; every problem names its field and the template's header."""
    clean = {k: str(v if v is not None else "").strip() for k, v in rec.items()}
    problems: list[Problem] = []
    try:
        return EnergyProject.model_validate(_project(clean))
    except _Cell as cell:
        problems.append(
            Problem(
                cell.zh, file=file, column=PROJECT_COLUMNS[cell.column], field=cell.column, message_en=cell.en
            )
        )
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(
                Problem(message, file=file, column=PROJECT_COLUMNS.get(key) or None, field=key or None)
            )
    raise LedgerProblems(problems)
