"""The tracking evaluation of one year as a table (the statisticians' sheet): every quantified
indicator with the required value on the path, the actual value and where it comes from (填报
reported and approved, 核算 computed from the inventory), the gap and the status (its words in the
file's language, and its code). The web's ``/tracking/export`` and ``carbonpeak track export`` write
this same table (``carbonpeak.reports``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from carbonpeak.errors import Lang
from carbonpeak.tables import Column, Table
from carbonpeak.tracking.codes import label
from carbonpeak.tracking.evaluate import Evaluation

ILLUSTRATIVE = " · 示例数据 (illustrative)"
SOURCE_LABELS = {"reported": "填报", "computed": "核算"}


def _value(key: str, header: str, en: str) -> Column:
    return Column(key, header, en, kind="number", decimals=2)


COLUMNS: tuple[Column, ...] = (
    Column("indicator_id", "指标编号", "Indicator id"),
    Column("name", "指标名称", "Indicator"),
    Column("year", "评估年份", "Year evaluated", kind="year"),
    Column("target_year", "目标年", "Target year", kind="year"),
    Column("comparator", "比较", "Comparator"),
    _value("target", "目标值", "Target"),
    Column("unit", "单位", "Unit"),
    Column("method", "路径方法", "Path method"),
    Column("base_year", "基期年", "Base year", kind="year"),
    _value("base_value", "基期值", "Base value"),
    _value("required", "路径要求值", "Required on the path"),
    _value("actual", "实际值", "Actual"),
    Column("value_source", "实际值来源", "Source of the actual value"),
    _value("reported", "填报值", "Reported"),
    _value("computed", "核算值", "Computed"),
    Column("mismatch", "填报与核算不一致", "Reported and computed differ"),
    _value("gap", "差距（正为超前）", "Gap (positive: ahead)"),
    Column("status_label", "状态", "Status"),
    Column("status", "状态代码", "Status code"),
    Column("notes", "说明", "Notes", width=60),
)


def _cell(key: str, e: Evaluation, lang: Lang) -> Any:
    if key == "status_label":
        return label("indicator_status", e.status, "en" if lang == "en" else "zh")
    value = getattr(e, key)
    if key == "value_source":
        return SOURCE_LABELS.get(value or "", "")
    if key == "mismatch":
        return "是" if value else ""
    if key == "notes":
        return "；".join(value)
    return value


def evaluation_table(
    plan_title: str,
    year: int,
    evaluations: Iterable[Evaluation],
    *,
    illustrative: bool,
    lang: Lang = "zh-CN",
) -> Table:
    """The evaluations of ``year`` as one table titled with the plan (示例数据 when illustrative)."""
    title = f"{plan_title} — {year}年指标跟踪评估{ILLUSTRATIVE if illustrative else ''}"
    rows = tuple(tuple(_cell(c.key, e, lang) for c in COLUMNS) for e in evaluations)
    return Table(
        f"{year}指标评估",
        COLUMNS,
        rows,
        title=title,
        name_en=f"{year} evaluation",
        csv_title=True,
    )
