"""Derived views of a plan: what each unit owns, indicators with their carrying tasks, JSON shape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from carbonpeak.errors import NotFoundError
from carbonpeak.plan.schema import (
    STRENGTH_WORDS,
    Indicator,
    Plan,
    Prohibition,
    Project,
    ResponsibleUnit,
    Task,
)


def unit_lookup(plan: Plan) -> dict[str, ResponsibleUnit]:
    """Units by id, by name and by alias (so users can type 区发改委 or dev_reform)."""
    out: dict[str, ResponsibleUnit] = {}
    for unit in plan.units:
        for key in (unit.id, unit.name, *unit.aliases, *([unit.full_name] if unit.full_name else [])):
            out[key] = unit
    return out


def find_unit(plan: Plan, ref: str) -> ResponsibleUnit:
    try:
        return unit_lookup(plan)[ref.strip()]
    except KeyError:
        raise NotFoundError(f"no responsible unit {ref!r} in plan {plan.plan.id}") from None


def tasks_of_indicator(plan: Plan) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {i.id: [] for i in plan.indicators}
    for task in plan.tasks:
        for ind in task.indicators:
            out.setdefault(ind, []).append(task.id)
    return out


def indicator_responsible(plan: Plan, indicator: Indicator) -> list[str]:
    """Explicit units, else the units of the tasks carrying the indicator (leads first)."""
    if indicator.responsible:
        return list(indicator.responsible)
    tasks = {t.id: t for t in plan.tasks}
    carrying = [tasks[t] for t in tasks_of_indicator(plan).get(indicator.id, [])]
    out: list[str] = []
    for unit in [t.lead for t in carrying] + [u for t in carrying for u in t.support]:
        if unit not in out:
            out.append(unit)
    return out


def indicator_lead(plan: Plan, indicator: Indicator) -> str | None:
    units = indicator_responsible(plan, indicator)
    return units[0] if units else None


def filter_tasks(plan: Plan, action: str | None = None, unit: str | None = None) -> list[Task]:
    unit_id = find_unit(plan, unit).id if unit else None
    return [
        t
        for t in plan.tasks
        if (action is None or t.action == action) and (unit_id is None or unit_id in t.responsible)
    ]


def filter_indicators(
    plan: Plan, action: str | None = None, unit: str | None = None, year: int | None = None
) -> list[Indicator]:
    unit_id = find_unit(plan, unit).id if unit else None
    carriers = tasks_of_indicator(plan)
    task_action = {t.id: t.action for t in plan.tasks}
    out = []
    for ind in plan.indicators:
        if year is not None and ind.year != year:
            continue
        if action is not None and action not in {task_action[t] for t in carriers.get(ind.id, [])}:
            continue
        if unit_id is not None and unit_id not in indicator_responsible(plan, ind):
            continue
        out.append(ind)
    return out


def filter_projects(plan: Plan, action: str | None = None, column: str | None = None) -> list[Project]:
    task_action = {t.id: t.action for t in plan.tasks}
    return [
        p
        for p in plan.projects
        if (column is None or p.column == column)
        and (action is None or (p.task is not None and task_action.get(p.task) == action))
    ]


def indicator_dict(plan: Plan, ind: Indicator) -> dict[str, Any]:
    data = ind.model_dump(mode="json")
    data["responsible"] = indicator_responsible(plan, ind)
    data["tasks"] = tasks_of_indicator(plan).get(ind.id, [])
    return data


def task_dict(task: Task) -> dict[str, Any]:
    data = task.model_dump(mode="json")
    data["responsible"] = task.responsible
    return data


def plan_dict(plan: Plan) -> dict[str, Any]:
    """The whole plan as JSON-ready data: the shape ``carbonpeak plan show --format json`` prints."""
    return {
        "plan": plan.plan.model_dump(mode="json"),
        "units": [u.model_dump(mode="json") for u in plan.units],
        "actions": [a.model_dump(mode="json") for a in plan.actions],
        "indicators": [indicator_dict(plan, i) for i in plan.indicators],
        "tasks": [task_dict(t) for t in plan.tasks],
        "projects": [p.model_dump(mode="json") for p in plan.projects],
        "milestones": [m.model_dump(mode="json") for m in plan.milestones],
        "prohibitions": [p.model_dump(mode="json") for p in plan.prohibitions],
        **({"members": plan.members.model_dump(mode="json")} if plan.members is not None else {}),
    }


def covering_prohibitions(
    plan: Plan,
    industry: str | None = None,
    equipment: Sequence[str] = (),
    fuels: Sequence[str] = (),
    two_high: bool = False,
) -> list[Prohibition]:
    """The prohibitions and constraints of the plan that cover a proposed project
    (``Prohibition.covers``). Forbidding rules first, in plan order."""
    out = [rule for rule in plan.prohibitions if rule.covers(industry, equipment, fuels, two_high)]
    return sorted(out, key=lambda r: r.effect != "forbids")


def strength_word(strength: str | None) -> str | None:
    """The plan's modal word for a strength code: strive → 力争."""
    return STRENGTH_WORDS.get(strength) if strength else None


_COMPARATOR_TEXT = {
    ">=": "≥",
    ">": ">",
    "<=": "≤",
    "<": "<",
    "=": "=",
    "reduce_by": "下降",
    "increase": "增长",
}


STRENGTH_WORDS_EN: dict[str, str] = {
    "ensure": "ensure",
    "strive": "strive for",
    "in_principle": "in principle",
    "encourage": "encouraged",
    "support": "supported",
    "study": "to study",
    "pilot": "pilot",
}

# The words of ``target_text`` in each language; the templates take number, base, start, year, text.
_TARGET_WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "comparators": _COMPARATOR_TEXT,
        "strengths": STRENGTH_WORDS,
        "qualitative": "定性",
        "by_city": "(按市下达, 待下达)",
        "by_state": "(按国家规定)",
        "reduce_by_city": "下降 (按市下达)",
        "range": "—",
        "below_base": "比{base}年下降 {number} %",
        "below": "下降 {number} %",
        "every_year": "{start}—{year}年每年 {text}",
        "from_year": "{year}年起每年 {text}",
    },
    "en": {
        "comparators": _COMPARATOR_TEXT | {"reduce_by": "reduce", "increase": "increase"},
        "strengths": STRENGTH_WORDS_EN,
        "qualitative": "qualitative",
        "by_city": "(set by the city, not yet assigned)",
        "by_state": "(as the state sets)",
        "reduce_by_city": "reduce (as the city sets)",
        "range": "–",
        "below_base": "{number} % below {base}",
        "below": "{number} % lower",
        "every_year": "every year {start}–{year}: {text}",
        "from_year": "every year from {year}: {text}",
    },
}


def target_text(ind: Indicator, lang: str = "zh") -> str:
    """A target as people read it (tables, cards, reports): "> 10 %", "比2020年下降 15.5 %";
    ``lang="en"``: "> 10 %", "15.5 % below 2020"."""
    w = _TARGET_WORDS["en" if lang == "en" else "zh"]
    comparators: dict[str, str] = w["comparators"]
    if ind.value is None:
        text = comparators.get(ind.comparator or "", "") or w["qualitative"]
        if ind.assigned is not None:
            text = (f"{text} " if ind.comparator in ("reduce_by", "increase") else "") + (
                w["by_city"] if ind.assigned.by == "city" else w["by_state"]
            )
        elif ind.comparator == "reduce_by":
            text = w["reduce_by_city"]
    else:
        number = f"{ind.value:g}" + (f"{w['range']}{ind.upper:g}" if ind.upper is not None else "")
        text = f"{comparators[ind.comparator or '=']} {number} {ind.unit or ''}".strip()
        if ind.comparator == "reduce_by":
            template = w["below_base"] if ind.base_year else w["below"]
            text = template.format(number=number, base=ind.base_year)
    if ind.holds in ("every_year", "from_year"):
        text = w[ind.holds].format(start=ind.start_year, year=ind.year, text=text)
    word = w["strengths"].get(ind.strength) if ind.strength else None
    return text + (f" ({word})" if word else "")
