"""The plan as data: schema, loader with located errors, consistency checks and queries."""

from carbonpeak.plan.errors import PlanError, PlanNotFoundError, Problem
from carbonpeak.plan.loader import DEFAULT_PLAN_ID, bundled_plans, load_plan, resolve_plan, validate_file
from carbonpeak.plan.model import (
    filter_indicators,
    filter_projects,
    filter_tasks,
    find_unit,
    indicator_responsible,
    plan_dict,
    target_text,
)
from carbonpeak.plan.schema import (
    SCHEMA_VERSION,
    Action,
    Indicator,
    Milestone,
    Plan,
    PlanMeta,
    Project,
    ResponsibleUnit,
    Task,
)
from carbonpeak.plan.targets import target_met

__all__ = [
    "DEFAULT_PLAN_ID",
    "SCHEMA_VERSION",
    "Action",
    "Indicator",
    "Milestone",
    "Plan",
    "PlanError",
    "PlanMeta",
    "PlanNotFoundError",
    "Problem",
    "Project",
    "ResponsibleUnit",
    "Task",
    "bundled_plans",
    "filter_indicators",
    "filter_projects",
    "filter_tasks",
    "find_unit",
    "indicator_responsible",
    "load_plan",
    "plan_dict",
    "resolve_plan",
    "target_met",
    "target_text",
    "validate_file",
]
