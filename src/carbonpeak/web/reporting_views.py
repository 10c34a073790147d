"""What the reporting, review and assessment (考核) pages show: rows built by the tracking service.

The web layer stays thin: every write goes through ``TrackingService`` with an ``Actor`` made from
the signed-in principal, so the service's rules (a department edits only its own tasks and
indicators, the office alone approves or returns, optimistic locking) hold for the pages and the API
alike. The same rows feed the HTML tables, the JSON API and the XLSX/CSV downloads.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.errors import HTTP_STATUS, CarbonpeakError
from carbonpeak.plan import Plan
from carbonpeak.reports import CSV_MEDIA, XLSX_MEDIA, file_bytes
from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import reader
from carbonpeak.storage import tracking as repo
from carbonpeak.storage.tables import AuditRow, EvidenceFileRow
from carbonpeak.tables import Table
from carbonpeak.tracking.evaluate import Evaluation
from carbonpeak.tracking.model import STATE_LABELS, TASK_STATUS_LABELS, Actor, TrackingData
from carbonpeak.tracking.rubric import load_rubric
from carbonpeak.tracking.tasks import Alert
from carbonpeak.web.auth import Forbidden, Principal
from carbonpeak.web.views import unit_names

ILLUSTRATIVE = "示例数据"

ACTION_LABELS = {
    "insert": "新建草稿",
    "update": "修改",
    "submit": "报送",
    "approve": "审核通过",
    "return": "退回",
    "reopen": "重新打开修订",
    "evidence": "上传佐证材料",
}


def service(request: Request) -> TrackingService:
    """The app's tracking service (one per app, built on first use from the settings)."""
    svc = getattr(request.app.state, "tracking", None)
    if isinstance(svc, TrackingService):
        return svc
    conf = request.app.state.settings
    svc = TrackingService(
        request.app.state.engine,
        request.app.state.plan,
        source="web",
        rubric=load_rubric(conf.rubric),
        evidence_dir=conf.resolved_evidence_dir(),
        evidence_max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
        evidence_types=conf.evidence_types,
    )
    request.app.state.tracking = svc
    return svc


def actor_of(who: Principal) -> Actor:
    """The tracking actor of a signed-in office, department or viewer user."""
    if who.role not in ("office", "department", "viewer"):
        raise Forbidden(f"role {who.role} does not take part in tracking")
    return Actor(who.username, who.role, who.unit_id)


def error_status(exc: CarbonpeakError) -> int:
    """HTTP status of a domain error, by its kind (carbonpeak.errors.HTTP_STATUS)."""
    return HTTP_STATUS[exc.kind]


def default_year(data: TrackingData) -> int:
    """The latest year with a reported or computed value or a task report, else last year."""
    years = [o.year for o in data.observations] + [c.year for c in data.computed]
    years += [r.year for r in data.reports]
    return max(years) if years else dt.date.today().year - 1


def trend_years(data: TrackingData, year: int, span: int = 6) -> list[int]:
    """The years the overview's trend lines cover: those with a value, up to ``year``, the last ``span``."""
    years = {o.year for o in data.observations} | {c.year for c in data.computed} | {year}
    return sorted(y for y in years if y <= year)[-span:]


def trend_series(evaluations: list[Evaluation], years: list[int]) -> dict[str, dict[str, Any]]:
    """Per indicator: the actual (approved reported or computed) value of each year, ``None`` where
    there is none, and the required value on the path to the target; only indicators with at least
    two actual values have a trend."""
    by_id: dict[str, dict[int, Evaluation]] = {}
    for e in evaluations:
        by_id.setdefault(e.indicator_id, {})[e.year] = e
    out: dict[str, dict[str, Any]] = {}
    for indicator_id, per_year in by_id.items():
        actual = [per_year[y].actual if y in per_year else None for y in years]
        if sum(v is not None for v in actual) < 2:
            continue
        required = [per_year[y].required if y in per_year else None for y in years]
        out[indicator_id] = {"years": years, "actual": actual, "required": required}
    return out


def sparkline(trend: dict[str, Any], width: int = 180, height: int = 40, pad: int = 4) -> dict[str, Any]:
    """SVG coordinates of one trend for a target card (drawn by the server, no script): the actual
    values as a polyline with a dot per year, the required path dashed; the y range spans both."""
    years: list[int] = trend["years"]
    series = {k: trend[k] for k in ("actual", "required")}
    values = [v for vs in series.values() for v in vs if v is not None]
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    step = (width - 2 * pad) / max(len(years) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(pad + i * step, 1), round(height - pad - (v - low) / span * (height - 2 * pad), 1)

    out: dict[str, Any] = {"width": width, "height": height, "first_year": years[0], "last_year": years[-1]}
    for key, vs in series.items():
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        out[key] = " ".join(f"{x},{y}" for x, y in points)
        out[key + "_dots"] = points if key == "actual" else []
    out["title"] = ", ".join(
        f"{y}: {v:g}" for y, v in zip(years, series["actual"], strict=True) if v is not None
    )
    return out


def as_of_for(year: int) -> dt.date:
    """The assessment's cut-off: 31 January after the year (as `carbonpeak assess`), or today
    while that day has not come."""
    return min(dt.date(year + 1, 1, 31), dt.date.today())


def _stamp(value: Any) -> str:
    return str(value or "")[:19].replace("T", " ")


def _evidence(s: Session, kind: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = s.scalars(
        select(EvidenceFileRow)
        .where(EvidenceFileRow.owner_kind == kind, EvidenceFileRow.owner_id.in_(ids))
        .order_by(EvidenceFileRow.id)
    ).all()
    for e in rows:
        out[e.owner_id].append(
            {"name": e.display_name, "sha256": e.sha256, "size": e.size, "media_type": e.media_type}
        )
    return out


def _history(s: Session, kind: str, row_id: int) -> list[dict[str, Any]]:
    table = repo.KINDS[kind].__tablename__
    out = []
    for a in repo.audit_rows(s, table, row_id):
        after = a.after or {}
        stamp = repo._aware(a.at)
        out.append(
            {
                "at": _stamp(stamp.isoformat() if stamp else ""),
                "who": a.who,
                "action": a.action,
                "action_label": ACTION_LABELS.get(a.action, a.action),
                "state_label": STATE_LABELS.get(str(after.get("state", "")), ""),
                "comment": after.get("comment") if a.action in ("approve", "return", "reopen") else None,
                "version": after.get("version"),
            }
        )
    return out


def record_rows(
    svc: TrackingService,
    who: Principal,
    *,
    kind: str | None = None,
    item: str | None = None,
    state: str | None = None,
    history: bool = False,
) -> list[dict[str, Any]]:
    """Records (task reports and indicator values) the principal may see, newest year first; a
    department sees only its own unit's records. With ``history`` each carries its audit trail."""
    unit = who.unit_id if who.role == "department" else None
    names = unit_names(svc.plan)
    tasks = {t.id: t.title for t in svc.plan.tasks}
    indicators = {i.id: i.name for i in svc.plan.indicators}
    illustrative = svc.is_illustrative()
    rows = [
        r
        for r in svc.records(state=state, unit_id=unit)
        if (kind is None or r["kind"] == kind) and (item is None or r["item"] == item)
    ]
    rows.sort(key=lambda r: (-int(r["year"]), r["period"], r["kind"], r["item"], r["unit_id"]))
    with Session(svc.engine) as s:
        files = {k: _evidence(s, k, [r["id"] for r in rows if r["kind"] == k]) for k in repo.KINDS}
        for r in rows:
            r["unit_name"] = names.get(r["unit_id"], r["unit_id"])
            r["item_name"] = tasks.get(r["item"]) if r["kind"] == "report" else indicators.get(r["item"])
            r["kind_label"] = "任务进展" if r["kind"] == "report" else "指标数值"
            r["state_label"] = STATE_LABELS.get(r["state"], r["state"])
            r["status_label"] = TASK_STATUS_LABELS.get(r.get("status") or "", "")
            r["submitted"] = _stamp(r.get("submitted_at"))
            r["updated"] = _stamp(r.get("updated_at"))
            r["evidence"] = files[r["kind"]].get(r["id"], [])
            r["evidence_names"] = [e["name"] for e in r["evidence"]]
            r["illustrative"] = illustrative and ILLUSTRATIVE in (r.get("source") or "")
            if history:
                r["history"] = _history(s, r["kind"], r["id"])
    return rows


def alert_rows(plan: Plan, alerts: list[Alert]) -> list[dict[str, Any]]:
    names = unit_names(plan)
    labels = {
        "late_report": "报送逾期",
        "missing_report": "未报送",
        "overdue_milestone": "节点逾期",
        "severely_lagging": "严重滞后",
        "stale": "数据陈旧",
        "mismatch": "填报与核算不符",
    }
    return [
        {
            **a.as_dict(),
            "kind_label": labels.get(a.kind, a.kind),
            "unit_name": names.get(a.unit_id or "", a.unit_id or ""),
        }
        for a in alerts
    ]


SORT_KEYS = ("score", "grade", "unit_name", "deductions")


def assessment_rows(svc: TrackingService, year: int, sort: str = "score") -> list[dict[str, Any]]:
    """Every responsible unit's scorecard for ``year`` (the logic of `carbonpeak assess`), sorted."""
    data = svc.data()
    day = as_of_for(year)
    illustrative = svc.is_illustrative()
    rows = []
    for a in svc.assess(year, day, data):
        d = a.as_dict()
        d.update(
            year=year,
            as_of=day.isoformat(),
            rubric_version=svc.rubric.version,
            illustrative=illustrative,
            deduction_count=len(d["deductions"]),
            top_reason=d["deductions"][0]["reason"] if d["deductions"] else "",
        )
        for comp, values in d["components"].items():
            d[f"component_{comp}"] = values["score"]
        rows.append(d)
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key = "score"
    field = {"deductions": "deduction_count"}.get(key, key)
    descending = (key == "score") != sort.startswith("-")
    rows.sort(key=lambda r: r["unit_name"])  # ties keep the name order (stable sort)
    rows.sort(key=lambda r: r[field], reverse=descending)
    for rank, r in enumerate(sorted(rows, key=lambda r: -r["score"]), start=1):
        r["rank"] = rank
    return rows


# Download tables of this module: name → (sheet title, columns (key, header zh-CN)).
REPORT_TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "assessment": (
        "考核",
        [
            ("rank", "名次"),
            ("unit", "编号"),
            ("unit_name", "责任单位"),
            ("score", "得分"),
            ("grade", "等次"),
            ("component_indicators", "指标完成"),
            ("component_tasks", "任务推进"),
            ("component_timeliness", "报送及时"),
            ("component_quality", "报送质量"),
            ("deduction_count", "扣分项"),
            ("top_reason", "主要扣分原因"),
            ("year", "年度"),
            ("as_of", "截至"),
        ],
    ),
    "review": (
        "审核队列",
        [
            ("id", "记录号"),
            ("kind_label", "类型"),
            ("item", "编号"),
            ("item_name", "任务/指标"),
            ("unit_name", "责任单位"),
            ("year", "年份"),
            ("period", "期间"),
            ("status_label", "进展状态"),
            ("value", "数值"),
            ("unit", "单位"),
            ("narrative", "进展情况"),
            ("evidence_names", "佐证材料"),
            ("state_label", "状态"),
            ("submitted", "报送时间"),
            ("version", "版本"),
        ],
    ),
}


def export(table: str, rows: list[dict[str, Any]], fmt: str, title: str) -> tuple[bytes, str]:
    """A table as CSV or XLSX (a title row, Chinese headers; ``carbonpeak.reports``), with its
    media type."""
    sheet_title, columns = REPORT_TABLES[table]
    content = file_bytes(Table.of(sheet_title, columns, rows, title=title), fmt)
    return content, CSV_MEDIA if fmt == "csv" else XLSX_MEDIA


TRACKED_TABLES = ("indicator_values", "task_reports", "computed_values", "evidence_files")


def change_stamp(svc: TrackingService) -> int:
    """The id of the latest audit row about tracking data: every change of the values, reports,
    computed values and evidence writes one in its own transaction, so an unchanged stamp means
    unchanged tracking data."""
    with Session(reader(svc.engine)) as s:
        latest = s.scalar(select(func.max(AuditRow.id)).where(AuditRow.table_name.in_(TRACKED_TABLES)))
    return int(latest or 0)


def overview_tracking(request: Request, who: Principal) -> dict[str, Any]:
    """What the overview shows from tracking: each indicator's evaluated status for the latest year
    with data, and (for the office) the alerts; ``illustrative`` when demo data are stored.

    Kept per app until the tracking data change (``change_stamp``) or the day turns: the overview is
    the most requested page and the evaluation reads every record."""
    svc = service(request)
    key = (change_stamp(svc), dt.date.today())
    cached = getattr(request.app.state, "overview_tracking", None)
    if cached is None or cached[0] != key:
        with _OVERVIEW_LOCK:  # many first requests at once: one evaluation, the others wait for it
            cached = getattr(request.app.state, "overview_tracking", None)
            if cached is None or cached[0] != key:
                cached = (key, _overview_result(svc))
                request.app.state.overview_tracking = cached
    result = dict(cached[1])
    if who.role != "office":
        result["alerts"] = []
    return result


_OVERVIEW_LOCK = threading.Lock()


def _overview_result(svc: TrackingService) -> dict[str, Any]:
    """The overview's tracking part, computed from the stored records."""
    data = svc.data()
    year = default_year(data)
    years = trend_years(data, year)
    evaluations = svc.evaluate(years, data)
    statuses = {e.indicator_id: e.status for e in evaluations if e.year == year}
    alerts = alert_rows(svc.plan, svc.alerts(year, as_of_for(year), data))
    return {
        "year": year,
        "statuses": statuses,
        "trends": trend_series(evaluations, years),
        "alerts": alerts,
        "illustrative": svc.is_illustrative(),
    }
