"""A unit's to-do list (tracking.todo, issue 14): reports due and overdue, values missing."""

from __future__ import annotations

import datetime as dt

from carbonpeak.tracking.model import Observation, TaskReport, TrackingData
from carbonpeak.tracking.rubric import load_rubric
from carbonpeak.tracking.tasks import report_due
from carbonpeak.tracking.todo import OVERDUE_WINDOW, unit_todo
from tests.tracking.plans import indicator, make_plan, task

PLAN = make_plan(
    [indicator("share_2025", value=10), indicator("text", kind="qualitative", unit=None, comparator=None)],
    [task("t1", "dev_reform", ["industry_it"], ["share_2025"]), task("t2", "industry_it", [], [])],
)
RUBRIC = load_rubric()
TODAY = dt.date(2026, 5, 20)  # Q1 2026 is due 15 April: overdue; Q2 has begun and is due in July


def _report(period: str, state: str, year: int = 2026) -> TaskReport:
    stamp = dt.datetime(year, 4, 1, tzinfo=dt.UTC) if state in ("submitted", "approved") else None
    return TaskReport(
        "t1", "dev_reform", year, period, "in_progress", "示例", state=state, submitted_at=stamp
    )


def test_due_overdue_and_missing_values() -> None:
    owed = unit_todo(PLAN, TrackingData(), "dev_reform", TODAY, RUBRIC, 2025)
    reports = [(o.year, o.period, o.overdue) for o in owed if o.kind == "report"]
    assert (2026, "Q1", True) in reports and (2026, "Q2", False) in reports
    assert (2026, "Q3", False) not in reports  # not begun
    # overdue only within the window: a quarter due more than OVERDUE_WINDOW ago is left out
    for year, period, _ in reports:
        assert TODAY - report_due(year, period, RUBRIC) <= OVERDUE_WINDOW
    assert owed[0].overdue and not owed[-1].overdue  # overdue first
    values = [o for o in owed if o.kind == "value"]
    assert [(v.item, v.year) for v in values] == [("share_2025", 2025)]  # qualitative not asked for
    # t2 belongs to 区工信局 and t1's support does not report quarterly
    assert all(o.item == "t1" for o in owed if o.kind == "report")
    assert not [
        o for o in unit_todo(PLAN, TrackingData(), "industry_it", TODAY, RUBRIC, 2025) if o.item == "t1"
    ]


def test_submitted_records_leave_the_list_drafts_and_returns_stay() -> None:
    data = TrackingData(
        observations=[Observation("share_2025", 2025, 12.0, "dev_reform", state="submitted")],
        reports=[_report("Q1", "returned"), _report("Q2", "submitted")],
    )
    owed = unit_todo(PLAN, data, "dev_reform", TODAY, RUBRIC, 2025)
    assert not [o for o in owed if o.kind == "value"]
    q1 = next(o for o in owed if (o.year, o.period) == (2026, "Q1"))
    assert q1.state == "returned" and q1.overdue
    assert not [o for o in owed if (o.year, o.period) == (2026, "Q2")]
    draft = TrackingData(observations=[Observation("share_2025", 2025, None, "dev_reform", state="draft")])
    value = next(o for o in unit_todo(PLAN, draft, "dev_reform", TODAY, RUBRIC, 2025) if o.kind == "value")
    assert value.state == "draft"
