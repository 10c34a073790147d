"""The illustrative parcel set (示例数据) of 林海循环经济示范区: consistent with the demo inventory's
sink line, projects linked to their parcels, zone figures never passed off as the district's."""

from __future__ import annotations

import csv

import pytest

from carbonpeak.accounting.demo import demo_dir as accounting_demo_dir
from carbonpeak.forestry import land_area, load_parameters
from carbonpeak.forestry.demo import DEMO_FILE, demo_dir, demo_surveys, demo_wetland_factor
from carbonpeak.forestry.summary import annual_sinks, indicator_metrics, inventory_rows, project_gains


def _district_sink_line() -> dict[int, float]:
    text = (accounting_demo_dir() / "jinghai-activity-2020-2024.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {int(r["year"]): float(r["amount"]) for r in rows if r["sector"] == "land_use|forest"}


def test_demo_is_labelled_illustrative() -> None:
    assert "示例数据" in (demo_dir() / DEMO_FILE).read_text(encoding="utf-8").splitlines()[0]
    assert demo_wetland_factor().illustrative and "示例数据" in demo_wetland_factor().source


def test_zone_sink_is_a_small_part_of_the_district_line() -> None:
    sinks = annual_sinks(demo_surveys(), load_parameters(), demo_wetland_factor())
    district = _district_sink_line()
    assert sorted(sinks) == [2021, 2022, 2023, 2024]
    for year, (forest, wetland) in sinks.items():
        share = forest.co2_t_per_year / district[year]
        assert 0.01 < share < 0.10, (year, share)  # a zone, not the district
        assert wetland is not None and wetland.co2_t_per_year > 0


def test_zone_survey_yields_no_district_indicator_nor_inventory_rows() -> None:
    surveys, params = demo_surveys(), load_parameters()
    assert indicator_metrics(surveys, params, land_area(), "zone") == {}
    assert inventory_rows(surveys, params, None, "zone", "demo") == []
    metrics = indicator_metrics(surveys, params, land_area(), "district")
    assert metrics[2020]["forest_stock"][1] == "万立方米"
    rows = inventory_rows(surveys, params, demo_wetland_factor(), "district", "test")
    assert {r["sector"] for r in rows} == {"land_use|forest", "land_use|wetland"}
    assert all("储量变化法" in str(r["note"]) for r in rows if r["sector"] == "land_use|forest")


def test_projects_show_expected_and_surveyed_gain() -> None:
    gains = {g.project: g for g in project_gains(demo_surveys(), load_parameters(), None)}
    reserve = gains["national-reserve-forest"]
    assert reserve.parcels == 6 and reserve.surveyed_t_per_year is not None
    assert reserve.expected_t_per_year > 0 and reserve.surveyed_t_per_year > 0
    assert reserve.area_ha == pytest.approx((720 + 540 + 300 + 180 + 600 + 420) / 15)
