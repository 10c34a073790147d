"""Security measures of the web app: the production check of the secret key, CSRF and the security
headers (passwords, tokens and the login rate limit are ``carbonpeak.services.signin``). docs/web.md
describes each."""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from carbonpeak.services.passwords import secret_key_problem

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_FIELD = "csrf_token"
API_PREFIX = "/api/v1/"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def secret_problem(secret: str | None) -> str | None:
    """Why a secret key is unfit for production (missing, a known default, short, low entropy), or
    None when it is fit; the rule is data (``carbonpeak.services.passwords.secret_key_problem``)."""
    return secret_key_problem(secret)


def authorization_headers(scope: Scope) -> list[str]:
    return [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"authorization"]


def bearer_token(scope: Scope) -> str | None:
    """The one parser of ``Authorization: Bearer <token>`` (CSRF and sign-in both use it): the token,
    or None when there is no such header. More than one Authorization header is refused before any
    route runs (``BodyLimitMiddleware``), so there is no "first" or "last" to choose."""
    values = authorization_headers(scope)
    if len(values) != 1:
        return None
    scheme, _, token = values[0].strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, created on first use (session-bound synchroniser token)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


_MULTIPART_FIELD = re.compile(rb'name="csrf_token"\r\n(?:[^\r\n]*\r\n)*?\r\n([^\r\n]*)\r\n')


def _token_in_body(content_type: str, body: bytes) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        match = _MULTIPART_FIELD.search(body)
        return match.group(1).decode("latin-1") if match else None
    return None


class CSRFMiddleware:
    """Checks every unsafe request against the session's CSRF token.

    The token comes in the ``X-CSRF-Token`` header or the ``csrf_token`` form field. Requests that
    authenticate with ``Authorization: Bearer`` (enterprise API tokens) carry no cookie credentials
    and are exempt. Must run inside the session middleware (it reads ``scope["session"]``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope.get("path", "").startswith(API_PREFIX) and bearer_token(scope) is not None:
            await self.app(scope, receive, send)
            return
        chunks, more = await _read_head(receive, headers.get("content-type", ""))
        expected = scope.get("session", {}).get(CSRF_FIELD)
        given = headers.get(CSRF_HEADER) or _token_in_body(headers.get("content-type", ""), b"".join(chunks))
        if not (isinstance(expected, str) and given and hmac.compare_digest(expected, given)):
            await _plain(send, 403, "CSRF token missing or invalid (CSRF 校验失败)")
            return
        pending = list(chunks)

        async def replay() -> Message:
            # the chunks read so far, one by one as they came, then the rest of the stream
            if pending:
                body = pending.pop(0)
                return {"type": "http.request", "body": body, "more_body": bool(pending) or more}
            return await receive()

        await self.app(scope, replay, send)


# The CSRF field of a multipart form must be in the first bytes of the body (the templates put it
# first; browsers send fields in document order): the file after it is never held for the check.
MULTIPART_HEAD_BYTES = 64 * 1024


async def _read_head(receive: Receive, content_type: str) -> tuple[list[bytes], bool]:
    """The chunks of the body needed to find the CSRF field, and whether more follow: the whole
    body of a urlencoded form (bounded by the body limit), the head of a multipart one."""
    chunks: list[bytes] = []
    size = 0
    more = True
    head_only = content_type.startswith("multipart/form-data")
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return chunks, False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body", False))
        if head_only and size >= MULTIPART_HEAD_BYTES:
            break
    return chunks, more


async def _plain(send: Send, status: int, text: str) -> None:
    payload = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(payload)).encode()),
                *[(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()],
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


INTERNAL_ERROR_TEXT = (
    "服务器内部错误，已记录；请稍后再试或联系管理员 (internal server error; it has been logged)"
)


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (pages, API, static files, errors, and the
    500 of an unhandled exception, which it answers itself: it sits outside Starlette's error
    middleware); with ``https`` also Strict-Transport-Security (only meaningful over TLS).

    Every response but the static files gets ``Cache-Control: no-store`` unless its route set a
    Cache-Control of its own: pages show one-time passwords and tokens and each user's own data,
    which no shared or browser cache may keep."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS)
        if https:
            self.headers["strict-transport-security"] = "max-age=31536000"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope.get("path", "").startswith("/static/")
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [
                    (k.encode(), v.encode()) for k, v in self.headers.items() if k.encode() not in present
                ]
                if not cacheable and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            log.exception("%s %s: unhandled error", scope.get("method"), scope.get("path"))
            if started:  # the response is under way: nothing better to send than closing it
                raise
            await _plain(with_headers, 500, INTERNAL_ERROR_TEXT)
