"""docs/web.md stays true: its route table matches the permissions the code declares; the web
settings and the options of `carbonpeak serve` are documented."""

from __future__ import annotations

import re

import typer.main

from carbonpeak.cli.main import app as cli
from carbonpeak.settings import Settings
from carbonpeak.web.core.auth import ALL_ROLES, api_routes, route_permission
from tests.conftest import REPO
from tests.web.conftest import LiveServer

WEB_MD = (REPO / "docs" / "web.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| ([^|]+) \| *(yes)? *\|", re.MULTILINE)


def test_route_table_matches_declared_permissions(live: LiveServer) -> None:
    documented = {
        (m, p): ({r.strip() for r in roles.split(",")}, bool(s)) for m, p, roles, s in ROW.findall(WEB_MD)
    }
    declared = {}
    for route in api_routes(live.app):
        permission = route_permission(route)
        assert permission is not None
        for method in route.methods:
            declared[(method, route.path)] = (set(permission.roles), permission.scoped)
    assert len(declared) >= 20
    assert documented == declared
    assert all(roles <= set(ALL_ROLES) for roles, _ in documented.values())


def test_serve_and_its_options_are_documented() -> None:
    command = typer.main.get_command(cli).commands["serve"]  # type: ignore[attr-defined]
    assert "`carbonpeak serve" in WEB_MD
    for param in command.params:
        if param.param_type_name == "option":
            assert any(f"`{name}" in WEB_MD for name in param.opts), param.opts


def test_web_settings_are_documented() -> None:
    text = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    for field in Settings.model_fields:
        assert f"`{field}`" in text
        assert f"`CARBONPEAK_{field.upper()}`" in text
