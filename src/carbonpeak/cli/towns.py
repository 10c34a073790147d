"""``carbonpeak towns …``: the members of the collective units (towns, streets, parks), decomposing a
district target into member targets (协同分解), members' values, status and carbon dual control.

The CLI runs on the server as the office (双碳办)."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, get_plan, migrated_engine, settings
from carbonpeak.cli.output import Column, Format, FormatOption, emit, language, print_json, write_table
from carbonpeak.plan import resolve_plan
from carbonpeak.plan.loader import read_plan
from carbonpeak.services.townships import TownshipsService, members_file, members_table
from carbonpeak.townships import METHODS, rules
from carbonpeak.tracking.model import Actor
from carbonpeak.units.display import quantity as shown

app = typer.Typer(
    help="Townships, streets and parks: members of 各乡镇园区 …, 协同分解 of district targets, dual control.",
    no_args_is_help=True,
)
UserOption = Annotated[
    str | None, typer.Option("--user", help="Who acts, as office (default: the login name).")
]
QuantityOption = Annotated[
    str, typer.Option("--quantity", "-q", help=f"What is decomposed: {', '.join(rules().quantities)}.")
]
YearOption = Annotated[int, typer.Option("--year", "-y", help="The target year (e.g. 2025).")]
VersionOption = Annotated[
    int | None, typer.Option("--version", help="The version the change is made on (optimistic locking).")
]

MEMBER_COLUMNS: list[Column] = [
    ("name", "成员 member"),
    ("kind_label", "类别 kind"),
    ("division_code", "区划代码 division code"),
    ("collectives", "所属集体单位 collectives"),
]
STATUS_COLUMNS: list[Column] = [
    ("quantity_name", "指标 quantity"),
    ("name", "单位 unit"),
    ("target_shown", "分解目标 target"),
    ("required_shown", "当年应达 required"),
    ("value_shown", "实际 actual"),
    ("status_label", "状态 status"),
]
DUAL_COLUMNS: list[Column] = [
    ("name", "单位 unit"),
    ("intensity_required", "强度应降 required (%)"),
    ("intensity_actual", "强度实降 actual (%)"),
    ("total_allowed", "总量允许 allowed"),
    ("total_used", "总量已用 used"),
    ("total_left", "总量剩余 left"),
    ("status_label", "双控 status"),
]


@contextlib.contextmanager
def _service(ctx: typer.Context, plan: str | None) -> Iterator[TownshipsService]:
    with migrated_engine(ctx) as engine:
        conf = settings(ctx)
        yield TownshipsService(
            engine,
            get_plan(ctx, plan),
            source="cli",
            evidence_dir=conf.resolved_evidence_dir(),
            evidence_max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
            evidence_types=conf.evidence_types,
        )


def _office(user: str | None) -> Actor:
    return Actor(user or getpass.getuser(), "office")


def _lang() -> str:
    return "en" if language() == "en" else "zh"


@app.command("list")
@domain_errors
def list_(ctx: typer.Context, plan: PlanOption = None, fmt: FormatOption = Format.table) -> None:
    """The members of the plan's collective units, with kind, division code and collectives; says
    when the list is incomplete and which collectives have no member yet."""
    with _service(ctx, plan) as svc:
        data = svc.members(_lang())
        table = members_table(svc, _lang())
    emit(data["members"], MEMBER_COLUMNS, fmt, title="集体单位成员 members", json_data=data, table=table)
    if fmt is Format.table:
        if not data["complete"]:
            typer.echo(f"名单不完整 (incomplete): {data['note'] or ''}", err=True)
        if data["unresolved"]:
            typer.echo(f"未声明成员的集体单位 (no members yet): {'、'.join(data['unresolved'])}", err=True)


@app.command("import-members")
@domain_errors
def import_members(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="The members sheet: XLSX (sheet 成员) or CSV; see docs/townships.md.")
    ],
    out: Annotated[
        Path, typer.Option("--to", help="The companion file to write, e.g. data/plans/P.members.yaml.")
    ],
    complete: Annotated[bool, typer.Option("--complete", help="The sheet lists every member.")] = False,
    source: Annotated[
        str, typer.Option("--source", help="Where the list comes from.")
    ] = "the office's members sheet",
    plan: PlanOption = None,
) -> None:
    """Write the companion members file from a members sheet, all or nothing; the plan's collectives are
    kept. Check it with carbonpeak plan validate."""
    loaded = get_plan(ctx, plan)
    plan_path = resolve_plan(plan or settings(ctx).plan)
    base, _ = read_plan(plan_path.read_text(encoding="utf-8"), str(plan_path))
    text = members_file(loaded, base, path, complete=complete, source=source)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"written {out}")


@app.command("decompose")
@domain_errors
def decompose(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="The member rows: XLSX (sheet 分解表) or CSV; see docs/townships.md.")
    ],
    code: QuantityOption,
    year: YearOption,
    method: Annotated[str, typer.Option("--method", "-m", help=f"How: {', '.join(METHODS)}.")],
    target: Annotated[float, typer.Option("--target", help="The district's target, in the quantity's unit.")],
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="Base year (default: the plan's).")
    ] = None,
    district_base: Annotated[
        float | None, typer.Option("--district-base", help="The district's base-year value (for its path).")
    ] = None,
    document: Annotated[
        str | None, typer.Option("--document", help="Where the district target comes from (文号, date).")
    ] = None,
    user: UserOption = None,
    plan: PlanOption = None,
) -> None:
    """Split a district target into member targets, all or nothing: they must add up to it."""
    with _service(ctx, plan) as svc:
        rows = svc.read_rows(path)
        result = svc.decompose(
            _office(user),
            code,
            year,
            method,
            target,
            rows,
            base_year=base_year,
            district_base=district_base,
            document=document,
            file=path.name,
        )
    for m in result["members"]:
        typer.echo(f"{m['name']}: {shown(m['target'], result['unit'])}")


@app.command("template")
@domain_errors
def template(
    ctx: typer.Context,
    code: QuantityOption,
    year: YearOption,
    fmt: FormatOption = Format.xlsx,
    plan: PlanOption = None,
) -> None:
    """The decomposition sheet of a quantity and year (the stored one, else every member to fill)."""
    with _service(ctx, plan) as svc:
        table = svc.table(_office(None), code, year, _lang())
    write_table(table, fmt)


@app.command("record")
@domain_errors
def record(
    ctx: typer.Context,
    code: QuantityOption,
    year: YearOption,
    value: Annotated[float, typer.Argument(help="The value, in the quantity's unit.")],
    member: Annotated[
        str | None,
        typer.Option("--member", help="The member (name or id); without it the district's own figure."),
    ] = None,
    submit: Annotated[bool, typer.Option("--submit", help="Submit the member's value for review.")] = False,
    version: VersionOption = None,
    user: UserOption = None,
    plan: PlanOption = None,
) -> None:
    """Record a member's (or the district's own) value of a quantity in a year; audited. A member's
    value is a draft until submitted and approved (only approved values count)."""
    with _service(ctx, plan) as svc:
        ref = svc.record_value(
            _office(user), member, code, year, value, expected_version=version, submit=submit
        )
    typer.echo(f"saved: value #{ref['id']} {ref['state']} (version {ref['version']})")


VALUE_COLUMNS: list[Column] = [
    ("id", "编号 id"),
    ("name", "成员 member"),
    ("quantity_name", "指标 quantity"),
    ("year", "年度 year"),
    ("value", "数值 value"),
    ("state_label", "状态 state"),
    ("version", "版本 version"),
    ("comment", "退回原因 reason"),
]


@app.command("values")
@domain_errors
def values(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option("--state", help="Only values in this state: draft, submitted, approved, returned."),
    ] = None,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The members' values with their review state (待审核: submitted), version and reason of a return."""
    with _service(ctx, plan) as svc:
        rows = svc.value_records(_office(None), state, _lang())
    emit(rows, VALUE_COLUMNS, fmt, title="成员数值审核 member values")


@app.command("submit")
@domain_errors
def submit_(
    ctx: typer.Context,
    value_id: Annotated[int, typer.Argument(help="The value's id (carbonpeak towns values).", min=1)],
    version: VersionOption = None,
    user: UserOption = None,
    plan: PlanOption = None,
) -> None:
    """Submit a draft or returned member value for review (the office for the member)."""
    with _service(ctx, plan) as svc:
        ref = svc.submit_value(_office(user), value_id, expected_version=version)
    typer.echo(f"value #{ref['id']} {ref['state']} (version {ref['version']})")


@app.command("review")
@domain_errors
def review(
    ctx: typer.Context,
    value_id: Annotated[int, typer.Argument(help="The value's id (carbonpeak towns values).", min=1)],
    step: Annotated[str, typer.Argument(help="approve, return or reopen.")],
    comment: Annotated[
        str | None, typer.Option("--comment", help="The reason (required to return or reopen).")
    ] = None,
    version: VersionOption = None,
    user: UserOption = None,
    plan: PlanOption = None,
) -> None:
    """Approve, return (with the reason) or reopen a submitted member value; nobody approves a value
    they entered or submitted."""
    with _service(ctx, plan) as svc:
        ref = svc.review_value(_office(user), value_id, step, comment=comment, expected_version=version)
    typer.echo(f"value #{ref['id']} {ref['state']} (version {ref['version']})")


@app.command("attach")
@domain_errors
def attach(
    ctx: typer.Context,
    value_id: Annotated[int, typer.Argument(help="The value's id (carbonpeak towns values).", min=1)],
    path: Annotated[Path, typer.Argument(help="The evidence file (PDF, image, XLSX, DOCX, CSV, text).")],
    user: UserOption = None,
    plan: PlanOption = None,
) -> None:
    """Attach an evidence file to a draft or returned member value."""
    with _service(ctx, plan) as svc:
        got = svc.attach_evidence(_office(user), value_id, path.read_bytes(), path.name)
    typer.echo(f"attached {got['sha256'][:12]} ({got['size']} bytes)")


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for d in data["decompositions"]:
        unit = d["unit"]
        district = {
            "name": "全区（本级统计）" if _lang() == "zh" else "district (own figure)",
            "target": d["district_target"],
            "value": d["district_value"],
            "status_label": d["district_status_label"],
        }
        rollup = {"name": "成员合计 roll-up", "value": d["rollup"], "status_label": ""}
        for r in [*d["rows"], district, rollup]:
            out.append(
                {
                    **r,
                    "quantity_name": f"{d['name']} {d['year']}",
                    "target_shown": shown(r.get("target"), unit) if r.get("target") is not None else "",
                    "required_shown": shown(r["required"], unit) if r.get("required") is not None else "",
                    "value_shown": shown(r["value"], unit) if r.get("value") is not None else "",
                }
            )
    return out


@app.command("status")
@domain_errors
def status(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help="The year of the values.")],
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Each member against its own share, the district's figure and the members' roll-up, and carbon
    dual control (强度为主、总量为辅)."""
    with _service(ctx, plan) as svc:
        data = svc.status(_office(None), year, _lang())
    if fmt is Format.json:
        print_json(data)
        return
    title = f"{year}年 协同分解 decomposition" + ("（示例数据）" if data["illustrative"] else "")
    emit(_rows(data), STATUS_COLUMNS, fmt, title=title)
    if fmt is Format.table and data["dual_control"]:
        emit(data["dual_control"], DUAL_COLUMNS, fmt, title=f"{year}年 碳排放双控 (强度为主、总量为辅)")
