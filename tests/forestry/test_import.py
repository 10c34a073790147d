"""Import refusals: all or nothing, each problem located by file, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from carbonpeak.errors import InvalidInputError
from carbonpeak.forestry import load_parameters
from carbonpeak.forestry.io import read_geojson, read_parcels, read_table

HEADER = "小班号,调查年度,乡镇,面积,面积单位,地类,树种,蓄积量\n"


def _write(tmp_path: Path, text: str, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bad_row_is_named_and_nothing_is_returned(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "A,2020,团泊镇,10,亩,乔木林,杨树,50\n"
        + "B,2020,团泊镇,-3,亩,乔木林,杨树,50\n"
        + "C,2020,团泊镇,10,平方尺,乔木林,杨树,50\n"
        + "D,2020,团泊镇,10,亩,果园,杨树,50\n"
        + "E,2020,团泊镇,10,亩,乔木林,桉树,50\n"
        + "A,2020,团泊镇,10,亩,乔木林,杨树,50\n",
    )
    with pytest.raises(InvalidInputError) as err:
        read_table(path, load_parameters())
    where = {(p.row, p.column) for p in err.value.problems}
    assert where == {(3, "面积"), (4, "面积单位"), (5, "地类"), (6, "树种"), (7, "小班号")}
    assert all(p.file == "survey.csv" for p in err.value.problems)
    text = err.value.describe()
    assert "未导入任何数据" in text and "survey.csv，第5行，地类列" in text and "乔木林" in text


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "小班号,乡镇\nA,团泊镇\n")
    with pytest.raises(InvalidInputError) as err:
        read_table(path, load_parameters())
    assert {p.column for p in err.value.problems} == {"调查年度", "面积", "面积单位", "地类"}


def test_xlsx_with_english_headers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        ["parcel_id", "survey_year", "town", "area", "area_unit", "land_class", "species", "volume_m3_per_ha"]
    )
    ws.append(["A", 2020, "团泊镇", 15, "mu", "arbor", "poplar", 50])
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    (parcel,) = read_parcels(path, load_parameters())
    assert parcel.species == "poplar" and parcel.area_ha == pytest.approx(1.0)


def _square(lon: float, lat: float, side_deg: float) -> dict:
    ring = [
        [lon, lat],
        [lon + side_deg, lat],
        [lon + side_deg, lat + side_deg],
        [lon, lat + side_deg],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def test_geojson_polygon_area_is_checked(tmp_path: Path) -> None:
    # 0.01° × 0.01° at 38.9° N ≈ 1111.95 m × 865.6 m ≈ 96.2 hm²
    good = {
        "小班号": "A",
        "调查年度": 2020,
        "乡镇": "团泊镇",
        "面积": 96.2,
        "面积单位": "hm²",
        "地类": "湿地",
    }
    bad = {**good, "小班号": "B", "面积": 50}
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": good, "geometry": _square(117.0, 38.9, 0.01)},
            {"type": "Feature", "properties": bad, "geometry": _square(117.1, 38.9, 0.01)},
        ],
    }
    path = _write(tmp_path, json.dumps(doc, ensure_ascii=False), "parcels.geojson")
    with pytest.raises(InvalidInputError) as err:
        read_geojson(path, load_parameters())
    (problem,) = err.value.problems
    assert problem.row == 2 and problem.field == "features[1].geometry" and "相差超过" in problem.message
    doc["features"] = doc["features"][:1]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (parcel,) = read_parcels(path, load_parameters())
    assert parcel.geometry is not None and parcel.land_class == "wetland"
