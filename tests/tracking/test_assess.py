"""Assessment by the rubric, task alerts and the rubric file, on hand-computed examples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from carbonpeak.plan import Milestone
from carbonpeak.tracking.assess import assess
from carbonpeak.tracking.errors import NotAllowedError, TrackingError, WorkflowError
from carbonpeak.tracking.evaluate import evaluate_plan
from carbonpeak.tracking.model import (
    Actor,
    Observation,
    TaskReport,
    check_may_report_indicator,
    next_state,
    period_end,
)
from carbonpeak.tracking.rubric import DEFAULT_RUBRIC, load_rubric
from carbonpeak.tracking.tasks import task_alerts
from tests.tracking.plans import indicator, make_plan, task

RUBRIC = load_rubric()
UTC = dt.UTC


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def report(
    period: str, status: str, *, late: bool = False, returns: int = 0, evidence: int = 1
) -> TaskReport:
    due = period_end(2022, period)
    stamp = at(due + dt.timedelta(days=30 if late else 5))
    return TaskReport(
        "t1",
        "dev_reform",
        2022,
        period,
        status,
        state="approved",
        submitted_at=stamp,
        updated_at=stamp,
        returns=returns,
        evidence_count=evidence,
    )


def test_assessment_worked_example() -> None:
    ind = indicator("a", value=10, base_value=5, base_year=2020)
    plan = make_plan([ind], [task("t1", "dev_reform", ["industry_it"], ["a"])])
    observations = [Observation("a", 2022, 7.0, "dev_reform", submitted_at=at(dt.date(2023, 1, 10)))]
    reports = [
        report("Q1", "in_progress"),
        report("Q2", "in_progress", returns=1),
        report("Q3", "in_progress"),
    ]
    evaluations = evaluate_plan(plan, observations, [], [2022], RUBRIC.thresholds)
    result = {
        a.unit: a
        for a in assess(plan, 2022, dt.date(2023, 3, 31), evaluations, observations, reports, set(), RUBRIC)
    }
    assert set(result) == {"dev_reform", "industry_it"}  # the office has no item
    lead = result["dev_reform"]
    # tasks 30·0.15 = 4.5; timeliness 15/5 = 3.0 (Q4 missing); quality 15/4·0.5 = 1.875 (Q2 returned)
    # and 15/4·0.25 = 0.9375 (value without evidence) → 100 − 10.3125
    assert lead.score == pytest.approx(89.6875)
    assert lead.grade == "good"
    assert [round(d.points_lost, 4) for d in lead.deductions] == [4.5, 3.0, 1.875, 0.9375]
    assert lead.deductions[1].item == "t1/Q4"
    assert "未报送" in lead.deductions[1].reason
    assert "被退回 1 次" in lead.deductions[2].reason
    # the supporting unit: indicators and tasks only, reweighted to 100 (57.14 + 42.86); task 0.15 lost
    support = result["industry_it"]
    assert support.score == pytest.approx(100 - 30 / 70 * 100 * 0.15)
    assert support.grade == "excellent"
    for a in result.values():
        assert a.score + sum(d.points_lost for d in a.deductions) == pytest.approx(100)


def test_lead_weighs_more_than_support() -> None:
    a = indicator("a", value=10, base_value=5, base_year=2020)
    b = indicator("b", value=10, base_value=5, base_year=2020)
    plan = make_plan(
        [a, b],
        [task("t1", "dev_reform", ["industry_it"], ["a"]), task("t2", "industry_it", ["dev_reform"], ["b"])],
    )
    observations = [Observation("a", 2022, 7.0, "dev_reform"), Observation("b", 2022, 5.0, "industry_it")]
    evaluations = evaluate_plan(plan, observations, [], [2022], RUBRIC.thresholds)
    result = {
        x.unit: x
        for x in assess(plan, 2022, dt.date(2022, 6, 1), evaluations, observations, [], set(), RUBRIC)
    }
    # b is 严重滞后 (progress 0): industry_it leads it (weight 1 of 1.5), dev_reform supports (0.5 of 1.5)
    lost = {
        u: sum(d.points_lost for d in x.deductions if d.component == "indicators") for u, x in result.items()
    }
    assert lost["industry_it"] == pytest.approx(2 * lost["dev_reform"])


def test_task_alerts() -> None:
    m1 = Milestone(
        id="m1", column="专栏2", period="2022年", start_year=2022, end_year=2022, text="建成", task="t1"
    )
    m2 = Milestone(
        id="m2", column="专栏2", period="2022年", start_year=2022, end_year=2022, text="投运", task="t1"
    )
    plan = make_plan([], [task("t1", "dev_reform", [], [])], [m1, m2])
    reports = [
        report("Q1", "in_progress"),
        report("Q2", "in_progress", late=True),
        TaskReport("t1", "dev_reform", 2022, "Q3", "done", milestones_met=("m1",), state="draft"),
        TaskReport(
            "t1",
            "dev_reform",
            2022,
            "Q4",
            "done",
            milestones_met=("m2",),
            state="approved",
            submitted_at=at(dt.date(2023, 1, 5)),
            updated_at=at(dt.date(2023, 1, 5)),
        ),
    ]
    alerts = task_alerts(plan, reports, 2022, dt.date(2023, 2, 1), RUBRIC)
    kinds = sorted((a.kind, a.period or a.item) for a in alerts)
    # Q3 is only a draft (missing); Q2 came 30 days after the quarter (late); m1 is only in a draft
    assert kinds == [("late_report", "Q2"), ("missing_report", "Q3"), ("overdue_milestone", "m1")]
    stale = task_alerts(plan, reports, 2022, dt.date(2023, 6, 1), RUBRIC)
    assert [a.item for a in stale if a.kind == "stale"] == ["t1"]  # 147 days > 120


def test_workflow_and_permissions() -> None:
    assert next_state("submit", "draft") == "submitted"
    assert next_state("return", "submitted") == "returned"
    assert next_state("submit", "returned") == "submitted"
    with pytest.raises(WorkflowError, match="possible from: submitted"):
        next_state("approve", "draft")
    with pytest.raises(WorkflowError):
        next_state("edit", "approved")
    ind = indicator("a", value=10)
    plan = make_plan([ind], [task("t1", "dev_reform", [], ["a"])])
    check_may_report_indicator(Actor("x", "office"), plan, ind, "dev_reform")  # on its behalf
    with pytest.raises(NotAllowedError, match="only on behalf of a responsible unit"):
        check_may_report_indicator(Actor("x", "office"), plan, ind, "industry_it")
    check_may_report_indicator(Actor("x", "department", "dev_reform"), plan, ind, "dev_reform")
    with pytest.raises(NotAllowedError):
        check_may_report_indicator(Actor("x", "department", "industry_it"), plan, ind, "industry_it")
    with pytest.raises(ValueError, match="unit id"):
        Actor("x", "department")


def test_rubric_file_is_checked(tmp_path: Path) -> None:
    text = DEFAULT_RUBRIC.read_text(encoding="utf-8").replace("indicators: 40", "indicators: 45")
    bad = tmp_path / "rubric.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(TrackingError, match="add up to 100, not 105"):
        load_rubric(bad)
    assert RUBRIC.grade(90) == "excellent"
    assert RUBRIC.grade(89.99) == "good"
    assert RUBRIC.grade(59.9) == "fail"
