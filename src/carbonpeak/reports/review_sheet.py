"""The energy review sheet (固定资产投资项目节能审查意见表) of one proposed project as a ``Document``.

Pure: it takes the computed review (the plain result of ``carbonpeak.ledgers.review``, as the CLI
prints it as JSON and the database stores it) and lays it out; it computes nothing. The same
document gives the PDF, DOCX and HTML (``reports.render``); the web download and the CLI's ``--out``
call this one function, so their files are the same bytes for the same review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from carbonpeak.errors import Lang
from carbonpeak.reports.document import Document
from carbonpeak.reports.issuer import issuer
from carbonpeak.tables import Column, Table
from carbonpeak.units import display


def _w(lang: Lang, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _items(name: str, title: str, rows: list[tuple[str, str]], lang: Lang) -> Table:
    cols = (Column("item", "项目", "item"), Column("value", "内容", "value"))
    return Table(name, cols, tuple(rows), title=title, name_en=name)


def _share(value: float | None) -> str:
    return display.percent(None if value is None else value * 100.0)


def document(result: Mapping[str, Any], district: str, lang: Lang = "zh-CN") -> Document:
    """The review sheet: the project, its energy and emissions, its efficiency, the district's room
    and the project's effect on it, the result with every reason and the clause it cites."""
    key = "en" if lang == "en" else "zh"
    room = result.get("headroom")
    illustrative = bool(room and room.get("illustrative"))
    title = _w(lang, "固定资产投资项目节能审查意见表", "Energy review sheet of an investment project")
    day = dt.date.fromisoformat(str(result["review_date"]))
    doc = Document(title, issuer(district, lang), day, lang, illustrative, str(result["name"]))
    q = display.quantity
    tier_en = result["tier_label"]["en"]
    doc.paragraph(
        _w(
            lang,
            f"审查结论：{result['result_label']['zh']}。适用{result['edition']['title']}，"
            f"{'免于单独节能审查' if result['exempt'] else '审查层级：' + result['tier_label']['zh']}。",
            f"Result: {result['result_label']['en']}. Rules applied: {result['edition']['title']}; "
            + ("exempt from separate review." if result["exempt"] else f"review tier: {tier_en}."),
        )
    )
    doc.heading(1, _w(lang, "项目概况", "The project"))
    equipment = "、".join(result.get("equipment") or []) or _w(lang, "未申报", "none declared")
    fuels = "、".join(result.get("method", {}).get("fuels", {}).values()) or display.MISSING
    doc.table(
        _items(
            "项目概况",
            _w(lang, "项目概况", "The project"),
            [
                (_w(lang, "项目名称", "project"), str(result["name"])),
                (
                    _w(lang, "行业（GB/T 4754-2017）", "industry (GB/T 4754-2017)"),
                    f"{result['industry']} {result.get('industry_name', '')}".strip(),
                ),
                (_w(lang, "主要用能设备", "equipment"), equipment),
                (_w(lang, "能源品种", "fuels"), fuels),
                (_w(lang, "审查日期", "review date"), day.isoformat()),
                (_w(lang, "适用办法", "rules applied"), str(result["edition"]["title"])),
            ],
            lang,
        )
    )
    doc.heading(1, _w(lang, "能源消费与碳排放", "Energy and emissions"))
    intensity = result["intensity"]
    per = intensity["output_unit"]
    rows = [
        (_w(lang, "综合能耗（当量值）", "energy, calorific basis"),
         q(result["energy_tce"]["calorific"], "tce", lang=lang)),
        (_w(lang, "综合能耗（等价值）", "energy, coal-substitution basis"),
         q(result["energy_tce"]["coal_substitution"], "tce", lang=lang)),
        (_w(lang, "煤炭消费量", "coal"), q(result["coal_t"], "t", lang=lang)),
        (_w(lang, "二氧化碳排放量", "CO2"), q(result["co2_t"], "tCO2", lang=lang)),
        (_w(lang, "单位产品综合能耗", "energy per unit of output"),
         f"{display.number(intensity['tce_per_output'], 4)} tce/{per}"),
        (_w(lang, "单位产品碳排放", "CO2 per unit of output"),
         f"{display.number(intensity['tco2_per_output'], 4)} tCO2/{per}"),
    ]  # fmt: skip
    if intensity.get("tce_per_10k_yuan") is not None:
        rows.append(
            (
                _w(lang, "单位增加值能耗", "energy per 10k yuan value added"),
                f"{display.number(intensity['tce_per_10k_yuan'], 4)} tce/万元",
            )
        )
    doc.table(_items("能耗与排放", _w(lang, "能源消费与碳排放", "Energy and emissions"), rows, lang))
    doc.heading(1, _w(lang, "能效水平", "Efficiency"))
    bench = result.get("benchmark")
    if bench is None:
        doc.paragraph(_w(lang, "该产品无对应的能效标杆水平和基准水平。", "No benchmark for this product."))
    else:
        levels = {
            "benchmark_met": _w(lang, "达到标杆水平", "at or better than the benchmark"),
            "between": _w(lang, "介于标杆水平与基准水平之间", "between benchmark and baseline"),
            "baseline_not_met": _w(lang, "劣于基准水平", "worse than the baseline"),
        }
        doc.paragraph(
            _w(
                lang,
                f"{bench['product']}单位产品能耗 {display.number(bench['value'])} {bench['unit']}，"
                f"标杆水平 {display.number(bench['benchmark'])}，"
                f"基准水平 {display.number(bench['baseline'])}："
                f"{levels[bench['level']]}（{bench['source']}，{bench['edition']}）。",
                f"{bench['product']}: {display.number(bench['value'])} {bench['unit']}; benchmark "
                f"{display.number(bench['benchmark'])}, baseline {display.number(bench['baseline'])}: "
                f"{levels[bench['level']]} ({bench['source']}, {bench['edition']}).",
            )
        )
    if room is not None:
        doc.heading(1, _w(lang, "区域能耗和碳排放空间", "The district's room"))
        effect = room["effect"]

        def trio(name: str, keys: tuple[str, ...]) -> str:
            return " / ".join(_share(effect[f"{name}_{k}"]) for k in keys)

        both, three = ("without", "with"), ("without", "with", "target")
        rrows = [
            (_w(lang, "地区及目标年", "district, target year"), f"{room['district']} {room['target_year']}"),
            (
                _w(lang, "剩余能耗空间", "remaining energy room"),
                q(room["remaining_energy_tce"], "tce", lang=lang),
            ),
            (_w(lang, "项目占剩余能耗空间", "share of the energy room"), _share(room["energy_share"])),
            (_w(lang, "剩余碳排放空间", "remaining CO2 room"), q(room["remaining_co2_t"], "tCO2", lang=lang)),
            (_w(lang, "项目占剩余碳排放空间", "share of the CO2 room"), _share(room["co2_share"])),
            (
                _w(
                    lang,
                    "能耗强度累计下降（无项目/有项目/目标）",
                    "energy intensity cut (without/with/target)",
                ),
                trio("energy_intensity_reduction", three),
            ),
            (
                _w(
                    lang,
                    "碳排放强度累计下降（无项目/有项目/目标）",
                    "CO2 intensity cut (without/with/target)",
                ),
                trio("co2_intensity_reduction", three),
            ),
            (
                _w(lang, "非化石能源占比（无项目/有项目）", "non-fossil share (without/with)"),
                trio("non_fossil_share", both),
            ),
            (_w(lang, "数据来源", "source"), str(room.get("source") or display.MISSING)),
        ]
        doc.table(_items("剩余空间", _w(lang, "区域能耗和碳排放空间", "The district's room"), rrows, lang))
    doc.heading(1, _w(lang, "审查结论及理由", "Result and reasons"))
    doc.paragraph(
        _w(lang, f"审查结论：{result['result_label']['zh']}。", f"Result: {result['result_label']['en']}.")
    )
    cols = (
        Column("n", "序号", "no.", kind="integer"),
        Column("reason", "理由", "reason"),
        Column("clause", "方案条款", "plan clause"),
        Column("source", "依据", "source"),
    )
    reasons = tuple(
        (n, str(r[key]), r.get("clause") or display.MISSING, str(r["source"]))
        for n, r in enumerate(result["reasons"], start=1)
    )
    if reasons:
        doc.table(Table("审查理由", cols, reasons, title=_w(lang, "审查理由", "Reasons"), name_en="reasons"))
    else:
        doc.paragraph(_w(lang, "未触发任何限制性规则。", "No rule fired."))
    return doc
