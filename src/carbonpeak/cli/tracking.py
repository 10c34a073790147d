"""``carbonpeak assess`` and ``carbonpeak track …``: report, approve, evaluate and assess.

Every command acts as a user with a role (``--user``, ``--role``, ``--acting-unit``): a department
reports only on the indicators and tasks it is responsible for; only the office approves or returns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonpeak.cli.common import PlanOption, domain_errors, get_plan, migrated_engine, settings
from carbonpeak.cli.output import Column, Format, FormatOption, emit, language
from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.plan import find_unit
from carbonpeak.reports import write_file
from carbonpeak.services.computed import computed_values
from carbonpeak.services.tracking import TrackingService, read_sheet
from carbonpeak.tracking.codes import label
from carbonpeak.tracking.errors import VersionRequiredError
from carbonpeak.tracking.model import (
    STATE_LABELS,
    TASK_STATUS_BY_LABEL,
    TASK_STATUS_LABELS,
    Actor,
)
from carbonpeak.tracking.rubric import load_rubric
from carbonpeak.tracking.sheets import csv_template, template_book
from carbonpeak.tracking.tables import evaluation_table

app = typer.Typer(
    help="Tracking (调度): report values and progress, approve or return them, status and alerts.",
    no_args_is_help=True,
)

ILLUSTRATIVE = " — 示例数据 (illustrative)"


def _words() -> str:
    """The language of a code's words in the output: en when English is chosen, else zh."""
    return "en" if language() == "en" else "zh"


UserOption = Annotated[str | None, typer.Option("--user", help="Who acts (default: the login name).")]
RoleOption = Annotated[
    str, typer.Option("--role", help="Role of the user: office (双碳办), department (责任单位) or viewer.")
]
ActingUnitOption = Annotated[
    str | None,
    typer.Option("--acting-unit", help="For --role department: the responsible unit the user acts for."),
]
YearOption = Annotated[int, typer.Option("--year", "-y", help="The year (e.g. 2024).")]
ShownYearOption = Annotated[
    int | None,
    typer.Option(
        "--year",
        "-y",
        help="The year (e.g. 2024); default: the latest closed year, else the last complete year.",
    ),
]


def _shown(svc: TrackingService, year: int | None) -> int:
    """``--year`` or, without it, the default year of the web's pages too: the latest year the office
    has closed, else the last complete year (``TrackingService.default_year``)."""
    return year if year is not None else svc.default_year()


AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Date the alerts/assessment are made on (YYYY-MM-DD); default: today."),
]
UnitFilter = Annotated[
    str | None, typer.Option("--unit", "-u", help="Only this responsible unit (id or name).")
]
KindArgument = Annotated[
    str, typer.Argument(help="Record kind: value (indicator value) or report (task report).")
]
IdArgument = Annotated[int, typer.Argument(help="Record id (see carbonpeak track records).")]
VersionOption = Annotated[
    int | None,
    typer.Option(
        "--expected-version",
        help="The version you read (carbonpeak track records); needed to change a record that exists, "
        "refused (exit 4) if the record changed since.",
    ),
]


def _needs_version(record: str, version: int, command: str) -> InvalidInputError:
    """Changing a record that exists without --expected-version (exit 2): say how to pass it."""
    return InvalidInputError(
        f"{record} 已存在（当前版本 {version}）：修改已有记录须用 --expected-version 写明所读的版本；"
        f"请先用 carbonpeak track records 核对该记录，再运行 carbonpeak track {command} … "
        f"--expected-version {version}",
        message_en=f"{record} exists (version {version}): changing a record needs the version you read, "
        f"as --expected-version; check it with carbonpeak track records, then run carbonpeak track "
        f"{command} … --expected-version {version}",
    )


def _expected(svc: TrackingService, kind: str, record_id: int, expected: int | None, command: str) -> int:
    """The version a workflow step acts on: ``--expected-version``, which it must name."""
    if expected is not None:
        return expected
    current = svc.get(kind, record_id)
    raise _needs_version(f"{kind} #{record_id}", int(current["version"]), command)


@contextlib.contextmanager
def _service(ctx: typer.Context, plan: str | None, source: str) -> Iterator[TrackingService]:
    conf = settings(ctx)
    with migrated_engine(ctx) as engine:
        yield TrackingService(
            engine,
            get_plan(ctx, plan),
            source=source,
            rubric=load_rubric(conf.rubric),
            evidence_dir=conf.resolved_evidence_dir(),
            evidence_max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
            evidence_types=conf.evidence_types,
        )


def _actor(user: str | None, role: str, unit: str | None) -> Actor:
    if role not in ("office", "department", "viewer"):
        raise InvalidInputError(f"--role {role!r}: expected office, department or viewer")
    return Actor(user or getpass.getuser() or "cli", role, unit)  # type: ignore[arg-type]


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"--as-of {text!r}: expected a date YYYY-MM-DD") from None


def _unit_id(svc: TrackingService, ref: str | None) -> str | None:
    return find_unit(svc.plan, ref).id if ref else None


def _fmt(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


# -- assessment ----------------------------------------------------------------------------------


@domain_errors
def assess(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    rubric: Annotated[
        Path | None,
        typer.Option("--rubric", help="Rubric YAML (default: setting rubric, else the bundled v1)."),
    ] = None,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
    year: ShownYearOption = None,
) -> None:
    """Annual assessment (考核) of every responsible unit: score, grade and the reason for each point lost.

    JSON: a list with, for each unit, unit, unit_name, score, grade, components and deductions."""
    with _service(ctx, plan, "cli:assess") as svc:
        year = _shown(svc, year)
        if rubric is not None:
            svc.rubric = load_rubric(rubric)
        day = _as_of(as_of) if as_of else dt.date(year + 1, 1, 31)
        results = svc.assess(year, day)
        illustrative = svc.is_illustrative()
    data = [
        {
            **a.as_dict(),
            "grade_label": label("grade", a.grade, _words()),
            "year": year,
            "as_of": day.isoformat(),
            "illustrative": illustrative,
        }
        for a in results
    ]
    rows = [
        {
            "unit": a["unit"],
            "unit_name": a["unit_name"],
            "score": a["score"],
            "grade": label("grade", a["grade"], _words()),
            "deductions": len(a["deductions"]),
            "top": a["deductions"][0]["reason"] if a["deductions"] else "",
        }
        for a in data
    ]
    columns: list[Column] = [
        ("unit_name", "责任单位"),
        ("score", "得分"),
        ("grade", "等次"),
        ("deductions", "扣分项"),
        ("top", "主要扣分原因"),
    ]
    title = (
        f"{year}年度考核 (评分细则 v{svc.rubric.version}, 截至 {day}){ILLUSTRATIVE if illustrative else ''}"
    )
    emit(rows, columns, fmt, title=title, json_data=data)


# -- status and alerts ---------------------------------------------------------------------------


@app.command("status")
@domain_errors
def status(
    ctx: typer.Context,
    from_year: Annotated[
        int | None, typer.Option("--from-year", help="Also evaluate the years from this one up to --year.")
    ] = None,
    unit: UnitFilter = None,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
    year: ShownYearOption = None,
) -> None:
    """Every quantified indicator: required value on the path, actual, gap, trend and status."""
    with _service(ctx, plan, "cli:track status") as svc:
        year = _shown(svc, year)
        years = list(range(from_year or year, year + 1))
        evaluations = svc.evaluate(years)
        unit_id = _unit_id(svc, unit)
        illustrative = svc.is_illustrative()
    rows = []
    for e in evaluations:
        if unit_id and e.owner != unit_id:
            continue
        row = {k: _fmt(v) if fmt is Format.table else v for k, v in e.as_dict().items()}
        row["illustrative"] = illustrative
        row["notes"] = "；".join(e.notes)
        row["status_label"] = label("indicator_status", e.status, _words())
        if fmt is Format.table:
            row["value_source"] = {"reported": "填报", "computed": "核算"}.get(e.value_source or "", "")
        rows.append(row)
    columns: list[Column] = [
        ("indicator_id", "指标代码"),
        ("name", "指标"),
        ("year", "年份"),
        ("target", "目标值"),
        ("required", "应达值"),
        ("actual", "实际值"),
        ("value_source", "来源"),
        ("gap", "差距"),
        ("projection", "趋势预测"),
        ("status_label", "状态"),
        ("notes", "备注"),
    ]
    if fmt in (Format.csv, Format.xlsx):
        columns += [("reported", "填报值"), ("computed", "核算值"), ("mismatch", "填报与核算不一致")]
    elif fmt is Format.table:
        columns = [c for c in columns if c[0] != "indicator_id"]
    emit(rows, columns, fmt, title=f"指标进展 {years[0]}—{year}{ILLUSTRATIVE if illustrative else ''}")


@app.command("export")
@domain_errors
def export(
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write: .xlsx or .csv (by its suffix).")
    ],
    plan: PlanOption = None,
    year: ShownYearOption = None,
) -> None:
    """Write the tracking evaluation of a year (the statisticians' sheet): the same file as the web's
    /tracking/export for the office."""
    with _service(ctx, plan, "cli:track export") as svc:
        year = _shown(svc, year)
        evaluations = svc.evaluate([year])
        table = evaluation_table(
            svc.plan.plan.title, year, evaluations, illustrative=svc.is_illustrative(), lang=language()
        )
    write_file(table, output, lang=language())
    typer.echo(f"tracking evaluation {year} → {output}")


@app.command("alerts")
@domain_errors
def alerts(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    unit: UnitFilter = None,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
    year: ShownYearOption = None,
) -> None:
    """What the office can act on: missing and late reports, overdue milestones, 严重滞后 indicators."""
    with _service(ctx, plan, "cli:track alerts") as svc:
        year = _shown(svc, year)
        found = svc.alerts(year, _as_of(as_of))
        unit_id = _unit_id(svc, unit)
        names = {u.id: u.name for u in svc.plan.units}
        illustrative = svc.is_illustrative()
    rows = [
        {**a.as_dict(), "unit_name": names.get(a.unit_id or "", ""), "illustrative": illustrative}
        for a in found
        if unit_id is None or a.unit_id == unit_id
    ]
    columns: list[Column] = [
        ("severity", "级别"),
        ("kind", "类型"),
        ("unit_name", "责任单位"),
        ("item", "事项"),
        ("message", "说明"),
    ]
    emit(rows, columns, fmt, title=f"{year}年预警 ({len(rows)}){ILLUSTRATIVE if illustrative else ''}")


@app.command("records")
@domain_errors
def records(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option("--state", help="Only records in this state: draft, submitted, approved, returned."),
    ] = None,
    unit: UnitFilter = None,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List indicator values and task reports with id, version and workflow state (for moderation)."""
    with _service(ctx, plan, "cli:track records") as svc:
        rows = svc.records(state, _unit_id(svc, unit))
    for row in rows:
        row["state_label"] = STATE_LABELS.get(row["state"], row["state"])
    columns: list[Column] = [
        ("kind", "类别"),
        ("id", "id"),
        ("version", "版本"),
        ("unit_id", "单位"),
        ("item", "指标/任务"),
        ("year", "年份"),
        ("period", "期间"),
        ("content", "数值/状态"),
        ("state_label", "流程"),
        ("comment", "审核意见"),
    ]
    emit(rows, columns, fmt, title=f"填报记录 ({len(rows)})")


# -- reporting and the workflow ------------------------------------------------------------------


def _done(ref: Any) -> None:
    typer.echo(json.dumps(ref.as_dict(), ensure_ascii=False))


@app.command("value")
@domain_errors
def value(
    ctx: typer.Context,
    indicator: Annotated[str, typer.Argument(help="Indicator id, e.g. non_fossil_share_2025.")],
    year: YearOption,
    number: Annotated[float, typer.Option("--value", help="The value, in the indicator's unit.")],
    period: Annotated[str, typer.Option("--period", help="Y (the year) or Q1..Q4.")] = "Y",
    evidence: Annotated[str | None, typer.Option("--evidence", help="What proves the value.")] = None,
    data_source: Annotated[str | None, typer.Option("--source", help="Where the number comes from.")] = None,
    expected_version: VersionOption = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Record (as draft) or correct an indicator value; prints the record's kind, id, version, state."""
    with _service(ctx, plan, "cli:track value") as svc:
        try:
            ref = svc.record_value(
                _actor(user, role, acting_unit),
                indicator,
                year,
                number,
                period=period,
                evidence=evidence,
                data_source=data_source,
                expected_version=expected_version,
                unit_id=acting_unit,
                require_version=True,
            )
        except VersionRequiredError as exc:
            raise _needs_version(exc.record, exc.version, "value") from exc
    _done(ref)


@app.command("report")
@domain_errors
def report(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help="Task id, e.g. energy.1.")],
    year: YearOption,
    period: Annotated[str, typer.Option("--period", help="Q1..Q4 (or Y).")],
    status_text: Annotated[
        str,
        typer.Option("--status", help="未启动/推进中/已完成/滞后 (or not_started/in_progress/done/delayed)."),
    ],
    narrative: Annotated[str, typer.Option("--narrative", help="What was done (进展情况).")] = "",
    milestone: Annotated[
        list[str] | None, typer.Option("--milestone", help="A milestone met (repeatable).")
    ] = None,
    expected_version: VersionOption = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Record (as draft) or correct a task progress report for a period."""
    code = TASK_STATUS_BY_LABEL.get(status_text, status_text)
    if code not in TASK_STATUS_LABELS:
        raise InvalidInputError(
            f"--status {status_text!r}: expected one of {'/'.join(TASK_STATUS_LABELS.values())}"
        )
    with _service(ctx, plan, "cli:track report") as svc:
        try:
            ref = svc.record_report(
                _actor(user, role, acting_unit),
                task,
                year,
                period,
                code,
                narrative=narrative,
                milestones_met=milestone or [],
                expected_version=expected_version,
                unit_id=acting_unit,
                require_version=True,
            )
        except VersionRequiredError as exc:
            raise _needs_version(exc.record, exc.version, "report") from exc
    _done(ref)


@app.command("submit")
@domain_errors
def submit(
    ctx: typer.Context,
    kind: KindArgument,
    record_id: IdArgument,
    expected_version: VersionOption = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Submit a draft or returned record to the office (报送)."""
    with _service(ctx, plan, "cli:track submit") as svc:
        version = _expected(svc, kind, record_id, expected_version, "submit")
        _done(svc.submit(_actor(user, role, acting_unit), kind, record_id, expected_version=version))


@app.command("approve")
@domain_errors
def approve(
    ctx: typer.Context,
    kind: KindArgument,
    record_id: IdArgument,
    comment: Annotated[str | None, typer.Option("--comment", help="Optional remark of the office.")] = None,
    expected_version: VersionOption = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Approve a submitted record (审核通过); office only."""
    with _service(ctx, plan, "cli:track approve") as svc:
        version = _expected(svc, kind, record_id, expected_version, "approve")
        _done(
            svc.approve(
                _actor(user, role, acting_unit), kind, record_id, comment=comment, expected_version=version
            )
        )


@app.command("return")
@domain_errors
def return_cmd(
    ctx: typer.Context,
    kind: KindArgument,
    record_id: IdArgument,
    comment: Annotated[str, typer.Option("--comment", help="What the unit must fix (退回意见).")],
    expected_version: VersionOption = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Return a submitted record to its unit with a comment (退回); office only."""
    with _service(ctx, plan, "cli:track return") as svc:
        version = _expected(svc, kind, record_id, expected_version, "return")
        _done(
            svc.return_(_actor(user, role, acting_unit), kind, record_id, comment, expected_version=version)
        )


@app.command("reopen")
@domain_errors
def reopen_cmd(
    ctx: typer.Context,
    kind: KindArgument,
    record_id: IdArgument,
    comment: Annotated[str, typer.Option("--comment", help="Why the approved figure is revised (修订原因).")],
    expected_version: VersionOption = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Reopen an approved record for revision (修订): it goes back to its unit as returned; office only."""
    with _service(ctx, plan, "cli:track reopen") as svc:
        version = _expected(svc, kind, record_id, expected_version, "reopen")
        _done(svc.reopen(_actor(user, role, acting_unit), kind, record_id, comment, expected_version=version))


@app.command("evidence")
@domain_errors
def evidence(
    ctx: typer.Context,
    kind: KindArgument,
    record_id: IdArgument,
    file: Annotated[Path, typer.Argument(help="The evidence file (PDF, image, XLSX, DOCX, CSV or text).")],
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Attach an evidence file (佐证材料) to a record: stored by sha256, size and type checked."""
    with _service(ctx, plan, "cli:track evidence") as svc:
        if not file.is_file():
            raise NotFoundError(f"no file {file}")
        if file.stat().st_size > svc.evidence_max_bytes:
            raise InvalidInputError(
                f"{file}: {file.stat().st_size} bytes; at most {svc.evidence_max_bytes} are accepted"
            )
        info = svc.attach_evidence(
            _actor(user, role, acting_unit), kind, record_id, file.read_bytes(), file.name
        )
    typer.echo(json.dumps(info, ensure_ascii=False))


# -- templates, import, computed values ----------------------------------------------------------


@app.command("template")
@domain_errors
def template(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", "-u", help="The responsible unit (id or name).")],
    year: YearOption,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The file to write: .xlsx (both sheets) or .csv (one sheet)."),
    ],
    sheet: Annotated[
        str, typer.Option("--sheet", help="For a .csv output: values (指标数据) or reports (任务进展).")
    ] = "reports",
    plan: PlanOption = None,
) -> None:
    """Write the reporting template of a unit: its indicators and tasks, drop-down codes, 填报说明."""
    loaded = get_plan(ctx, plan)
    unit_id = find_unit(loaded, unit).id
    if output.suffix.lower() == ".csv":
        write_file(csv_template(loaded, unit_id, year, sheet), output, "csv")
    else:
        write_file(template_book(loaded, unit_id, year), output, "xlsx")
    typer.echo(f"template for {unit_id} ({year}) → {output}")


@app.command("import")
@domain_errors
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A filled template (XLSX) or a CSV with one sheet's columns.")],
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="The unit the file is for (needed for CSV).")
    ] = None,
    submit_rows: Annotated[bool, typer.Option("--submit", help="Also submit every imported record.")] = False,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Import values and reports all-or-nothing; every problem is listed with sheet, row and column."""
    with _service(ctx, plan, f"import:{file.name}") as svc:
        limits = settings(ctx).sheet_limits()
        parsed = read_sheet(file, svc.plan, _unit_id(svc, unit), limits)
        counts = svc.import_rows(_actor(user, role, acting_unit), parsed, file=str(file), submit=submit_rows)
    typer.echo(f"{file}: imported {counts['values']} indicator values and {counts['reports']} task reports")


@app.command("computed")
@domain_errors
def computed(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Inventory result JSON (accounting): years → indicators.")],
    factor_set: Annotated[
        str | None, typer.Option("--factor-set", help="Factor set name if the file does not say it.")
    ] = None,
    user: UserOption = None,
    plan: PlanOption = None,
) -> None:
    """Store the indicators computed from an inventory (marked computed, with inputs and factor set)."""
    inventory = json.loads(file.read_text(encoding="utf-8"))
    values = computed_values(inventory, factor_set=factor_set)
    with _service(ctx, plan, f"inventory:{file.name}") as svc:
        illustrative = bool(inventory.get("illustrative"))  # an inventory of demo data (示例数据)
        actor = _actor(user, "office", None)
        count = svc.store_computed(actor, values, source=f"inventory {file}", illustrative=illustrative)
    typer.echo(f"{file}: stored {count} computed values")


def register(main: typer.Typer) -> None:
    """Add ``carbonpeak track …`` and ``carbonpeak assess`` to the main app."""
    main.add_typer(app, name="track")
    main.command("assess")(assess)


YearArgument = Annotated[int, typer.Argument(help="The year (e.g. 2025).", min=2000, max=2100)]


@app.command("close-year")
@domain_errors
def close_year(
    ctx: typer.Context,
    year: YearArgument,
    comment: Annotated[
        str | None, typer.Option("--comment", help="Why or on what basis it is closed.")
    ] = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Close a complete year's tracking data (年度数据关账); office only. The latest closed year is then
    the default year of every page and of --year."""
    with _service(ctx, plan, "cli:track close-year") as svc:
        closed = svc.close_year(_actor(user, role, acting_unit), year, comment=comment)
        typer.echo(f"closed {closed.year} (default year now {svc.default_year()})")


@app.command("reopen-year")
@domain_errors
def reopen_year(
    ctx: typer.Context,
    year: YearArgument,
    comment: Annotated[str | None, typer.Option("--comment", help="Why it is reopened.")] = None,
    user: UserOption = None,
    role: RoleOption = "office",
    acting_unit: ActingUnitOption = None,
    plan: PlanOption = None,
) -> None:
    """Reopen a closed year (e.g. the yearbook revises a figure); office only."""
    with _service(ctx, plan, "cli:track reopen-year") as svc:
        svc.reopen_year(_actor(user, role, acting_unit), year, comment=comment)
        typer.echo(f"reopened {year} (default year now {svc.default_year()})")


@app.command("years")
@domain_errors
def years(ctx: typer.Context, plan: PlanOption = None, fmt: FormatOption = Format.table) -> None:
    """The closed years (who closed each, when) and the default year of pages and commands."""
    with _service(ctx, plan, "cli:track years") as svc:
        rows = [
            {
                "year": c.year,
                "closed_by": c.closed_by,
                "closed_at": c.closed_at.isoformat() if c.closed_at else "",
                "comment": c.comment or "",
            }
            for c in svc.closed_years()
        ]
        shown = svc.default_year()
    columns: list[Column] = [
        ("year", "年度"),
        ("closed_by", "关闭人"),
        ("closed_at", "关闭时间"),
        ("comment", "说明"),
    ]
    emit(
        rows,
        columns,
        fmt,
        title=f"已关闭年度（默认年份 {shown}）",
        json_data={"default_year": shown, "closed": rows},
    )
