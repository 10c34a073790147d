"""Decomposition (协同分解) by each method, its add-up check, member status and dual control,
on hand-computed examples."""

from __future__ import annotations

import pytest

from carbonpeak.errors import InvalidInputError
from carbonpeak.townships import (
    MemberRow,
    decompose,
    dual_control,
    quantity,
    required,
    rollup,
    rules,
    share_status,
)


def test_rules_carry_version_and_source() -> None:
    assert rules().version == 1 and "carbonpeak" in rules().source
    assert quantity("co2_total").aggregate == "sum"
    with pytest.raises(InvalidInputError, match="co2_tota"):
        quantity("co2_tota")


def test_base_share_of_a_total() -> None:
    # 能耗总量 300 split by base-year use 100 : 50 : 50 → 150, 75, 75
    rows = [MemberRow("a", base=100), MemberRow("b", base=50), MemberRow("c", base=50)]
    out = decompose("energy_total", "base_share", 300.0, rows)
    assert [t.target for t in out] == [150.0, 75.0, 75.0]
    # equal rate gives the same for a total (every member changes by 300/200 = 1.5×)
    assert [t.target for t in decompose("energy_total", "equal_rate", 300.0, rows)] == [150.0, 75.0, 75.0]


def test_equal_rate_of_a_reduction_and_of_a_weighted_level() -> None:
    rows = [MemberRow("a", base=0, weight=300.0), MemberRow("b", base=0, weight=100.0)]
    assert [t.target for t in decompose("co2_intensity_reduction", "equal_rate", 19.5, rows)] == [19.5, 19.5]
    # forest cover 10 % and 20 % on 300 and 100 km² → district 12.5 %; target 15 % → ×1.2 → 12 %, 24 %
    rows = [MemberRow("a", base=10, weight=300.0), MemberRow("b", base=20, weight=100.0)]
    out = decompose("forest_cover", "equal_rate", 15.0, rows)
    assert [round(t.target, 9) for t in out] == [12.0, 24.0]
    assert rollup(quantity("forest_cover"), [12.0, 24.0], [300.0, 100.0]) == pytest.approx(15.0)


def test_manual_targets_must_add_up_to_the_district() -> None:
    rows = [MemberRow("a", target=200, row=2), MemberRow("b", target=90, row=3)]
    with pytest.raises(InvalidInputError) as err:
        decompose("charging_piles", "manual", 300.0, rows)
    (problem,) = err.value.problems
    assert problem.field == "target"
    assert "290" in problem.message and "300" in problem.message and "-10" in problem.message
    out = decompose(
        "charging_piles", "manual", 300.0, [MemberRow("a", target=200), MemberRow("b", target=100)]
    )
    assert sum(t.target for t in out) == 300.0


def test_every_problem_is_located() -> None:
    rows = [
        MemberRow("a", base=None, row=2),
        MemberRow("a", base=5, target=1.0, row=3),
        MemberRow("b", base=5, weight=None, row=4),
    ]
    with pytest.raises(InvalidInputError) as err:
        decompose("forest_cover", "equal_rate", 12.0, rows, file="f.xlsx")
    found = {(p.row, p.field) for p in err.value.problems}
    assert found == {(2, "base"), (2, "weight"), (3, "member"), (3, "target"), (3, "weight"), (4, "weight")}
    assert all(p.file == "f.xlsx" for p in err.value.problems)
    with pytest.raises(InvalidInputError) as err:
        decompose("forest_cover", "base_share", 12.0, [MemberRow("a", base=1, weight=1)])
    assert err.value.problems[0].field == "method"
    with pytest.raises(InvalidInputError):
        decompose("energy_total", "by_luck", 1.0, [MemberRow("a", base=1)])


def test_member_status_on_its_path() -> None:
    q = quantity("renewable_capacity")
    # base 10 (2020) → target 30 (2025): required in 2022 = 10 + 20·2/5 = 18
    assert required(q, 2022, 2020, 10.0, 2025, 30.0) == pytest.approx(18.0)
    assert share_status(q, 2022, 18.0, 2020, 10.0, 2025, 30.0) == "on_track"
    assert share_status(q, 2022, 17.0, 2020, 10.0, 2025, 30.0) == "at_risk"
    assert share_status(q, 2025, 30.0, 2020, 10.0, 2025, 30.0) == "met"
    assert share_status(q, 2026, 29.0, 2020, 10.0, 2025, 30.0) == "off_track"
    assert share_status(q, 2022, None, 2020, 10.0, 2025, 30.0) == "no_data"
    r = quantity("co2_intensity_reduction")
    # 下降 19% by 2025 from 2020: required after 1 of 5 years = 100·(1 − 0.81^0.2)
    assert required(r, 2021, 2020, None, 2025, 19.0) == pytest.approx(100 * (1 - 0.81**0.2))


def test_dual_control_intensity_decides_total_flags() -> None:
    ok = dual_control("a", 2023, 10.0, 12.0, 500.0, 480.0)
    assert (ok.status, ok.total_left, ok.intensity_margin) == ("met", 20.0, 2.0)
    over = dual_control("a", 2023, 10.0, 12.0, 500.0, 520.0)
    assert (over.status, over.total_left) == ("total_exceeded", -20.0)
    missed = dual_control("a", 2023, 10.0, 8.0, 500.0, 400.0)
    assert missed.status == "not_met"
    assert dual_control("a", 2023, 10.0, None, 500.0, 400.0).status == "no_data"
