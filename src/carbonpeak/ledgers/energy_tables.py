"""The energy-project and charging-station ledgers as tables for the one writer: the columns are the
import template's (``energy_file``), so an export reads back as an import. The web's downloads and
``carbonpeak energy projects|stations -f csv|xlsx`` write these same tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carbonpeak.ledgers.charging import Station
from carbonpeak.ledgers.energy_file import PROJECT_COLUMNS, STATION_COLUMNS
from carbonpeak.ledgers.energy_projects import EnergyProject, StorageCheck, kinds, status_labels
from carbonpeak.tables import Column, Table

ILLUSTRATIVE = " — 示例数据（illustrative）"
_NUMBERS = {"capacity", "storage_mw", "storage_mwh", "lon", "lat", "dc_kw", "ac_kw", "flexible_kw"}
_INTEGERS = {"dc_piles", "ac_piles"}


def _columns(spec: dict[str, str]) -> tuple[Column, ...]:
    return tuple(
        Column(
            key,
            header,
            key,
            kind="number" if key in _NUMBERS else "integer" if key in _INTEGERS else "text",
        )
        for key, header in spec.items()
    )


PROJECT_TABLE_COLUMNS = _columns(PROJECT_COLUMNS)
STATION_TABLE_COLUMNS = _columns(STATION_COLUMNS)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _day(value: Any) -> str | None:
    return None if value is None else str(value)


def project_row(p: EnergyProject) -> dict[str, Any]:
    """A project as the template writes it (kind and status in Chinese, dates as YYYY-MM-DD)."""
    return {
        "id": p.id,
        "name": p.name,
        "kind": kinds()[p.kind]["zh"],
        "capacity": p.capacity,
        "unit": p.unit,
        "location": p.location,
        "owner": p.owner,
        "status": status_labels()[p.status]["zh"],
        "planned_on": _day(p.status_dates.get("planned")),
        "approved_on": _day(p.status_dates.get("approved")),
        "construction_on": _day(p.status_dates.get("construction")),
        "expected_commissioning": _day(p.expected_commissioning),
        "actual_commissioning": _day(p.actual_commissioning),
        "retired_on": _day(p.retired_on),
        "centralized": _yes(p.centralized),
        "storage_mw": p.storage_mw,
        "storage_mwh": p.storage_mwh,
        "plan_project_id": p.plan_project_id,
        "task_id": p.task_id,
        "note": p.note,
        "illustrative": _yes(p.illustrative),
    }


def station_row(s: Station) -> dict[str, Any]:
    dc = [g for g in s.piles if g.current == "DC"]
    ac = [g for g in s.piles if g.current == "AC"]
    return {
        "id": s.id,
        "name": s.name,
        "lon": s.lon,
        "lat": s.lat,
        "crs": "GCJ-02" if s.crs == "GCJ02" else "WGS-84",
        "dc_piles": sum(g.count for g in dc) or None,
        "dc_kw": dc[0].power_kw if dc else None,
        "ac_piles": sum(g.count for g in ac) or None,
        "ac_kw": ac[0].power_kw if ac else None,
        "public": _yes(s.public),
        "operator": s.operator,
        "commissioned": _day(s.commissioned),
        "in_pilot": _yes(s.in_pilot),
        "flexible_kw": s.flexible_kw,
        "illustrative": _yes(s.illustrative),
    }


def projects_table(projects: Sequence[EnergyProject]) -> Table:
    illustrative = any(p.illustrative for p in projects)
    return Table.of(
        "能源项目台账",
        PROJECT_TABLE_COLUMNS,
        [project_row(p) for p in projects],
        title="能源与电网项目台账" + (ILLUSTRATIVE if illustrative else ""),
        name_en="Energy projects",
        title_en="Energy and grid projects" + (" — illustrative" if illustrative else ""),
    )


def stations_table(stations: Sequence[Station]) -> Table:
    illustrative = any(s.illustrative for s in stations)
    return Table.of(
        "充电站台账",
        STATION_TABLE_COLUMNS,
        [station_row(s) for s in stations],
        title="充电站台账" + (ILLUSTRATIVE if illustrative else ""),
        name_en="Charging stations",
        title_en="Charging stations" + (" — illustrative" if illustrative else ""),
    )


STORAGE_COLUMNS = (
    Column("project_id", "项目编号", "Project"),
    Column("capacity_mw", "装机容量", "Capacity", unit="MW", kind="number", decimals=1),
    Column("storage_mw", "配套储能功率", "Storage power", unit="MW", kind="number", decimals=1),
    Column("ratio", "储能配置比例", "Storage ratio", unit="%", kind="number", decimals=1),
    Column("required", "要求比例", "Required", unit="%", kind="number", decimals=1),
    Column("ok", "是否达到", "Meets the rule"),
)


def storage_rows(checks: Sequence[StorageCheck]) -> list[dict[str, Any]]:
    return [
        {
            "project_id": c.project_id,
            "capacity_mw": c.capacity_mw,
            "storage_mw": c.storage_mw,
            "ratio": c.ratio * 100,
            "required": c.required * 100,
            "ok": "是" if c.ok else "否（原则上应不低于15%）",
        }
        for c in checks
    ]
