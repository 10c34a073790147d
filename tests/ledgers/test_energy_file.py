"""Importing the project and station ledgers: Chinese or English headers, XLSX and CSV, every
problem located, nothing returned when one row is wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from carbonpeak.ledgers.energy_file import PROJECT_COLUMNS, read_projects, read_stations
from carbonpeak.ledgers.errors import LedgerProblems

PROJECTS = (
    "id,name,kind,capacity,unit,status,approved_on,expected_commissioning,actual_commissioning,centralized,storage_mw\n"
    "pv-a,渔光互补,光伏发电,100,MW,并网,2022-01-10,,2023-06-30,是,15\n"
    "wind-b,风电,wind,10,万千瓦,在建,2023-03-01,2025-12-31,,是,\n"
)


def test_projects_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "projects.csv"
    path.write_text(PROJECTS, encoding="utf-8")
    a, b = read_projects(path)
    assert a.status == "connected" and a.kind == "pv" and a.centralized and a.storage_mw == 15
    assert a.status_dates == {"approved": dt.date(2022, 1, 10), "connected": dt.date(2023, 6, 30)}
    assert b.capacity_mw == pytest.approx(100)


def test_projects_from_xlsx_with_chinese_headers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    cols = ["id", "name", "kind", "capacity", "unit", "status", "location"]
    ws.append([PROJECT_COLUMNS[c] for c in cols])
    ws.append(["sub-1", "王虎庄变电站", "变电站/电网", None, None, "规划", "王口镇"])
    path = tmp_path / "projects.xlsx"
    wb.save(path)
    (p,) = read_projects(path)
    assert p.kind == "substation" and p.status == "planned" and p.location == "王口镇"


def test_every_problem_is_located_and_nothing_is_returned(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,name,kind,capacity,unit,status,actual_commissioning\n"
        "a,A,pv,abc,MW,规划,\n"
        "b,B,pv,10,MW,开工,\n"
        "c,C,pv,10,MW,并网,\n"
        "a,A2,pv,10,MW,规划,\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerProblems) as info:
        read_projects(path)
    where = [(p.row, p.column) for p in info.value.problems]
    assert where == [(2, "规模"), (3, "状态"), (4, None), (5, "编号")]
    assert "数字" in info.value.problems[0].message
    assert "actual commissioning" in info.value.problems[2].message
    assert all(p.file == "bad.csv" for p in info.value.problems)


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,name,colour\nx,y,red\n", encoding="utf-8")
    with pytest.raises(LedgerProblems) as info:
        read_projects(path)
    cols = {p.column for p in info.value.problems}
    assert {"colour", "类型", "状态"} <= cols


def test_stations_with_crs_and_piles(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text(
        "编号,充电站名称,经度,纬度,坐标系,直流桩数,直流单桩功率(kW),交流桩数,交流单桩功率(kW),公用,源荷互动试点,可调节容量(kW)\n"
        "s1,静海站,116.93,38.94,GCJ-02,4,120,6,7,是,是,300\n"
        "s2,单位站,116.95,38.90,WGS-84,,,2,7,否,,\n",
        encoding="utf-8",
    )
    s1, s2 = read_stations(path)
    assert s1.crs == "GCJ02" and s1.pile_count == 10 and s1.in_pilot and s1.flexible_kw == 300
    assert s2.crs == "WGS84" and not s2.public and s2.power_kw == 14


def test_station_problems(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text(
        "id,name,lon,lat,crs,dc_piles,dc_kw\ns1,A,116.9,38.9,BD-09,,\ns2,B,200,38.9,WGS84,,\ns3,C,116.9,38.9,WGS84,2,\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerProblems) as info:
        read_stations(path)
    assert [(p.row, p.column) for p in info.value.problems] == [
        (2, "坐标系"),
        (3, "经度"),
        (4, "直流单桩功率(kW)"),
    ]
