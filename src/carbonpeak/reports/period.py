"""The period evaluation (“十四五”目标完成情况评估) from ``services.reporting.PeriodResults``: every
target of the period's last year — met or not and by how much — and the cumulative intensity
reductions over the period on the official method (1 − I_end/I_base; the average annual rate
1 − (I_end/I_base)^(1/n), accounting.indicators)."""

from __future__ import annotations

from collections import Counter

from carbonpeak.errors import Lang
from carbonpeak.reports import labels
from carbonpeak.reports.annual import unit_name, w
from carbonpeak.reports.document import Document
from carbonpeak.reports.issuer import issuer
from carbonpeak.services.reporting import PeriodResults
from carbonpeak.tables import Column, Table
from carbonpeak.tracking.evaluate import Evaluation
from carbonpeak.units import display

# the inventory's intensities, with the basis the name says (accounting.result.INTENSITIES)
INTENSITY_LABELS = {
    "energy_per_gdp_coal_substitution": (
        "单位地区生产总值能耗（等价值）",
        "energy per GDP (coal-substitution basis)",
    ),
    "energy_per_gdp_calorific": ("单位地区生产总值能耗（当量值）", "energy per GDP (calorific basis)"),
    "co2_per_gdp": ("单位地区生产总值二氧化碳排放", "CO2 per GDP"),
}


def margin(e: Evaluation) -> float | None:
    """How far the actual is beyond the target (positive: better than the target), in its unit."""
    if e.actual is None:
        return None
    if e.comparator == "increase":
        return None if e.base_value is None else e.actual - e.base_value
    if e.target is None:
        return None
    if e.comparator in ("<=", "<"):
        return e.target - e.actual
    return e.actual - e.target


def targets_table(r: PeriodResults, lang: Lang) -> Table:
    cols = (
        Column("name", "指标", "indicator"),
        Column("target", "目标值", "target", kind="number", decimals=2),
        Column("unit", "单位", "unit"),
        Column("actual", f"{r.year_to}年实际值", f"actual {r.year_to}", kind="number", decimals=2),
        Column("met", "是否完成", "met"),
        Column(
            "margin",
            "超出（+）或差距（−）",
            "beyond (+) or short of (−) the target",
            kind="number",
            decimals=2,
        ),
        Column("aspirational", "力争目标", "stretch target"),
        Column("owner", "责任单位", "responsible unit"),
    )
    rows = tuple(
        (
            e.name,
            e.target,
            e.unit or "",
            e.actual,
            None if e.status == labels.NO_DATA else e.status == labels.MET,
            margin(e),
            e.aspirational,
            unit_name(r.meta, e.owner, lang),
        )
        for e in r.targets
    )
    title = w(lang, f"{r.year_to}年目标完成情况", f"Targets of {r.year_to}")
    return Table("目标完成情况", cols, rows, title=title, name_en="targets", title_en=title)


def reductions_table(r: PeriodResults, lang: Lang) -> Table:
    cols = (
        Column("indicator", "指标", "indicator"),
        Column("base", f"{r.year_from - 1}年", f"{r.year_from - 1}", kind="number", decimals=4),
        Column("end", f"{r.year_to}年", f"{r.year_to}", kind="number", decimals=4),
        Column("cumulative", "累计下降", "cumulative reduction", kind="percent"),
        Column("average", "年均下降", "average annual reduction", kind="percent"),
    )
    by_year = {i.year: i for i in r.inventory}
    first, last = by_year.get(r.year_from - 1), by_year.get(r.year_to)
    rows = []
    for key, names in INTENSITY_LABELS.items():
        start = first.indicators.get(key) if first else None
        end = last.indicators.get(key) if last else None
        cumulative = average = None
        if start and end is not None:
            cumulative = 1 - end / start
            average = 1 - (end / start) ** (1 / (r.year_to - r.year_from + 1))
        rows.append((w(lang, *names), start, end, cumulative, average))
    title = w(
        lang,
        f"“十四五”期间强度累计下降（{r.year_from - 1}—{r.year_to}年，不变价）",
        f"Cumulative intensity reductions {r.year_from - 1}–{r.year_to} (constant prices)",
    )
    return Table("强度累计下降", cols, tuple(rows), title=title, name_en="reductions", title_en=title)


def document(r: PeriodResults, lang: Lang = "zh-CN") -> Document:
    span = f"{r.year_from}—{r.year_to}"
    title = w(
        lang,
        f"{r.meta.district}“十四五”碳达峰目标完成情况评估报告（{span}年）",
        f"{r.meta.district}: evaluation of the targets {span}",
    )
    doc = Document(
        title, issuer(r.meta.district, lang), r.meta.as_of, lang, r.meta.illustrative, r.meta.plan_title
    )
    counts = Counter(e.status for e in r.targets)
    missed = [e for e in r.targets if e.status not in (labels.MET, labels.NO_DATA)]
    doc.heading(1, w(lang, "总体情况", "Summary"))
    if lang == "en":
        doc.paragraph(
            f"The plan sets {len(r.targets)} targets for {r.year_to}: {counts[labels.MET]} are met, "
            f"{len(missed)} are not met and {counts[labels.NO_DATA]} have no value."
        )
    else:
        doc.paragraph(
            f"规划设定{r.year_to}年目标{len(r.targets)}项：已完成{counts[labels.MET]}项，未完成{len(missed)}项，"
            f"无数据{counts[labels.NO_DATA]}项。"
            + (f"未完成的目标为：{'、'.join(e.name for e in missed)}。" if missed else "")
        )
    doc.heading(1, w(lang, "目标完成情况", "Targets"))
    doc.table(targets_table(r, lang))
    doc.heading(1, w(lang, "强度累计下降（官方口径）", "Cumulative intensity reductions (official method)"))
    doc.paragraph(
        w(
            lang,
            "累计下降率 = 1 − 末年强度 ÷ 基年强度；年均下降率 = 1 − (末年强度 ÷ 基年强度)^(1/n)，"
            "地区生产总值按基年不变价。",
            "Cumulative reduction = 1 − I_end / I_base; average annual rate = 1 − (I_end / I_base)^(1/n); "
            "GDP at constant prices of the base year.",
        )
    )
    doc.table(reductions_table(r, lang))
    for e in r.targets:
        if e.metric and e.metric.endswith("_reduction") and e.actual is not None:
            doc.paragraph(
                w(
                    lang,
                    f"{e.name}：{span}年累计下降{display.percent(e.actual)}"
                    + (f"，目标{display.percent(e.target)}" if e.target is not None else "，目标按上级下达")
                    + "。",
                    f"{e.name}: cumulative reduction {display.percent(e.actual)} over {span}"
                    + (f", target {display.percent(e.target)}" if e.target is not None else "")
                    + ".",
                )
            )
    return doc
