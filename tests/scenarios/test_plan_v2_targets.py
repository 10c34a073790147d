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
