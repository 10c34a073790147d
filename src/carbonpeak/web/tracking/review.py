"""The review pages (审核, office only): the queue of submitted records, its download, and the
decisions — approve, return with a comment, reopen an approved record for revision."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import CarbonpeakError
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.downloads import attachment
from carbonpeak.web.core.ids import PathId
from carbonpeak.web.tracking.views import actor_of, error_status, export, message, page, record_rows, service

router = APIRouter(include_in_schema=False)

Office = Annotated[Principal, Depends(permit("office"))]


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, who: Office) -> Response:
    svc = service(request)
    waiting = record_rows(svc, who, state="submitted")
    recent = [r for r in record_rows(svc, who) if r["state"] != "submitted"][:50]
    return page(request, "review.html", {"waiting": waiting, "recent": recent})


@router.get("/review/export")
def review_export(request: Request, who: Office, format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    svc = service(request)
    rows = record_rows(svc, who, state="submitted")
    mark = "（示例数据）" if svc.is_illustrative() else ""
    content, media = export("review", rows, format, f"{svc.plan.plan.title} — 待审核记录{mark}")
    name = f"{svc.plan_id}-review.{format}"
    return attachment(content, media, name)


@router.post("/review/{kind}/{record_id}", response_class=HTMLResponse)
def review_decide(
    request: Request,
    who: Office,
    kind: Literal["report", "value"],
    record_id: PathId,
    decision: Annotated[Literal["approve", "return", "reopen"], Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    svc = service(request)
    actor = actor_of(who)
    expected = int(version) if version.isdigit() else None
    try:
        if decision == "approve":
            svc.approve(actor, kind, record_id, comment=comment.strip() or None, expected_version=expected)
        elif decision == "reopen":
            svc.reopen(actor, kind, record_id, comment, expected_version=expected)
        else:
            svc.return_(actor, kind, record_id, comment, expected_version=expected)
    except CarbonpeakError as exc:
        waiting = record_rows(svc, who, state="submitted")
        recent = [r for r in record_rows(svc, who) if r["state"] != "submitted"][:50]
        context = {"waiting": waiting, "recent": recent, "error": message(request, exc)}
        return page(request, "review.html", context, error_status(exc))
    return RedirectResponse("/review?saved=1", 303)
