"""The 考核 of collective units: members scored on their own reports, never the collective as one row."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonpeak.plan import Plan
from carbonpeak.plan.members import attach
from carbonpeak.plan.schema import Collective, Members, ResponsibleUnit
from carbonpeak.tracking.assess import assess
from carbonpeak.tracking.model import ANNUAL, TaskReport, period_end
from carbonpeak.tracking.rubric import load_rubric
from tests.tracking.plans import indicator, make_plan, task

RUBRIC = load_rubric()
AS_OF = dt.date(2023, 3, 31)  # every quarter of 2022 is due
STAMP = dt.datetime(2023, 1, 5, 9, tzinfo=dt.UTC)


def _plan(lead: str, support: list[str]) -> Plan:
    plan = make_plan([indicator("a", value=10)], [task("t1", lead, support, [])])
    members = Members(
        units=[
            ResponsibleUnit(id="town_a", name="甲镇", kind="township"),
            ResponsibleUnit(id="town_b", name="乙镇", kind="township"),
            ResponsibleUnit(id="park_c", name="丙园区", kind="park"),
        ],
        collectives=[Collective(unit="townships", kinds=["township"])],
    )
    return attach(plan, members)


def _reports(unit: str, status: str = "in_progress") -> list[TaskReport]:
    out = []
    for q in ("Q1", "Q2", "Q3", "Q4"):
        stamp = dt.datetime.combine(period_end(2022, q) + dt.timedelta(days=5), dt.time(9), dt.UTC)
        out.append(
            TaskReport(
                "t1",
                unit,
                2022,
                q,
                status,
                state="approved",
                submitted_at=stamp,
                updated_at=stamp,
                evidence_count=1,
            )
        )
    return out


def test_members_of_a_leading_collective_are_scored_on_their_own_reports() -> None:
    plan = _plan("townships", ["dev_reform"])
    result = {a.unit: a for a in assess(plan, 2022, AS_OF, [], [], _reports("town_a"), set(), RUBRIC)}
    # the collective is no row; park_c is no member of 各乡镇 and has nothing assigned: not ranked
    assert set(result) == {"town_a", "town_b", "dev_reform"}
    # town_a: tasks 30, timeliness 15, quality 15 → reweighted 50/25/25; in_progress keeps 0.85 → 7.5 lost
    assert result["town_a"].score == pytest.approx(92.5)
    assert result["town_a"].grade == "excellent"
    assert "各乡镇成员" in result["town_a"].deductions[0].reason
    # town_b reported nothing: tasks 30 + timeliness 15 → 66.67 + 33.33, all lost
    assert result["town_b"].score == pytest.approx(0.0)
    assert result["town_b"].grade == "fail"
    # the supporting department: the task is as far as its least advanced member (town_b: 未报送)
    assert result["dev_reform"].score == pytest.approx(0.0)


def test_a_supporting_collective_no_longer_scores_100_with_nobody_reporting() -> None:
    plan = _plan("dev_reform", ["townships"])
    reports = _reports("dev_reform", "done")
    result = {a.unit: a for a in assess(plan, 2022, AS_OF, [], [], reports, set(), RUBRIC)}
    assert "townships" not in result
    assert result["dev_reform"].score == pytest.approx(100.0)
    # members support: their own status (none reported) on the task alone; no timeliness owed
    assert result["town_a"].score == pytest.approx(0.0)
    assert [d.component for d in result["town_a"].deductions] == ["tasks"]
    reports += [
        TaskReport(
            "t1", "town_a", 2022, ANNUAL, "done", state="approved", submitted_at=STAMP, evidence_count=1
        )
    ]
    result = {a.unit: a for a in assess(plan, 2022, AS_OF, [], [], reports, set(), RUBRIC)}
    assert result["town_a"].score == pytest.approx(100.0)


def test_a_collective_without_members_is_not_assessed() -> None:
    plan = make_plan([], [task("t1", "townships", [], [])])
    assert assess(plan, 2022, AS_OF, [], [], [], set(), RUBRIC) == []


def test_member_scored_on_its_share_of_a_decomposed_indicator() -> None:
    plan = _plan("dev_reform", ["townships"])
    status = {("town_a", "a"): "at_risk"}
    result = {
        a.unit: a
        for a in assess(plan, 2022, AS_OF, [], [], _reports("town_a", "done"), set(), RUBRIC, status)
    }
    a = result["town_a"]
    # indicators 40, tasks 30, quality 15 (support: no timeliness) → 47.06 on the indicator, 0.4 lost
    assert a.score == pytest.approx(100 - 100 * 40 / 85 * 0.4)
    assert any("分解目标" in d.reason for d in a.deductions)


def test_each_member_of_a_leading_collective_owes_its_reports() -> None:
    from carbonpeak.tracking.tasks import task_alerts

    plan = _plan("townships", [])
    alerts = task_alerts(plan, _reports("town_a"), 2022, AS_OF, RUBRIC)
    missing = {(a.unit_id, a.period) for a in alerts if a.kind == "missing_report"}
    assert missing == {("town_b", q) for q in ("Q1", "Q2", "Q3", "Q4")}
