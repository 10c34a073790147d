"""The project pipeline: installed capacity (并网 only), expected capacity against 280万千瓦, the
≥ 15% storage rule, and the Gantt rows, all on hand-computed cases."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from carbonpeak.ledgers import energy_projects as ep
from carbonpeak.ledgers.energy_projects import EnergyProject
from carbonpeak.ledgers.errors import LedgerError

D = dt.date


def pv(pid: str, mw: float, status: ep.Status = "connected", **kw: object) -> EnergyProject:
    base: dict[str, object] = {
        "id": pid,
        "name": pid,
        "kind": "pv",
        "capacity": mw,
        "unit": "MW",
        "status": status,
    }
    if status in ("connected", "retired"):
        base.setdefault("actual_commissioning", D(2022, 6, 30))
    base.update(kw)
    return EnergyProject.model_validate(base)


def test_units_and_words() -> None:
    p = EnergyProject(id="w", name="风电", kind="风力发电", capacity=10, unit="万千瓦")
    assert p.kind == "wind"
    assert p.capacity_mw == pytest.approx(100.0)
    assert ep.parse_status("并网") == "connected"
    with pytest.raises(LedgerError):
        ep.parse_status("开工")
    waste = EnergyProject(id="b", name="焚烧线", kind="biomass", capacity=500, unit="吨/日")
    assert waste.capacity_mw is None  # no power: counts towards no capacity


def test_connected_needs_its_date_and_retired_its_retirement() -> None:
    with pytest.raises(ValidationError, match="actual commissioning"):
        EnergyProject(id="x", name="x", kind="pv", capacity=1, unit="MW", status="connected")
    with pytest.raises(ValidationError, match="retired_on"):
        EnergyProject(
            id="x",
            name="x",
            kind="pv",
            capacity=1,
            unit="MW",
            status="retired",
            actual_commissioning=D(2020, 1, 1),
        )
    with pytest.raises(ValidationError, match="unit"):
        EnergyProject(id="x", name="x", kind="pv", capacity=1)


def test_installed_counts_connected_only_and_leaves_at_retirement() -> None:
    projects = [
        pv("a", 100, actual_commissioning=D(2022, 3, 1)),
        pv("b", 20, "construction", expected_commissioning=D(2024, 12, 1)),
        pv("c", 50, "retired", actual_commissioning=D(2015, 1, 1), retired_on=D(2024, 6, 1)),
        EnergyProject(
            id="g",
            name="substation",
            kind="substation",
            capacity=100,
            unit="MW",
            status="connected",
            actual_commissioning=D(2021, 1, 1),
        ),
    ]
    series = {c.year: c for c in ep.installed_by_year(projects, [2021, 2022, 2023, 2024, 2025])}
    assert [series[y].mw for y in (2021, 2022, 2023, 2024, 2025)] == [50, 150, 150, 100, 100]
    assert series[2023].projects == {"a": 100.0, "c": 50.0}
    assert series[2025].wan_kw == pytest.approx(10.0)
    expected = {c.year: c.mw for c in ep.expected_by_year(projects, [2024, 2025])}
    assert expected == {2024: 120.0, 2025: 120.0}


def test_first_year_reaching_the_target() -> None:
    projects = [
        pv("a", 1000, actual_commissioning=D(2023, 3, 1)),
        pv("b", 1000, "approved", expected_commissioning=D(2025, 12, 1)),
        pv("c", 900, "planned", expected_commissioning=D(2028, 1, 1)),
    ]
    series = ep.expected_by_year(projects, range(2023, 2031))
    assert ep.first_year_reaching(series, 2800) == 2028  # 280万千瓦 = 2,800 MW
    assert ep.first_year_reaching(ep.installed_by_year(projects, range(2023, 2031)), 2800) is None


def test_storage_rule_flags_a_shortfall_and_ignores_what_it_does_not_cover() -> None:
    projects = [
        pv("ok", 100, centralized=True, storage_mw=15, storage_mwh=30),
        pv("short", 100, centralized=True, storage_mw=10),
        pv("none", 20, centralized=True),
        pv("rooftop", 5),  # distributed: not covered
        pv("old", 100, centralized=True, actual_commissioning=D(2018, 1, 1)),  # before 新增
        EnergyProject(id="bio", name="bio", kind="biomass", capacity=10, unit="MW", centralized=True),
    ]
    checks = {c.project_id: c for c in ep.storage_checks(projects)}
    assert set(checks) == {"ok", "short", "none"}
    assert checks["ok"].ok and checks["ok"].ratio == pytest.approx(0.15) and checks["ok"].hours == 2
    assert not checks["short"].ok and checks["short"].ratio == pytest.approx(0.10)
    assert not checks["none"].ok and checks["none"].ratio == 0
    assert ep.pooled_storage_ratio(list(checks.values())) == pytest.approx(25 / 220)
    assert ep.storage_rule()["clause"] == "三.(三).3"


def test_indicators_carry_their_inputs() -> None:
    projects = [
        pv("a", 150, centralized=True, storage_mw=30, actual_commissioning=D(2024, 6, 1)),
        pv("b", 50, centralized=True, storage_mw=0, actual_commissioning=D(2023, 6, 1)),
    ]
    ind = {(i.metric, i.year): i for i in ep.indicators(projects, [2023, 2024])}
    assert ind[("renewable_capacity", 2023)].value == pytest.approx(5.0)  # 50 MW = 5万千瓦
    assert ind[("renewable_capacity", 2024)].value == pytest.approx(20.0)
    assert ind[("renewable_capacity", 2024)].inputs["projects_mw"] == {"a": 150.0, "b": 50.0}
    storage = ind[("storage_ratio", 2024)]
    assert storage.value == pytest.approx(15.0)
    assert storage.inputs["below_rule"] == ["b"]


def test_lever_option_and_timeline() -> None:
    projects = [
        pv("a", 100, actual_commissioning=D(2023, 6, 1), status_dates={"approved": D(2022, 1, 10)}),
        pv("b", 40, "planned", expected_commissioning=D(2026, 1, 1)),
    ]
    assert ep.renewable_lever_mw(projects, [2025, 2026], expected=False) == {2025: 100.0, 2026: 100.0}
    assert ep.renewable_lever_mw(projects, [2025, 2026], expected=True) == {2025: 100.0, 2026: 140.0}
    rows = {r["id"]: r for r in ep.timeline(projects)}
    assert rows["a"]["start"] == D(2022, 1, 10) and rows["a"]["end"] == D(2023, 6, 1)
    assert rows["b"]["start"] == rows["b"]["end"] == D(2026, 1, 1)
