"""The enterprise ledger as tables: the registry with year-to-date sums (台账) and one enterprise's
monthly reports. The web's ``/enterprises/export`` and ``carbonpeak enterprises list|reports`` write
these same tables (``carbonpeak.reports``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from carbonpeak.tables import Column, Table

ILLUSTRATIVE = " — 示例数据（illustrative）"


def _tce(key: str, header: str, en: str) -> Column:
    return Column(key, header, en, unit="tce", kind="number", decimals=2)


def _co2(key: str, header: str, en: str) -> Column:
    return Column(key, header, en, unit="tCO2", kind="number", decimals=2)


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("id", "统一社会信用代码", "Unified social credit code"),
    Column("name", "企业名称", "Enterprise"),
    Column("industry_label", "行业（GB/T 4754-2017）", "Industry (GB/T 4754-2017)"),
    Column("town", "镇街", "Town"),
    Column("two_high", "两高", "Two-high"),
    Column("six_high", "六大高耗能行业", "Six energy-intensive industries"),
    Column("benchmark", "能效标杆产品", "Efficiency benchmark product"),
    Column("latest_period", "最新月份", "Latest month"),
    _tce("ytd_tce_calorific", "本年累计综合能耗 当量值", "Energy this year, calorific"),
    _tce("ytd_tce_coal_substitution", "本年累计综合能耗 等价值", "Energy this year, coal substitution"),
    _co2("ytd_co2_total", "本年累计CO2", "CO2 this year"),
)
REPORT_COLUMNS: tuple[Column, ...] = (
    Column("period", "月份", "Month"),
    _tce("tce_calorific", "综合能耗 当量值", "Energy, calorific"),
    _tce("tce_coal_substitution", "综合能耗 等价值", "Energy, coal substitution"),
    _co2("co2_combustion", "燃料燃烧CO2", "CO2 of combustion"),
    _co2("co2_electricity", "外购电力CO2", "CO2 of purchased electricity"),
    _co2("co2_heat", "外购热力CO2", "CO2 of purchased heat"),
    _co2("co2_total", "CO2合计", "CO2 total"),
    Column(
        "tce_per_10k_yuan", "单位产值能耗", "Energy per output", unit="tce/万元", kind="number", decimals=4
    ),
    Column("status", "状态", "Status"),
    Column("version", "版本", "Version", kind="integer"),
    Column("source", "来源", "Source"),
)


def ledger_table(year: int | None, rows: Iterable[Mapping[str, Any]]) -> Table:
    """The ledger of ``year`` (year-to-date sums), one row per enterprise the reader may see."""
    records = list(rows)
    illustrative = any(r.get("illustrative") for r in records)
    title = f"重点用能单位台账 {year or ''}" + (ILLUSTRATIVE if illustrative else "")
    return Table.of(
        "台账（示例数据）" if illustrative else "台账",
        LEDGER_COLUMNS,
        records,
        title=title,
        name_en="Ledger (illustrative)" if illustrative else "Ledger",
        csv_title=True,
    )


def reports_table(enterprise: str, rows: Iterable[Mapping[str, Any]], *, illustrative: bool) -> Table:
    """One enterprise's monthly reports."""
    title = f"{enterprise} 月度能源报表" + (ILLUSTRATIVE if illustrative else "")
    return Table.of("月度报表", REPORT_COLUMNS, rows, title=title, name_en="Monthly reports")
