"""Request body limits, checked before the body is read (docs/web.md "Request limits").

Each request falls into one kind by its path: a spreadsheet import (``import_max_mb``), a form that
carries an evidence file (``evidence_max_mb`` plus room for the form's other fields), or anything
else (``form_max_kb``). A ``Content-Length`` above the limit is answered 413 before one byte of the
body is read; a body without a length (chunked) is counted as it streams and cut off with 413 when it
passes the limit. The body is never concatenated here: the chunks pass through as they come.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException

from carbonpeak.settings import Settings
from carbonpeak.web.core.i18n import LANG_COOKIE, pick_lang
from carbonpeak.web.core.security import (
    SECURITY_HEADERS,
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    authorization_headers,
)

log = logging.getLogger(__name__)

KB = 1024
MB = 1024 * 1024
# A form with an evidence file carries other fields too (narrative, value, …): this much above the file.
FORM_ROOM = 1 * MB

IMPORT_PATHS = (
    re.compile(r"/(?:inventory|reporting|key-units)/import"),
    re.compile(r"/key-units/meters/(?:[^/]+/)?upload"),  # the firm's own, or the office's for a unit
    re.compile(r"/api/v1/enterprise/(?:import|meters/readings(?:/file)?)"),
)
EVIDENCE_PATHS = (
    re.compile(r"/(?:tasks|indicators)/[^/]+/report"),
    re.compile(r"/api/v1/records/[^/]+/[^/]+/evidence"),
    re.compile(r"/key-units/plan"),
)

WORDS = {
    "zh-CN": "请求内容 {size} 超过此类请求的上限 {limit}，未处理",
    "en": "the request body ({size}) is larger than the limit of {limit} for this kind of request; "
    "nothing was done",
}


@dataclass(frozen=True)
class BodyLimits:
    """The byte limits of the three kinds of request."""

    form: int
    imports: int
    evidence: int

    @classmethod
    def of(cls, settings: Settings) -> BodyLimits:
        return cls(
            form=settings.form_max_kb * KB,
            imports=int(settings.import_max_mb * MB) + FORM_ROOM,
            evidence=int(settings.evidence_max_mb * MB) + FORM_ROOM,
        )

    def for_path(self, path: str) -> int:
        if any(p.fullmatch(path) for p in IMPORT_PATHS):
            return self.imports
        if any(p.fullmatch(path) for p in EVIDENCE_PATHS):
            return self.evidence
        return self.form


class BodyTooLarge(HTTPException):
    """Raised into the app when a streamed body passes its limit (FastAPI lets an HTTPException of
    a body read through, so the route never runs on a cut-off body)."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{max(1, n // KB)} KB"


class BodyLimitMiddleware:
    """Answers 413 to a body above the limit of its kind (see the module docstring)."""

    def __init__(self, app: ASGIApp, limits: BodyLimits, language: str = "zh-CN") -> None:
        self.app = app
        self.limits = limits
        self.language = language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope.get("path", ""))
        if len(authorization_headers(scope)) > 1:
            await _too_large(send, self._lang(scope), 400, "more than one Authorization header", limit)
            return
        lengths = [v for k, v in scope["headers"] if k.lower() == b"content-length"]
        if len(lengths) > 1:
            await _too_large(send, self._lang(scope), 400, "more than one Content-Length header", limit)
            return
        if lengths:
            try:
                declared = int(lengths[0])
            except ValueError:
                await _too_large(send, self._lang(scope), 400, "Content-Length is not a number", limit)
                return
            if declared > limit:
                log.info("request to %s refused: %d bytes declared, limit %d", scope["path"], declared, limit)
                await _too_large(send, self._lang(scope), 413, _size(declared), limit)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    lang = self._lang(scope)
                    raise BodyTooLarge(WORDS[lang].format(size=f"> {_size(limit)}", limit=_size(limit)))
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            log.info("request to %s refused: streamed body above %d bytes", scope["path"], limit)
            if not started:
                await _too_large(send, self._lang(scope), 413, f"> {_size(limit)}", limit)

    def _lang(self, scope: Scope) -> str:
        """The language of the page the request came from: ?lang=, the language cookie, settings."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [None])[0]
        cookies: SimpleCookie = SimpleCookie()
        for k, v in scope["headers"]:
            if k.lower() == b"cookie":
                try:
                    cookies.load(v.decode("latin-1"))
                except Exception:  # a malformed cookie header: the default language
                    log.debug("malformed cookie header ignored")
        cookie = cookies[LANG_COOKIE].value if LANG_COOKIE in cookies else None
        return str(pick_lang(query, cookie, self.language))


async def _too_large(send: Send, lang: str, status: int, size: str, limit: int) -> None:
    text = WORDS[lang].format(size=size, limit=_size(limit)) if status == 413 else size
    payload = json.dumps(
        {"status": status, "title": "Payload Too Large" if status == 413 else "Bad Request", "detail": text},
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json; charset=utf-8"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
                *[(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()],
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
