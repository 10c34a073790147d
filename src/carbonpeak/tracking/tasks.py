"""Task follow-up and alerts: overdue milestones, missing or late reports, items not updated."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from carbonpeak.plan import Milestone, Plan
from carbonpeak.plan.members import collective_members
from carbonpeak.tracking.evaluate import Evaluation
from carbonpeak.tracking.model import QUARTERS, TaskReport, period_end
from carbonpeak.tracking.rubric import Rubric

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Alert:
    """Something the office can act on, addressed to a responsible unit."""

    kind: str  # late_report | missing_report | overdue_milestone | severely_lagging | stale | mismatch
    severity: str  # high | medium | low
    unit_id: str | None
    item: str
    year: int
    period: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def milestone_due(m: Milestone) -> dt.date:
    return m.due or dt.date(m.end_year, 12, 31)


def report_due(year: int, period: str, rubric: Rubric) -> dt.date:
    return period_end(year, period) + dt.timedelta(days=rubric.report_due_days)


def expected_reports(plan: Plan, year: int, as_of: dt.date, rubric: Rubric) -> list[tuple[str, str, str]]:
    """(task, lead unit, quarter) of the year whose report is due by ``as_of``: leads report quarterly;
    for a leading collective unit (各乡镇园区 …) each of its members does (none declared: the collective)."""
    out = []
    for task in plan.tasks:
        leads = collective_members(plan, task.lead) or [task.lead]
        for quarter in QUARTERS:
            if report_due(year, quarter, rubric) <= as_of:
                out += [(task.id, lead, quarter) for lead in leads]
    return out


def _submitted(r: TaskReport) -> bool:
    return r.state in ("submitted", "approved") and r.submitted_at is not None


def task_alerts(
    plan: Plan, reports: list[TaskReport], year: int, as_of: dt.date, rubric: Rubric
) -> list[Alert]:
    """Missing and late reports of the year, overdue milestones, and tasks not updated recently."""
    by_key = {(r.task_id, r.unit_id, r.year, r.period): r for r in reports}
    alerts: list[Alert] = []
    for task_id, unit, quarter in expected_reports(plan, year, as_of, rubric):
        due = report_due(year, quarter, rubric)
        found = by_key.get((task_id, unit, year, quarter))
        if found is None or not _submitted(found):
            alerts.append(
                Alert(
                    "missing_report",
                    "high",
                    unit,
                    task_id,
                    year,
                    quarter,
                    f"任务 {task_id} {year}年{quarter} 进展未报送 (应于 {due} 前报送)",
                )
            )
        elif found.submitted_at is not None and found.submitted_at.date() > due:
            alerts.append(
                Alert(
                    "late_report",
                    "medium",
                    unit,
                    task_id,
                    year,
                    quarter,
                    f"任务 {task_id} {year}年{quarter} 进展逾期报送 "
                    f"({found.submitted_at.date()}，应于 {due} 前)",
                )
            )
    met = {m for r in reports if r.state in ("submitted", "approved") for m in r.milestones_met}
    tasks = {t.id: t for t in plan.tasks}
    for m in plan.milestones:
        due = milestone_due(m)
        if due < as_of and due.year <= year and m.id not in met:
            lead = tasks[m.task].lead if m.task in tasks else None
            alerts.append(
                Alert(
                    "overdue_milestone",
                    "high",
                    lead,
                    m.id,
                    year,
                    None,
                    f"时限节点 {m.id} 已于 {due} 到期未完成：{m.text}",
                )
            )
    last: dict[str, dt.datetime] = {}
    for r in reports:
        stamp = r.updated_at or r.submitted_at
        if stamp is not None and (r.task_id not in last or stamp > last[r.task_id]):
            last[r.task_id] = stamp
    limit = rubric.thresholds.stale_days
    for task in plan.tasks:
        stamp = last.get(task.id)
        if stamp is not None and (as_of - stamp.date()).days > limit:
            alerts.append(
                Alert(
                    "stale",
                    "low",
                    task.lead,
                    task.id,
                    year,
                    None,
                    f"任务 {task.id} 已 {(as_of - stamp.date()).days} 天未更新 (超过 {limit} 天)",
                )
            )
    return alerts


def indicator_alerts(evaluations: list[Evaluation], year: int) -> list[Alert]:
    """Indicators that are 严重滞后 in ``year`` (and turned so since the year before) and mismatches."""
    before = {(e.indicator_id): e.status for e in evaluations if e.year == year - 1}
    alerts = []
    for e in evaluations:
        if e.year != year:
            continue
        if e.status == "off_track":
            turned = "转为" if before.get(e.indicator_id) not in (None, "off_track") else ""
            alerts.append(
                Alert(
                    "severely_lagging",
                    "high",
                    e.owner,
                    e.indicator_id,
                    year,
                    None,
                    f"指标 {e.name} ({e.indicator_id}) {year}年{turned}严重滞后：实际 {e.actual:g}，"
                    f"应达 {e.required:g}",
                )
            )
        if e.mismatch:
            alerts.append(
                Alert(
                    "mismatch",
                    "medium",
                    e.owner,
                    e.indicator_id,
                    year,
                    None,
                    f"指标 {e.name} ({e.indicator_id}) {year}年：{'；'.join(e.notes)}",
                )
            )
    return alerts


def sort_alerts(alerts: list[Alert]) -> list[Alert]:
    return sorted(alerts, key=lambda a: (SEVERITY_ORDER[a.severity], a.unit_id or "", a.kind, a.item))
