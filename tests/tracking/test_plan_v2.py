"""Tracking reads plan schema 2: a target over every year of a period, a standing rule, a value the
city has not assigned yet (待下达), and the strength weights of the rubric. Results derived by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from carbonpeak.plan import load_plan
from carbonpeak.tracking.assess import assess
from carbonpeak.tracking.errors import TrackingError
from carbonpeak.tracking.evaluate import evaluate_plan, prohibition_findings
from carbonpeak.tracking.model import Observation
from carbonpeak.tracking.rubric import DEFAULT_RUBRIC, load_rubric
from tests.tracking.plans import indicator, make_plan, task

RUBRIC = load_rubric()
COAL = indicator(
    "coal_2025",
    kind="total",
    unit="万吨",
    comparator="<=",
    value=0,
    year=2025,
    holds="every_year",
    start_year=2021,
)
COAL_AFTER = indicator(
    "coal_standing", kind="total", unit="万吨", comparator="<=", value=0, year=2026, holds="from_year"
)


def obs(ind: str, year: int, value: float) -> Observation:
    return Observation(ind, year, value, "dev_reform")


def test_standing_zero_missed_in_2023_only() -> None:
    plan = make_plan([COAL, COAL_AFTER], [task("t1", "dev_reform", [], ["coal_2025", "coal_standing"])])
    values = {2021: 0.0, 2022: 0.0, 2023: 1.2, 2024: 0.0, 2025: 0.0, 2026: 0.0, 2027: 0.3}
    observations = [obs("coal_2025", y, v) for y, v in values.items() if y <= 2025]
    observations += [obs("coal_standing", y, v) for y, v in values.items() if y >= 2026]
    evs = evaluate_plan(plan, observations, [], range(2021, 2028), RUBRIC.thresholds)
    period = {e.year: e for e in evs if e.indicator_id == "coal_2025"}
    # 2021, 2022 at zero: met; 2023 above zero misses the period target for good, though 2024 and
    # 2025 are back at zero (a one-point-2025 target would wrongly show it met)
    assert [period[y].status for y in range(2021, 2026)] == [
        "met",
        "met",
        "off_track",
        "off_track",
        "off_track",
    ]
    assert [period[y].breaches for y in range(2021, 2026)] == [[], [], [2023], [2023], [2023]]
    assert all(period[y].required == 0 and period[y].method == "every_year" for y in range(2021, 2026))
    assert "2023年未达到" in period[2025].notes[-1]
    standing = {e.year: e for e in evs if e.indicator_id == "coal_standing"}
    assert (standing[2026].status, standing[2027].status) == ("met", "off_track")
    assert standing[2027].breaches == [2027]


def test_period_year_without_value_is_no_data_until_a_breach() -> None:
    plan = make_plan([COAL], [task("t1", "dev_reform", [], ["coal_2025"])])
    evs = evaluate_plan(plan, [obs("coal_2025", 2022, 0.5)], [], [2021, 2022, 2023], RUBRIC.thresholds)
    assert [(e.year, e.status) for e in evs] == [(2021, "no_data"), (2022, "off_track"), (2023, "off_track")]


def test_city_assigned_target_without_value_is_pending_not_no_data() -> None:
    pending = indicator(
        "ei_2025",
        kind="intensity",
        unit="%",
        comparator="reduce_by",
        assigned={"by": "city"},
        strength="ensure",
    )
    plan = make_plan([pending], [task("t1", "dev_reform", [], ["ei_2025"])])
    without_data = evaluate_plan(plan, [], [], [2023], RUBRIC.thresholds)
    with_data = evaluate_plan(plan, [obs("ei_2025", 2023, 9.0)], [], [2023], RUBRIC.thresholds)
    for (ev,) in (without_data, with_data):
        assert ev.status == "pending"
        assert ev.required is None and ev.strength == "ensure"
        assert "目标值待市下达" in ev.notes
    assert with_data[0].actual == 9.0
    # entered by the office with its document and date: evaluated as any reduction target
    entered = indicator(
        "ei_2025",
        kind="intensity",
        unit="%",
        comparator="reduce_by",
        value=14.5,
        assigned={"by": "city", "base_year": 2020, "document": "示例", "date": dt.date(2022, 3, 1)},
    )
    plan = make_plan([entered], [task("t1", "dev_reform", [], ["ei_2025"])])
    (ev,) = evaluate_plan(plan, [obs("ei_2025", 2025, 15.0)], [], [2025], RUBRIC.thresholds)
    assert (ev.status, ev.base_year) == ("met", 2020)


def test_national_standard_pending_too() -> None:
    ind = indicator("ev_share_2030", comparator=">=", year=2030, assigned={"by": "national"})
    plan = make_plan([ind], [task("t1", "dev_reform", [], ["ev_share_2030"])])
    (ev,) = evaluate_plan(plan, [], [], [2026], RUBRIC.thresholds)
    assert ev.status == "pending" and "目标值待国家规定" in ev.notes


def test_strive_target_weighs_as_the_rubric_says() -> None:
    a = indicator("a", value=10, base_value=5, base_year=2020, strength="strive")
    b = indicator("b", value=10, base_value=5, base_year=2020, strength="ensure")
    plan = make_plan([a, b], [task("t1", "dev_reform", [], ["a", "b"])])
    observations = [obs("a", 2022, 5.0), obs("b", 2022, 5.0)]
    evaluations = evaluate_plan(plan, observations, [], [2022], RUBRIC.thresholds)
    assert {e.status for e in evaluations} == {"off_track"}
    (result,) = assess(plan, 2022, dt.date(2022, 6, 1), evaluations, observations, [], set(), RUBRIC)
    lost = {d.item: d.points_lost for d in result.deductions if d.component == "indicators"}
    ratio = RUBRIC.strength_weights["strive"] / RUBRIC.strength_weights["ensure"]
    assert ratio == 0.5
    # the indicator points are shared by weight 0.5 (力争) and 1.0 (确保): both missed, a loses half of b
    assert lost["b"] == pytest.approx(2 * lost["a"])
    assert lost["a"] > 0


@dataclass(frozen=True)
class LedgerRow:
    id: str
    name: str
    industry: str | None
    equipment: tuple[str, ...] = ()
    fuels: tuple[str, ...] = ()
    two_high: bool = False
    approved: bool = False


def test_tracking_shows_a_project_that_breaches_a_prohibition() -> None:
    plan = load_plan("jinghai-2023")
    rows = [
        LedgerRow("p1", "示例水泥熟料生产线", "3011", approved=True),  # forbidden and approved: breach
        LedgerRow("p2", "示例平板玻璃项目", "3041"),  # forbidden, only proposed: for the review to refuse
        LedgerRow("p3", "示例燃煤锅炉改造", "4430", equipment=("燃煤锅炉",), fuels=("煤炭",), approved=True),
        LedgerRow("p4", "示例装备制造", "3484", approved=True),  # nothing covers it
    ]
    found = [(f.project_id, f.rule_id, f.effect, f.breach) for f in prohibition_findings(plan, rows)]
    assert found == [
        ("p1", "no_new_capacity_steel_cement_glass", "forbids", True),
        ("p2", "no_new_capacity_steel_cement_glass", "forbids", False),
        ("p3", "no_new_coal_units_boilers", "forbids", True),
        ("p3", "control_new_coal_projects", "restricts", False),
    ]
    first = prohibition_findings(plan, rows[:1])[0]
    assert (first.clause, first.text) == ("三.(一).3", "禁止新增钢铁、水泥、平板玻璃等行业产能")


def test_a_rubric_without_strength_weights_weighs_alike(tmp_path: Path) -> None:
    text = DEFAULT_RUBRIC.read_text(encoding="utf-8")
    start = text.index("strength_weights:")
    end = text.index("pilot: 0.5\n") + len("pilot: 0.5\n")
    path = tmp_path / "rubric.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    rubric = load_rubric(path)
    assert rubric.strength_weight("strive") == rubric.strength_weight(None) == 1.0
    path.write_text(text.replace("  pilot: 0.5\n", ""), encoding="utf-8")
    with pytest.raises(TrackingError, match=r"strength_weights\.pilot"):
        load_rubric(path)
