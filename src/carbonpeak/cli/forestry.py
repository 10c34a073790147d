"""``carbonpeak forestry …``: the forestry carbon-sink database (林业碳汇基础数据库) — survey
imports, parcels, stock and sink figures, the computed indicators and the inventory's sink rows.

The CLI runs on the server as the office (双碳办).
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, get_plan, migrated_engine
from carbonpeak.cli.output import Column, Format, FormatOption, emit, print_json
from carbonpeak.services.forestry import ForestryService, surveys_of
from carbonpeak.tracking.model import Actor

app = typer.Typer(
    help="Forestry carbon-sink database (林业碳汇基础数据库): parcels, stock, sink, forest cover.",
    no_args_is_help=True,
)
AreaArgument = Annotated[str, typer.Argument(help="The surveyed area: the district (静海区) or a zone.")]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Who acts, as office (default: the login name).")
]

SURVEY_COLUMNS: list[Column] = [
    ("area_name", "区域 area"),
    ("scope", "范围 scope"),
    ("survey_year", "调查年度 year"),
    ("parcel_count", "小班数 parcels"),
    ("file_name", "文件 file"),
    ("source", "来源 source"),
    ("illustrative", "示例数据 illustrative"),
]
PARCEL_COLUMNS: list[Column] = [
    ("survey_year", "调查年度"),
    ("parcel_id", "小班号"),
    ("town", "乡镇"),
    ("area_ha", "面积 (hm²)"),
    ("area_mu", "面积 (亩)"),
    ("land_class_label", "地类"),
    ("species_label", "树种"),
    ("age_class_label", "龄组"),
    ("volume_m3_per_ha", "蓄积量 (m³/hm²)"),
    ("project", "项目"),
]
SINK_COLUMNS: list[Column] = [
    ("year", "year"),
    ("sector", "sector"),
    ("fuel", "fuel"),
    ("amount", "amount"),
    ("unit", "unit"),
    ("note", "note"),
]


@contextlib.contextmanager
def _service(ctx: typer.Context) -> Iterator[ForestryService]:
    with migrated_engine(ctx) as engine:
        yield ForestryService(engine)


def _office(user: str | None) -> Actor:
    return Actor(user or getpass.getuser(), "office")


@app.command("import")
@domain_errors
def import_(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="Survey file: .csv, .xlsx or .geojson (columns: docs/forestry.md).")
    ],
    area: Annotated[
        str, typer.Option("--area", help="The surveyed area's name (静海区, 林海循环经济示范区).")
    ],
    source: Annotated[str, typer.Option("--source", help="Where the data comes from (二类调查 2020, …).")],
    scope: Annotated[
        str, typer.Option("--scope", help="district: the survey covers the district; zone: a part of it.")
    ] = "zone",
    user: UserOption = None,
    plan: PlanOption = None,
) -> None:
    """Import a survey file, all or nothing; a survey year already stored for the area is replaced.
    A district survey also stores forest_cover and forest_stock of every survey year into tracking."""
    with _service(ctx) as svc:
        stored = svc.import_file(
            _office(user),
            path,
            area_name=area,
            scope=scope,  # type: ignore[arg-type]
            source=source,
            plan=get_plan(ctx, plan) if scope == "district" else None,
        )
    for s in stored:
        typer.echo(f"{s.area_name} {s.survey_year}: {s.parcel_count} parcels")
    if scope == "district":
        typer.echo("forest_cover and forest_stock stored into tracking (computed values)")


@app.command("wetland-factor")
@domain_errors
def wetland_factor(
    ctx: typer.Context,
    value: Annotated[
        str | None, typer.Option("--value", help="The wetland sink factor, tCO2 per hm² and year (≥ 0).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Where the factor comes from (required with --value).")
    ] = None,
    user: UserOption = None,
) -> None:
    """Show the office's wetland sink factor, or set it with --value and --source (audited)."""
    with _service(ctx) as svc:
        if value is not None:
            svc.set_wetland_factor(_office(user), value, source or "", file="<cli>")
        setting = svc.wetland_setting(_office(user))
    if setting is None:
        typer.echo("湿地碳汇因子未设置 (wetland factor not set): the wetland sink shows —")
    else:
        typer.echo(
            f"{setting['t_co2_per_ha_year']:g} tCO2/hm²/yr — {setting['source']} "
            f"({setting['updated_by']}, {setting['updated_at'][:19]})"
        )


@app.command("surveys")
@domain_errors
def surveys(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Every stored survey: area, scope, year, parcel count, source."""
    with _service(ctx) as svc:
        rows = surveys_of(svc.surveys(_office(None)))
    emit(rows, SURVEY_COLUMNS, fmt, title="林业调查 forestry surveys")


@app.command("parcels")
@domain_errors
def parcels(
    ctx: typer.Context,
    area: AreaArgument,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Only this survey year.")] = None,
    town: Annotated[str | None, typer.Option("--town", help="Only this town or park.")] = None,
    land_class: Annotated[str | None, typer.Option("--land-class", help="Only this land class code.")] = None,
    species: Annotated[str | None, typer.Option("--species", help="Only this species group code.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The parcels (小班) of an area, filtered."""
    with _service(ctx) as svc:
        rows = svc.parcels(
            _office(None), area, survey_year=year, town=town, land_class=land_class, species=species
        )
    emit(rows, PARCEL_COLUMNS, fmt, title=f"小班 parcels — {area}")


@app.command("figures")
@domain_errors
def figures(ctx: typer.Context, area: AreaArgument) -> None:
    """Stock, sink (with its method), cover and project gains of an area, as JSON."""
    with _service(ctx) as svc:
        print_json(svc.figures(_office(None), area))


@app.command("sink-rows")
@domain_errors
def sink_rows(ctx: typer.Context, area: AreaArgument, fmt: FormatOption = Format.csv) -> None:
    """The inventory's sink line from the database, as rows of the activity file (the method named in
    the note); empty unless the area's surveys cover the district."""
    with _service(ctx) as svc:
        rows = svc.inventory_rows(_office(None), area)
    emit(rows, SINK_COLUMNS, fmt, title="activity")
