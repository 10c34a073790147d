"""Numbers as the office writes them (carbonpeak.units.display)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carbonpeak.units import display, is_convertible


def test_no_floating_point_noise_and_one_decimal_percent() -> None:
    assert display.number(28.7829) == "28.8"
    assert display.number(0.1 + 0.2, 2) == "0.30"
    assert display.number(2.675, 2) == "2.68"  # binary 2.67499… would round down
    assert display.number(-0.04) == "0.0"
    assert display.number(1234567.891, 1) == "1,234,567.9"
    assert display.percent(12.345) == "12.3%"
    assert display.percent(None) == display.MISSING


def test_district_figures_in_office_units() -> None:
    assert display.quantity(3_254_000, "吨二氧化碳") == "325.4 万吨CO2"
    assert display.quantity(3_254_000, "吨二氧化碳", lang="en") == "325.4 10 kt CO2"
    assert display.quantity(2_100_000, "吨标准煤") == "210.0 万吨标准煤"
    assert display.quantity(0.4523, "tce/万元") == "0.452 tce/万元"
    assert display.quantity(10.04, "%") == "10.0%"
    assert display.quantity(500, "个") == "500 个"
    assert display.in_district_unit(12_000.0, "吨标准煤") == (1.2, "万吨标准煤")


def test_every_district_rule_converts() -> None:
    for rule in display.conventions().district:
        for source in rule.sources:
            assert is_convertible(source, rule.unit), (source, rule.unit)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 12, 7, 8, 5, tzinfo=UTC), "2026-12-07 16:05"),
        (datetime(2026, 12, 31, 20, 0), "2027-01-01 04:00"),  # naive = UTC, across the new year
    ],
)
def test_local_time_is_china_standard_time(moment: datetime, shown: str) -> None:
    assert display.local_time(moment) == shown
