"""The dispatch notice (调度通知) of one responsible unit from ``services.reporting.DispatchResults``:
its indicators and tasks, what it reported, what is late or returned, what it must report next and
by when."""

from __future__ import annotations

from carbonpeak.errors import Lang
from carbonpeak.reports import labels
from carbonpeak.reports.annual import indicator_table, unit_name, w
from carbonpeak.reports.document import Document
from carbonpeak.reports.issuer import issuer
from carbonpeak.services.reporting import DispatchResults
from carbonpeak.tables import Column, Table


def document(r: DispatchResults, lang: Lang = "zh-CN") -> Document:
    unit = unit_name(r.meta, r.unit_id, lang)
    when = labels.period(r.year, r.period, lang)
    title = w(lang, f"关于{when}碳达峰工作调度情况的通知", f"Dispatch notice, {when}")
    doc = Document(title, issuer(r.meta.district, lang), r.meta.as_of, lang, r.meta.illustrative, unit)
    titles = {t.task_id: t.title for t in r.tasks}
    late = [a for a in r.alerts if a.kind in ("late_report", "missing_report", "overdue_milestone")]
    doc.paragraph(
        w(
            lang,
            f"{unit}：根据《{r.meta.plan_title}》关于定期调度的要求，现将贵单位{when}碳达峰工作情况通知如下。"
            f"贵单位牵头或配合任务{len(r.tasks)}项，负责指标{len(r.indicators)}项；已报送{len(r.reported)}条，"
            f"被退回{len(r.returned)}条，逾期或未报送{len(late)}项。",
            f"To {unit}: as the plan “{r.meta.plan_title}” requires regular dispatch, this notice "
            f"sets out your carbon peak work for {when}: {len(r.tasks)} tasks, "
            f"{len(r.indicators)} indicators; "
            f"{len(r.reported)} reports made, {len(r.returned)} returned, {len(late)} late or missing.",
        )
    )
    doc.heading(1, w(lang, "负责的指标", "Indicators"))
    doc.table(indicator_table(r.meta, r.indicators, "负责指标", w(lang, "负责的指标", "Indicators"), lang))
    doc.heading(1, w(lang, "负责的任务", "Tasks"))
    tcols = (
        Column("task", "任务", "task"),
        Column("role", "职责", "role"),
        Column("status", "最新进展", "latest status"),
    )
    trows = tuple(
        (
            t.title,
            w(lang, "牵头", "lead") if t.lead == r.unit_id else w(lang, "配合", "support"),
            labels.task_status(t.status, lang),
        )
        for t in r.tasks
    )
    doc.table(Table("负责任务", tcols, trows, title=w(lang, "负责的任务", "Tasks"), name_en="tasks"))
    doc.heading(1, w(lang, "报送情况", "Reports"))
    rcols = (
        Column("task", "任务", "task"),
        Column("period", "报告期", "period"),
        Column("status", "进展", "status"),
        Column("state", "状态", "state"),
        Column("at", "时间", "time", kind="date"),
    )

    def rows(items: list[dict[str, object]]) -> tuple[tuple[object, ...], ...]:
        return tuple(
            (
                titles.get(str(i["task_id"]), str(i["task_id"])),
                labels.period(r.year, str(i["period"]), lang),
                labels.task_status(str(i["status"]), lang),
                labels.state(str(i["state"]), lang),
                i["at"],
            )
            for i in items
        )

    doc.table(
        Table("已报送", rcols, rows(r.reported), title=w(lang, "已报送", "Reported"), name_en="reported")
    )
    doc.table(
        Table(
            "被退回", rcols, rows(r.returned), title=w(lang, "被退回需重报", "Returned"), name_en="returned"
        )
    )
    acols = (Column("kind", "问题", "issue"), Column("item", "事项", "item"))
    arows = tuple(
        (
            labels.alert_kind(a.kind, lang),
            r.meta.items.get(a.item, a.item)
            + (f"（{labels.period(a.year, a.period, lang)}）" if a.period else ""),
        )
        for a in r.alerts
    )
    doc.table(
        Table(
            "逾期与提醒",
            acols,
            arows,
            title=w(lang, "逾期、未报送及提醒", "Late, missing, alerts"),
            name_en="alerts",
        )
    )
    doc.heading(1, w(lang, "下期报送要求", "What to report next"))
    if r.next_reports:
        first = min(r.next_reports, key=lambda n: n.due)
        doc.paragraph(
            w(
                lang,
                f"请于{first.due.year}年{first.due.month}月{first.due.day}日前报送"
                f"{labels.period(first.year, first.period, lang)}下表所列任务的进展及佐证材料；"
                "其余任务按表中截止日期报送。",
                f"Report the progress of the tasks below for "
                f"{labels.period(first.year, first.period, lang)}, with evidence, "
                f"by {first.due.isoformat()}; the others by the dates in the table.",
            )
        )
    ncols = (
        Column("task", "任务", "task"),
        Column("period", "报告期", "period"),
        Column("due", "截止日期", "due", kind="date"),
    )
    nrows = tuple((n.title, labels.period(n.year, n.period, lang), n.due) for n in r.next_reports)
    doc.table(Table("下期报送", ncols, nrows, title=w(lang, "下期应报送", "Due next"), name_en="next"))
    return doc
