"""What a responsible unit owes (its to-do list, 待办): the progress reports due in the current period
and by when, the ones overdue, and the indicator values still missing for the year. Pure domain over
``TrackingData``; the records returned by the office (with their comment) come from the records the
service lists, so the web layer adds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from carbonpeak.plan import Plan
from carbonpeak.tracking.model import QUARTERS, TrackingData, indicator_owner
from carbonpeak.tracking.rubric import Rubric
from carbonpeak.tracking.tasks import report_due

# How far back an unfiled report stays on the list as overdue: one year of quarters.
OVERDUE_WINDOW = dt.timedelta(days=366)


@dataclass(frozen=True)
class Owed:
    """One thing a unit owes: a task's report for a quarter (``kind="report"``) or an indicator's
    value for a year (``kind="value"``, period ``Y``), due on ``due`` (None: no deadline set by the
    rubric, a value is owed for its year); ``state`` is the existing record's state when a draft or
    a returned record exists, so that opening the task loads it."""

    kind: Literal["report", "value"]
    item: str
    year: int
    period: str
    due: dt.date | None
    overdue: bool
    state: str | None = None


def quarter_start(year: int, quarter: str) -> dt.date:
    return dt.date(year, 3 * (QUARTERS.index(quarter)) + 1, 1)


def unit_todo(
    plan: Plan, data: TrackingData, unit_id: str, today: dt.date, rubric: Rubric, value_year: int
) -> list[Owed]:
    """The unit's open reports (the tasks it leads report quarterly, as ``expected_reports``): each
    quarter begun by ``today`` whose report is not submitted, due if its deadline is still ahead,
    overdue if it passed within ``OVERDUE_WINDOW``; then the values of the indicators it reports
    (``indicator_owner``) with no record for ``value_year``. Overdue first, then by deadline."""
    reports = {(r.task_id, r.year, r.period): r for r in data.reports if r.unit_id == unit_id}
    owed: list[Owed] = []
    for task in plan.tasks:
        if task.lead != unit_id:
            continue
        for year in (today.year - 1, today.year):
            for quarter in QUARTERS:
                due = report_due(year, quarter, rubric)
                if quarter_start(year, quarter) > today or today - due > OVERDUE_WINDOW:
                    continue
                found = reports.get((task.id, year, quarter))
                if found is not None and found.state in ("submitted", "approved"):
                    continue
                state = found.state if found is not None else None
                owed.append(Owed("report", task.id, year, quarter, due, due < today, state))
    values = {(o.indicator_id, o.year): o for o in data.observations if o.unit_id == unit_id}
    for ind in plan.indicators:
        if ind.kind == "qualitative" or indicator_owner(plan, ind) != unit_id:
            continue
        found_value = values.get((ind.id, value_year))
        if found_value is not None and found_value.state in ("submitted", "approved"):
            continue
        state = found_value.state if found_value is not None else None
        owed.append(Owed("value", ind.id, value_year, "Y", None, False, state))
    owed.sort(key=lambda o: (not o.overdue, o.due or dt.date.max, o.kind, o.item))
    return owed
