"""The app's tracking service, shared by the rooms that show tracking results (the plan's lists, the
overview, the tracking pages), so that a list and a page show the same status for one indicator."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from carbonpeak.services.tracking import TrackingService
from carbonpeak.tracking.model import data_years, default_year
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
    shown = year or default_year(dt.date.today(), data_years(svc.data()))
    return shown, {e.indicator_id: e.status for e in svc.evaluate([shown])}
