"""A room is one capability's part of the web app: its routers, its links in the header and its
templates folder. Each room package declares one ``ROOM`` in its ``room.py``; ``create_app``
includes the rooms it lists and nothing else (docs/decisions/0440-web-rooms.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter

from carbonpeak.web.core.auth import RoleName


@dataclass(frozen=True)
class NavLink:
    """A link of the header: the endpoint (route function name) it opens, its word key in
    ``core.i18n``, the roles that see it, and ``order``, its place among the links of every room."""

    endpoint: str
    word: str
    roles: tuple[RoleName, ...]
    order: int


@dataclass(frozen=True)
class Room:
    """One capability's routes, header links and templates (a folder beside its ``room.py``)."""

    name: str
    routers: tuple[APIRouter, ...]
    templates: Path
    navigation: tuple[NavLink, ...] = ()


def templates_of(module_file: str) -> Path:
    """The templates folder beside a room's ``room.py``."""
    return Path(module_file).parent / "templates"
