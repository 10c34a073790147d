"""Energy budgets, hand-computed: the seasonal profile, the year-end projection, the alert levels
(the data's and a setting's shares) and the district roll-up against the headroom."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from carbonpeak.ledgers.budgets import (
    METRICS,
    EnergyBudget,
    alert_levels,
    progress,
    project,
    rollup,
    seasonal_profile,
)
from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.ledgers.headroom import Headroom

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
NAN = np.nan
WINTER = [20, 20, 10, 10, 5, 5, 5, 5, 5, 5, 5, 5]  # a year of 100 tce, heavy in winter


def test_profile_averages_complete_years_only() -> None:
    history = np.array(
        [
            [WINTER, [NAN] + [10.0] * 11],  # the second year lacks January: not counted
            [[NAN] * 12, [NAN] * 12],  # no complete year: flat
        ],
        dtype="float64",
    )
    profile, flat = seasonal_profile(history)
    assert profile[0] == pytest.approx(np.array(WINTER) / 100)
    assert profile[1] == pytest.approx(np.full(12, 1 / 12))
    assert flat.tolist() == [False, True]
    two = np.array([[WINTER, [10.0] * 12]], dtype="float64")  # shares .20 and 1/12 in January
    assert seasonal_profile(two)[0][0, 0] == pytest.approx((0.2 + 1 / 12) / 2)


def test_projection_from_the_months_reported() -> None:
    current = np.array([[24, 22, 12] + [NAN] * 9, [10.0] * 6 + [NAN] * 6], dtype="float64")
    profile = np.array([np.array(WINTER) / 100, np.full(12, 1 / 12)])
    ytd, covered, projection = project(current, profile)
    # unit 1: 58 tce in the months that were 50% of its past year → 116; unit 2: 60 in half a year → 120
    assert ytd.tolist() == [58.0, 60.0]
    assert covered == pytest.approx([0.5, 0.5])
    assert projection == pytest.approx([116.0, 120.0])


def _budget(ent: str, tce: float, co2: float) -> EnergyBudget:
    return EnergyBudget(
        enterprise_id=ent,
        year=2025,
        tce_calorific=tce,
        tce_coal_substitution=tce * 1.2,
        co2_t=co2,
        document="静双碳办〔2025〕1号（示例数据）",
    )


def test_alerts_at_the_shares() -> None:
    budgets = [_budget(A, 120, 1000), _budget(B, 100, 1000)]
    cur = np.array([[24, 22, 12] + [NAN] * 9, [10.0] * 6 + [NAN] * 6], dtype="float64")
    hist = np.array([[WINTER], [[NAN] * 12]], dtype="float64")
    current = {m: cur for m in METRICS}
    history = {m: hist for m in METRICS}
    rows = progress(budgets, current, history)
    a, b = rows
    # A: 116 of 120 tce = 96.7% ≥ 80% → 预警; B: 120 of 100 = 120% ≥ 100% → 超出预算
    assert a["tce_calorific"]["projected_share"] == pytest.approx(116 / 120)
    assert (a["tce_calorific"]["alert"], b["tce_calorific"]["alert"]) == ("warning", "exceeded")
    # on the coal-substitution basis the budget is 1.2× larger: A 116/144 = 80.6% still warns
    assert a["tce_coal_substitution"]["alert"] == "warning"
    assert b["tce_coal_substitution"]["alert"] == "exceeded"  # 120/120 = 100%
    assert a["co2_total"]["alert"] == "within"  # 116 of 1000 t
    assert (a["alert"], b["alert"]) == ("warning", "exceeded")
    assert b["tce_calorific"]["flat_profile"] is True
    # a setting of 90% / 130%: A's 96.7% still warns, B's 120% is a warning now
    strict = progress(budgets, current, history, alert_levels([0.9, 1.3]))
    assert (strict[0]["tce_calorific"]["alert"], strict[1]["tce_calorific"]["alert"]) == (
        "warning",
        "warning",
    )
    with pytest.raises(LedgerError):
        alert_levels([0, 1])


def test_budget_needs_its_document_and_a_valid_code() -> None:
    with pytest.raises(ValidationError):
        EnergyBudget(
            enterprise_id=A, year=2025, tce_calorific=1, tce_coal_substitution=1, co2_t=1, document=""
        )
    with pytest.raises(ValidationError):
        EnergyBudget(
            enterprise_id="X", year=2025, tce_calorific=1, tce_coal_substitution=1, co2_t=1, document="d"
        )


def test_rollup_against_the_headroom() -> None:
    room = Headroom(
        district="示例区（示例数据）",
        target_year=2025,
        gdp_10k_yuan=1_000_000,
        base_energy_intensity=0.5,
        energy_intensity_reduction=0.1,
        base_co2_intensity=1.0,
        co2_intensity_reduction=0.2,
        current_energy_tce=400_000,
        current_co2_t=780_000,
        illustrative=True,
    )
    budgets = [_budget(A, 30_000, 60_000), _budget(B, 20_000, 30_000)]
    out = rollup(
        budgets, {"tce_calorific": 40_000, "tce_coal_substitution": 48_000, "co2_total": 80_000}, room
    )
    assert out["budget"]["tce_calorific"] == 50_000
    assert out["increase"] == {"tce_calorific": 10_000, "tce_coal_substitution": 12_000, "co2_total": 10_000}
    h = out["headroom"]
    # allowed 1e6 × 0.45 = 450,000 tce, remaining 50,000; CO2 allowed 800,000, remaining 20,000
    assert (h["allowed_energy_tce"], h["remaining_energy_tce"], h["remaining_co2_t"]) == (
        450_000,
        50_000,
        20_000,
    )
    assert h["budget_share_of_allowed"] == pytest.approx(50_000 / 450_000)
    assert h["increase_share_of_remaining_energy"] == pytest.approx(0.2)
    assert h["increase_share_of_remaining_co2"] == pytest.approx(0.5)
    assert h["within_energy"] and h["within_co2"]
    assert rollup(budgets, {}, None)["headroom"] is None
