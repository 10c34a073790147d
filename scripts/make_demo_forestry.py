"""Write the illustrative parcel set (示例数据) of 林海循环经济示范区 and the 团泊 wetland works:
data/demo/linhai-parcels-2020-2024.csv, two surveys (2020 二类调查, 2024 年度监测).

Not real survey data. The stands are sized so that the set's stock-difference sink is a small part
of the demo inventory's district sink line (land_use|forest, 70,000–78,400 tCO2 in 2020–2024):
tests/forestry/test_demo.py checks it. Run: .venv/bin/python scripts/make_demo_forestry.py
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "demo" / "linhai-parcels-2020-2024.csv"
HEADER = [
    "小班号",
    "调查年度",
    "乡镇",
    "面积",
    "面积单位",
    "地类",
    "树种",
    "起源",
    "龄组",
    "蓄积量",
    "年生长量",
    "采伐量",
    "调查类型",
    "项目",
]
ZONE = "林海循环经济示范区"
# (id, species, age 2020, age 2024, area 亩, volume 2020, volume 2024, project): established stands
STANDS = [
    ("LH-01", "杨树", "中龄林", "中龄林", 1200, 62.0, 81.0, ""),
    ("LH-02", "杨树", "中龄林", "近熟林", 980, 70.5, 90.0, ""),
    ("LH-03", "杨树", "近熟林", "近熟林", 860, 88.0, 104.0, ""),
    ("LH-04", "柳树", "中龄林", "中龄林", 640, 45.0, 58.5, ""),
    ("LH-05", "白蜡", "幼龄林", "中龄林", 720, 22.0, 36.0, "national-reserve-forest"),
    ("LH-06", "白蜡", "中龄林", "中龄林", 540, 41.0, 55.0, "national-reserve-forest"),
    ("LH-07", "栎类", "幼龄林", "幼龄林", 300, 12.0, 21.0, "national-reserve-forest"),
    ("LH-08", "杨树", "成熟林", "成熟林", 450, 110.0, 96.0, ""),  # partly harvested in 2023
    ("LH-09", "松类", "幼龄林", "幼龄林", 180, 10.0, 18.5, "national-reserve-forest"),
]
# planted after 2020 under the 国家储备林 project: 未成林造林地 in 2020, 乔木林 in 2024
NEW = [("LH-10", "白蜡", 600, 6.0), ("LH-11", "栎类", 420, 4.5)]
WETLANDS = [("TB-W1", "团泊鸟类自然保护区", 2400), ("TB-W2", "团泊鸟类自然保护区", 1500)]


def rows() -> list[list[object]]:
    out: list[list[object]] = []
    for year in (2020, 2024):
        kind = "二类调查" if year == 2020 else "年度监测"
        for sid, sp, age20, age24, mu, v20, v24, project in STANDS:
            age, vol = (age20, v20) if year == 2020 else (age24, v24)
            increment = round((v24 - v20) / 4, 2) if year == 2020 and v24 > v20 else ""
            loss = round((v20 - v24) * mu / 15, 1) if year == 2024 and v24 < v20 else ""
            out.append(
                [sid, year, ZONE, mu, "亩", "乔木林", sp, "人工", age, vol, increment, loss, kind, project]
            )
        for sid, sp, mu, v24 in NEW:
            if year == 2020:
                out.append(
                    [
                        sid,
                        year,
                        ZONE,
                        mu,
                        "亩",
                        "未成林造林地",
                        sp,
                        "人工",
                        "幼龄林",
                        "",
                        1.5,
                        "",
                        kind,
                        "national-reserve-forest",
                    ]
                )
            else:
                out.append(
                    [
                        sid,
                        year,
                        ZONE,
                        mu,
                        "亩",
                        "乔木林",
                        sp,
                        "人工",
                        "幼龄林",
                        v24,
                        "",
                        "",
                        kind,
                        "national-reserve-forest",
                    ]
                )
        for sid, town, mu in WETLANDS:
            out.append(
                [
                    sid,
                    year,
                    town,
                    mu,
                    "亩",
                    "湿地",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    kind,
                    "tuanbo-bird-reserve-restoration",
                ]
            )
    return out


GEOJSON = OUT.with_name("linhai-parcels-2024.geojson")
# Illustrative placement only: squares of the stated areas laid on a grid south-west of the district's
# centroid (116.966 E, 38.856 N in the reference outline); not the real parcels' positions.
ORIGIN = (116.90, 38.80)
METRES_PER_DEGREE = 111_195.0  # on the authalic sphere (R = 6,371,007 m) the area check uses


def features(table: list[list[object]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    lon0, lat0 = ORIGIN
    for n, row in enumerate(r for r in table if r[1] == 2024):
        side = math.sqrt(float(str(row[3])) / 15 * 10_000)  # 亩 → m², square side in metres
        dlat = side / METRES_PER_DEGREE
        dlon = side / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
        x, y = lon0 + (n % 5) * 0.02, lat0 + (n // 5) * 0.02
        ring = [[x, y], [x + dlon, y], [x + dlon, y + dlat], [x, y + dlat], [x, y]]
        props = {h: v for h, v in zip(HEADER, row, strict=True) if v != ""}
        out.append(
            {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        )
    return out


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# 示例数据 illustrative, not real survey data: scripts/make_demo_forestry.py\n")
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows())
    doc = {"type": "FeatureCollection", "name": "示例数据 illustrative", "features": features(rows())}
    GEOJSON.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
