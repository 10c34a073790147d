"""The explicit role × route table (``tests/web/route_table.py``) against the app: it lists every
route, no more and no fewer, and says for each role what the route's declaration says. Over real HTTP
the matrix (``test_permissions.test_role_route_matrix``) asserts each role's answer from this table."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from starlette.routing import Mount, Route

from carbonpeak.web import create_app
from carbonpeak.web.core.auth import (
    ALL_ROLES,
    NON_API_ROUTES,
    api_routes,
    iter_routes,
    permit,
    route_permission,
)
from tests.web.conftest import LiveServer
from tests.web.route_table import ROLE_LETTERS, ROUTES


def _letters(roles: frozenset[str] | tuple[str, ...]) -> str:
    return "".join(ROLE_LETTERS[r] for r in ALL_ROLES if r in roles)


def _app_routes(app: FastAPI) -> dict[str, str]:
    """The declared roles (letters) of every route of ``app``, by "METHOD path"."""
    out = {}
    for route in api_routes(app):
        permission = route_permission(route)
        assert permission is not None
        for method in sorted(route.methods or ()):
            out[f"{method} {route.path}"] = _letters(permission.roles)
    for other in iter_routes(app.routes):
        if isinstance(other, Route | Mount) and other.path in NON_API_ROUTES:
            out[f"GET {other.path}"] = _letters(NON_API_ROUTES[other.path])
    return out


def _missing(app: dict[str, str]) -> list[str]:
    return [f'    "{key}": "{roles}",' for key, roles in app.items() if key not in ROUTES]


def test_every_route_is_in_the_table(live: LiveServer) -> None:
    app = _app_routes(live.app)
    missing = _missing(app)
    assert not missing, (
        "routes without an entry in tests/web/route_table.py (add, after checking):\n" + "\n".join(missing)
    )
    gone = sorted(set(ROUTES) - set(app))
    assert not gone, f"entries of tests/web/route_table.py for routes the app no longer has: {gone}"


def test_a_new_route_without_an_entry_is_caught(live: LiveServer) -> None:
    extra = APIRouter()

    @extra.get("/extra/new-page")
    def new_page(who: object = Depends(permit("office", "viewer"))) -> dict[str, str]:
        return {}

    app = create_app(live.settings, extra_routers=[extra])
    try:
        assert _missing(_app_routes(app)) == ['    "GET /extra/new-page": "ov",']
    finally:
        app.state.engine.dispose()


def test_the_table_says_what_each_route_declares(live: LiveServer) -> None:
    app = _app_routes(live.app)
    differ = {key: (ROUTES[key], app[key]) for key in app if key in ROUTES and ROUTES[key] != app[key]}
    assert differ == {}, f"table vs declaration: {differ}"


def test_the_table_uses_only_known_roles() -> None:
    assert all(set(roles) <= set(ROLE_LETTERS.values()) and roles for roles in ROUTES.values())
    # nothing but sign-in, health, the public page and static files is open to the public
    public = sorted(key for key, roles in ROUTES.items() if "p" in roles)
    assert public == sorted(
        [
            "GET /login",
            "POST /login",
            "POST /logout",
            "GET /api/v1/health",
            "GET /public",
            "GET /api/v1/public/indicators",
            "GET /static",
            "GET /api/v1/openapi.json",
        ]
    )
