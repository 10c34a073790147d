"""Rendering a page: the template context every page shares (who, language, words, CSRF, navigation)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from carbonpeak.web.core.auth import Principal, principal_of
from carbonpeak.web.core.i18n import LANG_COOKIE, Lang, pick_lang, t, words
from carbonpeak.web.core.rooms import NavLink
from carbonpeak.web.core.security import csrf_token


def _navigation(request: Request) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(path, word key, endpoint, roles) of the header's links, from the rooms' ``NavLink`` s in
    their order: the app's routes do not change once it is built, so the paths are looked up once
    per app rather than on every page."""
    cached = getattr(request.app.state, "navigation", None)
    if cached is None:
        links: list[NavLink] = sorted(request.app.state.navigation_links, key=lambda link: link.order)
        cached = [(request.url_for(n.endpoint).path, n.word, n.endpoint, n.roles) for n in links]
        request.app.state.navigation = cached
    return cached


def lang_of(request: Request) -> Lang:
    return pick_lang(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.app.state.settings.language,
    )


def home_of(principal: Principal) -> str:
    return {"enterprise": "/enterprise", "public": "/login", "department": "/my/tasks"}.get(
        principal.role, "/"
    )


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    lang = lang_of(request)
    who = principal_of(request)
    nav = [
        (path, t(key, lang), endpoint)
        for path, key, endpoint, roles in _navigation(request)
        if who.role in roles
    ]
    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    query["lang"] = "en" if lang == "zh-CN" else "zh-CN"
    # "/" + the path without its leading slashes: a path like //evil.example/x (or /\evil.example)
    # would otherwise make a protocol-relative link to another site
    switch = "/" + request.url.path.lstrip("/\\") + "?" + urlencode(query)
    base = {
        "who": who,
        "lang": lang,
        "w": words(lang),
        "csrf": csrf_token(request.session),
        "nav": nav,
        "current": getattr(request.scope.get("endpoint"), "__name__", ""),
        "lang_switch": switch,
        "plan": request.app.state.plan,
        "demo": request.app.state.settings.mode == "demo",
    }
    response = templates.TemplateResponse(request, template, {**base, **(context or {})}, status_code)
    if request.query_params.get("lang") == lang:
        secure = request.app.state.settings.cookie_secure()
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True, secure=secure
        )
    return response
