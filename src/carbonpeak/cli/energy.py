"""``carbonpeak energy …``: the energy-project pipeline (专栏4/5) and the charging network (三.(六).4).

The CLI runs on the server as the office (双碳办): it reads and imports both ledgers."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel

from carbonpeak.cli.common import PlanOption, domain_errors, get_plan, migrated_engine
from carbonpeak.cli.output import Column, Format, FormatOption, emit
from carbonpeak.ledgers import energy_tables
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.geo import parse_crs
from carbonpeak.services.energy import EnergyService
from carbonpeak.services.tracking import TrackingService
from carbonpeak.tables import Table
from carbonpeak.tracking.model import Actor
from carbonpeak.units.display import number, percent

app = typer.Typer(
    help="Energy projects (专栏4/5) and the charging network (三.(六).4): ledgers, roll-ups, coverage.",
    no_args_is_help=True,
)

UserOption = Annotated[
    str | None, typer.Option("--user", help="Who acts, as office (default: the login name).")
]
YearsOption = Annotated[
    str, typer.Option("--years", help="Years of the roll-up, FIRST-LAST (default 2020-2030).")
]
PROJECT_COLUMNS: list[Column] = [(c.key, c.header) for c in energy_tables.PROJECT_TABLE_COLUMNS[:9]]
STATION_COLUMNS: list[Column] = [(c.key, c.header) for c in energy_tables.STATION_TABLE_COLUMNS]


def _office(user: str | None) -> LedgerActor:
    return LedgerActor(user or getpass.getuser() or "cli", "office")


def _years(text: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        a, b = int(first), int(last or first)
    except ValueError:
        raise typer.BadParameter(f"{text!r}: expected FIRST-LAST, e.g. 2020-2030") from None
    return list(range(a, b + 1))


@contextlib.contextmanager
def _service(ctx: typer.Context) -> Iterator[EnergyService]:
    with migrated_engine(ctx) as engine:
        yield EnergyService(engine)


def _list(
    ctx: typer.Context,
    fmt: Format,
    read: Callable[[EnergyService, LedgerActor], Sequence[BaseModel]],
    table_of: Callable[[Any], Table],
    row_of: Callable[[Any], dict[str, Any]],
    columns: list[Column],
) -> None:
    """One ledger's listing: the import template's columns (csv/xlsx read back as an import)."""
    with _service(ctx) as svc:
        items = read(svc, _office(None))
    table = table_of(items)
    emit(
        [row_of(i) for i in items],
        columns,
        fmt,
        title=table.title,
        json_data=[i.model_dump(mode="json") for i in items],
        table=table,
    )


def _import(
    ctx: typer.Context,
    file: Path,
    user: str | None,
    load: Callable[[EnergyService, LedgerActor, Path], tuple[int, int]],
) -> None:
    """One ledger's import, all or nothing, audited; prints what was added and changed."""
    with _service(ctx) as svc:
        added, changed = load(svc, _office(user), file)
    typer.echo(f"{file}: {added} added, {changed} changed")


@app.command("projects")
@domain_errors
def projects(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Every project of the pipeline (the import template's columns; csv/xlsx read back as an import)."""
    _list(ctx, fmt, EnergyService.projects, energy_tables.projects_table, energy_tables.project_row,
          PROJECT_COLUMNS)  # fmt: skip


@app.command("import-projects")
@domain_errors
def import_projects(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Project ledger, .xlsx or .csv.")],
    user: UserOption = None,
) -> None:
    """Import projects from XLSX/CSV, all or nothing (each problem by row and column), audited."""
    _import(ctx, file, user, EnergyService.import_projects)


@app.command("stations")
@domain_errors
def stations(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Every charging station (coordinates as entered, with their system)."""
    _list(ctx, fmt, EnergyService.stations, energy_tables.stations_table, energy_tables.station_row,
          STATION_COLUMNS)  # fmt: skip


@app.command("import-stations")
@domain_errors
def import_stations(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Station list, .xlsx or .csv.")],
    user: UserOption = None,
) -> None:
    """Import charging stations from XLSX/CSV (WGS-84 or GCJ-02 per row), all or nothing, audited."""
    _import(ctx, file, user, EnergyService.import_stations)


@app.command("area")
@domain_errors
def area(
    ctx: typer.Context,
    which: Annotated[str, typer.Argument(help="district (the boundary) or core (the core area).")],
    file: Annotated[Path, typer.Argument(help="A GeoJSON polygon or multipolygon in longitude/latitude.")],
    crs: Annotated[
        str, typer.Option("--crs", help="Coordinate system of the file: WGS-84 or GCJ-02.")
    ] = "WGS-84",
    approximate: Annotated[
        bool, typer.Option("--approximate", help="Label the outline approximate.")
    ] = False,
    user: UserOption = None,
) -> None:
    """Store the district boundary or the core area used by the coverage analysis."""
    with _service(ctx) as svc:
        svc.set_area(
            _office(user),
            which,
            file.read_bytes(),
            file=file.name,
            crs=parse_crs(crs),
            approximate=approximate,
        )
    typer.echo(f"{file}: stored as the {which} outline")


@app.command("rollup")
@domain_errors
def rollup(
    ctx: typer.Context,
    years: YearsOption = "2020-2030",
    fmt: FormatOption = Format.table,
    plan: PlanOption = None,
) -> None:
    """Installed (并网) and expected renewable capacity by year against the plan's 280万千瓦, public piles
    against 500, and the storage checks of the ≥ 15% rule."""
    target = _capacity_target(ctx, plan)
    with _service(ctx) as svc:
        roll = svc.rollups(_office(None), _years(years), target_mw=target)
    mark = " — 示例数据（illustrative）" if roll["illustrative"] else ""
    rows = [
        {
            "year": y,
            "installed": number(roll["installed_mw"][y] / 10, 1),
            "expected": number(roll["expected_mw"][y] / 10, 1),
            "piles": roll["public_piles"][y],
        }
        for y in roll["years"]
    ]
    cols: list[Column] = [
        ("year", "年份"),
        ("installed", "已并网 (万千瓦)"),
        ("expected", "按计划 (万千瓦)"),
        ("piles", "公用充电桩 (台)"),
    ]
    json_data = {k: v for k, v in roll.items() if k != "storage_checks"} | {
        "storage_checks": energy_tables.storage_rows(roll["storage_checks"])
    }
    emit(rows, cols, fmt, title="可再生能源装机与充电桩" + mark, json_data=json_data)
    if fmt is Format.table:
        reach = roll["expected_reaches_target"]
        typer.echo(f"按计划达到目标年份 (expected to reach the target): {reach or '目标年份内未达到'}")
        pooled = roll["pooled_storage_ratio"]
        shown = percent(None if pooled is None else pooled * 100)
        typer.echo(f"新增集中式风电光伏储能配置比例 (pooled storage ratio): {shown}")
        for r in energy_tables.storage_rows(roll["storage_checks"]):
            typer.echo(f"  {r['project_id']}: {percent(r['ratio'])} — {r['ok']}")


def _capacity_target(ctx: typer.Context, plan: str | None) -> float | None:
    """The plan's renewable-capacity target in MW (the first indicator with metric renewable_capacity)."""
    from carbonpeak.units.registry import convert

    for ind in get_plan(ctx, plan).indicators:
        if ind.metric == "renewable_capacity" and ind.value is not None and ind.unit:
            return float(convert(ind.value, ind.unit, "MW"))
    return None


@app.command("coverage")
@domain_errors
def coverage(
    ctx: typer.Context,
    cell: Annotated[float, typer.Option("--cell", help="Grid cell size, metres.")] = 100.0,
    proposals: Annotated[int, typer.Option("--proposals", help="How many next sites to propose.")] = 5,
    year: Annotated[
        int | None, typer.Option("--year", help="Stations commissioned by the end of YEAR.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Share of the core area within 3 km and of the rest within 5 km of a public station, the uncovered
    area and the next sites that would cover most (greedy maximum coverage)."""
    with _service(ctx) as svc:
        result = svc.analysis(_office(None), cell_m=cell, proposals=proposals, year=year)
    rows = _coverage_rows(result)
    data = {k: v for k, v in result.items() if k not in ("uncovered", "district", "core")}
    emit(rows, [("item", "项目"), ("value", "数值")], fmt, title="充电服务覆盖", json_data=data)


def _coverage_rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    def share(v: float | None) -> str:
        return "—（未设核心区）" if v is None else percent(v * 100)

    rows = [
        {"item": "边界", "value": r["district"]["label_zh"]},
        {"item": "核心区 3 公里覆盖率", "value": share(r["core_share"])},
        {"item": "非核心区 5 公里覆盖率", "value": share(r["noncore_share"])},
        {"item": "未覆盖面积 (km²)", "value": number(r["uncovered_km2"], 1)},
        {"item": "公用充电桩 (台) / 目标", "value": f"{r['public_piles']} / {r['piles_target']}"},
    ]
    for i, p in enumerate(r["proposals"], 1):
        rows.append(
            {
                "item": f"建议站点 {i}（WGS-84）",
                "value": f"{p['lon']:.5f}, {p['lat']:.5f}，新增覆盖 {number(p['gain_km2'], 1)} km²",
            }
        )
    if any(s["illustrative"] for s in r["stations"]):
        rows.append({"item": "说明", "value": "示例数据（illustrative）"})
    return rows


@app.command("computed")
@domain_errors
def computed(
    ctx: typer.Context, years: YearsOption = "2020-2030", user: UserOption = None, plan: PlanOption = None
) -> None:
    """Store the ledgers' roll-ups as computed indicator values of tracking (renewable_capacity,
    storage_ratio, charging_piles), with their inputs."""
    with _service(ctx) as svc:
        office = _office(user)
        values = svc.computed_values(office, _years(years))
        illustrative = svc.rollups(office, _years(years))["illustrative"]
        tracking = TrackingService(svc.engine, get_plan(ctx, plan), source="energy ledgers")
        count = tracking.store_computed(
            Actor(office.name, "office"),
            values,
            source="energy and charging ledgers",
            illustrative=illustrative,
        )
    typer.echo(f"stored {count} computed values")
