"""The 通报 list: the units and items the office proposes for 通报批评 and for 表彰, with the
rubric's reasons, as a sheet the office edits (a drop-down for the proposal, an empty column for
its decision) before it is issued."""

from __future__ import annotations

from carbonpeak.errors import Lang
from carbonpeak.reports import labels
from carbonpeak.reports.annual import unit_name, w
from carbonpeak.services.reporting import AnnualResults
from carbonpeak.tables import Book, Column, Table
from carbonpeak.units import display


def notice_book(r: AnnualResults, lang: Lang) -> Book:
    criticise, praise = w(lang, "通报批评", "criticism"), w(lang, "表彰", "praise")
    best, failing = (r.grades[0], r.grades[-1]) if r.grades else (None, None)
    rows: list[tuple[object, ...]] = []
    for a in sorted(r.assessments, key=lambda a: (-a.score, a.unit)):
        if a.grade == best:
            rows.append(
                (
                    praise,
                    unit_name(r.meta, a.unit, lang),
                    w(lang, "年度考核", "annual assessment"),
                    a.score,
                    labels.grade(a.grade, lang),
                    "",
                    "",
                )
            )
    for a in sorted(r.assessments, key=lambda a: (a.score, a.unit)):
        if a.grade == failing:
            reasons = "；".join(
                f"{labels.component(d.component, lang)}：{d.reason}（{display.number(d.points_lost)}）"
                for d in a.deductions
            )
            rows.append(
                (
                    criticise,
                    unit_name(r.meta, a.unit, lang),
                    reasons,
                    a.score,
                    labels.grade(a.grade, lang),
                    "",
                    "",
                )
            )
    for e in r.evaluations:
        if e.status == labels.SEVERE:
            rows.append(
                (
                    criticise,
                    unit_name(r.meta, e.owner, lang),
                    e.name,
                    None,
                    labels.status(e.status, lang),
                    "",
                    "",
                )
            )
    for al in r.alerts:
        if al.kind == "late_report":
            item = r.meta.items.get(al.item, al.item) + (
                f"（{labels.period(al.year, al.period, lang)}）" if al.period else ""
            )
            rows.append(
                (
                    criticise,
                    unit_name(r.meta, al.unit_id, lang),
                    item,
                    None,
                    labels.alert_kind(al.kind, lang),
                    "",
                    "",
                )
            )
    cols = (
        Column("proposal", "拟处理", "proposal", choices=(criticise, praise, w(lang, "不予通报", "none"))),
        Column("unit", "责任单位", "unit"),
        Column("item", "事项及理由", "item and reasons"),
        Column("score", "考核得分", "score", kind="number", decimals=1),
        Column("grade", "等次或状态", "grade or status"),
        Column("decision", "办公室意见", "office decision", width=30),
        Column("note", "备注", "note", width=20),
    )
    title = w(
        lang, f"{r.year}年度拟通报名单（供审定）", f"Proposed notices {r.year} (for the office to decide)"
    )
    if r.meta.illustrative:
        title += w(lang, "（示例数据）", " (示例数据, illustrative)")
    table = Table(
        "通报名单", cols, tuple(rows), title=title, name_en="notices", title_en=title, input_rows=20
    )
    return Book((table,), title=title)
