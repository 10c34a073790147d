"""Energy review (节能审查): hand-computed results per tier and rule edition, located errors, the
headroom property. Coefficients used by hand: GB/T 2589-2020 raw coal 0.7143 tce/t, diesel 1.4571,
natural gas 12.143 tce/万m3, electricity 0.1229 kgce/kWh (当量值) and 0.305 (等价值, 2026 default);
diesel CO2 42.652 GJ/t × 20.2 tC/TJ × 0.98 × 44/12."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpeak.ledgers.errors import LedgerError, LedgerProblems
from carbonpeak.ledgers.headroom import Headroom
from carbonpeak.ledgers.proposed import parse_project
from carbonpeak.ledgers.review import review, review_many
from carbonpeak.ledgers.rules import Prohibition, rulebook

ORDER_2 = "2024-05-01"
ORDER_31 = "2026-01-10"


def project(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "测试项目",
        "industry": "3311",
        "product": "无",
        "annual_output": {"amount": 10000, "unit": "t"},
        "start_year": 2026,
        "review_date": ORDER_31,
        "energy": [{"fuel": "electricity", "amount": 400, "unit": "万千瓦时"}],
    }
    return data | changes


def run(data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return review(parse_project(data, file="p.yaml"), **kwargs)


def room(remaining_energy: float = 5000.0, remaining_co2: float = 100000.0) -> Headroom:
    # GDP 1,000,000 万元; energy limit 0.5 × (1 − 0.1) = 0.45 → 450,000 tce allowed;
    # CO2 limit 1.0 × (1 − 0.1) = 0.9 → 900,000 t allowed; 5,000 tce / 10,000 t already approved.
    return Headroom(
        district="测试区",
        target_year=2025,
        gdp_10k_yuan=1_000_000,
        base_energy_intensity=0.5,
        energy_intensity_reduction=0.1,
        base_co2_intensity=1.0,
        co2_intensity_reduction=0.1,
        current_energy_tce=450_000 - 5000 - remaining_energy,
        current_co2_t=900_000 - 10000 - remaining_co2,
        approved=({"name": "已批项目", "energy_tce": 5000, "co2_t": 10000},),  # type: ignore[arg-type]
    )


def test_small_project_exempt_under_both_editions() -> None:
    # 400 万kWh × 0.1229 kgce + 30 万m3 × 12.143 = 491.6 + 364.29 = 855.89 tce < 1,000; 4e6 kWh < 5e6
    data = project(
        energy=[
            {"fuel": "electricity", "amount": 400, "unit": "万千瓦时"},
            {"fuel": "natural_gas", "amount": 30},
        ]
    )
    for day, edition in ((ORDER_2, "ndrc-order-2-2023"), (ORDER_31, "ndrc-order-31-2025")):
        r = run(data | {"review_date": day})
        assert r["edition"]["id"] == edition
        assert r["energy_tce"]["calorific"] == pytest.approx(855.89)
        assert r["exempt"] is True and r["tier"] == "none"
        assert r["result"] == "pass" and r["reasons"] == []


def test_electricity_limit_only_in_the_2023_edition() -> None:
    # 600 万kWh → 737.4 tce + 10 万m3 gas 121.43 = 858.83 tce; 等价值 6e6 × 0.000305 = 1,830 + 121.43
    data = project(
        energy=[
            {"fuel": "electricity", "amount": 600, "unit": "万千瓦时"},
            {"fuel": "natural_gas", "amount": 10},
        ]
    )
    old = run(data | {"review_date": ORDER_2})
    new = run(data | {"review_date": ORDER_31})
    assert old["exempt"] is False and old["tier"] == "district"
    assert new["exempt"] is True and new["tier"] == "none"
    assert new["energy_tce"]["calorific"] == pytest.approx(858.83)
    assert new["energy_tce"]["coal_substitution"] == pytest.approx(1951.43)


def test_coal_limit_only_in_the_2025_edition_and_restricted_division() -> None:
    # 1,200 t raw coal × 0.7143 = 857.16 + 100 万kWh 122.9 = 980.06 tce; coal 1,200 t ≥ 1,000 t
    data = project(
        industry="3130",
        energy=[
            {"fuel": "raw_coal", "amount": 1200, "unit": "吨"},
            {"fuel": "electricity", "amount": 100, "unit": "万千瓦时"},
        ],
    )
    old = run(data | {"review_date": ORDER_2})
    new = run(data | {"review_date": ORDER_31})
    assert old["exempt"] is True
    assert new["exempt"] is False and new["tier"] == "district"
    assert new["coal_t"] == pytest.approx(1200)
    assert new["energy_tce"]["calorific"] == pytest.approx(980.06)
    assert new["result"] == "conditional"
    assert {x["rule"] for x in new["reasons"]} == {"restricted_industry", "coal_above"}
    restricted = [x for x in new["reasons"] if x["rule"] == "restricted_industry"]
    # a 两高 division (31) and coal burnt: 三.(一).4 and 三.(三) 严格控制新上耗煤项目, each its reason
    assert [x["clause"] for x in restricted] == ["三.(一).4", "三.(三)"]
    assert "严禁审批新建“两高”项目" in restricted[0]["zh"]
    assert "严格控制新上耗煤项目" in restricted[1]["zh"]


def test_forbidden_cement_between_benchmark_and_baseline_over_the_headroom() -> None:
    # 150,000 t raw coal × 0.7143 = 107,145 tce for 1,000,000 t clinker → 107.145 kgce/t:
    # worse than the benchmark 100, better than the baseline 117; 107,145 > 5,000 tce of room.
    data = project(
        industry="3011",
        product="水泥熟料",
        annual_output={"amount": 100, "unit": "万吨"},
        energy=[{"fuel": "raw_coal", "amount": 15, "unit": "万吨"}],
    )
    r = run(data, headroom=room())
    assert r["tier"] == "provincial"
    assert r["benchmark"]["value"] == pytest.approx(107.145)
    assert r["benchmark"]["level"] == "between" and r["benchmark"]["edition"] == "2021"
    assert r["result"] == "reject"
    kinds = [x["rule"] for x in r["reasons"]]
    # CO2 150,000 × 19.57 × 26.1 × 0.93 × 44/12 / 1,000 = 261,262 t > 100,000 t of room
    assert kinds == [
        "prohibited_industry",
        "worse_than_benchmark",
        "headroom_share_above",
        "co2_share_above",
        "coal_above",
    ]
    assert r["co2_t"] == pytest.approx(261262.6, abs=1)
    assert r["reasons"][0]["clause"] == "三.(一).3"
    assert r["headroom"]["energy_share"] == pytest.approx(107145 / 5000)


def test_aluminium_below_baseline_is_rejected() -> None:
    # 14,000 万kWh for 10,000 t → 14,000 kWh/t > baseline 13,350; 1.4e8 × 0.0001229 = 17,206 tce
    data = project(
        industry="3216",
        product="电解铝",
        energy=[{"fuel": "electricity", "amount": 14000, "unit": "万千瓦时"}],
    )
    r = run(data)
    assert r["benchmark"]["value"] == pytest.approx(14000)
    assert r["benchmark"]["level"] == "baseline_not_met"
    assert r["energy_tce"]["calorific"] == pytest.approx(17206)
    assert r["tier"] == "provincial" and r["result"] == "reject"
    assert "worse_than_baseline" in [x["rule"] for x in r["reasons"]]


def test_headroom_share_and_the_carbon_assessment_of_2025() -> None:
    # 1,000 t diesel = 1,457.1 tce; CO2 42.652 × 20.2 × 0.98 × 44/12 = 3,095.91 t
    data = project(industry="3311", energy=[{"fuel": "diesel", "amount": 1000, "unit": "吨"}])
    r = run(data, headroom=room(remaining_energy=5000, remaining_co2=3000))
    assert r["energy_tce"]["calorific"] == pytest.approx(1457.1)
    assert r["co2_t"] == pytest.approx(3095.91, abs=0.01)
    assert r["headroom"]["energy_share"] == pytest.approx(1457.1 / 5000)  # 29.1% > 20%
    assert r["headroom"]["remaining_energy_tce"] == pytest.approx(5000)
    assert [x["rule"] for x in r["reasons"]] == ["headroom_share_above", "co2_share_above"]
    assert r["result"] == "reject"
    old = run(data | {"review_date": ORDER_2}, headroom=room(remaining_energy=5000, remaining_co2=3000))
    assert [x["rule"] for x in old["reasons"]] == ["headroom_share_above"]  # no carbon rule in 2023
    assert old["result"] == "conditional"
    # intensity with and without: (445,000 + 1,457.1) / 1,000,000 / 0.5 → reduction 10.7086 %
    effect = r["headroom"]["effect"]
    assert effect["energy_intensity_reduction_without"] == pytest.approx(0.11)
    assert effect["energy_intensity_reduction_with"] == pytest.approx(1 - 446457.1 / 500000)


def test_intensities_per_output_and_value_added() -> None:
    data = project(value_added=2000, energy=[{"fuel": "diesel", "amount": 1000, "unit": "吨"}])
    r = run(data)
    assert r["intensity"]["tce_per_output"] == pytest.approx(1457.1 / 10000)
    assert r["intensity"]["tce_per_10k_yuan"] == pytest.approx(1457.1 / 2000)
    assert r["intensity"]["tco2_per_10k_yuan"] == pytest.approx(3095.91 / 2000, abs=1e-5)


def test_prohibitions_are_an_input() -> None:
    mine = [Prohibition(id="x1", clause="X.1", text="禁止金属制品", industries=["33"], effect="forbids")]
    r = run(project(), prohibitions=mine)
    assert r["result"] == "reject" and r["reasons"][0]["clause"] == "X.1"


def test_rules_as_data_with_dates() -> None:
    book = rulebook()
    assert book.edition_on(dt.date(2025, 8, 31)).id == "ndrc-order-2-2023"
    assert book.edition_on(dt.date(2025, 9, 1)).id == "ndrc-order-31-2025"
    with pytest.raises(LedgerError, match="no energy-review rules in force"):
        book.edition_on(dt.date(2020, 1, 1))
    assert all(rule.source for e in book.editions for rule in e.rules)


def test_bad_input_is_located_and_complete() -> None:
    data = project(
        energy=[
            {"fuel": "coal", "amount": 1, "unit": "t"},
            {"fuel": "diesel", "amount": -5, "unit": "t"},
            {"fuel": "natural_gas", "amount": 1, "unit": "kWh"},
        ],
        industry="99",
    )
    del data["annual_output"]
    with pytest.raises(LedgerProblems) as info:
        parse_project(data, file="p.yaml")
    fields = [p.field for p in info.value.problems]
    assert fields == ["industry", "annual_output", "energy[0].fuel", "energy[1].amount", "energy[2].unit"]
    assert all(p.file == "p.yaml" for p in info.value.problems)
    with pytest.raises(LedgerProblems) as info:
        parse_project(project(product="水泥熟料", annual_output={"amount": 1, "unit": "m2"}), file="p.yaml")
    assert [p.field for p in info.value.problems] == ["annual_output.unit"]


def test_batch_matches_one_by_one() -> None:
    items = [
        parse_project(project(energy=[{"fuel": "diesel", "amount": 100 * (i + 1), "unit": "t"}]))
        for i in range(5)
    ]
    batch = review_many(items, headroom=room())
    assert batch == [review(p, headroom=room()) for p in items]


FUEL_AMOUNTS = st.fixed_dictionaries(
    {"diesel": st.floats(0, 1e5), "electricity": st.floats(0, 1e9), "natural_gas": st.floats(0, 1e4)}
)


@settings(max_examples=60, deadline=None)
@given(remaining=st.floats(min_value=-4e5, max_value=4e5), projects=st.lists(FUEL_AMOUNTS, max_size=5))
def test_headroom_never_rises_when_a_project_is_approved(
    remaining: float, projects: list[dict[str, float]]
) -> None:
    h = room(remaining_energy=remaining, remaining_co2=remaining)
    for i, amounts in enumerate(projects):
        lines = [{"fuel": fuel, "amount": amount} for fuel, amount in amounts.items()]
        r = run(project(name=f"p{i}", energy=lines), headroom=h)
        after = h.approve(r["name"], r["energy_tce"]["calorific"], r["co2_t"])
        assert after.remaining_energy_tce <= h.remaining_energy_tce
        assert after.remaining_co2_t <= h.remaining_co2_t
        assert run(project(name="next", energy=lines), headroom=after)["headroom"][
            "remaining_energy_tce"
        ] == (after.remaining_energy_tce)
        h = after


def test_the_plans_own_prohibitions_refuse_new_steel_capacity_and_flag_two_high_divisions() -> None:
    from carbonpeak.ledgers.rules import prohibitions_of_plan
    from carbonpeak.plan import load_plan

    plan = load_plan("jinghai-2023")
    mine = prohibitions_of_plan(plan)
    assert [p.clause for p in mine] == ["三.(一).3", "三.(一).4", "三.(三)", "三.(三)"]
    steel = run(project(industry="3120"), prohibitions=mine)  # 炼钢: 311/312 in the plan file
    assert steel["result"] == "reject" and steel["reasons"][0]["clause"] == "三.(一).3"
    # a metal-products project (33) is in none of the six high-energy divisions: not flagged
    assert run(project(), prohibitions=mine)["result"] != "reject"
    chem = run(project(industry="2614"), prohibitions=mine)  # 26 化学原料: one of the six
    assert any(x["clause"] == "三.(一).4" for x in chem["reasons"])


def test_the_plans_equipment_and_fuel_prohibitions() -> None:
    """禁止新建燃煤自备机组和燃煤锅炉 refuses a project that installs one; 严格控制新上耗煤项目 restricts
    one that burns coal (its energy lines name raw coal), both citing 三.(三)."""
    from carbonpeak.ledgers.rules import prohibitions_of_plan
    from carbonpeak.plan import load_plan

    mine = prohibitions_of_plan(load_plan("jinghai-2023"))
    boiler = run(project(equipment=["燃煤锅炉"]), prohibitions=mine)
    assert boiler["result"] == "reject"
    assert [(x["rule"], x["clause"]) for x in boiler["reasons"]] == [("prohibited_industry", "三.(三)")]
    assert "禁止新建燃煤自备机组和燃煤锅炉" in boiler["reasons"][0]["zh"]
    assert boiler["equipment"] == ["燃煤锅炉"]
    coal = project(energy=[{"fuel": "raw_coal", "amount": 100, "unit": "t"}])
    burns = run(coal, prohibitions=mine)
    assert burns["result"] == "conditional"
    restricted = [x for x in burns["reasons"] if x["rule"] == "restricted_industry"]
    assert [x["clause"] for x in restricted] == ["三.(三)"]
    assert "严格控制新上耗煤项目" in restricted[0]["zh"]
    # a gas boiler is not a coal boiler; zero coal is no coal
    assert run(project(equipment=["燃气锅炉"]), prohibitions=mine)["result"] == "pass"
    none = project(
        energy=[
            {"fuel": "raw_coal", "amount": 0, "unit": "t"},
            {"fuel": "electricity", "amount": 1, "unit": "万千瓦时"},
        ]
    )
    assert run(none, prohibitions=mine)["result"] == "pass"
    # a 两高-division project that burns coal is restricted by both clauses, each its own reason
    both = run(project(industry="2614", energy=coal["energy"]), prohibitions=mine)
    assert [x["clause"] for x in both["reasons"] if x["rule"] == "restricted_industry"] == [
        "三.(一).4",
        "三.(三)",
    ]


def test_equipment_input_is_located() -> None:
    with pytest.raises(LedgerProblems) as err:
        parse_project(project(equipment=["燃煤锅炉", "燃煤锅炉", ""]), file="p.yaml")
    assert [p.field for p in err.value.problems] == ["equipment[1]", "equipment[2]"]
    with pytest.raises(LedgerProblems) as err:
        parse_project(project(equipment={"a": 1}), file="p.yaml")
    assert [p.field for p in err.value.problems] == ["equipment"]
