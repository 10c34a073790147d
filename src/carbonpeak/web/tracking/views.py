"""What the reporting, review and assessment (考核) pages show: rows built by the tracking service.

The web layer stays thin: every write goes through ``TrackingService`` with an ``Actor`` made from
the signed-in principal, so the service's rules (a department edits only its own tasks and
indicators, the office alone approves or returns, optimistic locking) hold for the pages and the API
alike. The same rows feed the HTML tables, the JSON API and the XLSX/CSV downloads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from carbonpeak.errors import HTTP_STATUS, CarbonpeakError
from carbonpeak.plan import Plan
from carbonpeak.reports import CSV_MEDIA, XLSX_MEDIA, file_bytes
from carbonpeak.services.tracking import TrackingService
from carbonpeak.tables import Column, Table
from carbonpeak.tracking.codes import codes, label
from carbonpeak.tracking.errors import ConflictError
from carbonpeak.tracking.model import QUARTERS, STATE_LABELS, TASK_STATUS_LABELS, Actor
from carbonpeak.tracking.tasks import Alert
from carbonpeak.web.core.auth import Forbidden, Principal
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.tracking_service import default_year as default_year
from carbonpeak.web.core.tracking_service import service as service
from carbonpeak.web.plan.views import unit_names

ACTION_LABELS = {
    "insert": "新建草稿",
    "update": "修改",
    "submit": "报送",
    "approve": "审核通过",
    "return": "退回",
    "reopen": "重新打开修订",
    "evidence": "上传佐证材料",
    "close_year": "关闭年度",
    "reopen_year": "重新打开年度",
}


WORDS: dict[str, tuple[str, str]] = {
    "report": ("填报", "Report"),
    "report_task": ("任务进展填报", "Task progress report"),
    "report_value": ("指标数值填报", "Indicator value"),
    "year": ("年度", "Year"),
    "period": ("期间", "Period"),
    "annual": ("全年", "Year"),
    "progress": ("进展状态", "Progress"),
    "narrative": ("进展情况", "Narrative"),
    "evidence": ("佐证材料", "Evidence"),
    "milestones_met": ("已完成的时间节点", "Milestones met"),
    "value": ("数值", "Value"),
    "data_source": ("数据来源", "Source"),
    "unit_reporting": ("填报单位", "Reporting unit"),
    "save": ("保存草稿", "Save draft"),
    "submit": ("提交审核", "Submit for review"),
    "records": ("填报记录", "Records"),
    "history": ("记录历史", "History"),
    "state": ("审核状态", "State"),
    "comment": ("审核意见", "Comment"),
    "approve": ("审核通过", "Approve"),
    "return": ("退回修改", "Return"),
    "reopen": ("重新打开修订", "Reopen for revision"),
    "reopen_reason": ("修订原因（必填）", "Reason for the revision (required)"),
    "review": ("审核", "Review"),
    "review_queue": ("待审核", "Awaiting review"),
    "recent": ("近期记录", "Recent records"),
    "none_waiting": ("暂无待审核记录", "Nothing awaits review"),
    "no_records": ("暂无填报记录", "No records yet"),
    "saved": ("已保存", "Saved"),
    "locked": (
        "本期记录已报送或已审核，不能修改；被退回后可修改并重新报送",
        "This record is submitted or approved and cannot be changed; once returned it can be edited",
    ),
    "read_only": ("只读：您不能为此填报", "Read only: you cannot report here"),
    "assessment": ("考核", "Assessment"),
    "score": ("得分", "Score"),
    "grade": ("等次", "Grade"),
    "rank": ("名次", "Rank"),
    "components": ("分项得分", "Components"),
    "deductions": ("扣分项", "Deductions"),
    "reason": ("扣分原因", "Reason"),
    "points_lost": ("扣分", "Points lost"),
    "item": ("考核项", "Item"),
    "top_reason": ("主要扣分原因", "Main reason"),
    "weight": ("权重", "Weight"),
    "as_of": ("截至", "As of"),
    "rubric": ("评分细则", "Rubric"),
    "visibility_note": (
        "考核结果按方案要求向各责任单位通报：各单位均可查看全部单位的得分与扣分原因。",
        "Results are circulated (通报) to every responsible unit: every unit sees every scorecard.",
    ),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "conflict": (
        "该记录已被他人修改，您的修改未保存。请刷新页面、查看最新内容后重新填写。",
        "Someone else changed this record meanwhile; your change was not saved. Reload and apply it again.",
    ),
    "open_report": ("填报进展", "Report progress"),
    "size": ("大小", "Size"),
    "value_unit": ("填报单位（计量）", "Unit typed"),
    "unit_hint": (
        "可按其他可换算的单位填写，保存时换算为本指标的单位",
        "A value in another unit that converts is converted to the indicator's unit",
    ),
    "number_hint": (
        "数字可写作 1234、1 234、1,234 或 12.5（12,5 按小数读）",
        "Write 1234, 1 234, 1,234 or 12.5 (12,5 is read as a decimal)",
    ),
    "component_indicators": ("指标完成", "Indicators met"),
    "component_tasks": ("任务推进", "Task progress"),
    "component_timeliness": ("报送及时", "Timely reporting"),
    "component_quality": ("报送质量", "Reporting quality"),
    "bulk_approve": ("审核通过所选记录", "Approve the ticked records"),
    "bulk_done": ("已审核通过的记录数：", "Records approved: "),
    "pick": ("选择", "Select"),
    "all": ("全部", "All"),
    "kind": ("类型", "Type"),
    "kind_report": ("任务进展", "Task progress"),
    "kind_value": ("指标数值", "Indicator value"),
    "filter": ("筛选", "Filter"),
    "confirm_value": ("确认数值无误", "The value is right"),
    "source_hint": ("统计公报 / 部门统计", "statistical bulletin / departmental statistics"),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in WORDS.items()}


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    svc = service(request)
    base = {"rw": words(lang_of(request)), "illustrative": svc.is_illustrative(), "error": None}
    return render(request, template, {**base, **context}, status)


def message(request: Request, exc: Exception) -> str:
    """The refusal as the person at the desk reads it, in their language (a domain error's own words,
    Chinese first; a stale version says what to do)."""
    lang = lang_of(request)
    if isinstance(exc, ConflictError):
        return f"{words(lang)['conflict']}（{exc.describe(lang)}）"
    if isinstance(exc, CarbonpeakError):
        return exc.describe(lang)
    return str(exc).strip("'\"")


def actor_of(who: Principal) -> Actor:
    """The tracking actor of a signed-in office, department or viewer user."""
    if who.role not in ("office", "department", "viewer"):
        raise Forbidden(f"role {who.role} does not take part in tracking")
    return Actor(who.username, who.role, who.unit_id)


def error_status(exc: CarbonpeakError) -> int:
    """HTTP status of a domain error, by its kind (carbonpeak.errors.HTTP_STATUS)."""
    return HTTP_STATUS[exc.kind]


def as_of_for(year: int) -> dt.date:
    """The assessment's cut-off: 31 January after the year (as `carbonpeak assess`), or today
    while that day has not come."""
    return min(dt.date(year + 1, 1, 31), dt.date.today())


def _stamp(value: Any) -> str:
    return str(value or "")[:19].replace("T", " ")


def _history(trail: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for a in trail:
        after = a["after"]
        out.append(
            {
                "at": _stamp(a["at"].isoformat() if a["at"] else ""),
                "who": a["who"],
                "action": a["action"],
                "action_label": ACTION_LABELS.get(a["action"], a["action"]),
                "state_label": STATE_LABELS.get(str(after.get("state", "")), ""),
                "comment": after.get("comment") if a["action"] in ("approve", "return", "reopen") else None,
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
    rows = [
        r
        for r in svc.records(state=state, unit_id=unit)
        if (kind is None or r["kind"] == kind) and (item is None or r["item"] == item)
    ]
    rows.sort(key=lambda r: (-int(r["year"]), r["period"], r["kind"], r["item"], r["unit_id"]))
    keys = [(r["kind"], r["id"]) for r in rows]
    files = svc.evidence_files(keys)
    trails = svc.histories(keys) if history else {}
    for r in rows:
        key = (r["kind"], r["id"])
        r["unit_name"] = names.get(r["unit_id"], r["unit_id"])
        r["item_name"] = tasks.get(r["item"]) if r["kind"] == "report" else indicators.get(r["item"])
        r["kind_label"] = "任务进展" if r["kind"] == "report" else "指标数值"
        r["kind_label_en"] = "Task progress" if r["kind"] == "report" else "Indicator value"
        r["state_label"] = STATE_LABELS.get(r["state"], r["state"])
        r["state_label_en"] = (
            label("record_state", r["state"], "en") if r["state"] in STATE_LABELS else r["state"]
        )
        r["status_label"] = TASK_STATUS_LABELS.get(r.get("status") or "", "")
        r["status_label_en"] = (
            label("task_status", r["status"], "en") if r.get("status") in TASK_STATUS_LABELS else ""
        )
        r["submitted"] = _stamp(r.get("submitted_at"))
        r["updated"] = _stamp(r.get("updated_at"))
        r["evidence"] = files.get(key, [])
        r["evidence_names"] = [e["name"] for e in r["evidence"]]
        r["illustrative"] = bool(r.get("illustrative"))
        if history:
            r["history"] = _history(trails[key])
    return rows


def alert_rows(plan: Plan, alerts: list[Alert]) -> list[dict[str, Any]]:
    """The alerts as the office reads them: the item's name instead of its id (``text``), the
    kind in words, the unit's name."""
    names = unit_names(plan)
    items = {t.id: t.title for t in plan.tasks} | {i.id: i.name for i in plan.indicators}
    items |= {m.id: m.text for m in plan.milestones}
    labels = {
        "late_report": ("报送逾期", "Late report"),
        "missing_report": ("未报送", "Not reported"),
        "overdue_milestone": ("节点逾期", "Overdue milestone"),
        "severely_lagging": (
            label("indicator_status", "off_track"),
            label("indicator_status", "off_track", "en"),
        ),
        "stale": ("数据陈旧", "Stale data"),
        "mismatch": ("填报与核算不符", "Reported differs from computed"),
    }
    out = []
    for a in alerts:
        period = a.period or ""
        quarter = period in QUARTERS
        when = f"{a.year}年" + (f"第{'一二三四'[int(period[1]) - 1]}季度" if quarter else "")
        # the English period words: "Q1 2025", or the year alone for the whole year
        when_en = f"{period} {a.year}" if quarter else str(a.year)
        kind_zh, kind_en = labels.get(a.kind, (a.kind, a.kind))
        item = items.get(a.item, a.item)
        out.append(
            {
                **a.as_dict(),
                "kind_label": kind_zh,
                "kind_label_en": kind_en,
                "unit_name": names.get(a.unit_id or "", a.unit_id or ""),
                "item_name": item,
                "text": f"{item}（{when}）",
                "text_en": f"{item} ({when_en})",
            }
        )
    return out


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
            top_reason_en=d["deductions"][0]["reason_en"] if d["deductions"] else "",
            grade_label=label("grade", a.grade),
            grade_label_en=label("grade", a.grade, "en"),
            grade_rank=list(codes("grade")).index(a.grade),
        )
        for comp, values in d["components"].items():
            d[f"component_{comp}"] = values["score"]
        rows.append(d)
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key = "score"
    field = {"deductions": "deduction_count", "grade": "grade_rank"}.get(key, key)
    descending = (key == "score") != sort.startswith("-")
    rows.sort(key=lambda r: r["unit_name"])  # ties keep the name order (stable sort)
    rows.sort(key=lambda r: r[field], reverse=descending)
    for rank, r in enumerate(sorted(rows, key=lambda r: -r["score"]), start=1):
        r["rank"] = rank
    return rows


# Download tables of this module: name → (sheet title zh, en; columns (key, header zh-CN, header en)).
REPORT_TABLES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "assessment": (
        "考核",
        "Assessment",
        [
            ("rank", "名次", "Rank"),
            ("unit", "编号", "Id"),
            ("unit_name", "责任单位", "Responsible unit"),
            ("score", "得分", "Score"),
            ("grade_label", "等次", "Grade"),
            ("component_indicators", "指标完成", "Indicators met"),
            ("component_tasks", "任务推进", "Task progress"),
            ("component_timeliness", "报送及时", "Timely reporting"),
            ("component_quality", "报送质量", "Reporting quality"),
            ("deduction_count", "扣分项", "Deductions"),
            ("top_reason", "主要扣分原因", "Main reason"),
            ("year", "年度", "Year"),
            ("as_of", "截至", "As of"),
        ],
    ),
    "review": (
        "审核队列",
        "Review queue",
        [
            ("id", "记录号", "Record"),
            ("kind_label", "类型", "Type"),
            ("item", "编号", "Id"),
            ("item_name", "任务/指标", "Task / indicator"),
            ("unit_name", "责任单位", "Responsible unit"),
            ("year", "年份", "Year"),
            ("period", "期间", "Period"),
            ("status_label", "进展状态", "Progress"),
            ("value", "数值", "Value"),
            ("unit", "单位", "Unit"),
            ("narrative", "进展情况", "Narrative"),
            ("evidence_names", "佐证材料", "Evidence"),
            ("state_label", "状态", "State"),
            ("submitted", "报送时间", "Submitted"),
            ("version", "版本", "Version"),
        ],
    ),
}
# the columns whose words follow the language (their _en twin holds the English words)
_ENGLISH_TWINS = ("grade_label", "top_reason", "kind_label", "status_label", "state_label")


def export(
    table: str, rows: list[dict[str, Any]], fmt: str, title: str, lang: Lang = "zh-CN", title_en: str = ""
) -> tuple[bytes, str]:
    """A table as CSV or XLSX (a title row, headers in ``lang``; ``carbonpeak.reports``), with its
    media type. In English the coded columns (grade, state, …) take their English words."""
    sheet_zh, sheet_en, spec = REPORT_TABLES[table]
    columns = [Column(key, zh, en, kind="auto") for key, zh, en in spec]
    if lang == "en":
        rows = [{**r, **{k: r.get(f"{k}_en", r.get(k)) for k in _ENGLISH_TWINS if k in r}} for r in rows]
    described = Table.of(sheet_zh, columns, rows, title=title, name_en=sheet_en, title_en=title_en or title)
    content = file_bytes(described, fmt, lang)
    return content, CSV_MEDIA if fmt == "csv" else XLSX_MEDIA
