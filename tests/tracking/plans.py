"""Small hand-made plans for the tracking tests (built on the example plan's units and action)."""

from __future__ import annotations

from typing import Any

from carbonpeak.plan import Indicator, Milestone, Plan, Task, load_plan
from tests.conftest import EXAMPLE_PLAN


def indicator(id: str, **kw: Any) -> Indicator:
    data: dict[str, Any] = {
        "id": id,
        "name": kw.pop("name", id),
        "kind": "share",
        "unit": "%",
        "comparator": ">",
        "year": 2025,
        "clause": "二",
        "quote": "示例",
    }
    data.update(kw)
    return Indicator(**data)


def task(id: str, lead: str, support: list[str], indicators: list[str]) -> Task:
    return Task(
        id=id,
        action="energy",
        clause="三.(一).1",
        title=f"任务{id}",
        text="示例",
        lead=lead,
        support=support,
        indicators=indicators,
    )


def make_plan(
    indicators: list[Indicator], tasks: list[Task], milestones: list[Milestone] | None = None
) -> Plan:
    base = load_plan(str(EXAMPLE_PLAN))
    return Plan(
        plan=base.plan,
        units=base.units,
        actions=base.actions,
        indicators=indicators,
        tasks=tasks,
        milestones=milestones or [],
    )
