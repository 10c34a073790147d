"""What the pages, the API and the downloads show, built from the plan (and later from tracking).

Pure functions of the plan and the principal: the web layer stays thin and the same rows feed the
HTML tables, the JSON API and the XLSX/CSV downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carbonpeak.errors import NotFoundError
from carbonpeak.plan import Indicator, Plan, Task, filter_indicators, indicator_responsible, target_text
from carbonpeak.tracking.codes import Code, codes
from carbonpeak.web.core.auth import Principal

Status = Code  # a target's status: a code of tracking/data/codes.yaml with its zh/en words

STATUSES: dict[str, Status] = codes("indicator_status")
NO_DATA = STATUSES["no_data"]


def target_status(plan: Plan, indicator: Indicator, evaluated: dict[str, str] | None = None) -> Status:
    """The status of a target: the tracking evaluation's code (met, on_track, at_risk, off_track,
    no_data) when ``evaluated`` (indicator id → status code) is given, else no_data."""
    if evaluated is None:
        return NO_DATA
    return STATUSES.get(evaluated.get(indicator.id, ""), NO_DATA)


def headline_indicators(plan: Plan) -> list[Indicator]:
    """The plan's main targets: those of section 二 (主要目标); all indicators if it has none."""
    main = [i for i in plan.indicators if i.clause.split(".")[0] == "二"]
    return main or list(plan.indicators)


@dataclass(frozen=True)
class _PlanIndex:
    """What the pages look up per indicator, computed once per loaded plan (a plan object does not
    change while it is served): each indicator's responsible units and carrying tasks, unit names."""

    responsible: dict[str, list[str]]
    tasks: dict[str, list[str]]
    names: dict[str, str]


_INDEX: dict[int, tuple[Plan, _PlanIndex]] = {}


def _index(plan: Plan) -> _PlanIndex:
    cached = _INDEX.get(id(plan))
    if cached is not None and cached[0] is plan:
        return cached[1]
    tasks: dict[str, list[str]] = {i.id: [] for i in plan.indicators}
    for task in plan.tasks:
        for ind in task.indicators:
            tasks.setdefault(ind, []).append(task.id)
    index = _PlanIndex(
        responsible={i.id: indicator_responsible(plan, i) for i in plan.indicators},
        tasks=tasks,
        names={u.id: u.name for u in plan.units},
    )
    if len(_INDEX) > 16:  # tests build many apps; a server holds one plan
        _INDEX.clear()
    _INDEX[id(plan)] = (plan, index)
    return index


def responsible_of(plan: Plan, ind: Indicator) -> list[str]:
    """``plan.indicator_responsible`` of an indicator of ``plan``, looked up once per plan."""
    found = _index(plan).responsible.get(ind.id)
    return list(found) if found is not None else indicator_responsible(plan, ind)


def unit_names(plan: Plan) -> dict[str, str]:
    return dict(_index(plan).names)


def visible_tasks(plan: Plan, who: Principal) -> list[Task]:
    if who.role in ("office", "viewer"):
        return list(plan.tasks)
    return [t for t in plan.tasks if who.owns_units(t.responsible)]


def visible_indicators(plan: Plan, who: Principal) -> list[Indicator]:
    if who.role in ("office", "viewer"):
        return list(plan.indicators)
    return [i for i in plan.indicators if who.owns_units(responsible_of(plan, i))]


def indicator_row(plan: Plan, ind: Indicator, statuses: dict[str, str] | None = None) -> dict[str, Any]:
    index = _index(plan)
    names = index.names
    responsible = responsible_of(plan, ind)
    status = target_status(plan, ind, statuses)
    return {
        "id": ind.id,
        "name": ind.name,
        "name_en": ind.name_en,
        "kind": ind.kind,
        "target": target_text(ind),
        "value": ind.value,
        "upper": ind.upper,
        "unit": ind.unit,
        "comparator": ind.comparator,
        "year": ind.year,
        "base_year": ind.base_year,
        "aspirational": ind.aspirational,
        "strength": ind.strength,
        "clause": ind.clause,
        "quote": ind.quote,
        "metric": ind.metric,
        "responsible": responsible,
        "responsible_names": [names.get(u, u) for u in responsible],
        "tasks": list(index.tasks.get(ind.id, [])),
        "status": status.code,
        "status_label": status.zh,
    }


def task_row(plan: Plan, task: Task) -> dict[str, Any]:
    names = _index(plan).names
    actions = {a.id: a for a in plan.actions}
    return {
        "id": task.id,
        "action": task.action,
        "action_title": actions[task.action].title if task.action in actions else task.action,
        "clause": task.clause,
        "title": task.title,
        "text": task.text,
        "responsible_quote": task.responsible_quote,
        "lead": task.lead,
        "lead_name": names.get(task.lead, task.lead),
        "support": list(task.support),
        "support_names": [names.get(u, u) for u in task.support],
        "indicators": list(task.indicators),
        "projects": [p.id for p in plan.projects if p.task == task.id],
        "due_year": task.due_year,
    }


def filtered_indicators(
    plan: Plan, who: Principal, action: str | None, unit: str | None, year: int | None
) -> list[Indicator]:
    allowed = {i.id for i in visible_indicators(plan, who)}
    return [i for i in filter_indicators(plan, action=action, unit=unit, year=year) if i.id in allowed]


# Download tables: name → (sheet title, columns (key, header zh-CN)).
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "indicators": (
        "指标",
        [
            ("id", "编号"),
            ("name", "指标"),
            ("target", "目标"),
            ("value", "目标值"),
            ("unit", "单位"),
            ("comparator", "比较"),
            ("year", "目标年"),
            ("base_year", "基准年"),
            ("aspirational", "力争"),
            ("clause", "条款"),
            ("responsible_names", "责任单位"),
            ("status_label", "状态"),
            ("quote", "方案原文"),
        ],
    ),
    "tasks": (
        "任务",
        [
            ("id", "编号"),
            ("clause", "条款"),
            ("action_title", "行动"),
            ("title", "任务"),
            ("lead_name", "牵头单位"),
            ("support_names", "配合单位"),
            ("indicators", "指标"),
            ("projects", "专栏项目"),
            ("text", "原文"),
        ],
    ),
    "projects": (
        "专栏项目",
        [
            ("id", "编号"),
            ("column", "专栏"),
            ("category", "类别"),
            ("name", "项目"),
            ("capacity", "规模"),
            ("unit", "单位"),
            ("location", "地点"),
            ("task", "任务"),
            ("quote", "方案原文"),
        ],
    ),
    "units": ("责任单位", [("id", "编号"), ("name", "名称"), ("full_name", "全称"), ("kind", "类型")]),
    "actions": ("行动", [("id", "编号"), ("clause", "条款"), ("title", "行动"), ("intro", "原文")]),
    "milestones": (
        "时间节点",
        [
            ("id", "编号"),
            ("column", "专栏"),
            ("period", "时段"),
            ("due", "截止日期"),
            ("text", "目标"),
            ("task", "任务"),
            ("indicators", "指标"),
        ],
    ),
}


def table_rows(plan: Plan, who: Principal, table: str) -> list[dict[str, Any]]:
    """Rows of a download table, narrowed to what ``who`` may see."""
    if table == "indicators":
        return [indicator_row(plan, i) for i in visible_indicators(plan, who)]
    if table == "tasks":
        return [task_row(plan, t) for t in visible_tasks(plan, who)]
    if table == "projects":
        tasks = {t.id for t in visible_tasks(plan, who)}
        return [
            p.model_dump(mode="json")
            for p in plan.projects
            if who.role in ("office", "viewer") or (p.task is not None and p.task in tasks)
        ]
    if table == "units":
        return [u.model_dump(mode="json") for u in plan.units]
    if table == "actions":
        return [a.model_dump(mode="json") for a in plan.actions]
    if table == "milestones":
        tasks = {t.id for t in visible_tasks(plan, who)}
        return [
            m.model_dump(mode="json")
            for m in plan.milestones
            if who.role in ("office", "viewer") or (m.task is not None and m.task in tasks)
        ]
    raise NotFoundError(f"no table {table!r}; expected one of {', '.join(TABLES)}")


def more_downloads(who: Principal, *, scenarios: bool, inventory: bool) -> list[tuple[str, str]]:
    """(word key, path without ``format``) of the downloads outside the plan's tables, for the
    downloads page; each link's route checks the role again. ``scenarios``: whether the plan
    scenario runs on the served plan (a plan without the indicators it reads cannot);
    ``inventory``: whether an inventory is stored."""
    out = [
        ("download_tracking", "/tracking/export?"),
        ("download_assessment", "/assessment/export?"),
    ]
    if inventory:
        out += _INVENTORY_DOWNLOADS
    if scenarios:
        out.append(("download_trajectory", "/scenarios/download?scenario=plan&table=trajectory&"))
        out.append(("download_targets", "/scenarios/download?scenario=plan&table=targets&"))
    if who.role == "office":
        out.append(("download_review", "/review/export?"))
    return out


_INVENTORY_DOWNLOADS = [
    ("download_co2_by_sector", "/inventory/download?table=co2_by_sector&"),
    ("download_co2_by_fuel", "/inventory/download?table=co2_by_fuel&"),
    ("download_energy_by_sector", "/inventory/download?table=energy_by_sector&"),
    ("download_energy_by_fuel", "/inventory/download?table=energy_by_fuel&"),
    ("download_inventory_indicators", "/inventory/download?table=indicators&"),
]
