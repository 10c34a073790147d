"""Required path, gap, trend and status on hand-computed worked examples."""

from __future__ import annotations

import pytest

from carbonpeak.tracking.evaluate import Evaluation, assessed_indicators, evaluate_plan
from carbonpeak.tracking.model import ComputedValue, Observation
from carbonpeak.tracking.path import TargetPath
from carbonpeak.tracking.rubric import load_rubric
from tests.tracking.plans import indicator, make_plan, task

T = load_rubric().thresholds


def obs(ind: str, year: int, value: float, unit: str = "dev_reform", state: str = "approved") -> Observation:
    return Observation(ind, year, value, unit, state=state)


def one(
    plan_inds: list, observations: list[Observation], year: int, computed: list | None = None
) -> Evaluation:
    plan = make_plan(plan_inds, [task("t1", "dev_reform", ["industry_it"], [i.id for i in plan_inds])])
    (ev,) = evaluate_plan(plan, observations, computed or [], [year], T)
    return ev


SHARE = indicator("share_2025", value=10, base_value=5, base_year=2020)


def test_linear_path_worked_example() -> None:
    # v(2022) = 5 + (10 − 5)·2/5 = 7.0; actual 6.8 → gap −0.2; progress 1.8/2.0 = 0.9 (< 0.95 on track)
    # trend through (2020, 5), (2021, 6), (2022, 6.8): slope 0.9, mean (2021, 5.9333) → 2025: 9.5333 < 10
    ev = one([SHARE], [obs("share_2025", 2021, 6.0), obs("share_2025", 2022, 6.8)], 2022)
    assert ev.method == "linear"
    assert ev.required == pytest.approx(7.0)
    assert ev.gap == pytest.approx(-0.2)
    assert ev.progress == pytest.approx(0.9)
    assert ev.projection == pytest.approx(9.53333, abs=1e-4)
    assert ev.projection_meets is False
    assert ev.status == "at_risk"


def test_geometric_path_for_intensity() -> None:
    # I(2023) = 1.0·(0.8/1.0)^(3/5) = 0.8^0.6 = 0.874690 (lower is better)
    ind = indicator(
        "intensity_2025",
        kind="intensity",
        unit="tce/万元",
        comparator="<=",
        value=0.8,
        base_value=1.0,
        base_year=2020,
    )
    ev = one([ind], [obs("intensity_2025", 2023, 0.88)], 2023)
    assert ev.method == "geometric"
    assert ev.required == pytest.approx(0.874690, abs=1e-6)
    assert ev.gap == pytest.approx(-(0.88 - 0.874690), abs=1e-6)  # behind: positive means ahead
    assert ev.progress == pytest.approx(0.12 / 0.125310, abs=1e-4)  # 0.9576 ≥ 0.95
    assert ev.status == "on_track"


def test_reduction_path() -> None:
    # 下降 15.5% by 2025 from 2020: r(2022) = 100·(1 − 0.845^(2/5)) = 6.5148 %
    ind = indicator("ei_2025", kind="intensity", comparator="reduce_by", value=15.5, base_year=2020)
    ev = one([ind], [obs("ei_2025", 2022, 3.0)], 2022)
    assert ev.method == "reduction"
    assert ev.required == pytest.approx(6.5148, abs=1e-4)
    assert ev.progress == pytest.approx(3.0 / 6.5148, abs=1e-4)  # 0.46 < 0.70
    assert ev.status == "off_track"
    path = TargetPath("reduction", 2020, 0.0, 2025, 15.5, 1)
    assert path.required(2025) == pytest.approx(15.5)
    assert path.required(2019) == pytest.approx(0.0)
    assert path.required(2030) == pytest.approx(15.5)


def test_severely_lagging_needs_the_trend_to_miss() -> None:
    # required(2023) = 8.0; actual 5.5 → progress 0.5/3 = 0.167; trend (2020,5)→(2023,5.5) → 5.83 in 2025
    ev = one([SHARE], [obs("share_2025", 2023, 5.5)], 2023)
    assert ev.status == "off_track"
    # the same low value in 2023, but 2022 was high: the trend still reaches 10 → only 存在风险
    ev = one(
        [SHARE],
        [obs("share_2025", 2021, 9.0), obs("share_2025", 2022, 11.0), obs("share_2025", 2023, 7.0)],
        2023,
    )
    assert ev.progress == pytest.approx(2.0 / 3.0)
    assert ev.projection_meets is True
    assert ev.status == "at_risk"


def test_achieved_and_no_data() -> None:
    assert one([SHARE], [obs("share_2025", 2024, 10.5)], 2024).status == "met"
    assert one([SHARE], [obs("share_2025", 2024, 10.0)], 2024).status != "met"  # "> 10" is strict
    assert one([SHARE], [], 2024).status == "no_data"
    # a value not yet approved does not count
    assert one([SHARE], [obs("share_2025", 2024, 10.5, state="submitted")], 2024).status == "no_data"


def test_lower_is_better_linear() -> None:
    # coal 100 (2020) → ≤ 0 by 2025: v(2022) = 100 − 100·2/5 = 60; actual 50 → ahead by 10
    ind = indicator(
        "coal", kind="total", unit="万吨", comparator="<=", value=0, base_value=100, base_year=2020
    )
    ev = one([ind], [obs("coal", 2022, 50.0)], 2022)
    assert ev.method == "linear"
    assert ev.required == pytest.approx(60.0)
    assert ev.gap == pytest.approx(10.0)
    assert ev.status == "on_track"


def test_missing_base_uses_first_observation() -> None:
    ind = indicator("piles", kind="count", unit="台", comparator=">=", value=500, base_year=2020)
    ev = one([ind], [obs("piles", 2021, 100.0), obs("piles", 2023, 300.0)], 2023)
    # anchor (2021, 100): v(2023) = 100 + 400·2/4 = 300 → on the path
    assert (ev.base_year, ev.base_value) == (2021, 100.0)
    assert ev.required == pytest.approx(300.0)
    assert ev.status == "on_track"
    assert any("基期值缺失" in n for n in ev.notes)


def test_computed_value_is_used_and_difference_flagged() -> None:
    ind = indicator("nf_2025", value=10, base_value=5, base_year=2020, metric="non_fossil_share")
    cv = ComputedValue(
        "non_fossil_share", 2022, 7.2, "%", {"non_fossil_tce": 36.0, "total_tce": 500.0}, "f-v1"
    )
    # tolerance max(0.1, 0.02·7.2 = 0.144): 7.5 differs by 0.3 → flagged; 7.25 by 0.05 → not
    ev = one([ind], [obs("nf_2025", 2022, 7.5)], 2022, [cv])
    assert (ev.actual, ev.value_source, ev.reported, ev.computed) == (7.2, "computed", 7.5, 7.2)
    assert ev.computed_inputs == {"non_fossil_tce": 36.0, "total_tce": 500.0}
    assert ev.factor_set == "f-v1"
    assert ev.mismatch is True
    assert not one([ind], [obs("nf_2025", 2022, 7.25)], 2022, [cv]).mismatch
    # computed value in another unit is converted: 0.072 (fraction) is 7.2 %
    cv_fraction = ComputedValue("non_fossil_share", 2022, 0.072, "dimensionless", {}, "f-v1")
    assert one([ind], [], 2022, [cv_fraction]).actual == pytest.approx(7.2)


def test_increase_and_open_targets() -> None:
    inc = indicator("forest", comparator="increase", value=None, base_value=9.0, base_year=2020)
    assert one([inc], [obs("forest", 2023, 9.5)], 2023).status == "met"
    assert one([inc], [obs("forest", 2023, 8.5)], 2023).status == "at_risk"
    open_target = indicator(
        "ei", kind="intensity", comparator="reduce_by", value=None, base_year=2020, note="按市下达"
    )
    ev = one([open_target], [obs("ei", 2023, 5.0)], 2023)
    assert ev.status == "no_data"
    assert any("目标值未确定" in n for n in ev.notes)


def test_assessed_indicators_pick_the_nearest_target() -> None:
    a = indicator("nf_2025", value=10, metric="non_fossil_share")
    b = indicator("nf_2030", value=16, year=2030, metric="non_fossil_share")
    plan = make_plan([a, b], [])
    assert [i.id for i in assessed_indicators(plan, 2024)] == ["nf_2025"]
    assert [i.id for i in assessed_indicators(plan, 2026)] == ["nf_2030"]
    assert [i.id for i in assessed_indicators(plan, 2031)] == ["nf_2030"]
