from __future__ import annotations

import math

import numpy as np
import pytest

from carbonpeak.units import UnitError, conversion_factor, convert, is_convertible, parse_unit

# (from, to, factor): each pair is checked both ways.
PAIRS = [
    ("tce", "GJ", 29.3076),
    ("吨标准煤", "GJ", 29.3076),
    ("kgce", "tce", 1e-3),
    ("万吨标准煤", "tce", 1e4),
    ("万tce", "吨标准煤", 1e4),
    ("万千瓦", "kW", 1e4),
    ("万千瓦", "MW", 10.0),
    ("GW", "万千瓦", 100.0),
    ("亿立方米", "m**3", 1e8),
    ("亿立方米", "万立方米", 1e4),
    ("万立方米", "m³", 1e4),
    ("万元", "元", 1e4),
    ("亿元", "万元", 1e4),
    ("万平方米", "平方米", 1e4),
    ("kWh", "MJ", 3.6),
    ("MWh", "kWh", 1e3),
    ("GWh", "MWh", 1e3),
    ("万千瓦时", "kWh", 1e4),
    ("亿千瓦时", "GWh", 100.0),
    ("吉焦", "GJ", 1.0),
    ("万吨", "t", 1e4),
    ("吨", "kg", 1e3),
    ("万吨二氧化碳", "tCO2", 1e4),
    ("tCO2/MWh", "kgCO2/kWh", 1.0),
    ("tce/万元", "kgce/元", 0.1),
    ("%", "1", 0.01),
    ("亩", "m**2", 10000 / 15),
    ("公顷", "亩", 15.0),
    ("平方公里", "公顷", 100.0),
    ("万人", "人", 1e4),
    ("万吨公里", "吨公里", 1e4),
]


@pytest.mark.parametrize(("src", "dst", "factor"), PAIRS)
def test_conversion_both_ways(src: str, dst: str, factor: float) -> None:
    assert math.isclose(conversion_factor(src, dst), factor, rel_tol=1e-12)
    assert math.isclose(conversion_factor(dst, src), 1 / factor, rel_tol=1e-12)


def test_electricity_calorific_value_in_coal_equivalent() -> None:
    # 3,600 kJ/kWh over 29,307.6 kJ/kgce: 0.12284 kgce/kWh (the statistics round it to 0.1229)
    assert math.isclose(conversion_factor("kWh", "kgce"), 3600 / 29307.6, rel_tol=1e-12)


@pytest.mark.parametrize("text", ["亿m**3", "万m", "万km", "亿t2", "wan", "tce**", ""])
def test_wan_and_yi_are_never_prefixes(text: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(text)


def test_incompatible_units_name_both_sides() -> None:
    with pytest.raises(UnitError, match=r"'t'.*'m\*\*3'"):
        conversion_factor("t", "m**3")
    assert not is_convertible("tCO2", "t")  # CO2 is its own dimension
    assert not is_convertible("万元", "tce")


def test_convert_arrays_vectorized() -> None:
    out = convert(np.array([1.0, 2.5]), "亿立方米", "万立方米")
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [1e4, 2.5e4])
    assert convert(3, "万千瓦", "MW") == pytest.approx(30.0)
