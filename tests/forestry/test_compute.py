"""Stock and sink of three parcels and two surveys, computed by hand (the arithmetic is written out
in the comments), 亩 conversion, forest cover from parcels."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpeak.errors import InvalidInputError
from carbonpeak.forestry import (
    LandArea,
    WetlandFactor,
    forest_cover,
    gain_loss_sink,
    load_parameters,
    stock,
    stock_difference_sink,
)
from carbonpeak.forestry.compute import group_totals
from carbonpeak.forestry.io import read_table

HEADER = "小班号,调查年度,乡镇,面积,面积单位,地类,树种,起源,龄组,蓄积量,年生长量,采伐量\n"
# A: poplar 150 亩 = 10 hm²; B: ash 5 hm²; C: pine 30 亩 = 2 hm²; W: wetland 45 亩 = 3 hm²; S: shrub 1 hm²
ROWS_2020 = (
    "A,2020,团泊镇,150,亩,乔木林,杨树,人工,中龄林,60,5,20\n"
    "B,2020,团泊镇,5,hm²,乔木林,白蜡,人工,近熟林,100,,\n"
    "C,2020,大邱庄镇,30,亩,乔木林,松类,人工,幼龄林,40,,\n"
    "W,2020,团泊镇,45,亩,湿地,,,,,,\n"
    "S,2020,大邱庄镇,1,hm²,其他灌木林,,,,,,\n"
)
ROWS_2024 = (
    "A,2024,团泊镇,150,亩,乔木林,杨树,人工,中龄林,80,,\n"
    "B,2024,团泊镇,5,hm²,乔木林,白蜡,人工,近熟林,110,,\n"
    "C,2024,大邱庄镇,30,亩,乔木林,松类,人工,幼龄林,50,,\n"
)


def _survey(tmp_path: Path, name: str, rows: str) -> list:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return read_table(path, load_parameters())


def test_mu_converts_through_the_registry(tmp_path: Path) -> None:
    parcels = {p.parcel_id: p for p in _survey(tmp_path, "s.csv", ROWS_2020)}
    assert parcels["A"].area_ha == pytest.approx(10.0, abs=1e-12)  # 150 亩 × 10000/15 m² = 100000 m²
    assert parcels["C"].area_ha == pytest.approx(2.0, abs=1e-12)
    assert parcels["B"].area_ha == 5.0


def test_stock_of_three_parcels_by_hand(tmp_path: Path) -> None:
    result = stock(_survey(tmp_path, "s.csv", ROWS_2020), load_parameters())
    co2 = dict(zip(result.ids, result.co2_t, strict=True))
    # A: AGB 60×1.4×0.35 = 29.4 t/hm² (< 75 → R 0.46); ×1.46×10 hm² = 429.24 t; ×0.47 = 201.7428 tC
    assert co2["A"] == pytest.approx(201.7428 * 44 / 12, rel=1e-12)
    # B: AGB 100×1.4×0.57 = 79.8 (75–150 → R 0.23); ×1.23×5 = 490.77 t; ×0.47 = 230.6619 tC
    assert co2["B"] == pytest.approx(230.6619 * 44 / 12, rel=1e-12)
    # C: AGB 40×1.3×0.42 = 21.84 (conifer < 50 → R 0.40); ×1.40×2 = 61.152 t; ×0.47 = 28.74144 tC
    assert co2["C"] == pytest.approx(28.74144 * 44 / 12, rel=1e-12)
    assert set(result.ids) == {"A", "B", "C", "S"}  # the wetland is left out (its sink is apart)
    assert co2["S"] == 0.0  # the shrub has no volume
    assert result.total_volume_m3 == pytest.approx(600 + 500 + 80)  # 蓄积量 m³
    by_town = group_totals(_survey(tmp_path, "s.csv", ROWS_2020), result, "town")
    assert by_town["大邱庄镇"][1] == pytest.approx(28.74144 * 44 / 12)


def test_stock_difference_sink_of_two_surveys_by_hand(tmp_path: Path) -> None:
    first = _survey(tmp_path, "a.csv", ROWS_2020)
    second = _survey(tmp_path, "b.csv", ROWS_2024)
    sink = stock_difference_sink(first, second, load_parameters())
    # 2024: A 80×0.49=39.2 → ×1.46×10×0.47 = 268.9904 tC; B 110×0.798=87.78 → ×1.23×5×0.47 = 253.72809;
    # C 50×0.546=27.3 → ×1.4×2×0.47 = 35.9268. 2020: 201.7428 + 230.6619 + 28.74144.
    c2020 = 201.7428 + 230.6619 + 28.74144
    c2024 = 268.9904 + 253.72809 + 35.9268
    assert sink.co2_t_per_year == pytest.approx((c2024 - c2020) * 44 / 12 / 4, rel=1e-12)
    assert sink.co2_t_per_year == pytest.approx(89.374221, rel=1e-7)  # 97.49915 tC × 44/12 / 4 years
    assert sink.method == "stock_difference" and sink.years == (2020, 2024)
    assert "IPCC 2006" in sink.parameters and "储量变化法" in sink.method_label()


def test_gain_loss_sink_by_hand(tmp_path: Path) -> None:
    sink = gain_loss_sink(_survey(tmp_path, "s.csv", ROWS_2020), load_parameters())
    # Only A has growth: 1.4×0.35×1.46×0.47×44/12 = 1.23287267 tCO2 per m³; gain 10 hm² × 5 m³ → 61.6436;
    # loss 20 m³ → 24.6575; net 36.9862 tCO2/yr
    per_m3 = 1.4 * 0.35 * 1.46 * 0.47 * 44 / 12
    assert sink.co2_t_per_year == pytest.approx((50 - 20) * per_m3, rel=1e-12)
    assert sink.co2_t_per_year == pytest.approx(36.98618, rel=1e-6)


def test_cover_from_parcels_and_wetland_apart(tmp_path: Path) -> None:
    parcels = _survey(tmp_path, "s.csv", ROWS_2020)
    cover = forest_cover(parcels, LandArea("x", "test", 100.0, "test area"))
    assert cover.forest_area_ha == pytest.approx(17.0)  # A 10 + B 5 + C 2; not the wetland, not the shrub
    assert cover.percent == pytest.approx(17.0)
    from carbonpeak.forestry import wetland_sink

    wet = wetland_sink(parcels, WetlandFactor(2.5, "office factor"))
    assert wet.co2_t_per_year == pytest.approx(3.0 * 2.5)
    assert wet.method == "wetland_factor"


def test_surveys_out_of_order_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="must follow"):
        stock_difference_sink(
            _survey(tmp_path, "b.csv", ROWS_2024), _survey(tmp_path, "a.csv", ROWS_2020), load_parameters()
        )


DBH_HEADER = "小班号,调查年度,乡镇,面积,面积单位,地类,树种,蓄积量,胸径,树高,每公顷株数\n"


def _office_set(tmp_path: Path, form_factor: float | None) -> Path:
    """The bundled set with a form factor for poplar entered by the office (with its source)."""
    import yaml

    data = yaml.safe_load(
        (Path(__file__).parents[2] / "src/carbonpeak/forestry/data/parameters-ipcc2006.yaml").read_text(
            encoding="utf-8"
        )
    )
    data["id"] = "office-test"
    if form_factor is not None:
        data["groups"]["poplar"]["form_factor"] = {"value": form_factor, "source": "test: office entry"}
    path = tmp_path / "office-params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_volume_from_diameter_and_height_by_hand(tmp_path: Path) -> None:
    from carbonpeak.forestry.compute import stand_volume

    params = load_parameters(_office_set(tmp_path, 0.42))
    path = tmp_path / "dbh.csv"
    # D: poplar 2 hm², no volume, DBH 20 cm, height 15 m, 600 stems/hm²; E: volume given (wins)
    path.write_text(
        DBH_HEADER
        + "D,2024,团泊镇,2,hm²,乔木林,杨树,,20,15,600\nE,2024,团泊镇,1,hm²,乔木林,杨树,50,20,15,600\n",
        encoding="utf-8",
    )
    parcels = read_table(path, params)
    volume, derived = stand_volume(parcels, params)
    # G = 600 × π/4 × 0.2² = 18.849556 m²/hm²; V = G × 15 × 0.42 = 118.752202 m³/hm²
    assert volume[0] == pytest.approx(600 * 3.141592653589793 / 4 * 0.04 * 15 * 0.42, rel=1e-12)
    assert volume[0] == pytest.approx(118.752202, rel=1e-8)
    assert volume[1] == 50.0 and derived.tolist() == [True, False]
    result = stock(parcels, params)
    assert result.volume_m3[0] == pytest.approx(2 * 118.752202, rel=1e-8)
    # AGB 118.752202 × 1.4 × 0.35 = 58.188579 (< 75 → R 0.46); × 1.46 × 2 hm² × 0.47 × 44/12
    assert result.co2_t[0] == pytest.approx(58.188579 * 1.46 * 2 * 0.47 * 44 / 12, rel=1e-7)


def test_diameter_and_height_without_form_factor_or_stems_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dbh.csv"
    path.write_text(DBH_HEADER + "D,2024,团泊镇,2,hm²,乔木林,杨树,,20,15,600\n", encoding="utf-8")
    parcels = read_table(path, load_parameters())
    with pytest.raises(InvalidInputError) as info:
        stock(parcels, load_parameters())  # the bundled IPCC set has no form factor
    assert "形数" in str(info.value.problems[0].message)
    path.write_text(DBH_HEADER + "D,2024,团泊镇,2,hm²,乔木林,杨树,,20,15,\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        read_table(path, load_parameters())
    problem = info.value.problems[0]
    assert problem.row == 2 and problem.column == "每公顷株数" and "每公顷株数" in problem.message
