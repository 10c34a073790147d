"""The annual assessment (考核) of each responsible unit by the rubric (see docs/tracking.md).

Each unit has items in four components — indicators it is responsible for, tasks it leads or
supports, reports it owed (timeliness) and reports it made (quality). An item keeps a share p of its
points; the lead unit's items weigh ``lead_weight``, a supporting unit's ``support_weight``. A
component's weight W is shared over its items by weight, so an item loses W·w/Σw·(1 − p) points.
Components where the unit has no item give their weight to the others in proportion. The score is
100 minus the points lost, and every point lost is listed with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from carbonpeak.plan import Plan
from carbonpeak.plan.members import collective_members
from carbonpeak.plan.model import indicator_responsible
from carbonpeak.tracking.codes import label as code_label
from carbonpeak.tracking.evaluate import Evaluation, assessed_indicators
from carbonpeak.tracking.model import (
    ANNUAL,
    QUARTERS,
    TASK_STATUS_LABELS,
    Observation,
    TaskReport,
)
from carbonpeak.tracking.rubric import Rubric
from carbonpeak.tracking.tasks import report_due

COMPONENTS = ("indicators", "tasks", "timeliness", "quality")
COMPONENT_LABELS = {
    "indicators": "指标完成",
    "tasks": "任务推进",
    "timeliness": "报送及时",
    "quality": "报送质量",
}
COMPONENT_LABELS_EN = {
    "indicators": "Indicators met",
    "tasks": "Task progress",
    "timeliness": "Timely reporting",
    "quality": "Reporting quality",
}


@dataclass(frozen=True)
class Item:
    component: str
    item: str
    weight: float
    points: float  # share kept, 0..1
    reason: str
    reason_en: str = ""
    item_name: str = ""  # what the item is, in the plan's words (the item itself is an id)


@dataclass(frozen=True)
class Deduction:
    component: str
    item: str
    points_lost: float
    reason: str
    reason_en: str = ""
    item_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "component_label": COMPONENT_LABELS[self.component],
            "component_label_en": COMPONENT_LABELS_EN[self.component],
            "item": self.item,
            "item_name": self.item_name or self.item,
            "points_lost": round(self.points_lost, 4),
            "reason": self.reason,
            "reason_en": self.reason_en or self.reason,
        }


@dataclass(frozen=True)
class UnitAssessment:
    unit: str
    unit_name: str
    score: float
    grade: str
    deductions: list[Deduction]
    components: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "score": round(self.score, 2),
            "grade": self.grade,
            "components": self.components,
            "deductions": [d.as_dict() for d in self.deductions],
        }


def _weight(unit: str, units: list[str], rubric: Rubric) -> float:
    return rubric.lead_weight if units and units[0] == unit else rubric.support_weight


def _via_collective(members: dict[str, set[str]], unit: str, units: list[str]) -> str | None:
    """The first collective among ``units`` that ``unit`` is a member of (None: not through one)."""
    return next((c for c in units if unit in members.get(c, ())), None)


@dataclass
class _Index:
    """What the items of every unit are looked up in, built once per assessment (not per unit)."""

    indicators: list[tuple[Any, list[str]]]
    observations: dict[tuple[str, int, str, str], Observation]
    reports: dict[tuple[str, str, int, str], TaskReport]
    own_reports: dict[tuple[str, int], list[TaskReport]]
    own_observations: dict[tuple[str, int], list[Observation]]
    members: dict[str, set[str]] = field(default_factory=dict)  # collective → its members
    task_titles: dict[str, str] = field(default_factory=dict)
    indicator_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, plan: Plan, year: int, observations: list[Observation], reports: list[TaskReport]
    ) -> _Index:
        index = cls(
            [(ind, indicator_responsible(plan, ind)) for ind in assessed_indicators(plan, year)],
            {(o.indicator_id, o.year, o.unit_id, o.period): o for o in observations},
            {(r.task_id, r.unit_id, r.year, r.period): r for r in reports},
            {},
            {},
            {u.id: set(collective_members(plan, u.id)) for u in plan.units if u.kind == "collective"},
            {t.id: t.title for t in plan.tasks},
            {i.id: i.name for i in plan.indicators},
        )
        for r in reports:
            index.own_reports.setdefault((r.unit_id, r.year), []).append(r)
        for o in observations:
            index.own_observations.setdefault((o.unit_id, o.year), []).append(o)
        return index

    def latest_status(self, task_id: str, unit: str, year: int) -> str:
        for period in (ANNUAL, *reversed(QUARTERS)):
            r = self.reports.get((task_id, unit, year, period))
            if r is not None and r.state in ("submitted", "approved"):
                return r.status
        return "missing"


def unit_items(
    plan: Plan,
    unit: str,
    year: int,
    as_of: dt.date,
    evaluations: dict[str, Evaluation],
    observations: list[Observation],
    reports: list[TaskReport],
    computed_metrics: set[str],
    rubric: Rubric,
    index: _Index | None = None,
    member_status: Mapping[tuple[str, str], str] | None = None,
) -> list[Item]:
    """Every scored item of ``unit`` in ``year``. A member of a collective unit (各乡镇园区 …) is scored
    on the tasks the collective carries, on its own reports; on an indicator only through its own
    share of a decomposed target (``member_status``: (member, indicator) → status code)."""
    ix = index or _Index.build(plan, year, observations, reports)
    names = {u.id: u.name for u in plan.units}
    names_en = {u.id: u.name_en or u.name for u in plan.units}
    items: list[Item] = []
    for ind, units in ix.indicators:
        share = (member_status or {}).get((unit, ind.id))
        if share is not None:  # the member's own share of a decomposed target (协同分解)
            share_of = _via_collective(ix.members, unit, units) or unit
            items.append(
                Item(
                    "indicators",
                    ind.id,
                    _weight(share_of, units, rubric) * rubric.strength_weight(ind.strength),
                    rubric.indicator_points[share],
                    f"指标「{ind.name}」分解目标 {year}年{code_label('indicator_status', share)}",
                    f"indicator 「{ind.name}」, decomposed target in {year}: "
                    f"{code_label('indicator_status', share, 'en')}",
                    ind.name,
                )
            )
            continue
        if unit not in units or (ind.value is None and ind.comparator != "increase"):
            continue  # not the unit's, or a target not set yet (e.g. 按市下达): not scored
        ev = evaluations.get(ind.id)
        status = ev.status if ev else "no_data"
        role, role_en = ("牵头", "lead") if units[0] == unit else ("配合", "support")
        items.append(
            Item(
                "indicators",
                ind.id,
                _weight(unit, units, rubric) * rubric.strength_weight(ind.strength),
                rubric.indicator_points[status],
                f"指标「{ind.name}」({ind.year}年目标) {year}年"
                f"{code_label('indicator_status', status)} ({role})",
                f"indicator 「{ind.name}」 (target {ind.year}) in {year}: "
                f"{code_label('indicator_status', status, 'en')} ({role_en})",
                ind.name,
            )
        )
        owes_value = units[0] == unit and not (ind.metric and ind.metric in computed_metrics)
        due = report_due(year, ANNUAL, rubric)
        if owes_value and due <= as_of:
            obs = ix.observations.get((ind.id, year, unit, ANNUAL))
            items.append(
                _timeliness(
                    ind.id,
                    (
                        f"指标「{ind.name}」{year}年数据",
                        f"indicator 「{ind.name}」, value of {year}",
                        ind.name,
                    ),
                    obs.submitted_at if obs else None,
                    due,
                    rubric,
                )
            )
    for task in plan.tasks:
        # a member of a collective carries the collective's tasks, in its role, on its own reports
        via = None if unit in task.responsible else _via_collective(ix.members, unit, task.responsible)
        if unit not in task.responsible and via is None:
            continue
        as_unit = via or unit
        leads = task.lead == as_unit
        if via:
            task_status = ix.latest_status(task.id, unit, year)
        elif task.lead in ix.members:  # a collective leads: the task is as far as its least advanced member
            statuses = [ix.latest_status(task.id, m, year) for m in ix.members[task.lead]] or ["missing"]
            task_status = min(statuses, key=lambda st: rubric.task_points[st])
        else:
            task_status = ix.latest_status(task.id, task.lead, year)
        role = ("牵头" if leads else "配合") + (f"，{names.get(via, via)}成员" if via else "")
        role_en = ("lead" if leads else "support") + (f", member of {names_en.get(via, via)}" if via else "")
        label = TASK_STATUS_LABELS.get(task_status, "未报送")
        label_en = (
            code_label("task_status", task_status, "en") if task_status in TASK_STATUS_LABELS else "not filed"
        )
        items.append(
            Item(
                "tasks",
                task.id,
                _weight(as_unit, task.responsible, rubric) * rubric.strength_weight(task.strength),
                rubric.task_points[task_status],
                f"任务「{task.title}」{year}年进展：{label} ({role})",
                f"task 「{task.title}」, progress in {year}: {label_en} ({role_en})",
                task.title,
            )
        )
        if not leads:
            continue
        for quarter in QUARTERS:
            due = report_due(year, quarter, rubric)
            if due > as_of:
                continue
            found = ix.reports.get((task.id, unit, year, quarter))
            stamp = found.submitted_at if found and found.state in ("submitted", "approved") else None
            items.append(
                _timeliness(
                    f"{task.id}/{quarter}",
                    (
                        f"任务「{task.title}」{year}年{quarter}进展",
                        f"task 「{task.title}」, progress of {year} {quarter}",
                        f"{task.title}（{year}年{quarter}）",
                    ),
                    stamp,
                    due,
                    rubric,
                )
            )
    for r in ix.own_reports.get((unit, year), []):
        if r.submitted_at is not None:
            items.append(
                _quality(
                    f"{r.task_id}/{r.period}",
                    (
                        f"任务「{ix.task_titles.get(r.task_id, r.task_id)}」{r.period} 报告",
                        f"task 「{ix.task_titles.get(r.task_id, r.task_id)}」, report of {r.period}",
                        f"{ix.task_titles.get(r.task_id, r.task_id)}（{r.period}）",
                    ),
                    r.returns,
                    r.evidence_count > 0,
                    rubric,
                )
            )
    for o in ix.own_observations.get((unit, year), []):
        if o.submitted_at is not None:
            name = ix.indicator_names.get(o.indicator_id, o.indicator_id)
            items.append(
                _quality(
                    f"{o.indicator_id}/{o.period}",
                    (f"指标「{name}」{o.year}年数据", f"indicator 「{name}」, value of {o.year}", name),
                    o.returns,
                    o.has_evidence,
                    rubric,
                )
            )
    return items


# (Chinese words, English words, the item's name) of what an item is about
What = tuple[str, str, str]


def _timeliness(item: str, what: What, stamp: dt.datetime | None, due: dt.date, rubric: Rubric) -> Item:
    zh, en, name = what
    if stamp is None:
        return Item(
            "timeliness", item, 1.0, 0.0, f"{zh}未报送 (应于 {due} 前)", f"{en}: not filed (due {due})", name
        )
    if stamp.date() > due:
        return Item(
            "timeliness",
            item,
            1.0,
            rubric.late_points,
            f"{zh}逾期报送 ({stamp.date()}，应于 {due} 前)",
            f"{en}: filed late ({stamp.date()}, due {due})",
            name,
        )
    return Item("timeliness", item, 1.0, 1.0, f"{zh}按时报送", f"{en}: filed on time", name)


def _quality(item: str, what: What, returns: int, evidence: bool, rubric: Rubric) -> Item:
    zh, en, name = what
    points = 1.0 - returns * rubric.return_penalty - (0.0 if evidence else rubric.no_evidence_penalty)
    reasons, reasons_en = [], []
    if returns:
        reasons.append(f"被退回 {returns} 次")
        reasons_en.append(f"returned {returns} time(s)")
    if not evidence:
        reasons.append("无佐证材料")
        reasons_en.append("no evidence")
    return Item(
        "quality",
        item,
        1.0,
        max(0.0, points),
        f"{zh}{'、'.join(reasons) or '质量合格'}",
        f"{en}: {', '.join(reasons_en) or 'quality fine'}",
        name,
    )


def score_items(unit: str, unit_name: str, items: list[Item], rubric: Rubric) -> UnitAssessment:
    """Score = 100 − Σ points lost; deductions itemised, largest first."""
    weights = rubric.weights.model_dump()
    present = {c: weights[c] for c in COMPONENTS if any(i.component == c for i in items)}
    total = sum(present.values())
    deductions: list[Deduction] = []
    components: dict[str, dict[str, float]] = {}
    for comp, w in present.items():
        effective = 100.0 * w / total if total else 0.0
        own = [i for i in items if i.component == comp]
        wsum = sum(i.weight for i in own)
        lost_total = 0.0
        for i in own:
            lost = effective * (i.weight / wsum) * (1.0 - i.points) if wsum else 0.0
            if lost > 1e-9:
                deductions.append(Deduction(comp, i.item, lost, i.reason, i.reason_en, i.item_name))
                lost_total += lost
        components[comp] = {"weight": round(effective, 4), "score": round(effective - lost_total, 4)}
    # max(): losing every point can leave -1e-14 of floating-point noise (hypothesis found it)
    # round(…, 9): losing every point over many items leaves 1e-14 of noise, shown as 4.3e-14
    score = round(max(0.0, 100.0 - sum(d.points_lost for d in deductions)), 9) if present else 0.0
    deductions.sort(key=lambda d: (-d.points_lost, d.component, d.item))
    return UnitAssessment(unit, unit_name, score, rubric.grade(score), deductions, components)


def assess(
    plan: Plan,
    year: int,
    as_of: dt.date,
    evaluations: list[Evaluation],
    observations: list[Observation],
    reports: list[TaskReport],
    computed_metrics: set[str],
    rubric: Rubric,
    member_status: Mapping[tuple[str, str], str] | None = None,
) -> list[UnitAssessment]:
    """The assessment of every responsible unit with at least one item, best first. A collective unit
    is never one row: its members are assessed (``unit_items``); a unit with no item is not ranked."""
    of_year = {e.indicator_id: e for e in evaluations if e.year == year}
    index = _Index.build(plan, year, observations, reports)
    out = []
    for unit in plan.units:
        if unit.kind == "collective":
            continue
        items = unit_items(
            plan,
            unit.id,
            year,
            as_of,
            of_year,
            observations,
            reports,
            computed_metrics,
            rubric,
            index,
            member_status,
        )
        if items:
            out.append(score_items(unit.id, unit.name, items, rubric))
    return sorted(out, key=lambda a: (-a.score, a.unit))
