"""The app's tracking service, shared by the rooms that show tracking results (the plan's lists, the
overview, the tracking pages), so that a list and a page show the same status for one indicator."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from carbonpeak.services.tracking import TrackingService
from carbonpeak.tracking.model import QUARTERS, data_years
from carbonpeak.tracking.rubric import load_rubric


def service(request: Request) -> TrackingService:
    """The app's tracking service (one per app, built on first use from the settings)."""
    svc = getattr(request.app.state, "tracking", None)
    if isinstance(svc, TrackingService):
        return svc
    conf = request.app.state.settings
    svc = TrackingService(
        request.app.state.engine,
        request.app.state.plan,
        source="web",
        rubric=load_rubric(conf.rubric),
        evidence_dir=conf.resolved_evidence_dir(),
        evidence_max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
        evidence_types=conf.evidence_types,
    )
    request.app.state.tracking = svc
    return svc


def indicator_statuses(request: Request, year: int | None = None) -> tuple[int, dict[str, str]]:
    """The year shown (``year`` or the default year) and each indicator's status code in it, from
    the same evaluation the indicator page and the overview use."""
    svc = service(request)
    shown = year or default_year(request)
    return shown, {e.indicator_id: e.status for e in svc.evaluate([shown])}


def _years(request: Request) -> tuple[int, list[int], list[int]]:
    """(default year, years with data, closed years), kept per app until the tracking data or the
    closed years change (``change_stamp``) or the day turns: every page asks, and the data are big."""
    svc = service(request)
    key = (svc.change_stamp(), dt.date.today())
    cached = getattr(request.app.state, "tracking_years", None)
    if cached is None or cached[0] != key:
        data = svc.data()
        closed = sorted(c.year for c in svc.closed_years())
        cached = (key, (svc.default_year(data), sorted(data_years(data)), closed))
        request.app.state.tracking_years = cached
    result: tuple[int, list[int], list[int]] = cached[1]
    return result


def default_year(request: Request) -> int:
    """The year a page shows without ``?year=``: the latest year the office has closed, or the last
    complete year (the latest complete one with data while it has none) — ``TrackingService.default_year``."""
    return _years(request)[0]


def closed_years(request: Request) -> list[int]:
    """The years the office has closed, oldest first."""
    return list(_years(request)[2])


def year_choices(request: Request, shown: int, extra: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """The years a year selector offers, newest first: every year with tracking data, every closed
    year, the default year, the last complete year, the one shown and ``extra`` (a page's own years,
    e.g. the inventory's)."""
    default, with_data, closed = _years(request)
    years = set(with_data) | set(closed) | {default, dt.date.today().year - 1, shown} | set(extra)
    return sorted(years, reverse=True)


def year_context(
    request: Request,
    shown: int,
    *,
    extra: set[int] | frozenset[int] = frozenset(),
    period: str | None = None,
    periods: tuple[str, ...] | None = None,
) -> dict[str, object]:
    """What the shared year selector (``_year_selector.html``) needs: the years offered, the one
    shown, whether it is the default and whether the office closed it; with ``periods``, the period
    selector too (``Y`` the year, ``Q1``..``Q4``)."""
    default, _, closed = _years(request)
    return {
        "years": year_choices(request, shown, extra),
        "year": shown,
        "default": default,
        "closed": shown in closed,
        "period": period,
        "periods": periods,
    }


PERIOD_CHOICES: tuple[str, ...] = ("Y", *QUARTERS)
