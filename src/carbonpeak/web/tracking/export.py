"""The tracking evaluation of one year as a table (the statisticians' sheet): every quantified
indicator the caller may see, with the required value on the path, the actual value and where it
comes from (填报 reported and approved, 核算 computed from the inventory), the gap and the status —
the numbers of ``carbonpeak track status --year``, as XLSX or CSV.

``GET /tracking/export?year=2024&format=xlsx|csv``
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from carbonpeak.tracking.evaluate import Evaluation
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.downloads import table_response
from carbonpeak.web.plan.views import visible_indicators
from carbonpeak.web.tracking.views import default_year, service

router = APIRouter()
Reader = Annotated[Principal, Depends(permit("office", "department", "viewer", scoped=True))]

SOURCE_LABELS = {"reported": "填报", "computed": "核算"}
COLUMNS: list[tuple[str, str]] = [
    ("indicator_id", "指标编号"),
    ("name", "指标名称"),
    ("year", "评估年份"),
    ("target_year", "目标年"),
    ("comparator", "比较"),
    ("target", "目标值"),
    ("unit", "单位"),
    ("method", "路径方法"),
    ("base_year", "基期年"),
    ("base_value", "基期值"),
    ("required", "路径要求值"),
    ("actual", "实际值"),
    ("value_source", "实际值来源"),
    ("reported", "填报值"),
    ("computed", "核算值"),
    ("mismatch", "填报与核算不一致"),
    ("gap", "差距（正为超前）"),
    ("status", "状态"),
    ("notes", "说明"),
]


def _cell(key: str, value: Any) -> Any:
    if key == "value_source":
        return SOURCE_LABELS.get(value or "", "")
    if key == "mismatch":
        return "是" if value else ""
    if key == "notes":
        return "；".join(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def status_rows(evaluations: list[Evaluation]) -> list[list[Any]]:
    return [[_cell(key, getattr(e, key)) for key, _ in COLUMNS] for e in evaluations]


@router.get("/tracking/export", summary="The tracking evaluation of a year as XLSX or CSV")
def tracking_export(
    request: Request,
    who: Reader,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
) -> Response:
    svc = service(request)
    data = svc.data()
    year = year or default_year(data)
    mine = {i.id for i in visible_indicators(svc.plan, who)}
    evaluations = [e for e in svc.evaluate([year], data) if e.indicator_id in mine]
    illustrative = " · 示例数据 (illustrative)" if svc.is_illustrative() else ""
    title = f"{svc.plan.plan.title} — {year}年指标跟踪评估{illustrative}"
    header = [h for _, h in COLUMNS]
    rows = status_rows(evaluations)
    name = f"{svc.plan.plan.id}-tracking-{year}"
    return table_response(format, header, rows, title=title, sheet=f"{year}指标评估", name=name)
