"""Tracking as data: who acts, what departments report, what the system computes.

Pure domain: dataclasses, no SQL. ``storage`` maps these to rows; ``services`` orchestrates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import Indicator, Plan, Task
from carbonpeak.plan.model import indicator_responsible
from carbonpeak.tracking.codes import labels
from carbonpeak.tracking.errors import NotAllowedError, WorkflowError

Role = Literal["office", "department", "viewer"]
State = Literal["draft", "submitted", "approved", "returned"]
TaskStatus = Literal["not_started", "in_progress", "done", "delayed"]
# Codes, never words: the labels (zh/en) are in data/codes.yaml (carbonpeak.tracking.codes). A new
# status code is one more value here and one more row there (tests check they agree).
IndicatorStatus = Literal["met", "on_track", "at_risk", "off_track", "no_data", "pending"]

STATES: tuple[State, ...] = ("draft", "submitted", "approved", "returned")
STATE_LABELS: dict[str, str] = labels("record_state")
TASK_STATUS_LABELS: dict[str, str] = labels("task_status")
TASK_STATUS_BY_LABEL: dict[str, str] = {v: k for k, v in TASK_STATUS_LABELS.items()}
INDICATOR_STATUSES: tuple[IndicatorStatus, ...] = get_args(IndicatorStatus)
ANNUAL = "Y"
QUARTERS: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4")
PERIODS: tuple[str, ...] = (ANNUAL, *QUARTERS)


def period_end(year: int, period: str) -> dt.date:
    """Last day of a period: 'Y' is the year, 'Q1'..'Q4' the quarters."""
    if period == ANNUAL:
        return dt.date(year, 12, 31)
    if period not in QUARTERS:
        raise InvalidInputError(f"period {period!r}: expected one of {', '.join(PERIODS)}")
    month = 3 * int(period[1])
    next_first = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return next_first - dt.timedelta(days=1)


def default_year(today: dt.date, years_with_data: Iterable[int] = (), closed: Iterable[int] = ()) -> int:
    """The year a page or a command shows when none is asked for: the latest year the office has
    closed (``closed``, see ``TrackingService.close_year``), or, failing that, the last complete year
    (the one before ``today``'s), never a year opened by one early record of the current year. Where
    no year is closed, ``years_with_data`` is given and the last complete year has none yet, the
    latest complete year that has data (so that a page shows figures, not only 无数据, while a year's
    figures come in)."""
    last = today.year - 1
    done = [y for y in closed if y <= last]
    if done:
        return max(done)
    known = sorted(y for y in years_with_data if y <= last)
    if known and last not in known:
        return known[-1]
    return last


def data_years(data: TrackingData) -> set[int]:
    """The years of the observations, computed values and task reports of ``data``."""
    return (
        {o.year for o in data.observations} | {c.year for c in data.computed} | {r.year for r in data.reports}
    )


@dataclass(frozen=True)
class Actor:
    """Who acts: a user name and a role; a department acts for one responsible unit."""

    name: str
    role: Role
    unit_id: str | None = None

    def __post_init__(self) -> None:
        if self.role == "department" and not self.unit_id:
            raise InvalidInputError("a department actor needs the unit id it acts for")
        if not self.name.strip():
            raise InvalidInputError("an actor needs a name")

    @property
    def who(self) -> str:
        return f"{self.name} ({self.role}{':' + self.unit_id if self.unit_id else ''})"


def indicator_owner(plan: Plan, indicator: Indicator) -> str | None:
    """The unit that reports an indicator: its first responsible unit (the lead)."""
    units = indicator_responsible(plan, indicator)
    return units[0] if units else None


def check_may_report_indicator(actor: Actor, plan: Plan, indicator: Indicator, unit_id: str) -> None:
    """A department reports only indicators it is responsible for, and only as itself."""
    if actor.role == "viewer":
        raise NotAllowedError(f"{actor.who} may only read")
    if actor.role == "department":
        if unit_id != actor.unit_id:
            raise NotAllowedError(f"{actor.who} may not report for unit {unit_id!r}")
        if unit_id not in indicator_responsible(plan, indicator):
            raise NotAllowedError(f"{actor.who} is not responsible for indicator {indicator.id!r}")
    elif (responsible := indicator_responsible(plan, indicator)) and unit_id not in responsible:
        # the office, on a unit's behalf (an indicator no unit answers for is the office's own)
        raise NotAllowedError(
            f"unit {unit_id!r} is not responsible for indicator {indicator.id!r}: the office reports "
            "only on behalf of a responsible unit"
        )


def check_may_report_task(actor: Actor, task: Task, unit_id: str) -> None:
    """A department reports only on tasks it leads or supports, and only as itself."""
    if actor.role == "viewer":
        raise NotAllowedError(f"{actor.who} may only read")
    if actor.role == "department":
        if unit_id != actor.unit_id:
            raise NotAllowedError(f"{actor.who} may not report for unit {unit_id!r}")
        if unit_id not in task.responsible:
            raise NotAllowedError(f"{actor.who} is not responsible for task {task.id!r}")
    elif unit_id not in task.responsible:  # the office, on a unit's behalf
        raise NotAllowedError(
            f"unit {unit_id!r} is not responsible for task {task.id!r}: the office reports only on "
            "behalf of a responsible unit"
        )


def check_may_moderate(actor: Actor) -> None:
    if actor.role != "office":
        raise NotAllowedError(f"only the office approves or returns reports, not {actor.who}")


# The moderator flow (Kausal Watch): draft -> submitted -> approved | returned; returned -> submitted.
# An approved record is reopened (修订) by the office when the figure must be revised (e.g. the final
# yearbook value replaces the preliminary one): it goes back to the unit as returned, with the reason.
_TRANSITIONS: dict[str, dict[str, str]] = {
    "edit": {"draft": "draft", "returned": "returned"},
    "submit": {"draft": "submitted", "returned": "submitted"},
    "approve": {"submitted": "approved"},
    "return": {"submitted": "returned"},
    "reopen": {"approved": "returned"},
}


def next_state(step: str, state: str) -> str:
    """The state after ``step``, or WorkflowError naming the states where the step is possible."""
    allowed = _TRANSITIONS[step]
    if state not in allowed:
        raise WorkflowError(
            f"cannot {step} a record that is {state} ({STATE_LABELS.get(state, state)}); "
            f"possible from: {', '.join(allowed)}"
        )
    return allowed[state]


@dataclass(frozen=True)
class Observation:
    """A value of an indicator in a year as the departments reported it (and its workflow state)."""

    indicator_id: str
    year: int
    value: float | None
    unit_id: str
    state: str = "approved"
    period: str = ANNUAL
    source: str = ""
    submitted_at: dt.datetime | None = None
    returns: int = 0
    has_evidence: bool = False


@dataclass(frozen=True)
class ComputedValue:
    """A value the system computed from the inventory (``accounting``), with its provenance."""

    metric: str
    year: int
    value: float
    unit: str | None
    inputs: dict[str, object] = field(default_factory=dict)
    factor_set: str = ""


@dataclass(frozen=True)
class TaskReport:
    """A progress report on a task for a period, by one responsible unit."""

    task_id: str
    unit_id: str
    year: int
    period: str
    status: str
    narrative: str = ""
    milestones_met: tuple[str, ...] = ()
    state: str = "submitted"
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    returns: int = 0
    evidence_count: int = 0


@dataclass
class TrackingData:
    """Everything tracking evaluates: approved or pending observations, computed values, reports."""

    observations: list[Observation] = field(default_factory=list)
    computed: list[ComputedValue] = field(default_factory=list)
    reports: list[TaskReport] = field(default_factory=list)


@dataclass(frozen=True)
class ClosedYear:
    """A year whose tracking data the office has closed: when, by whom, with what note."""

    year: int
    closed_at: dt.datetime | None
    closed_by: str
    comment: str | None = None
