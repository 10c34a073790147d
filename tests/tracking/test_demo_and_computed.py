"""The illustrative demo data, and computed values from an inventory result."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from carbonpeak.plan import bundled_plans, load_plan
from carbonpeak.services.tracking_demo import load
from carbonpeak.tracking.computed import computed_from_inventory
from carbonpeak.tracking.errors import TrackingError
from tests.storage.helpers import service_for


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBONPEAK_DATA_DIR", str(tmp_path / "data"))


def test_demo_is_labelled_and_loaded_once(database_url: str) -> None:
    with service_for(database_url) as svc:
        lines = load(svc.engine, svc.plan)
        assert "示例数据" in lines[0]
        assert any("年度考核等次" in line for line in lines)
        assert svc.is_illustrative()
        records = svc.records()
        assert records
        assert all("示例数据" in r["source"] for r in records)
        assert {r["year"] for r in records} >= {2021, 2022, 2023, 2024}
        assert load(svc.engine, svc.plan) == ["tracking demo data (示例数据): already loaded"]
        assert len(svc.records()) == len(records)


def test_demo_on_the_bundled_plan_shows_a_mix(tmp_path: Path) -> None:
    assert "jinghai-2023" in bundled_plans()
    plan = load_plan("jinghai-2023")
    with service_for(f"sqlite:///{(tmp_path / 'j.sqlite').as_posix()}", plan=plan) as svc:
        load(svc.engine, plan)
        statuses = Counter(e.status for e in svc.evaluate([2024]))
        kinds = {a.kind for a in svc.alerts(2024, dt.date(2025, 1, 31))}
    assert {"met", "on_track", "at_risk", "off_track"} <= set(statuses)
    assert {"missing_report", "late_report", "severely_lagging"} <= kinds


def test_computed_from_inventory() -> None:
    inventory = {
        "factor_set": "MEE-2022 v1",
        "years": {
            "2023": {
                "co2_t": {"total": 5_000_000.0, "by_sector": {}},
                "energy_tce": {"calorific": 2_000_000.0, "coal_substitution": 2_300_000.0},
                "indicators": {
                    "non_fossil_share": 8.4,
                    "gas_consumption": {"value": 12.5, "unit": "亿立方米", "inputs": {"gas_m3": 1.25e9}},
                },
            }
        },
    }
    values = {v.metric: v for v in computed_from_inventory(inventory)}
    assert values["non_fossil_share"].value == 8.4
    assert values["non_fossil_share"].unit == "%"
    assert values["non_fossil_share"].factor_set == "MEE-2022 v1"
    assert values["gas_consumption"].inputs == {
        "co2_t_total": 5_000_000.0,
        "energy_tce_calorific": 2_000_000.0,
        "energy_tce_coal_substitution": 2_300_000.0,
        "gas_m3": 1.25e9,
    }
    with pytest.raises(TrackingError, match="factor set"):
        computed_from_inventory({"years": {}})
    with pytest.raises(TrackingError, match=r"years\.2023\.indicators\.x: expected a number"):
        computed_from_inventory({"factor_set": "f", "years": {"2023": {"indicators": {"x": "high"}}}})


def test_computed_from_metrics_and_factor_set_labels() -> None:
    from carbonpeak.tracking.computed import computed_from_metrics, factor_set_label

    label = factor_set_label(
        {"name": "ipcc-2006-cn", "version": "2024.1", "combustion": "IPCC 2006 / 省级指南"}
    )
    assert label == "ipcc-2006-cn 2024.1 (IPCC 2006 / 省级指南)"
    values = computed_from_metrics(
        {2023: {"non_fossil_share": (8.4, "%"), "co2_intensity_reduction": (None, "%")}},
        factor_set=label,
        inputs={2023: {"co2_t_total": 1.0}},
    )
    assert [(v.metric, v.year, v.value, v.unit, v.inputs) for v in values] == [
        ("non_fossil_share", 2023, 8.4, "%", {"co2_t_total": 1.0})
    ]


def test_accounting_inventory_is_wired() -> None:
    """With the accounting package present, its inventory goes through its plan_metrics."""
    from carbonpeak.accounting import demo as accounting_demo
    from carbonpeak.services.computed import computed_values

    data = accounting_demo.demo_inventory().to_json()
    values = {(v.metric, v.year): v for v in computed_values(data)}
    year = sorted(data["years"])[-1]
    nf = values[("non_fossil_share", int(year))]
    assert nf.value == pytest.approx(data["years"][year]["indicators"]["non_fossil_share"] * 100)
    assert nf.unit == "%"
    assert nf.inputs["co2_t_total"] == data["years"][year]["co2_t"]["total"]
    assert data["factor_set"]["name"] in nf.factor_set
