"""Who is asking, and may they: principals, role permissions declared on every route, deny by default.

Every route declares its permission with ``Depends(permit(...))``; ``check_declared(app)`` (run by
``create_app``) refuses to build an app with a route that declares none. Row-level rules (a
department sees only its own tasks and indicators) are applied in the handlers through
``Principal.owns_units``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount, Route

from carbonpeak.errors import NotFoundError
from carbonpeak.plan import Indicator, Plan, Task, indicator_responsible
from carbonpeak.services.signin import User, session_user, token_user
from carbonpeak.web.core.security import API_PREFIX, bearer_token

RoleName = Literal["office", "department", "enterprise", "viewer", "public"]
ALL_ROLES: tuple[RoleName, ...] = ("office", "department", "enterprise", "viewer", "public")
SIGNED_IN: tuple[RoleName, ...] = ("office", "department", "enterprise", "viewer")
READERS: tuple[RoleName, ...] = ("office", "department", "viewer")

# Routes that are not FastAPI routes (static files, the OpenAPI document) and their permission.
NON_API_ROUTES: dict[str, tuple[RoleName, ...]] = {
    "/static": ALL_ROLES,
    "/api/v1/openapi.json": ALL_ROLES,
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user (or the public) of one request."""

    role: RoleName
    user_id: int | None = None
    username: str = ""
    display_name: str = ""
    unit_id: str | None = None
    enterprise_id: str | None = None
    via_token: bool = False

    @property
    def signed_in(self) -> bool:
        return self.role != "public"

    @property
    def who(self) -> str:
        return self.username or "public"

    def owns_units(self, units: Iterable[str]) -> bool:
        """Office and viewers see everything; a department only what names its unit."""
        if self.role in ("office", "viewer"):
            return True
        if self.role == "department":
            return self.unit_id is not None and self.unit_id in set(units)
        return False


PUBLIC = Principal(role="public")


class NotSignedIn(Exception):
    """The route needs a signed-in user and there is none (pages redirect to /login, API says 401)."""


class Forbidden(Exception):
    """Signed in, but this role or this user may not see this."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


def _principal(user: User, via_token: bool = False) -> Principal:
    return Principal(
        role=user.role,
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        unit_id=user.unit_id,
        enterprise_id=user.enterprise_id,
        via_token=via_token,
    )


def principal_of(request: Request) -> Principal:
    """The principal from the bearer token (enterprise API) or the session cookie, else public."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    principal = PUBLIC
    engine = request.app.state.engine
    # A bearer token is for the JSON API only: pages and their forms never accept it (and the CSRF
    # middleware exempts it only there); one parser for both (security.bearer_token).
    token = bearer_token(request.scope) if request.url.path.startswith(API_PREFIX) else None
    if token is not None:
        user = token_user(engine, token)
        if user is None:
            raise HTTPException(401, "invalid API token", headers={"WWW-Authenticate": "Bearer"})
        principal = _principal(user, via_token=True)
    else:
        user_id = request.session.get("uid")
        if isinstance(user_id, int):
            settings = request.app.state.settings
            found = session_user(
                engine,
                user_id,
                request.session.get("pwh"),
                request.session.get("sid"),
                idle=settings.session_idle_seconds,
                lifetime=settings.session_lifetime_seconds,
            )
            if found is not None:
                principal = _principal(found)
            else:
                request.session.clear()
    request.state.principal = principal
    return principal


class Permission:
    """A route's permission: the roles that may call it; ``scoped`` says the handler narrows further
    to the caller's own objects (department → its unit, enterprise → its enterprise)."""

    def __init__(self, roles: tuple[RoleName, ...], scoped: bool = False) -> None:
        unknown = set(roles) - set(ALL_ROLES)
        if unknown or not roles:
            raise ValueError(f"permission needs roles from {ALL_ROLES}, got {roles}")
        self.roles = frozenset(roles)
        self.scoped = scoped

    def __call__(self, request: Request) -> Principal:
        principal = principal_of(request)
        if principal.role in self.roles:
            return principal
        if not principal.signed_in:
            raise NotSignedIn()
        raise Forbidden(f"role {principal.role} may not open this page")

    def __repr__(self) -> str:
        return f"Permission({sorted(self.roles)}, scoped={self.scoped})"


def permit(*roles: RoleName, scoped: bool = False) -> Permission:
    return Permission(tuple(roles), scoped=scoped)


def route_permission(route: APIRoute) -> Permission | None:
    found = [d.call for d in route.dependant.dependencies if isinstance(d.call, Permission)]
    return found[0] if len(found) == 1 else None


def iter_routes(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of an app, flattened: recent FastAPI versions keep an included router as one
    route object holding the router (``original_router``); older ones copy its routes."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from iter_routes(inner.routes)
        else:
            yield route


def api_routes(app: FastAPI) -> list[APIRoute]:
    return [r for r in iter_routes(app.routes) if isinstance(r, APIRoute)]


def check_declared(app: FastAPI) -> list[str]:
    """Routes without exactly one permission declaration (empty when every route declares one)."""
    missing = []
    for route in iter_routes(app.routes):
        if isinstance(route, APIRoute):
            if route_permission(route) is None:
                missing.append(f"{sorted(route.methods or ())} {route.path}")
        elif isinstance(route, Route | Mount) and route.path not in NON_API_ROUTES:
            missing.append(route.path)
    return missing


def owned_task(request: Request, task_id: str) -> Task:
    """The task of the path, if the caller's unit owns it (a dependency: checked before any form is
    read; 404 for an unknown task, 403 for another unit's)."""
    plan: Plan = request.app.state.plan
    task = next((t for t in plan.tasks if t.id == task_id), None)
    if task is None:
        raise NotFoundError(f"no task {task_id!r} in the plan")
    if not principal_of(request).owns_units(task.responsible):
        raise Forbidden(f"task {task_id} is not a task of your unit")
    return task


def owned_indicator(request: Request, indicator_id: str) -> Indicator:
    """The indicator of the path, if the caller's unit is responsible for it (as ``owned_task``)."""
    plan: Plan = request.app.state.plan
    ind = next((i for i in plan.indicators if i.id == indicator_id), None)
    if ind is None:
        raise NotFoundError(f"no indicator {indicator_id!r} in the plan")
    if not principal_of(request).owns_units(indicator_responsible(plan, ind)):
        raise Forbidden(f"indicator {indicator_id} is not an indicator of your unit")
    return ind


OwnedTask = Annotated[Task, Depends(owned_task)]
OwnedIndicator = Annotated[Indicator, Depends(owned_indicator)]
