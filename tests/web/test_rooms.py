"""The web app is arranged in rooms (docs/decisions/0440-web-rooms.md): every room package declares
its ROOM and create_app includes every one; template names are unique across rooms."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import carbonpeak.web
from carbonpeak.web.app import ROOMS, _templates
from carbonpeak.web.core.auth import api_routes
from carbonpeak.web.core.rooms import Room
from tests.web.conftest import LiveServer


def test_every_room_package_is_included() -> None:
    packages = [m.name for m in pkgutil.iter_modules(carbonpeak.web.__path__) if m.ispkg]
    declared = {}
    for name in packages:
        if name == "static":
            continue
        room = importlib.import_module(f"carbonpeak.web.{name}.room").ROOM
        assert room.name == name and room.templates.is_dir(), name
        declared[name] = room
    assert {r.name for r in ROOMS} == set(declared)


def test_each_route_belongs_to_one_room(live: LiveServer) -> None:
    routers = [router for room in ROOMS for router in room.routers]
    assert len({id(r) for r in routers}) == len(routers)
    endpoints = {r.endpoint for router in routers for r in router.routes}
    assert {r.endpoint for r in api_routes(live.app)} == endpoints
    links = [link.endpoint for room in ROOMS for link in room.navigation]
    assert len(links) == len(set(links)) and all(n in {e.__name__ for e in endpoints} for n in links)


def test_a_template_name_in_two_rooms_is_refused(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.html").write_text("x", encoding="utf-8")
    rooms = [Room(name, (), tmp_path / name) for name in ("a", "b")]
    with pytest.raises(RuntimeError, match=r"template page\.html is in room a and in room b"):
        _templates(rooms)
    templates = _templates(ROOMS)
    assert templates.env.get_template("base.html") and templates.env.get_template("indicator.html")
