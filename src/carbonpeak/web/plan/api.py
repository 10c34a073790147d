"""The JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json). Each route declares its permission."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from carbonpeak.errors import NotFoundError
from carbonpeak.plan import Plan
from carbonpeak.web.core.auth import (
    ALL_ROLES,
    READERS,
    SIGNED_IN,
    OwnedIndicator,
    OwnedTask,
    Principal,
    permit,
)
from carbonpeak.web.plan.views import (
    filtered_indicators,
    headline_indicators,
    indicator_row,
    target_status,
    task_row,
    visible_tasks,
)

router = APIRouter(prefix="/api/v1", tags=["v1"])

Anyone = Annotated[Principal, Depends(permit(*ALL_ROLES))]
SignedIn = Annotated[Principal, Depends(permit(*SIGNED_IN, scoped=True))]
Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]
Key = Annotated[str, Query(max_length=80)]


def _plan(request: Request) -> Plan:
    plan: Plan = request.app.state.plan
    return plan


@router.get("/plan", summary="The plan's metadata, actions and responsible units")
def plan_meta(request: Request, who: Reader) -> dict[str, Any]:
    plan = _plan(request)
    return {
        "plan": plan.plan.model_dump(mode="json"),
        "actions": [a.model_dump(mode="json") for a in plan.actions],
        "units": [u.model_dump(mode="json") for u in plan.units],
    }


@router.get("/tasks", summary="Tasks (a department sees its own only)")
def tasks(
    request: Request, who: Reader, action: Key | None = None, unit: Key | None = None
) -> list[dict[str, Any]]:
    plan = _plan(request)
    unit_id = None
    if unit:
        unit_id = next((u.id for u in plan.units if unit in (u.id, u.name, *u.aliases)), None)
        if unit_id is None:
            raise NotFoundError(f"no responsible unit {unit!r} in the plan")
    return [
        task_row(plan, t)
        for t in visible_tasks(plan, who)
        if (action is None or t.action == action) and (unit_id is None or unit_id in t.responsible)
    ]


@router.get("/tasks/{task_id}", summary="One task with its clause, full text and units")
def task(request: Request, who: Reader, found: OwnedTask) -> dict[str, Any]:
    return task_row(_plan(request), found)


@router.get("/indicators", summary="Indicators with filters (a department sees its own only)")
def indicators(
    request: Request,
    who: Reader,
    action: Key | None = None,
    unit: Key | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> list[dict[str, Any]]:
    plan = _plan(request)
    return [indicator_row(plan, i) for i in filtered_indicators(plan, who, action, unit, year)]


@router.get("/indicators/{indicator_id}", summary="One indicator: target, source quote, status")
def indicator(request: Request, who: Reader, found: OwnedIndicator) -> dict[str, Any]:
    return indicator_row(_plan(request), found)


@router.get("/targets", summary="The plan's headline targets with their status")
def targets(request: Request, who: Reader) -> list[dict[str, Any]]:
    plan = _plan(request)
    out = []
    for ind in headline_indicators(plan):
        row = indicator_row(plan, ind)
        row["status"] = target_status(plan, ind).code
        out.append(row)
    return out
