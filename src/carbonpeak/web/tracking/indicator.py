"""The indicator page (指标) and ``/api/v1/indicators/{id}/evaluation``: one indicator over time, per year the
actual value (核算 computed or 填报 reported, with its source), the required value on the path, the gap
and the status, plus the trend projection to the target year and the chart series.

Every number comes from ``tracking.evaluate.evaluate_indicator`` (the formulas are in
docs/tracking.md); this module only picks the years and arranges the rows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.plan import Indicator, Plan
from carbonpeak.tracking.evaluate import Evaluation
from carbonpeak.web.core.auth import READERS, OwnedIndicator, Principal, permit
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.tracking_service import default_year, year_context
from carbonpeak.web.plan.views import NO_DATA, STATUSES, indicator_row, target_status, task_row
from carbonpeak.web.tracking.publishing import publishing
from carbonpeak.web.tracking.views import service

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["v1"])

Reader = Annotated[Principal, Depends(permit(*READERS, scoped=True))]

_WORDS: dict[str, tuple[str, str]] = {
    "over_time": ("逐年进展", "Progress by year"),
    "year": ("年份", "Year"),
    "actual": ("实际值", "Actual"),
    "kind": ("类型", "Type"),
    "source": ("来源", "Source"),
    "required": ("路径要求值", "Required (path)"),
    "gap": ("差距", "Gap"),
    "status": ("状态", "Status"),
    "computed": ("核算", "computed"),
    "reported": ("填报", "reported"),
    "projection": ("趋势外推", "Trend projection"),
    "target": ("目标", "Target"),
    "meets": ("可达标", "meets the target"),
    "misses": ("难以达标", "misses the target"),
    "qualitative": ("定性指标：无数值路径，按任务进展跟踪。", "Qualitative indicator: tracked by its tasks."),
    "no_data": ("无数据：尚无已审核或核算的数值。", "No data: no approved or computed value yet."),
    "no_path": ("无目标路径（目标值未确定或无基期值）。", "No target path (no target value or base value)."),
    "method": ("路径方法", "Path method"),
    "base": ("基期", "Base"),
    "gap_note": ("差距 = 实际值 − 要求值（正数为领先于路径）", "Gap = actual − required (positive: ahead)"),
    "chart_note": (
        "图：实际值（点）、要求路径（虚线）、趋势外推（点线）、目标（菱形）",
        "Chart: actuals (points), required path (dashed), trend (dotted), target (diamond)",
    ),
}
METHOD_LABELS = {
    "linear": "线性",
    "geometric": "几何（等比）",
    "reduction": "累计降低率（等比）",
    "every_year": "期间内每年达到",
}
METHOD_LABELS_EN = {
    "linear": "linear",
    "geometric": "geometric (constant rate)",
    "reduction": "cumulative reduction (constant rate)",
    "every_year": "in every year of the period",
}


def words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def _evaluations(request: Request, ind: Indicator) -> tuple[list[Evaluation], dict[int, list[str]], bool]:
    """The evaluations of ``ind`` for every year of the table, the sources of the reported values,
    and whether demo data are stored; kept per app until the tracking data change."""
    svc = service(request)
    key = (svc.change_stamp(), ind.id)
    cache: dict[str, Any] = getattr(request.app.state, "indicator_evaluations", None) or {}
    if ind.id in cache and cache[ind.id][0] == key:
        return cache[ind.id][1]  # type: ignore[no-any-return]
    over = svc.over_time(ind)
    evaluations, approved, computed = over.evaluations, over.approved, over.computed
    sources: dict[int, list[str]] = {}
    for o in approved:
        where = f"{o.unit_id}: {o.source}" if o.source else o.unit_id
        sources.setdefault(o.year, []).append(f"填报 {o.value:g} ({where})")
    for year, c in computed.items():
        sources.setdefault(year, []).insert(0, f"清单核算 {c.value:g} ({c.factor_set or c.unit or ''})")
    result = (evaluations, sources, svc.is_illustrative())
    cache[ind.id] = (key, result)
    request.app.state.indicator_evaluations = cache
    return result


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def indicator_evaluation(request: Request, ind: Indicator, lang: str = "zh-CN") -> dict[str, Any]:
    """Rows, projection and chart series of one indicator (JSON-ready)."""
    x = words(lang)
    out: dict[str, Any] = {
        "indicator_id": ind.id,
        "name": ind.name,
        "unit": ind.unit,
        "target": ind.value,
        "comparator": ind.comparator,
        "target_year": ind.year,
        "quote": ind.quote,
        "state": "ok",
        "illustrative": False,
        "rows": [],
        "projection": None,
        "chart": None,
    }
    if ind.kind == "qualitative":
        out["state"] = "qualitative"
        return out
    evaluations, sources, illustrative = _evaluations(request, ind)
    out["illustrative"] = illustrative
    first = evaluations[0] if evaluations else None
    out["method"] = first.method if first else None
    labels = METHOD_LABELS_EN if lang == "en" else METHOD_LABELS
    out["method_label"] = labels.get(first.method or "", "") if first else ""
    out["base_year"] = first.base_year if first else None
    out["base_value"] = _num(first.base_value) if first else None
    rows = [_row(e, sources, x, lang) for e in evaluations]
    out["rows"] = rows
    with_actual = [e for e in evaluations if e.actual is not None]
    if not with_actual:
        out["state"] = "no_data"
    latest = with_actual[-1] if with_actual else None
    if latest is not None and latest.projection is not None:
        out["projection"] = {
            "from_year": latest.year,
            "from_value": _num(latest.actual),
            "year": ind.year,
            "value": _num(latest.projection),
            "meets": latest.projection_meets,
        }
    out["chart"] = _chart(ind, rows, out["projection"], x)
    return out


def _row(e: Evaluation, sources: dict[int, list[str]], x: dict[str, str], lang: str) -> dict[str, Any]:
    """One year of the table: actual (with its kind and sources), required, gap and status."""
    status = STATUSES.get(e.status, NO_DATA)
    return {
        "year": e.year,
        "actual": _num(e.actual),
        "value_source": e.value_source,
        "source_label": x.get(e.value_source or "", ""),
        "sources": sources.get(e.year, []) if e.actual is not None else [],
        "reported": _num(e.reported),
        "computed": _num(e.computed),
        "mismatch": e.mismatch,
        "required": _num(e.required),
        "gap": _num(e.gap),
        "progress": _num(e.progress),
        "status": e.status,
        "status_code": status.code,
        "status_label": status.label(lang),
        "notes": e.notes,
    }


def _chart(
    ind: Indicator, rows: list[dict[str, Any]], projection: dict[str, Any] | None, x: dict[str, str]
) -> dict[str, Any]:
    """Series on one category axis of years (null where a series has no point)."""
    years = [r["year"] for r in rows]
    trend: list[float | None] = [None] * len(years)
    if projection is not None:
        trend[years.index(projection["from_year"])] = projection["from_value"]
        trend[years.index(projection["year"])] = projection["value"]
    target: list[float | None] = [None] * len(years)
    if ind.value is not None:
        target[years.index(ind.year)] = ind.value
    return {
        "years": years,
        "actual": [r["actual"] for r in rows],
        "required": [r["required"] for r in rows],
        "trend": trend,
        "target": target,
        "unit": ind.unit or "",
        "names": {k: x[k] for k in ("actual", "required", "projection", "target")},
    }


@pages.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_page(
    request: Request,
    who: Reader,
    ind: OwnedIndicator,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    """The status shown is the one of the year shown everywhere (``?year=``, else the default year),
    as the overview and the list of indicators show it."""
    plan: Plan = request.app.state.plan
    row = indicator_row(plan, ind)
    tasks = [task_row(plan, t) for t in plan.tasks if t.id in row["tasks"]]
    lang = lang_of(request)
    evaluation = indicator_evaluation(request, ind, lang)
    shown = year or default_year(request)
    in_year = [r for r in evaluation["rows"] if r["year"] == shown]
    status = target_status(plan, ind, {ind.id: in_year[0]["status"]} if in_year else {})
    return render(
        request,
        "indicator.html",
        {
            "ind": row,
            "tasks": tasks,
            "status": status,
            "status_year": shown,
            "year_sel": year_context(request, shown, extra={r["year"] for r in evaluation["rows"]}),
            "ev": evaluation,
            "x": words(lang),
            "published": publishing(request).is_published(ind.id) if who.role == "office" else None,
        },
    )


@api.get(
    "/indicators/{indicator_id}/evaluation",
    summary="One indicator over time: actual, required path, gap, status per year; trend projection",
)
def indicator_evaluation_api(request: Request, who: Reader, found: OwnedIndicator) -> dict[str, Any]:
    return indicator_evaluation(request, found, lang_of(request))
