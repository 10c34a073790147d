"""``carbonpeak plan …``: the plan as data — overview, show, validate, and filtered lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from carbonpeak.cli.common import PlanOption, domain_errors, fail, get_plan
from carbonpeak.cli.output import Column, Format, FormatOption, console, emit
from carbonpeak.plan import (
    Indicator,
    Plan,
    bundled_plans,
    filter_indicators,
    filter_projects,
    filter_tasks,
    indicator_responsible,
    plan_dict,
    target_text,
    validate_file,
)
from carbonpeak.plan.model import task_dict

app = typer.Typer(
    help="The plan as data: targets, tasks, responsible units, key projects.", no_args_is_help=True
)

ActionOption = Annotated[
    str | None, typer.Option("--action", "-a", help="Only this action id (e.g. energy).")
]
UnitOption = Annotated[
    str | None,
    typer.Option("--unit", "-u", help="Only items of this responsible unit (id or name, e.g. 区发改委)."),
]
YearOption = Annotated[int | None, typer.Option("--year", "-y", help="Only targets for this year.")]


def _unit_names(plan: Plan) -> dict[str, str]:
    return {u.id: u.name for u in plan.units}


def _indicator_rows(plan: Plan, items: list[Indicator]) -> list[dict[str, Any]]:
    names = _unit_names(plan)
    rows = []
    for ind in items:
        row = ind.model_dump(mode="json")
        row["target"] = target_text(ind)
        row["responsible"] = indicator_responsible(plan, ind)
        row["responsible_names"] = [names[u] for u in row["responsible"]]
        rows.append(row)
    return rows


INDICATOR_COLUMNS: list[Column] = [
    ("id", "id"),
    ("clause", "条款"),
    ("name", "指标"),
    ("year", "年份"),
    ("target", "目标"),
    ("comparator", "comparator"),
    ("value", "value"),
    ("unit", "unit"),
    ("responsible_names", "责任单位"),
]


@app.command("indicators")
@domain_errors
def indicators(
    ctx: typer.Context,
    plan: PlanOption = None,
    action: ActionOption = None,
    unit: UnitOption = None,
    year: YearOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the plan's targets (指标), filtered by action, responsible unit or year."""
    loaded = get_plan(ctx, plan)
    rows = _indicator_rows(loaded, filter_indicators(loaded, action=action, unit=unit, year=year))
    columns = (
        INDICATOR_COLUMNS
        if fmt is not Format.table
        else [c for c in INDICATOR_COLUMNS if c[0] not in ("comparator", "value", "unit")]
    )
    emit(rows, columns, fmt, title=f"{loaded.plan.title} — 目标指标 ({len(rows)})")


def _task_rows(plan: Plan, items: list[Any]) -> list[dict[str, Any]]:
    names = _unit_names(plan)
    rows = []
    for task in items:
        row = task_dict(task)
        row["lead_name"] = names[task.lead]
        row["support_names"] = [names[u] for u in task.support]
        rows.append(row)
    return rows


@app.command("tasks")
@domain_errors
def tasks(
    ctx: typer.Context,
    plan: PlanOption = None,
    action: ActionOption = None,
    unit: UnitOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the plan's tasks (重点任务) with lead (牵头) and supporting (配合) units."""
    loaded = get_plan(ctx, plan)
    rows = _task_rows(loaded, filter_tasks(loaded, action=action, unit=unit))
    columns: list[Column] = [
        ("id", "id"),
        ("clause", "条款"),
        ("title", "任务"),
        ("lead_name", "牵头单位"),
        ("support_names", "配合单位"),
        ("indicators", "指标"),
    ]
    if fmt is Format.csv:
        columns += [("lead", "lead"), ("support", "support"), ("text", "text")]
    emit(rows, columns, fmt, title=f"{loaded.plan.title} — 重点任务 ({len(rows)})")


@app.command("units")
@domain_errors
def units(ctx: typer.Context, plan: PlanOption = None, fmt: FormatOption = Format.table) -> None:
    """List the responsible units (责任单位) with how many tasks each leads and supports."""
    loaded = get_plan(ctx, plan)
    rows = []
    for unit in loaded.units:
        row = unit.model_dump(mode="json")
        row["leads"] = [t.id for t in loaded.tasks if t.lead == unit.id]
        row["supports"] = [t.id for t in loaded.tasks if unit.id in t.support]
        row["lead_count"], row["support_count"] = len(row["leads"]), len(row["supports"])
        rows.append(row)
    columns: list[Column] = [
        ("id", "id"),
        ("name", "单位"),
        ("kind", "类型"),
        ("lead_count", "牵头任务数"),
        ("support_count", "配合任务数"),
    ]
    if fmt is Format.csv:
        columns += [("full_name", "full_name"), ("leads", "leads"), ("supports", "supports")]
    emit(rows, columns, fmt, title=f"{loaded.plan.title} — 责任单位 ({len(rows)})")


@app.command("projects")
@domain_errors
def projects(
    ctx: typer.Context,
    plan: PlanOption = None,
    action: ActionOption = None,
    column: Annotated[str | None, typer.Option("--column", "-c", help="Only this box, e.g. 专栏4.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the key projects of the 专栏 boxes with capacity, location and related task."""
    loaded = get_plan(ctx, plan)
    rows = [p.model_dump(mode="json") for p in filter_projects(loaded, action=action, column=column)]
    columns: list[Column] = [
        ("id", "id"),
        ("column", "专栏"),
        ("category", "类别"),
        ("name", "项目"),
        ("capacity", "规模"),
        ("unit", "单位"),
        ("location", "地点"),
        ("task", "任务"),
    ]
    emit(rows, columns, fmt, title=f"{loaded.plan.title} — 专栏项目 ({len(rows)})")


@app.command("milestones")
@domain_errors
def milestones(ctx: typer.Context, plan: PlanOption = None, fmt: FormatOption = Format.table) -> None:
    """List the timetable rows (专栏 时限安排) with period, due date and related task."""
    loaded = get_plan(ctx, plan)
    rows = [m.model_dump(mode="json") for m in loaded.milestones]
    columns: list[Column] = [
        ("id", "id"),
        ("column", "专栏"),
        ("period", "时间"),
        ("due", "截止"),
        ("text", "目标"),
        ("task", "任务"),
    ]
    emit(rows, columns, fmt, title=f"{loaded.plan.title} — 时限安排 ({len(rows)})")


@app.command("show")
@domain_errors
def show(ctx: typer.Context, plan: PlanOption = None, fmt: FormatOption = Format.table) -> None:
    """Print the whole plan: JSON with keys plan, units, actions, indicators, tasks, projects, milestones."""
    loaded = get_plan(ctx, plan)
    data = plan_dict(loaded)
    if fmt is Format.json:
        emit([], [], fmt, json_data=data)
        return
    rows: list[dict[str, Any]] = []
    for row in _indicator_rows(loaded, list(loaded.indicators)):
        rows.append(
            {
                "section": "indicator",
                "id": row["id"],
                "clause": row["clause"],
                "text": row["name"],
                "detail": row["target"],
                "year": row["year"],
                "responsible": row["responsible_names"],
            }
        )
    for row in _task_rows(loaded, list(loaded.tasks)):
        rows.append(
            {
                "section": "task",
                "id": row["id"],
                "clause": row["clause"],
                "text": row["title"],
                "detail": row["indicators"],
                "responsible": [row["lead_name"], *row["support_names"]],
            }
        )
    for p in loaded.projects:
        cap = f"{p.capacity:g} {p.unit}" if p.capacity is not None else ""
        rows.append({"section": "project", "id": p.id, "clause": p.column, "text": p.name, "detail": cap})
    for m in loaded.milestones:
        rows.append(
            {"section": "milestone", "id": m.id, "clause": m.column, "text": m.text, "detail": m.period}
        )
    columns: list[Column] = [
        ("section", "类别"),
        ("id", "id"),
        ("clause", "条款"),
        ("text", "内容"),
        ("detail", "目标/规模"),
        ("year", "年份"),
        ("responsible", "责任单位"),
    ]
    emit(rows, columns, fmt, title=loaded.plan.title)


@app.command("overview")
@domain_errors
def overview(ctx: typer.Context, plan: PlanOption = None) -> None:
    """A one-screen overview of the plan: headline targets and the actions with their lead units."""
    loaded = get_plan(ctx, plan)
    meta = loaded.plan
    out = console()
    header = (
        f"[bold]{meta.title}[/bold]\n{meta.document_number or ''}  {meta.issuing_body}  {meta.issue_date}\n"
        f"指标 {len(loaded.indicators)} 项 · 任务 {len(loaded.tasks)} 项 · "
        f"专栏项目 {len(loaded.projects)} 项 · "
        f"时限节点 {len(loaded.milestones)} 项 · 责任单位 {len(loaded.units)} 个"
    )
    out.print(Panel(header, title="carbonpeak 碳达峰实施方案", expand=False))
    headline = Table(title="主要目标 (二、主要目标)", header_style="bold")
    for name in ("指标", "年份", "目标"):
        headline.add_column(name)
    for ind in loaded.indicators:
        if ind.clause == "二":
            headline.add_row(ind.name, str(ind.year), target_text(ind))
    out.print(headline)
    names = _unit_names(loaded)
    actions = Table(title="重点任务 (按行动)", header_style="bold")
    for name in ("条款", "行动", "任务数", "牵头单位"):
        actions.add_column(name)
    for action in loaded.actions:
        own = [t for t in loaded.tasks if t.action == action.id]
        leads = list(dict.fromkeys(names[t.lead] for t in own))
        actions.add_row(action.clause, action.title, str(len(own)), "、".join(leads))
    out.print(actions)


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The plan file to check (YAML or JSON).")],
    source: Annotated[
        Path | None,
        typer.Option("--source", "-s", help="The plan's official text: check every quote is verbatim in it."),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Check a plan file and report every problem with file, line and field; exit 1 if there is any."""
    text = source.read_text(encoding="utf-8") if source else None
    problems = validate_file(file, text)
    if fmt is not Format.table:
        rows = [{"file": p.file, "line": p.row, "field": p.field, "message": p.message} for p in problems]
        emit(rows, [("file", "file"), ("line", "line"), ("field", "field"), ("message", "message")], fmt)
    else:
        for problem in problems:
            typer.echo(str(problem), err=True)
        if not problems:
            typer.echo(f"{file}: OK")
    if problems:
        raise fail(f"{file}: {len(problems)} problem(s)") if fmt is Format.table else typer.Exit(1)


@app.command("list")
def list_plans(fmt: FormatOption = Format.table) -> None:
    """List the plans bundled with carbonpeak."""
    rows = [{"id": plan_id, "file": str(path)} for plan_id, path in bundled_plans().items()]
    emit(rows, [("id", "id"), ("file", "file")], fmt, title="bundled plans")
