"""The request log: one line per HTTP request on the logger ``carbonpeak.web.requests`` — method,
route template (``/tasks/{task_id}``, never the raw path with its ids and query), status, duration
in ms, and ``user/role`` of the signed-in caller (``-`` for the public). Never a password, a token
or a cookie: the line is built from the route and the principal only, not from headers or body.

The library configures no logging; ``carbonpeak serve`` does (``--log-level``). Each field is also
on the record (``extra``): ``method``, ``route``, ``status``, ``duration_ms``, ``user``, ``role``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.routing import Mount

from carbonpeak.web.core.auth import Principal
from carbonpeak.web.core.security import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("carbonpeak.web.requests")


def route_template(scope: Scope) -> str:
    """The template of the route that served the request, ``/static/{path}`` for an asset of a
    mounted app, or ``-`` when no route matched (the raw path is never logged)."""
    route = scope.get("route")
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    app = scope.get("app")
    for mount in getattr(app, "routes", ()):
        if isinstance(mount, Mount) and str(scope.get("path", "")).startswith(mount.path + "/"):
            return f"{mount.path}/{{path}}"
    return "-"


def _who(scope: Scope) -> tuple[str, str]:
    principal = scope.get("state", {}).get("principal")
    if isinstance(principal, Principal) and principal.signed_in:
        return principal.username, principal.role
    return "-", "public"


class RequestLogMiddleware:
    """Logs every HTTP request once, when its response ends (or the app fails before that)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: dict[str, int] = {"code": 500}
        logged = False

        def done() -> None:
            nonlocal logged
            if not logged:
                logged = True
                self._log(scope, status["code"], (time.perf_counter() - start) * 1000)

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                done()  # before the last byte leaves: the line is written when the client has its answer
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            done()  # a request that failed before its response ended

    @staticmethod
    def _log(scope: Scope, status: int, ms: float) -> None:
        user, role = _who(scope)
        fields: dict[str, Any] = {
            "method": scope["method"],
            "route": route_template(scope),
            "status": status,
            "duration_ms": round(ms, 1),
            "user": user,
            "role": role,
        }
        who = f"{user}/{role}" if user != "-" else "-"
        log.info("%s %s %d %.1f ms %s", fields["method"], fields["route"], status, ms, who, extra=fields)
