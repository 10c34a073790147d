"""The annual evaluation report (年度碳达峰工作评估报告) from ``services.reporting.AnnualResults``.

Pure: it takes the computed results and builds a ``Document`` whose tables are the XLSX annex. The
summary is written from the figures (which indicators are met, how CO2 moved, the peak, the grades),
not boilerplate. Quantities are shown in the office's units (``units.display``: 万吨CO2, 万吨标准煤).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from carbonpeak.errors import Lang
from carbonpeak.reports import charts, labels
from carbonpeak.reports.document import Document
from carbonpeak.reports.issuer import issuer
from carbonpeak.scenarios.lmdi import Decomposition
from carbonpeak.services.reporting import AnnualResults, InventoryYear, Meta
from carbonpeak.tables import Book, Column, Table
from carbonpeak.tracking.evaluate import Evaluation
from carbonpeak.units import display

CO2_UNIT = "吨二氧化碳"
ENERGY_UNIT = "吨标准煤"
PART_LABELS = {
    "co2_combustion": ("化石能源燃烧", "fuel combustion"),
    "co2_electricity": ("净调入电力", "purchased electricity"),
    "co2_heat": ("外购热力", "purchased heat"),
    "co2_process": ("工业过程", "industrial processes"),
}
FACTOR_LABELS = {
    "population": ("人口规模", "population"),
    "gdp_per_capita": ("人均GDP（经济活动）", "GDP per head (activity)"),
    "energy_intensity": ("能耗强度", "energy intensity"),
    "structure": ("部门结构", "sector structure"),
    "fuel_mix": ("燃料结构", "fuel mix"),
    "emission_factor": ("排放因子（含电网因子）", "emission factor (incl. grid factor)"),
}


def w(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def co2(value_t: float) -> float:
    return display.in_district_unit(value_t, CO2_UNIT)[0]


def co2_label(lang: Lang) -> str:
    rule = display.district_unit(CO2_UNIT)
    assert rule is not None
    return rule.label_en if lang == "en" else rule.label


def energy_label(lang: Lang) -> str:
    rule = display.district_unit(ENERGY_UNIT)
    assert rule is not None
    return rule.label_en if lang == "en" else rule.label


def unit_name(meta: Meta, unit: str | None, lang: Lang) -> str:
    if unit is None:
        return display.MISSING
    return (meta.units_en if lang == "en" else meta.units).get(unit, unit)


def indicator_table(
    meta: Meta, evaluations: Sequence[Evaluation], name: str, title: str, lang: Lang
) -> Table:
    """Target, actual, the path's required value and status of each indicator."""
    cols = (
        Column("name", "指标", "indicator"),
        Column("target_year", "目标年", "target year", kind="year"),
        Column("target", "目标值", "target", kind="number", decimals=2),
        Column("unit", "单位", "unit"),
        Column("actual", "实际值", "actual", kind="number", decimals=2),
        Column("required", "路径要求值", "required on the path", kind="number", decimals=2),
        Column("status", "状态", "status"),
        Column("owner", "责任单位", "responsible unit"),
    )
    rows = tuple(
        (
            e.name,
            e.target_year,
            e.target,
            e.unit or "",
            e.actual,
            e.required,
            labels.status(e.status, lang),
            unit_name(meta, e.owner, lang),
        )
        for e in evaluations
    )
    return Table(name, cols, rows, title=title, name_en=name, title_en=title)


def inventory_table(inv: Sequence[InventoryYear], base_year: int, lang: Lang) -> Table:
    unit = co2_label(lang)
    cols = (
        Column("year", "年份", "year", kind="year"),
        Column("total", "二氧化碳排放总量", "total CO2", unit=unit, kind="number", decimals=1),
        *(Column(key, zh, en, unit=unit, kind="number", decimals=1) for key, (zh, en) in PART_LABELS.items()),
        Column(
            "energy",
            "能源消费量（当量值）",
            "energy use (calorific)",
            unit=energy_label(lang),
            kind="number",
            decimals=1,
        ),
        Column("yoy", "较上年变化", "change on the year", kind="percent"),
        Column("since_base", f"较{base_year}年变化", f"change since {base_year}", kind="percent"),
    )
    base = next((i for i in inv if i.year == base_year), None)
    rows = []
    previous: InventoryYear | None = None
    for item in inv:
        rows.append(
            (
                item.year,
                co2(item.co2_t),
                *(co2(item.parts_t[k]) for k in PART_LABELS),
                display.in_district_unit(item.energy_tce, ENERGY_UNIT)[0],
                (item.co2_t / previous.co2_t - 1) if previous and previous.co2_t else None,
                (item.co2_t / base.co2_t - 1) if base and base.co2_t and item.year != base_year else None,
            )
        )
        previous = item
    title = w(lang, "碳排放清单（区域边界）", "CO2 inventory (territorial boundary)")
    return Table("碳排放清单", cols, tuple(rows), title=title, name_en="inventory", title_en=title)


def lmdi_table(dec_year: Decomposition | None, dec_base: Decomposition | None, lang: Lang) -> Table | None:
    found = [d for d in (dec_year, dec_base) if d is not None]
    if not found:
        return None
    unit = co2_label(lang)
    cols = (
        Column("factor", "因素", "factor"),
        *(
            Column(
                f"c{d.year_from}",
                f"{d.year_from}—{d.year_to}年贡献",
                f"effect {d.year_from}–{d.year_to}",
                unit=unit,
                kind="number",
                decimals=1,
            )
            for d in found
        ),
    )
    rows = [(w(lang, *FACTOR_LABELS[f]), *(co2(d.additive[f]) for d in found)) for f in found[0].factors]
    rows.append(
        (
            w(lang, "合计（能源活动排放变化）", "total (change of energy CO2)"),
            *(co2(d.total_change) for d in found),
        )
    )
    title = w(lang, "能源活动二氧化碳排放变化的LMDI分解", "LMDI decomposition of the change in energy CO2")
    return Table("LMDI分解", cols, tuple(rows), title=title, name_en="lmdi", title_en=title)


def _summary(r: AnnualResults, lang: Lang) -> list[str]:
    out = []
    counts = Counter(e.status for e in r.evaluations)
    n = len(r.evaluations)
    met = counts[labels.MET] + counts[labels.ON_TRACK]
    severe = [e.name for e in r.evaluations if e.status == labels.SEVERE]
    inv = {i.year: i for i in r.inventory}
    if lang == "en":
        out.append(
            f"Of the {n} quantified targets assessed for {r.year}, {counts[labels.MET]} are met and "
            f"{counts[labels.ON_TRACK]} on track; {counts[labels.AT_RISK]} are at risk, "
            f"{len(severe)} severely lagging and {counts[labels.NO_DATA]} without data."
        )
    else:
        out.append(
            f"{r.year}年纳入评估的{n}项量化指标中，已达标{counts[labels.MET]}项、进展顺利{counts[labels.ON_TRACK]}项"
            f"（合计{met}项），存在风险{counts[labels.AT_RISK]}项，严重滞后{len(severe)}项，"
            f"无数据{counts[labels.NO_DATA]}项。"
            + (f"严重滞后的指标为：{'、'.join(severe)}。" if severe else "")
        )
    now, before, base = inv.get(r.year), inv.get(r.year - 1), inv.get(r.base_year)
    if now is not None:
        total = display.quantity(now.co2_t, CO2_UNIT, lang=lang)
        parts = []
        if before is not None and before.co2_t:
            parts.append(display.percent((now.co2_t / before.co2_t - 1) * 100))
        if base is not None and base.co2_t and r.base_year != r.year:
            parts.append(display.percent((now.co2_t / base.co2_t - 1) * 100))
        if lang == "en":
            out.append(
                f"CO2 emissions were {total} in {r.year}"
                + (f", {parts[0]} on the year" if before is not None and parts else "")
                + (f" and {parts[-1]} since {r.base_year}" if len(parts) == 2 else "")
                + "."
            )
        else:
            out.append(
                f"{r.year}年全区二氧化碳排放总量{total}"
                + (f"，较上年变化{parts[0]}" if before is not None and parts else "")
                + (f"，较{r.base_year}年变化{parts[-1]}" if len(parts) == 2 else "")
                + "。"
            )
    if r.decomposition_year is not None:
        d = r.decomposition_year
        top = max(d.factors, key=lambda f: abs(d.additive[f]))
        effect = display.quantity(d.additive[top], CO2_UNIT, lang=lang)
        out.append(
            w(
                lang,
                f"LMDI分解表明，影响最大的因素是{FACTOR_LABELS[top][0]}（{effect}）。",
                f"The LMDI decomposition shows {FACTOR_LABELS[top][1]} as the largest effect ({effect}).",
            )
        )
    for s in r.scenarios:
        p = f"{display.percent(s.p_peak_by * 100)}" if s.p_peak_by is not None else display.MISSING
        peak_zh = display.quantity(s.peak_co2_t, CO2_UNIT)
        peak_en = display.quantity(s.peak_co2_t, CO2_UNIT, lang="en")
        if s.peak_observed:  # the peak year is an observed (inventory) year, not a projection
            zh = (
                f"“{s.title}”情景下，{s.peak_year}年的实际排放（统计数据，截至{s.observed_until}年）即为峰值，"
                f"峰值{peak_zh}，此后预计不再超过；{s.by_year}年前达峰的概率为{p}。"
            )
            en = (
                f"Scenario “{s.id}”: the observed {s.peak_year} emissions (inventory data to "
                f"{s.observed_until}) are the peak, {peak_en}, not exceeded in the projection; "
                f"P(peak by {s.by_year}) {p}."
            )
        else:
            zh = f"“{s.title}”情景下预计{s.peak_year}年达峰，峰值{peak_zh}，{s.by_year}年前达峰的概率为{p}。"
            en = (
                f"Scenario “{s.id}”: projected peak in {s.peak_year} at {peak_en}; "
                f"P(peak by {s.by_year}) {p}."
            )
        out.append(w(lang, zh, en))
    grades = Counter(a.grade for a in r.assessments)
    shown = "、".join(f"{labels.grade(g, 'zh-CN')}{grades[g]}个" for g in r.grades if grades[g])
    shown_en = ", ".join(f"{labels.grade(g, 'en')}: {grades[g]}" for g in r.grades if grades[g])
    out.append(
        w(
            lang,
            f"{len(r.assessments)}个责任单位的考核结果为：{shown}。",
            f"Assessment of {len(r.assessments)} responsible units: {shown_en}.",
        )
    )
    return out


def _scenario_table(r: AnnualResults, lang: Lang) -> Table:
    unit = co2_label(lang)
    by = r.scenarios[0].by_year if r.scenarios else 2030
    cols = (
        Column("scenario", "情景", "scenario"),
        Column("peak_year", "峰值年", "peak year", kind="year"),
        Column("basis", "峰值依据", "peak from"),
        Column("peak", "峰值", "peak", unit=unit, kind="number", decimals=1),
        Column("by", f"{by}年前达峰", f"peaked by {by}"),
        Column("p", f"{by}年前达峰概率", f"P(peak by {by})", kind="percent"),
        Column("p5", f"{by}年排放P5", f"CO2 {by} P5", unit=unit, kind="number", decimals=1),
        Column("p95", f"{by}年排放P95", f"CO2 {by} P95", unit=unit, kind="number", decimals=1),
        Column("samples", "样本数", "samples", kind="integer"),
    )
    rows = tuple(
        (
            s.title if lang == "zh-CN" else s.id,
            s.peak_year,
            w(lang, "统计数据（已观测）", "observed (inventory)")
            if s.peak_observed
            else w(lang, "情景预测", "projection"),
            co2(s.peak_co2_t),
            s.peaked_by,
            s.p_peak_by,
            co2(s.bands["p5"][by]) if s.bands and by in s.bands["p5"] else None,
            co2(s.bands["p95"][by]) if s.bands and by in s.bands["p95"] else None,
            s.samples,
        )
        for s in r.scenarios
    )
    title = w(lang, "达峰预测（情景与不确定性）", "Peak projection (scenarios and uncertainty)")
    return Table("达峰预测", cols, rows, title=title, name_en="peak", title_en=title)


def _task_tables(r: AnnualResults, lang: Lang) -> tuple[Table, Table]:
    codes = ("done", "in_progress", "not_started", "delayed", None)
    by_action: dict[str, Counter[str | None]] = {}
    for t in r.tasks:
        by_action.setdefault(t.action_id, Counter())[t.status] += 1
    cols = (
        Column("action", "行动", "action"),
        Column("tasks", "任务数", "tasks", kind="integer"),
        *(
            Column(f"s{i}", labels.task_status(c, "zh-CN"), labels.task_status(c, "en"), kind="integer")
            for i, c in enumerate(codes)
        ),
    )
    rows = []
    for action, counts in by_action.items():
        clause, title, title_en = r.meta.actions.get(action, (action, action, None))
        name = f"{clause} {title_en or title}" if lang == "en" else f"{clause} {title}"
        rows.append((name, sum(counts.values()), *(counts[c] for c in codes)))
    title = w(lang, "重点任务进展（按行动）", "Task progress by action")
    summary = Table("任务进展", cols, tuple(rows), title=title, name_en="tasks", title_en=title)
    dcols = (
        Column("task", "任务", "task"),
        Column("lead", "牵头单位", "lead unit"),
        Column("status", "最新进展", "latest status"),
        Column("period", "报告期", "period"),
    )
    drows = tuple(
        (
            t.title,
            unit_name(r.meta, t.lead, lang),
            labels.task_status(t.status, lang),
            labels.period(r.year, t.period, lang) if t.period else display.MISSING,
        )
        for t in r.tasks
    )
    dtitle = w(lang, "重点任务明细", "Tasks")
    return summary, Table("任务明细", dcols, drows, title=dtitle, name_en="task list", title_en=dtitle)


def scorecard_table(r: AnnualResults, lang: Lang) -> Table:
    cols = (
        Column("unit", "责任单位", "unit"),
        Column("score", "得分", "score", kind="number", decimals=1),
        Column("grade", "等次", "grade"),
        Column("lost", "扣分", "points lost", kind="number", decimals=1),
        Column("reasons", "扣分原因", "reasons"),
    )
    rows = tuple(
        (
            unit_name(r.meta, a.unit, lang),
            a.score,
            labels.grade(a.grade, lang),
            100 - a.score,
            "；".join(
                f"{labels.component(d.component, lang)}：{d.reason}（{display.number(d.points_lost)}）"
                for d in a.deductions
            ),
        )
        for a in sorted(r.assessments, key=lambda a: (-a.score, a.unit))
    )
    title = w(lang, "责任单位考核得分", "Scorecard of the responsible units")
    return Table("考核得分", cols, rows, title=title, name_en="scorecard", title_en=title)


def items_table(r: AnnualResults, lang: Lang) -> Table:
    """What the office proposes for 通报 and what it follows up."""
    failing = r.grades[-1] if r.grades else None
    rows: list[tuple[str, str, str, str]] = []
    notice, follow = w(lang, "通报", "notice"), w(lang, "跟进", "follow-up")
    for a in sorted(r.assessments, key=lambda a: a.score):
        if a.grade == failing:
            rows.append(
                (
                    notice,
                    unit_name(r.meta, a.unit, lang),
                    w(lang, "考核等次", "grade"),
                    f"{labels.grade(a.grade, lang)}（{display.number(a.score)}）",
                )
            )
    for e in r.evaluations:
        if e.status == labels.SEVERE:
            rows.append((notice, unit_name(r.meta, e.owner, lang), e.name, labels.status(e.status, lang)))
        elif e.status == labels.AT_RISK:
            rows.append((follow, unit_name(r.meta, e.owner, lang), e.name, labels.status(e.status, lang)))
    for al in r.alerts:
        if al.kind == "severely_lagging":
            continue  # (listed above from the evaluation)
        what = r.meta.items.get(al.item, al.item)
        where = f"{what}（{labels.period(al.year, al.period, lang)}）" if al.period else what
        rows.append(
            (
                notice if al.kind == "late_report" else follow,
                unit_name(r.meta, al.unit_id, lang),
                where,
                labels.alert_kind(al.kind, lang),
            )
        )
    cols = (
        Column("kind", "类别", "kind"),
        Column("unit", "责任单位", "unit"),
        Column("item", "事项", "item"),
        Column("reason", "原因", "reason"),
    )
    title = w(lang, "拟通报及跟进事项", "Items proposed for notice and follow-up")
    return Table("通报与跟进", cols, tuple(rows), title=title, name_en="items", title_en=title)


def document(r: AnnualResults, lang: Lang = "zh-CN") -> Document:
    """The annual evaluation report of ``r.year``."""
    title = w(
        lang,
        f"{r.meta.district}{r.year}年度碳达峰工作评估报告",
        f"{r.meta.district}: carbon peak evaluation report {r.year}",
    )
    doc = Document(
        title=title,
        issuer=issuer(r.meta.district, lang),
        date=r.meta.as_of,
        lang=lang,
        illustrative=r.meta.illustrative,
        subtitle=r.meta.plan_title,
    )
    doc.heading(1, w(lang, "总体情况", "Summary"))
    for text in _summary(r, lang):
        doc.paragraph(text)
    doc.heading(1, w(lang, "主要指标完成情况", "Headline indicators"))
    doc.paragraph(
        w(
            lang,
            "规划第二部分主要目标在本年度的实际值、按路径应达到的值及状态如下。",
            "The headline targets of part 二 of the plan: actual value, the value required on the path, "
            "status.",
        )
    )
    doc.table(
        indicator_table(
            r.meta,
            r.headline,
            "主要指标",
            w(lang, f"{r.year}年主要指标完成情况", f"Headline indicators {r.year}"),
            lang,
        )
    )
    doc.heading(1, w(lang, "碳排放清单及变化", "Emission inventory and its change"))
    doc.table(inventory_table(r.inventory, r.base_year, lang))
    if r.inventory:
        years = [i.year for i in r.inventory]
        parts = {w(lang, *PART_LABELS[k]): [co2(i.parts_t[k]) for i in r.inventory] for k in PART_LABELS}
        doc.figure(
            charts.stacked(
                years, parts, ylabel=co2_label(lang), title=w(lang, "二氧化碳排放构成", "CO2 by source")
            ),
            w(lang, "二氧化碳排放构成", "CO2 by source"),
        )
    lmdi = lmdi_table(r.decomposition_year, r.decomposition_base, lang)
    if lmdi is not None:
        doc.heading(2, w(lang, "排放变化的因素分解", "Decomposition of the change"))
        doc.paragraph(
            w(
                lang,
                "采用LMDI-I加法分解（Ang 2005），无残差；电力、热力按其供应排放计入排放因子。",
                "LMDI-I additive decomposition (Ang 2005), exact; electricity and heat carry the CO2 of "
                "their supply.",
            )
        )
        doc.table(lmdi)
        d = r.decomposition_base or r.decomposition_year
        assert d is not None
        doc.figure(
            charts.bars(
                [w(lang, *FACTOR_LABELS[f]) for f in d.factors],
                [co2(d.additive[f]) for f in d.factors],
                ylabel=co2_label(lang),
                title=f"{d.year_from}—{d.year_to}",
            ),
            w(
                lang,
                f"{d.year_from}—{d.year_to}年排放变化的因素贡献",
                f"Effects on the change {d.year_from}–{d.year_to}",
            ),
        )
    doc.heading(1, w(lang, "达峰形势预测", "Peak projection"))
    if r.scenarios:
        doc.table(_scenario_table(r, lang))
        series = {
            (s.title if lang == "zh-CN" else s.id): {y: co2(v) for y, v in s.trajectory.items()}
            for s in r.scenarios
        }
        bands = {
            (s.title if lang == "zh-CN" else s.id): (
                {y: co2(v) for y, v in s.bands["p5"].items()},
                {y: co2(v) for y, v in s.bands["p95"].items()},
            )
            for s in r.scenarios
            if s.bands
        }
        doc.figure(
            charts.lines(
                series,
                ylabel=co2_label(lang),
                title=w(lang, "二氧化碳排放预测", "Projected CO2"),
                bands=bands,
                mark_year=r.scenarios[0].by_year,
            ),
            w(lang, "各情景二氧化碳排放预测（阴影为P5—P95）", "Projected CO2 by scenario (shaded: P5–P95)"),
        )
    doc.heading(1, w(lang, "重点任务进展", "Task progress"))
    summary, detail = _task_tables(r, lang)
    doc.table(summary)
    doc.table(detail)
    doc.heading(1, w(lang, "责任单位考核", "Assessment of the responsible units"))
    doc.table(scorecard_table(r, lang))
    doc.heading(1, w(lang, "通报及跟进事项", "Items for notice and follow-up"))
    doc.paragraph(
        w(
            lang,
            "考核不合格的单位、严重滞后的目标和逾期报送的事项拟予通报；存在风险的目标和未报送事项列入跟进。",
            "Units that fail the assessment, targets severely lagging and late reports are proposed "
            "for notice; targets at risk and missing reports for follow-up.",
        )
    )
    doc.table(items_table(r, lang))
    return doc


def annex(doc: Document) -> Book:
    """Every table of the report, one sheet each, for the one table writer."""
    return Book(doc.tables(), title=doc.title)
