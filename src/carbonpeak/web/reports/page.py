"""The reports page (报告下载): every document for the year and period chosen in the shared year
selector — the annual report and its annex, the 通报 list, the 十四五 evaluation, and the dispatch
notices (a department: its own only). The files themselves are ``downloads``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.tracking_service import PERIOD_CHOICES, default_year, year_context
from carbonpeak.web.plan.views import unit_names
from carbonpeak.web.tracking.views import service

router = APIRouter(include_in_schema=False)
AnyReader = Annotated[Principal, Depends(permit("office", "viewer", "department", scoped=True))]

WORDS: dict[str, tuple[str, str]] = {
    "title": ("报告下载", "Reports"),
    "annual": ("年度碳达峰工作评估报告", "Annual evaluation report"),
    "annex": ("附表（XLSX）", "Annex (XLSX)"),
    "notices": ("通报名单（XLSX）", "通报 list (XLSX)"),
    "period": ("“十四五”目标完成情况评估", "14th Five-Year Plan final evaluation"),
    "dispatch": ("调度通知", "Dispatch notice"),
    "dispatch_all": ("全部责任单位（ZIP）", "Every unit (ZIP)"),
    "unit": ("责任单位", "Responsible unit"),
    "download": ("下载", "Download"),
    "for_period": ("期间", "Period"),
    "format": ("格式", "Format"),
}


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    who: AnyReader,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    period: Annotated[Literal["Y", "Q1", "Q2", "Q3", "Q4"], Query()] = "Y",
) -> Response:
    """The downloads of ``year`` (default: ``default_year``) and, for the dispatch notices, ``period``."""
    shown = year or default_year(request)
    lang = lang_of(request)
    names = unit_names(request.app.state.plan)
    own = who.unit_id or ""
    units = [(own, names.get(own, own))] if who.role == "department" else sorted(names.items())
    context = {
        "pw": {k: v[1] if lang == "en" else v[0] for k, v in WORDS.items()},
        "year": shown,
        "period_code": f"{shown}{'' if period == 'Y' else period}",
        "units": units,
        "office": who.role in ("office", "viewer"),
        "illustrative": service(request).is_illustrative(),
        "year_sel": year_context(request, shown, period=period, periods=PERIOD_CHOICES),
    }
    return render(request, "reports.html", context)
