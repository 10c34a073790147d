"""Closing a year (年度关账, office only): the page listing the years with tracking data and the
closed ones, and the two actions — close a complete year, reopen a closed one — each confirmed on
the form, CSRF-checked (the app's middleware) and audited by the service. The latest closed year is
the default year of every page and command (``TrackingService.default_year``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import CarbonpeakError
from carbonpeak.tracking.model import data_years
from carbonpeak.units.display import local_time
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.core.tracking_service import default_year
from carbonpeak.web.tracking.views import actor_of, error_status, page, service

router = APIRouter(include_in_schema=False)

Office = Annotated[Principal, Depends(permit("office"))]

WORDS: dict[str, tuple[str, str]] = {
    "title": ("年度关账", "Closing years"),
    "intro": (
        "关闭某一年度后，各页面和命令默认显示最近关闭的年度；未关闭任何年度时，默认显示上一个完整年度。",
        "Once a year is closed, every page and command shows the latest closed year by default; "
        "while none is closed, the last complete year.",
    ),
    "year": ("年度", "Year"),
    "records": ("记录数", "Records"),
    "state": ("状态", "State"),
    "closed": ("已关闭", "Closed"),
    "open": ("未关闭", "Open"),
    "not_over": ("年度未结束", "Not over yet"),
    "closed_by": ("关闭人", "Closed by"),
    "closed_at": ("关闭时间", "Closed at"),
    "comment": ("说明", "Note"),
    "close": ("关闭年度", "Close the year"),
    "reopen": ("重新打开", "Reopen"),
    "confirm_close": ("确认关闭 {} 年度数据", "I confirm closing {}"),
    "confirm_reopen": ("确认重新打开 {} 年度数据", "I confirm reopening {}"),
    "confirm_missing": ("请勾选确认后再提交", "Tick the confirmation box first"),
    "default_now": ("当前默认年份", "Default year now"),
    "done_close": ("已关闭 {} 年度数据", "{} is closed"),
    "done_reopen": ("已重新打开 {} 年度数据", "{} is reopened"),
}


def _words(request: Request) -> dict[str, str]:
    en = lang_of(request) == "en"
    return {k: v[1] if en else v[0] for k, v in WORDS.items()}


def _rows(request: Request) -> list[dict[str, Any]]:
    svc = service(request)
    data = svc.data()
    closed = {c.year: c for c in svc.closed_years()}
    counts: dict[int, int] = {}
    for year in [o.year for o in data.observations] + [r.year for r in data.reports]:
        counts[year] = counts.get(year, 0) + 1
    this_year = dt.date.today().year
    since = svc.plan.plan.base_year or this_year - 1  # every year since the plan's base year
    years = sorted(data_years(data) | set(closed) | set(range(since, this_year)), reverse=True)
    return [
        {
            "year": y,
            "records": counts.get(y, 0),
            "closed": closed.get(y),
            "closed_at": local_time(closed[y].closed_at) if y in closed and closed[y].closed_at else "",
            "complete": y < this_year,
        }
        for y in years
    ]


def _page(request: Request, error: str | None = None, done: str | None = None, status: int = 200) -> Response:
    context = {
        "yw": _words(request),
        "rows": _rows(request),
        "default_year": default_year(request),
        "error": error,
        "done": done,
    }
    return page(request, "years.html", context, status)


@router.get("/years", response_class=HTMLResponse)
def years_page(request: Request, who: Office) -> Response:
    done = request.query_params.get("done", "")
    year = request.query_params.get("y", "")
    words = _words(request)
    note = words[f"done_{done}"].format(year) if done in ("close", "reopen") and year.isdigit() else None
    return _page(request, done=note)


def _act(request: Request, who: Principal, action: str, year: int, confirm: str, comment: str) -> Response:
    if confirm != "yes":
        return _page(request, error=_words(request)["confirm_missing"], status=422)
    svc = service(request)
    actor = actor_of(who)
    try:
        if action == "close":
            svc.close_year(actor, year, comment=comment)
        else:
            svc.reopen_year(actor, year, comment=comment)
    except CarbonpeakError as exc:
        return _page(request, error=exc.describe(lang_of(request)), status=error_status(exc))
    return RedirectResponse(f"/years?done={action}&y={year}", 303)


YearForm = Annotated[int, Form(ge=2000, le=2100)]
ConfirmForm = Annotated[str, Form(max_length=8)]
CommentForm = Annotated[str, Form(max_length=2000)]


@router.post("/years/close", response_class=HTMLResponse)
def years_close(
    request: Request, who: Office, year: YearForm, confirm: ConfirmForm = "", comment: CommentForm = ""
) -> Response:
    """Close ``year`` (the form's ``confirm=yes`` is required)."""
    return _act(request, who, "close", year, confirm, comment)


@router.post("/years/reopen", response_class=HTMLResponse)
def years_reopen(
    request: Request, who: Office, year: YearForm, confirm: ConfirmForm = "", comment: CommentForm = ""
) -> Response:
    """Reopen a closed ``year`` (the form's ``confirm=yes`` is required)."""
    return _act(request, who, "reopen", year, confirm, comment)
