"""The audit log page (审计日志, office only): the latest entries of the one audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.services.accounts import audit_log
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.render import render

router = APIRouter(include_in_schema=False)

Office = Annotated[Principal, Depends(permit("office"))]


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, who: Office) -> Response:
    return render(request, "audit.html", {"entries": audit_log(request.app.state.engine)})
