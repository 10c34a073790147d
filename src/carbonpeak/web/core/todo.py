"""The to-do lists (待办) of the homes: a department's (what its unit owes: reports due this period
and by when, overdue ones, records the office returned with its comment, values missing for the
year) and the office's (the review queue by unit, the units with overdue reports). Rows for the
templates, every code turned into words and every item linked to the form that opens its record."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from carbonpeak.tracking.codes import label
from carbonpeak.tracking.model import data_years, default_year
from carbonpeak.tracking.todo import unit_todo
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.tracking_service import service

_WORDS: dict[str, tuple[str, str]] = {
    "todo": ("待办事项", "To do"),
    "todo_none": ("暂无待办事项", "Nothing to do"),
    "returned": ("被退回，请修改后重新报送", "Returned: change it and submit again"),
    "overdue": ("已逾期", "Overdue"),
    "due": ("待报送", "Due"),
    "missing_value": ("尚未填报本年数值", "Value for the year not yet reported"),
    "due_by": ("截止日期", "Due by"),
    "item": ("事项", "Item"),
    "what": ("情况", "What"),
    "period": ("期间", "Period"),
    "comment": ("审核意见", "Office's comment"),
    "open": ("打开", "Open"),
    "kind_report": ("任务进展", "Task progress"),
    "kind_value": ("指标数值", "Indicator value"),
    "existing": ("已有记录", "Existing record"),
    "review_queue": ("待审核", "Awaiting review"),
    "review_by_unit": ("待审核记录（按单位）", "Records awaiting review, by unit"),
    "late_units": ("报送逾期的单位", "Units with overdue reports"),
    "late_count": ("逾期未报", "Overdue"),
    "waiting_count": ("待审核", "Waiting"),
    "unit": ("责任单位", "Unit"),
    "open_review": ("进入审核", "Open the review queue"),
    "no_late": ("暂无逾期单位", "No unit is late"),
}


def todo_words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def period_text(year: int, period: str, lang: Lang) -> str:
    """``2026年第三季度`` / ``2026 Q3``; ``2026年`` / ``2026`` for the whole year."""
    if period == "Y":
        return str(year) if lang == "en" else f"{year}年"
    quarter = "一二三四"[int(period[1]) - 1]
    return f"{year} {period}" if lang == "en" else f"{year}年第{quarter}季度"


def _link(kind: str, item: str, year: int, period: str, unit: str) -> str:
    if kind == "report":
        return f"/tasks/{item}/report?" + urlencode({"year": year, "period": period, "unit": unit})
    return f"/indicators/{item}/report?" + urlencode({"year": year, "unit": unit})


def department_todo(
    request: Request, unit_id: str, lang: Lang, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """What ``unit_id`` owes, returned records first (with the office's comment), then overdue
    reports, reports due this period, and the values missing for the default year."""
    svc = service(request)
    plan = svc.plan
    day = today or dt.date.today()
    data = svc.data()
    names = {t.id: t.title for t in plan.tasks} | {i.id: i.name for i in plan.indicators}
    words = todo_words(lang)
    state_lang = "en" if lang == "en" else "zh"
    rows: list[dict[str, Any]] = []
    for r in svc.records(state="returned", unit_id=unit_id):
        item = r.get("indicator_id") or r.get("task_id") or ""
        rows.append(
            {
                "kind": "returned",
                "kind_label": words[f"kind_{r['kind']}"],
                "item_name": names.get(item, item),
                "period": period_text(int(r["year"]), r["period"], lang),
                "what": words["returned"],
                "due": None,
                "comment": r.get("comment") or "",
                "link": _link(r["kind"], item, int(r["year"]), r["period"], unit_id),
            }
        )
    value_year = default_year(day, data_years(data))
    for owed in unit_todo(plan, data, unit_id, day, svc.rubric, value_year):
        what = words["missing_value"] if owed.kind == "value" else words["overdue" if owed.overdue else "due"]
        if owed.state is not None:
            what += f"（{words['existing']}：{label('record_state', owed.state, state_lang)}）"
        rows.append(
            {
                "kind": "overdue" if owed.overdue else ("missing" if owed.kind == "value" else "due"),
                "kind_label": words[f"kind_{owed.kind}"],
                "item_name": names.get(owed.item, owed.item),
                "period": period_text(owed.year, owed.period, lang),
                "what": what,
                "due": owed.due,
                "comment": "",
                "link": _link(owed.kind, owed.item, owed.year, owed.period, unit_id),
            }
        )
    return rows


def office_todo(request: Request, today: dt.date | None = None) -> dict[str, Any]:
    """The office's home: how many records await review, by unit, and the units with overdue
    reports (the ``missing_report`` alerts of the last complete year and of this year)."""
    svc = service(request)
    plan = svc.plan
    names = {u.id: u.name for u in plan.units}
    waiting: dict[str, int] = {}
    for r in svc.records(state="submitted"):
        waiting[r["unit_id"]] = waiting.get(r["unit_id"], 0) + 1
    day = today or dt.date.today()
    data = svc.data()
    late: dict[str, int] = {}
    for year in (day.year - 1, day.year):
        for alert in svc.alerts(year, day, data):
            if alert.kind == "missing_report" and alert.unit_id:
                late[alert.unit_id] = late.get(alert.unit_id, 0) + 1
    return {
        "waiting_total": sum(waiting.values()),
        "waiting": [
            {"unit": u, "unit_name": names.get(u, u), "count": n, "link": "/review?" + urlencode({"unit": u})}
            for u, n in sorted(waiting.items(), key=lambda kv: -kv[1])
        ],
        "late": [
            {"unit": u, "unit_name": names.get(u, u), "count": n}
            for u, n in sorted(late.items(), key=lambda kv: -kv[1])
        ],
    }
