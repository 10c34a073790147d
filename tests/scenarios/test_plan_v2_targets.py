"""Scenarios read plan schema 2: a target that must hold in every year of a period (or from a year
on) is checked in each of those years, and a target still to be assigned is not checked."""

from __future__ import annotations

from carbonpeak.plan import Indicator, load_plan
from carbonpeak.scenarios.results import check_targets, run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario


def test_coal_kept_at_zero_is_checked_in_every_year() -> None:
    plan = load_plan("jinghai-2023")
    run = run_scenario(load_scenario("plan"), plan)
    targets = {t["id"]: t for t in check_targets(run, plan)}
    years = [int(y) for y in run.result.years]
    coal = run.result.indicators["coal_consumption"][0]
    # zero is zero in every unit: a year misses 保持清零 exactly when the model burns any coal
    above = [y for y, v in zip(years, coal, strict=True) if v > 0]
    period = targets["coal_consumption_2025"]
    assert period["holds"] == "every_year"
    assert period["breaches"] == [y for y in above if 2021 <= y <= 2025]
    assert period["met"] is (not period["breaches"])
    standing = targets["coal_zero_standing"]
    assert standing["holds"] == "from_year"
    assert standing["breaches"] == [y for y in above if y >= 2026]
    # 待下达: the city has not set the reductions, so there is nothing to check them against
    assert "energy_intensity_2025" not in targets
    assert targets["renewable_capacity_2025"]["strength"] == "strive"


def test_a_period_target_missed_in_some_years_names_them() -> None:
    plan = load_plan("jinghai-2023")
    run = run_scenario(load_scenario("plan"), plan)
    years = [int(y) for y in run.result.years]
    share = dict(zip(years, run.result.indicators["non_fossil_share"][0], strict=True))
    period = [share[y] for y in range(2021, 2026)]
    assert min(period) < max(period)  # the share moves over the period
    floor = float((min(period) + max(period)) / 2)  # some years below, some above
    ind = Indicator(
        id="non_fossil_every_year",
        name="非化石能源消费比重",
        kind="share",
        value=floor,
        unit="%",
        comparator=">=",
        year=2025,
        holds="every_year",
        start_year=2021,
        clause="二",
        quote="示例",
        metric="non_fossil_share",
    )
    plan = plan.model_copy(update={"indicators": [*plan.indicators, ind]})
    (check,) = [t for t in check_targets(run, plan) if t["id"] == "non_fossil_every_year"]
    expected = [y for y in range(2021, 2026) if share[y] < floor]
    assert expected and len(expected) < 5
    assert check["breaches"] == expected
    assert check["met"] is False
    assert check["projected"] == share[2025]


def test_a_lever_reads_every_year_of_a_period_target() -> None:
    """A target held over a period (or from a year on) gives the lever a point in each of its years,
    not only at its year: 电能占终端用能比重 > 40% read as holding every year 2026–2030 (a made-up
    reading) puts 40% at 2026..2030, and the electrification path runs higher before 2030 than with
    the plan's in-year target (the lever still catches up from the observed share at its own pace)."""
    from carbonpeak.scenarios.lever_table import lever_table
    from carbonpeak.scenarios.levers import plan_points, target_years

    plan = load_plan("jinghai-2023")
    scn = load_scenario("plan")
    inds = {i.id: i for i in plan.indicators}
    assert target_years(inds["electricity_share_final_2025"]) == [2025]
    assert target_years(inds["coal_consumption_2025"]) == [2021, 2022, 2023, 2024, 2025]
    assert target_years(inds["coal_zero_standing"], [2025, 2026, 2027, 2028]) == [2026, 2027, 2028]
    spec = lever_table().get("electrification")
    assert spec is not None
    assert plan_points(plan, ["electricity_share_final"], spec, "plan") == {2025: 38.0, 2030: 40.0}
    period = inds["electricity_share_final_2030"].model_copy(
        update={"holds": "every_year", "start_year": 2026}
    )
    held = plan.model_copy(
        update={"indicators": [period if i.id == period.id else i for i in plan.indicators]}
    )
    points = plan_points(held, ["electricity_share_final"], spec, "plan")
    assert points == {2025: 38.0, 2026: 40.0, 2027: 40.0, 2028: 40.0, 2029: 40.0, 2030: 40.0}

    def share(p: object) -> dict[int, float]:
        run = run_scenario(scn, p)  # type: ignore[arg-type]
        values = run.result.indicators["electricity_share_final"][0]
        return {int(y): float(v) for y, v in zip(run.result.years, values, strict=True)}

    in_year, every_year = share(plan), share(held)
    assert all(every_year[y] >= in_year[y] - 1e-9 for y in range(2026, 2030))
    assert any(every_year[y] > in_year[y] + 0.05 for y in range(2026, 2030))
