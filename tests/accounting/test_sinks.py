"""The sink line replaced from a sink database: only the forest and wetland rows of the years both
hold; other land-use rows and other years as entered; the inventory's sink follows."""

from __future__ import annotations

from pathlib import Path

from carbonpeak.accounting import inventory, read_activity
from carbonpeak.accounting.sinks import SinkLine, replace_sink_line

HEADER = "year,sector,fuel,amount,unit,note\n"
ROWS = (
    "2021,industry|other,electricity,1000,万千瓦时,\n"
    "2021,land_use|forest,sink_co2,500,tCO2,entered\n"
    "2021,land_use|cropland,sink_co2,40,tCO2,entered\n"
    "2022,industry|other,electricity,1100,万千瓦时,\n"
    "2022,land_use|forest,sink_co2,520,tCO2,entered\n"
)


def _sinks(inv: object) -> dict[tuple[int, str], float]:
    tidy = inv.tidy  # type: ignore[attr-defined]
    rows = tidy[tidy["category"] == "co2_sink"]
    return {
        (int(y), str(s)): float(v)
        for y, s, v in zip(rows["year"], rows["sector"], rows["value"], strict=True)
    }


def test_only_the_forest_and_wetland_rows_of_shared_years_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    activity = read_activity(path)
    lines = [
        SinkLine(2021, "land_use|forest", 89.4, "储量变化法; test"),
        SinkLine(2021, "land_use|wetland", 7.5, "湿地面积×碳汇因子; test"),
        SinkLine(2030, "land_use|forest", 1.0, "not an inventory year"),
    ]
    replaced, used = replace_sink_line(activity, lines)
    assert used == {2021: "储量变化法; test"}
    assert replaced.years == [2021, 2022]  # 2030 is not added
    assert _sinks(inventory(replaced)) == {
        (2021, "land_use|forest"): 89.4,
        (2021, "land_use|wetland"): 7.5,
        (2021, "land_use|cropland"): 40.0,
        (2022, "land_use|forest"): 520.0,
    }
    assert replace_sink_line(activity, []) == (activity, {})
