"""Accounts in the browser: the office creates accounts for departments, enterprises, leaders and
other office staff, resets passwords, disables and enables accounts and issues enterprise API tokens;
every user changes their own password. The same operations as ``carbonpeak users …`` (the first
office account is made with the CLI: there are no default credentials outside demo mode).

A password or token made here is random and shown once, on the page that made it; only its hash is
stored. Every change is audited (``web.accounts``)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import CarbonpeakError, InvalidInputError, Lang
from carbonpeak.services import accounts
from carbonpeak.services.signin import MIN_PASSWORD_LENGTH, check_password, new_password
from carbonpeak.web.core.auth import SIGNED_IN, Principal, permit
from carbonpeak.web.core.i18n import t
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.plan.views import unit_names

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, Depends(permit("office"))]
SignedIn = Annotated[Principal, Depends(permit(*SIGNED_IN))]
Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.\-]{2,60}$")]

USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,60}")
WORDS: dict[str, tuple[str, str]] = {
    "new_user": ("新建账号", "New account"),
    "username_hint": ("字母、数字、_ . -，2–60 位", "letters, digits, _ . -; 2–60 characters"),
    "unit": ("责任单位（部门账号）", "Responsible unit (department accounts)"),
    "enterprise": ("企业（企业账号）", "Enterprise (enterprise accounts)"),
    "create": ("创建", "Create"),
    "created": (
        "已创建账号 {user}。初始密码只显示这一次，请当面或经保密渠道交给使用人，并请其登录后修改：",
        "Account {user} created. The initial password is shown only this once; hand it over in person "
        "or by a confidential channel and ask the user to change it after signing in:",
    ),
    "reset": ("重置密码", "Reset password"),
    "reset_done": (
        "已为 {user} 重置密码（其已登录的会话失效）。新密码只显示这一次：",
        "Password of {user} reset (their sessions end). The new password is shown only this once:",
    ),
    "token": ("重新生成 API 令牌", "New API token"),
    "token_done": (
        "已为 {user} 生成新的 API 令牌，旧令牌立即失效。令牌只显示这一次：",
        "New API token for {user}; the old one stops working now. The token is shown only this once:",
    ),
    "disable": ("停用", "Disable"),
    "enable": ("启用", "Enable"),
    "active": ("状态", "State"),
    "on": ("启用", "active"),
    "off": ("已停用", "disabled"),
    "demo": ("示例账号", "demo account"),
    "not_self": ("不能停用自己的账号", "You cannot disable your own account"),
    "bad_username": (
        "用户名只能包含字母、数字、_ . -，2–60 位",
        "User name: letters, digits, _ . -; 2–60 characters",
    ),
    "bad_unit": ("请选择部门账号所属的责任单位", "Choose the responsible unit of a department account"),
    "bad_enterprise": ("请选择企业账号所属的企业", "Choose the enterprise of an enterprise account"),
    "my_password": ("修改密码", "Change password"),
    "current": ("当前密码", "Current password"),
    "new": (
        "新密码（至少 {n} 位，含小写字母、大写字母、数字、其他字符中的三类，不含用户名，不用常见密码）",
        "New password (at least {n} characters from three of: lower case, upper case, digits, other; "
        "not containing the user name; not a common password)",
    ),
    "again": ("再次输入新密码", "New password again"),
    "save": ("保存", "Save"),
    "changed": ("密码已修改，请重新登录。", "Password changed; please sign in again."),
    "wrong_current": ("当前密码不正确", "The current password is not correct"),
    "mismatch": ("两次输入的新密码不一致", "The two new passwords differ"),
}


def words(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in WORDS.items()}


def problems_text(exc: CarbonpeakError, lang: Lang) -> str:
    """The problems of ``exc`` as one line in ``lang`` (a form shows them above its fields)."""
    sep = "；" if lang == "zh-CN" else "; "
    return sep.join(p.text(lang) for p in exc.problems)


def _enterprises(request: Request) -> list[tuple[str, str]]:
    """(id, name) of the enterprises in the ledger, for the enterprise-account form."""
    return accounts.enterprise_choices(request.app.state.engine)


def users_context(request: Request, **extra: Any) -> dict[str, Any]:
    plan = request.app.state.plan
    return {
        "users": accounts.users(request.app.state.engine),
        "names": unit_names(plan),
        "units": [u for u in plan.units if u.kind != "collective"],
        "enterprises": _enterprises(request),
        "ux": words(lang_of(request)),
        "error": None,
        "secret": None,
        **extra,
    }


def _page(request: Request, status: int = 200, **extra: Any) -> Response:
    return render(request, "users.html", users_context(request, **extra), status)


def _source(request: Request) -> str:
    return f"web {request.client.host if request.client else 'unknown'}"


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: Office) -> Response:
    return render(request, "users.html", users_context(request))


@router.post("/admin/users", response_class=HTMLResponse)
def create_account(
    request: Request,
    who: Office,
    username: Annotated[str, Form(max_length=60)],
    role: Annotated[Literal["office", "department", "enterprise", "viewer"], Form()],
    display_name: Annotated[str, Form(max_length=120)] = "",
    unit: Annotated[str, Form(max_length=80)] = "",
    enterprise: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    ux = words(lang_of(request))
    username = username.strip()
    plan = request.app.state.plan
    units = {u.id: u.name for u in plan.units}
    problem = None
    if not USERNAME.fullmatch(username):
        problem = ux["bad_username"]
    elif role == "department" and unit not in units:
        problem = ux["bad_unit"]
    elif role == "enterprise" and enterprise not in dict(_enterprises(request)):
        problem = ux["bad_enterprise"]
    if problem:
        return _page(request, 422, error=problem)
    name = display_name.strip() or (units[unit] if role == "department" else "") or username
    if role == "enterprise":
        name = display_name.strip() or dict(_enterprises(request))[enterprise]
    password = new_password()  # 16 random letters and digits the rule accepts
    try:
        token = accounts.add_user(
            request.app.state.engine,
            username=username,
            password=password,
            role=role,
            display_name=name,
            who=who.username or "",
            source=_source(request),
            unit_id=unit if role == "department" else None,
            enterprise_id=enterprise if role == "enterprise" else None,
        )
    except InvalidInputError as exc:
        return _page(request, 422, error=problems_text(exc, lang_of(request)))
    secret = {"message": ux["created"].format(user=username), "password": password, "token": token}
    return _page(request, secret=secret)


@router.post("/admin/users/{username}/password", response_class=HTMLResponse)
def reset_password(request: Request, who: Office, username: Username) -> Response:
    password = new_password()
    accounts.change_password(
        request.app.state.engine, username, password, who=who.username or "", source=_source(request)
    )
    message = words(lang_of(request))["reset_done"].format(user=username)
    return _page(request, secret={"message": message, "password": password, "token": None})


@router.post("/admin/users/{username}/token", response_class=HTMLResponse)
def new_token(request: Request, who: Office, username: Username) -> Response:
    try:
        token = accounts.reissue_token(
            request.app.state.engine, username, who=who.username or "", source=_source(request)
        )
    except InvalidInputError as exc:
        return _page(request, 422, error=str(exc))
    message = words(lang_of(request))["token_done"].format(user=username)
    return _page(request, secret={"message": message, "password": None, "token": token})


@router.post("/admin/users/{username}/enabled", response_class=HTMLResponse)
def enable(
    request: Request, who: Office, username: Username, enabled: Annotated[Literal["0", "1"], Form()]
) -> Response:
    if username == who.username and enabled == "0":
        return _page(request, 422, error=words(lang_of(request))["not_self"])
    accounts.set_enabled(
        request.app.state.engine, username, enabled == "1", who=who.username or "", source=_source(request)
    )
    return RedirectResponse("/admin/users", 303)


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, who: SignedIn) -> Response:
    return render(
        request, "password.html", {"ux": words(lang_of(request)), "error": None, "n": MIN_PASSWORD_LENGTH}
    )


@router.post("/account/password", response_class=HTMLResponse)
def password_change(
    request: Request,
    who: SignedIn,
    current: Annotated[str, Form(max_length=200)],
    new: Annotated[str, Form(max_length=200)],
    again: Annotated[str, Form(max_length=200)],
) -> Response:
    ux = words(lang_of(request))
    limiter, engine = request.app.state.limiter, request.app.state.engine
    ip = request.client.host if request.client else "unknown"
    username = who.username or ""
    # the current password is a sign-in: the same limits (pair, source, account) and the same count
    wait = limiter.retry_after(ip, username)
    if wait is not None:
        context = {"ux": ux, "error": t("login_blocked", lang_of(request)), "n": MIN_PASSWORD_LENGTH}
        response = render(request, "password.html", context, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = check_password(engine, username, current)
    error = None
    if user is None:
        limiter.failed(ip, username)
        error = ux["wrong_current"]
    elif new != again:
        error = ux["mismatch"]
    else:
        try:
            accounts.change_password(
                request.app.state.engine, user.username, new, who=user.username, source=_source(request)
            )
        except InvalidInputError as exc:
            error = problems_text(exc, lang_of(request))
    if error:
        context = {"ux": ux, "error": error, "n": MIN_PASSWORD_LENGTH}
        return render(request, "password.html", context, 422)
    request.session.clear()
    return RedirectResponse("/login?changed=1", 303)
