"""The lever table: the bundled file loads, every kind has its rule, a bad row is refused with its
field named, and the factors between display, push and engine units come from carbonpeak.units."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from carbonpeak.plan import load_plan
from carbonpeak.scenarios import ScenarioDataError
from carbonpeak.scenarios.lever_kinds import KINDS
from carbonpeak.scenarios.lever_table import KIND_NAMES, lever_table, parse_lever_table
from carbonpeak.scenarios.plan_indicators import peak_target_year
from tests.conftest import REPO

PLAN_SMALL = Path(__file__).parent / "plan-small.yaml"


def _raw() -> dict[str, Any]:
    text = resources.files("carbonpeak.scenarios").joinpath("data/levers/levers.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_the_bundled_table_loads_and_every_kind_has_a_rule() -> None:
    table = lever_table()
    assert table.ids[:3] == ("industry_efficiency", "buildings_efficiency", "transport_efficiency")
    assert set(KIND_NAMES) == set(KINDS)
    assert {lever.kind for lever in table.levers} <= set(KINDS)
    assert (
        table.get("modal_shift") is not None and table.get("modal_shift").group_id == "transport_efficiency"
    )  # type: ignore[union-attr]
    assert "modal_shift" not in table.group_ids
    assert {lv.id for lv in table.sliders} <= {lv.id for lv in table.pushable}
    assert table.renewable_mix() == {"solar": 0.85, "wind": 0.15, "biomass": 0.0}
    assert table.defaults.renewable_mix.source and table.defaults.peak_by_year.version


def test_factors_come_from_the_units() -> None:
    table = lever_table()
    industry = table.get("industry_efficiency")
    renewables = table.get("renewables")
    assert industry is not None and industry.push is not None
    assert industry.push.slider_factor() == pytest.approx(0.01)  # %/年 → 1/yr
    assert renewables is not None and renewables.push is not None
    assert renewables.push.slider_factor() == 1.0
    assert renewables.value_unit == "MW"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda lv: lv.update(colour="red"), "levers.0.colour"),
        (lambda lv: lv.update(input="capacity"), "levers.0"),
        (lambda lv: lv.update(unit="万千瓦"), "levers.0.unit"),
        (lambda lv: lv["push"]["slider"].update(unit="万吨"), "levers.0.push.slider.unit"),
        (lambda lv: lv.update(kind="teleport"), "levers.0.kind"),
    ],
)
def test_a_bad_row_is_refused_with_its_field(change: Any, field: str) -> None:
    data = copy.deepcopy(_raw())
    change(data["levers"][0])
    with pytest.raises(ScenarioDataError) as info:
        parse_lever_table(data, "levers.yaml")
    fields = [p.field or "" for p in info.value.problems]
    assert any(f.startswith(field) for f in fields), fields
    assert all(p.file == "levers.yaml" for p in info.value.problems)


def test_duplicate_ids_are_refused() -> None:
    data = copy.deepcopy(_raw())
    data["levers"].append(copy.deepcopy(data["levers"][0]))
    with pytest.raises(ScenarioDataError, match="industry_efficiency"):
        parse_lever_table(data)


def test_peaked_by_year_is_the_plans_peak_target() -> None:
    assert peak_target_year(load_plan(REPO / "data" / "plans" / "jinghai-2023.yaml")) == 2030
    assert peak_target_year(load_plan(PLAN_SMALL)) == lever_table().peak_by_year() == 2030
    assert peak_target_year(None) == 2030
