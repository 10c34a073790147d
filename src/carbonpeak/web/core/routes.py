"""The app-wide routes: sign in and out (the session), and the API's health and caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.services.signin import fingerprint, sign_in, sign_out, start_session
from carbonpeak.web.core.auth import ALL_ROLES, SIGNED_IN, Principal, permit
from carbonpeak.web.core.i18n import t
from carbonpeak.web.core.render import home_of, lang_of, render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["v1"])

Anyone = Annotated[Principal, Depends(permit(*ALL_ROLES))]
SignedIn = Annotated[Principal, Depends(permit(*SIGNED_IN, scoped=True))]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str | None) -> str | None:
    """Only a local path may follow a login (no //host, no scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@pages.get("/login", response_class=HTMLResponse)
def login_form(request: Request, who: Anyone, next: str | None = None) -> Response:
    if who.signed_in:
        return RedirectResponse(home_of(who), 303)
    return render(request, "login.html", {"next": _safe_next(next) or "", "error": None, "username": ""})


@pages.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    who: Anyone,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    state = request.app.state
    lang = lang_of(request)
    context = {"next": _safe_next(next) or "", "username": username}
    result = sign_in(state.engine, state.limiter, ip=client_ip(request), username=username, password=password)
    if result.outcome == "blocked":
        response = render(request, "login.html", {**context, "error": t("login_blocked", lang)}, 429)
        response.headers["Retry-After"] = str(result.retry_after)
        return response
    if result.user is None:
        return render(request, "login.html", {**context, "error": t("login_failed", lang)}, 401)
    user = result.user
    request.session.clear()  # a fresh session (and CSRF token) after login: no session fixation
    session_id = start_session(state.engine, user, ip=client_ip(request))
    request.session.update({"uid": user.id, "pwh": fingerprint(user), "sid": session_id})
    principal = Principal(role=user.role, user_id=user.id, username=user.username)
    request.state.principal = principal  # the request log names who signed in
    return RedirectResponse(_safe_next(next) or home_of(principal), 303)


@pages.post("/logout")
def logout(request: Request, who: Anyone) -> Response:
    if who.signed_in:
        engine, session_id = request.app.state.engine, request.session.get("sid")
        sign_out(engine, who.username, ip=client_ip(request), session_id=session_id)
    request.session.clear()
    return RedirectResponse("/login", 303)


@api.get("/health", summary="Liveness: the app answers")
def health(who: Anyone) -> dict[str, str]:
    return {"status": "ok"}


@api.get("/me", summary="The signed-in user (session cookie or enterprise API token)")
def me(who: SignedIn) -> dict[str, Any]:
    return {
        "username": who.username,
        "display_name": who.display_name,
        "role": who.role,
        "unit_id": who.unit_id,
        "enterprise_id": who.enterprise_id,
        "via_token": who.via_token,
    }
