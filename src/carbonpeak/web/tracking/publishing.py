"""Publishing: the office publishes or unpublishes indicators (one on its page, or many on
/admin/publishing); the public page and API (公开指标) show only what is published
(``carbonpeak.services.publishing``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.services.publishing import PublishingService
from carbonpeak.web.core.auth import ALL_ROLES, Principal, permit
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.plan.views import NO_DATA, STATUSES
from carbonpeak.web.tracking.views import actor_of, service

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["v1"])

Anyone = Annotated[Principal, Depends(permit(*ALL_ROLES))]
Office = Annotated[Principal, Depends(permit("office"))]
Action = Annotated[Literal["publish", "unpublish"], Form()]
Note = Annotated[str | None, Form(max_length=500)]


def publishing(request: Request) -> PublishingService:
    """The app's publishing service (one per app, on the app's tracking service)."""
    svc = getattr(request.app.state, "publishing", None)
    if isinstance(svc, PublishingService):
        return svc
    svc = PublishingService(request.app.state.engine, request.app.state.plan, service(request), source="web")
    request.app.state.publishing = svc
    return svc


def public_rows(request: Request, lang: str) -> list[dict[str, Any]]:
    """The published indicators with their values, and the status label in the page's language."""
    rows = publishing(request).public_indicators()
    for row in rows:
        status = STATUSES.get(row["status"] or "", NO_DATA)
        row["status_label"] = status.label(lang)
    return rows


@router.post("/indicators/{indicator_id}/publish")
def publish_one(
    request: Request, who: Office, indicator_id: str, action: Action, note: Note = None
) -> Response:
    publishing(request).set_published(actor_of(who), [indicator_id], action, note=note)
    return RedirectResponse(f"/indicators/{indicator_id}#publish", 303)


@router.get("/admin/publishing", response_class=HTMLResponse)
def publishing_page(request: Request, who: Office) -> Response:
    states = publishing(request).states()
    return render(request, "publishing.html", {"states": states})


@router.post("/admin/publishing")
def publish_many(
    request: Request,
    who: Office,
    action: Action,
    indicator: Annotated[list[str] | None, Form()] = None,
    note: Note = None,
) -> Response:
    publishing(request).set_published(actor_of(who), indicator or [], action, note=note)
    return RedirectResponse("/admin/publishing", 303)


@router.get("/public", response_class=HTMLResponse)
def public_page(request: Request, who: Anyone) -> Response:
    return render(request, "public.html", {"rows": public_rows(request, lang_of(request))})


@api.get(
    "/public/indicators",
    summary="Published indicators: the plan's words, target and the approved or computed value per year",
)
def public_indicators(request: Request, who: Anyone) -> list[dict[str, Any]]:
    return public_rows(request, lang_of(request))
