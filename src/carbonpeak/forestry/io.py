"""Reading the forestry survey's parcel table (XLSX/CSV) and parcel polygons (GeoJSON).

All or nothing: every problem is collected, located by file, row and column, and raised together;
no parcel is returned from a file that has one. Headers may be Chinese or English; land class,
species, origin, age class and survey kind may be the Chinese word or the code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonpeak.errors import InvalidInputError, Problem
from carbonpeak.forestry.model import Parameters, Parcel, vocabulary
from carbonpeak.sheetfile import check_text, csv_encoding
from carbonpeak.units.registry import UnitError, convert

COLUMNS: dict[str, tuple[str, ...]] = {
    "parcel_id": ("小班号", "parcel_id"),
    "survey_year": ("调查年度", "survey_year"),
    "town": ("乡镇", "town"),
    "area": ("面积", "area"),
    "area_unit": ("面积单位", "area_unit"),
    "land_class": ("地类", "land_class"),
    "species": ("树种", "species"),
    "origin": ("起源", "origin"),
    "age_class": ("龄组", "age_class"),
    "volume_m3_per_ha": ("蓄积量", "volume_m3_per_ha"),
    "dbh_cm": ("胸径", "dbh_cm"),
    "height_m": ("树高", "height_m"),
    "stems_per_ha": ("每公顷株数", "stems_per_ha"),
    "increment_m3_per_ha": ("年生长量", "increment_m3_per_ha"),
    "loss_m3": ("采伐量", "loss_m3"),
    "survey_kind": ("调查类型", "survey_kind"),
    "project": ("项目", "project"),
}
REQUIRED = ("parcel_id", "survey_year", "town", "area", "area_unit", "land_class")
NUMBERS = ("volume_m3_per_ha", "dbh_cm", "height_m", "stems_per_ha", "increment_m3_per_ha", "loss_m3")
AREA_UNITS = {"亩": "亩", "mu": "亩", "hm²": "hectare", "hm2": "hectare", "公顷": "hectare", "ha": "hectare"}
ERROR_SUMMARY = ("小班数据有误，未导入任何数据", "the parcel data has problems; nothing was imported")


def _codes(kind: str, params: Parameters | None = None) -> dict[str, str]:
    """Word or code → code, for one vocabulary."""
    if kind == "species":
        groups = params.groups if params else {}
        return {**{g.name_zh: c for c, g in groups.items()}, **{c: c for c in groups}}
    items: Mapping[str, Mapping[str, str]] = vocabulary()[kind]
    return {**{v["zh"]: k for k, v in items.items()}, **{k: k for k in items}}


def _cell(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _header_map(columns: list[str], file: str) -> tuple[dict[str, str], list[Problem]]:
    found: dict[str, str] = {}
    for col in columns:
        for key, names in COLUMNS.items():
            if str(col).strip() in names:
                found[key] = str(col)
    problems = [
        Problem(
            f"缺少列“{COLUMNS[k][0]}”",
            file=file,
            column=COLUMNS[k][0],
            message_en=f"missing column {COLUMNS[k][1]}",
        )
        for k in REQUIRED
        if k not in found
    ]
    return found, problems


def parcels_from_records(
    records: list[dict[str, Any]], file: str, params: Parameters, *, first_row: int = 2
) -> tuple[list[Parcel], list[Problem]]:
    """Parcels from rows (header → value); problems located by row (the user's row number)."""
    # GeoJSON features may leave out an empty property: the columns are those of any record
    columns = list(dict.fromkeys(k for rec in records for k in rec))
    cols, problems = _header_map(columns, file)
    if problems:
        return [], problems
    vocab = {k: _codes(k) for k in ("classes", "origins", "age_classes", "survey_kinds")}
    species = _codes("species", params)
    out: list[Parcel] = []
    seen: dict[tuple[str, int], int] = {}
    for n, rec in enumerate(records):
        row = n + first_row
        before = len(problems)

        def bad(key: str, zh: str, en: str, row: int = row) -> None:
            problems.append(Problem(zh, file=file, row=row, column=COLUMNS[key][0], message_en=en))

        val = {k: _cell(rec.get(c)) for k, c in cols.items()}
        for k in REQUIRED:
            if val.get(k) is None:
                bad(k, "不能为空", "must not be empty")
        year: int | None = None
        if val.get("survey_year"):
            try:
                year = int(float(str(val["survey_year"])))
            except ValueError:
                bad(
                    "survey_year",
                    f"应为年份，实为“{val['survey_year']}”",
                    f"expected a year, got {val['survey_year']!r}",
                )
        area_ha: float | None = None
        unit = AREA_UNITS.get(val.get("area_unit") or "")
        if val.get("area_unit") and unit is None:
            bad("area_unit", f"面积单位应为 亩 或 hm²，实为“{val['area_unit']}”", "expected 亩 or hm²")
        if val.get("area") and unit:
            try:
                area = float(str(val["area"]))
                if not area > 0:
                    raise ValueError
                area_ha = float(convert(area, unit, "hectare"))
            except (ValueError, UnitError):
                bad(
                    "area",
                    f"面积应为正数，实为“{val['area']}”",
                    f"expected a positive number, got {val['area']!r}",
                )
        numbers: dict[str, float | None] = {}
        for k in NUMBERS:
            text = val.get(k)
            try:
                numbers[k] = None if text is None else float(text)
                if numbers[k] is not None and numbers[k] < 0:  # type: ignore[operator]
                    raise ValueError
            except ValueError:
                bad(k, f"应为非负数，实为“{text}”", f"expected a non-negative number, got {text!r}")
        coded: dict[str, str | None] = {}
        for k, vk in (
            ("land_class", "classes"),
            ("origin", "origins"),
            ("age_class", "age_classes"),
            ("survey_kind", "survey_kinds"),
            ("species", ""),
        ):
            text = val.get(k)
            table = species if k == "species" else vocab[vk]
            if text is not None and text not in table:
                words = "、".join(sorted({w for w in table if not w.isascii()}))
                bad(
                    k,
                    f"“{text}”不在可选值中（{words}）",
                    f"{text!r} is not one of {sorted(set(table.values()))}",
                )
            coded[k] = table.get(text) if text is not None else None
        is_forest = coded.get("land_class") not in (None, "wetland")
        if is_forest and numbers.get("volume_m3_per_ha") and coded.get("species") is None:
            bad("species", "有蓄积量的小班须填写树种", "a parcel with a volume needs its species group")
        measured = numbers.get("volume_m3_per_ha") is None and (
            numbers.get("dbh_cm") is not None or numbers.get("height_m") is not None
        )
        if is_forest and measured:
            for k, zh in (("dbh_cm", "胸径"), ("height_m", "树高"), ("stems_per_ha", "每公顷株数")):
                if not numbers.get(k):
                    bad(
                        k,
                        f"未填蓄积量时须填写胸径、树高和每公顷株数（缺{zh}）",
                        "without a volume, mean DBH, mean height and stems per hm² are all needed",
                    )
            if coded.get("species") is None:
                bad(
                    "species",
                    "按胸径树高计算蓄积量须填写树种",
                    "the form-factor method needs the species group",
                )
        if val.get("parcel_id") and year is not None:
            key = (str(val["parcel_id"]), year)
            if key in seen:
                bad("parcel_id", f"小班号与第{seen[key]}行重复", f"duplicate of row {seen[key]}")
            seen[key] = row
        if len(problems) > before or area_ha is None or year is None:
            continue
        out.append(
            Parcel(
                parcel_id=str(val["parcel_id"]),
                survey_year=year,
                town=str(val["town"]),
                area_ha=area_ha,
                land_class=str(coded["land_class"]),
                species=coded.get("species"),
                origin=coded.get("origin"),  # type: ignore[arg-type]
                age_class=coded.get("age_class"),
                volume_m3_per_ha=numbers.get("volume_m3_per_ha"),
                dbh_cm=numbers.get("dbh_cm"),
                height_m=numbers.get("height_m"),
                stems_per_ha=numbers.get("stems_per_ha"),
                increment_m3_per_ha=numbers.get("increment_m3_per_ha"),
                loss_m3=numbers.get("loss_m3"),
                survey_kind=coded.get("survey_kind") or "inventory_2",
                project=val.get("project"),
            )
        )
    return out, problems


def read_table(path: str | Path, params: Parameters) -> list[Parcel]:
    """Parcels of a CSV (UTF-8, UTF-16 or GBK: ``csv_encoding``) or XLSX (first sheet) survey table."""
    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(p, dtype=str)
        elif p.suffix.lower() == ".csv":
            frame = pd.read_csv(p, dtype=str, encoding=csv_encoding(p), comment="#")
        else:
            raise InvalidInputError(
                Problem("应为 .csv 或 .xlsx 文件", file=p.name, message_en="expected a .csv or .xlsx file")
            )
        check_text(frame, file=p.name)
    except InvalidInputError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(
            Problem(f"无法读取：{exc}", file=p.name, message_en=f"cannot read: {exc}")
        ) from exc
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    if not records:
        raise InvalidInputError(
            Problem("文件没有数据行", file=p.name, message_en="the file has no data rows")
        )
    parcels, problems = parcels_from_records(records, p.name, params)
    if problems:
        raise InvalidInputError(problems, summary=ERROR_SUMMARY[0], summary_en=ERROR_SUMMARY[1])
    return parcels


def polygon_area_ha(geometry: Mapping[str, Any]) -> float:
    """Area of a GeoJSON Polygon/MultiPolygon in lon/lat, on a local equal-area (sinusoidal)
    projection about the shape's mean latitude, on the WGS-84 authalic sphere (R = 6,371,007 m)."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    polys: list[Any] | None = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    if not polys:
        raise ValueError(f"not a Polygon or MultiPolygon: {kind!r}")
    radius = 6_371_007.0
    total = 0.0
    for poly in polys:
        for k, ring in enumerate(poly):
            xy = np.radians(np.asarray(ring, dtype=float))
            lat0 = xy[:, 1].mean()
            x = radius * (xy[:, 0] - xy[:, 0].mean()) * np.cos(xy[:, 1])
            y = radius * (xy[:, 1] - lat0)
            ring_area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
            total += ring_area if k == 0 else -ring_area
    return float(convert(total, "m²", "hectare"))


def read_geojson(path: str | Path, params: Parameters) -> list[Parcel]:
    """Parcels of a GeoJSON FeatureCollection: the properties as the table's columns, the polygon kept
    and its area checked against the stated area (tolerance as data)."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            Problem(f"不是有效的 GeoJSON：{exc}", file=p.name, message_en=f"not GeoJSON: {exc}")
        ) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise InvalidInputError(
            Problem(
                "应为含要素的 FeatureCollection",
                file=p.name,
                field="features",
                message_en="expected features",
            )
        )
    records = [dict(f.get("properties") or {}) for f in features]
    parcels, problems = parcels_from_records(records, p.name, params, first_row=1)
    tolerance = float(vocabulary()["polygon_area_tolerance"])
    by_row = {(pc.parcel_id, pc.survey_year): pc for pc in parcels}
    out: list[Parcel] = []
    for n, (feature, rec) in enumerate(zip(features, records, strict=True), start=1):
        where = f"features[{n - 1}].geometry"
        try:
            area = polygon_area_ha(feature.get("geometry") or {})
        except (ValueError, TypeError, IndexError) as exc:
            problems.append(
                Problem(
                    f"几何无效：{exc}", file=p.name, row=n, field=where, message_en=f"bad geometry: {exc}"
                )
            )
            continue
        try:
            key = (
                str(rec.get("小班号") or rec.get("parcel_id")),
                int(float(str(rec.get("调查年度") or rec.get("survey_year")))),
            )
        except (TypeError, ValueError):
            continue
        parcel = by_row.get(key)
        if parcel is None:
            continue
        if abs(area - parcel.area_ha) > tolerance * parcel.area_ha:
            problems.append(
                Problem(
                    f"多边形面积 {area:.2f} hm² 与填报面积 {parcel.area_ha:.2f} hm² 相差超过 {tolerance:.0%}",
                    file=p.name,
                    row=n,
                    field=where,
                    message_en=(
                        f"polygon area {area:.2f} hm² differs from the stated {parcel.area_ha:.2f} hm²"
                        f" by more than {tolerance:.0%}"
                    ),
                )
            )
            continue
        out.append(Parcel(**{**parcel.__dict__, "geometry": feature["geometry"]}))
    if problems:
        raise InvalidInputError(problems, summary=ERROR_SUMMARY[0], summary_en=ERROR_SUMMARY[1])
    return out


def read_parcels(path: str | Path, params: Parameters) -> list[Parcel]:
    """Parcels of any supported file, by its suffix."""
    p = Path(path)
    if p.suffix.lower() in (".geojson", ".json"):
        return read_geojson(p, params)
    return read_table(p, params)
