"""Errors as HTTP, once for the whole app: the problem document every JSON error body uses, and the
handlers that turn the domain's errors into statuses (``carbonpeak.errors.HTTP_STATUS``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from carbonpeak.errors import HTTP_STATUS, CarbonpeakError, Lang
from carbonpeak.web.core.auth import Forbidden, NotSignedIn
from carbonpeak.web.core.i18n import t
from carbonpeak.web.core.ids import MAX_ID
from carbonpeak.web.core.render import lang_of, render

log = logging.getLogger(__name__)
# seconds a client waits before trying again after a 503 (a busy database frees within the busy timeout)
RETRY_AFTER_SECONDS = "2"


def with_retry(response: Response, exc: CarbonpeakError) -> Response:
    """``response`` with ``Retry-After`` when ``exc`` says "try again later" (503)."""
    if exc.kind == "unavailable":
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem_document(exc: CarbonpeakError, lang: Lang) -> dict[str, object]:
    """The JSON body of a domain error: ``detail`` (the whole text), ``kind``, ``error`` (the class)
    and ``problems`` (each located: file, sheet, row, column, field, message)."""
    return {
        "detail": exc.describe(lang),
        "kind": exc.kind,
        "error": type(exc).__name__,
        "problems": exc.as_dicts(lang),
    }


def install_error_handlers(app: FastAPI) -> None:
    """The app's one mapping of errors to responses: not signed in → redirect to /login (API: 401),
    forbidden → 403, a domain error → the status of its kind with the problem document, an unknown
    route → 404, a request that fails validation → 422. Anything else is a bug: a 500, logged."""

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if is_api(request):
            return JSONResponse({"detail": "sign in first"}, 401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", 303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if is_api(request):
            return JSONResponse({"detail": exc.message or "forbidden"}, 403)
        return render(request, "error.html", {"title": t("forbidden", lang_of(request))}, 403)

    @app.exception_handler(CarbonpeakError)
    async def domain_error(request: Request, exc: CarbonpeakError) -> Response:
        """Every domain error, once: its kind decides the status; the body names each problem."""
        lang = lang_of(request)
        status = HTTP_STATUS[exc.kind]
        log.info("%s %s: %s (%d): %s", request.method, request.url.path, exc.kind, status, exc.describe("en"))
        if is_api(request):
            response: Response = JSONResponse(problem_document(exc, lang), status)
        else:
            title = t(
                "not_found" if exc.kind == "not_found" else "forbidden" if status == 403 else "error", lang
            )
            response = render(request, "error.html", {"title": title, "message": exc.describe(lang)}, status)
        return with_retry(response, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_api(request) or exc.status_code not in (404, 405):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return render(request, "error.html", {"title": t("not_found", lang_of(request))}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """A path id that cannot exist is a 404; otherwise the API answers the located JSON list and a
        page answers an error page that says, in the user's language, which field is wrong and what was
        expected (never a raw JSON 422)."""
        if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            return no_such_id(request)
        if is_api(request):
            return JSONResponse({"detail": jsonable_errors(exc)}, 422)
        lang = lang_of(request)
        lines = [validation_text(e, lang) for e in exc.errors()]
        context = {"title": t("invalid_request", lang), "message": "\n".join(lines)}
        return render(request, "error.html", context, 422)


# A path whose id is not a number or out of range (web.core.ids.MAX_ID) names nothing that can exist.
NO_SUCH_ID = {
    "zh-CN": f"没有这个编号的记录（编号应为 1 至 {MAX_ID} 之间的整数）",
    "en": f"no such record (an id is a whole number from 1 to {MAX_ID})",
}


def no_such_id(request: Request) -> Response:
    """404 when a path parameter fails validation (an id too large, not a number, a bad code):
    the path names nothing that can exist, whatever else of the request is wrong."""
    lang = lang_of(request)
    if is_api(request):
        return JSONResponse({"detail": NO_SUCH_ID[lang], "kind": "not_found"}, 404)
    context = {"title": t("not_found", lang), "message": NO_SUCH_ID[lang]}
    return render(request, "error.html", context, 404)


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]


# Field names of the forms and queries, as the pages call them (zh-CN, en); an unknown name is shown
# as "字段 name" / "field name".
FIELD_WORDS: dict[str, tuple[str, str]] = {
    "year": ("年度", "year"),
    "period": ("期间", "period"),
    "value": ("数值", "value"),
    "unit": ("单位", "unit"),
    "unit_id": ("填报单位", "reporting unit"),
    "status": ("进展状态", "progress"),
    "narrative": ("进展情况", "narrative"),
    "comment": ("审核意见", "comment"),
    "decision": ("审核决定", "decision"),
    "step": ("操作", "step"),
    "format": ("文件格式", "file format"),
    "page": ("页码", "page"),
    "q": ("搜索词", "search words"),
    "sort": ("排序", "sort"),
    "version": ("版本", "version"),
}


def validation_text(error: Mapping[str, Any], lang: Lang) -> str:
    """One request-validation error as a sentence: the field's name and what was expected."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")]
    name = loc[-1] if loc else ""
    zh, en = FIELD_WORDS.get(name, (f"字段 {name}", f"field {name}"))
    ctx = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    texts: dict[str, tuple[str, str]] = {
        "missing": ("必须填写", "is required"),
        "int_parsing": ("应为整数", "must be a whole number"),
        "int_type": ("应为整数", "must be a whole number"),
        "float_parsing": ("应为数字", "must be a number"),
        "greater_than_equal": (f"不能小于 {ctx.get('ge')}", f"must be at least {ctx.get('ge')}"),
        "less_than_equal": (f"不能大于 {ctx.get('le')}", f"must be at most {ctx.get('le')}"),
        "string_too_long": (
            f"过长（最多 {ctx.get('max_length')} 个字符）",
            f"is too long (at most {ctx.get('max_length')} characters)",
        ),
        "string_pattern_mismatch": ("格式不正确", "has the wrong form"),
        "literal_error": (f"应为以下之一：{ctx.get('expected')}", f"must be one of {ctx.get('expected')}"),
    }
    said = texts.get(kind, (f"无效（{error.get('msg', '')}）", f"is not valid ({error.get('msg', '')})"))
    return f"{en} {said[1]}" if lang == "en" else f"{zh}{said[0]}"
