"""Ids at the route: every integer a route takes from the path, the query or a form is bounded, so
that ``/records/report/99999999999999999999`` is a 404 with a message instead of an OverflowError
(SQLite binds 64-bit integers, PostgreSQL's ``integer`` columns hold 32 bits) and a 500.

Routes take a database id as ``PathId`` (or ``QueryId`` / ``FormId``); ``unbounded_integers(app)``,
run by ``create_app``, refuses to build an app with an integer parameter that has no upper bound
within ``MAX_ID``, so a new route cannot forget it. An id out of range in the path answers 404 (no
such object can exist), in a query or form 422 (``carbonpeak.web.core.errors``)."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import FastAPI, Form, Path, Query
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from carbonpeak.web.core.auth import api_routes

# PostgreSQL's ``integer`` (int4): the type of every id column (SQLAlchemy ``Integer``); SQLite's
# 64-bit integers are wider, so this bound holds on both.
MAX_ID = 2**31 - 1

PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="a database id (1 … 2³¹−1)")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a database id (1 … 2³¹−1)")]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]
# a count carried in a query (rows stored by an import, shown after its redirect)
QueryCount = Annotated[int | None, Query(ge=0, le=MAX_ID)]


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(a is int for a in get_args(annotation))
    return False


def _upper_bound(metadata: list[Any]) -> float | None:
    bounds = [m.le for m in metadata if hasattr(m, "le") and m.le is not None]
    bounds += [m.lt - 1 for m in metadata if hasattr(m, "lt") and m.lt is not None]
    return min(bounds) if bounds else None


def _parameters(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.path_params
    yield from dependant.query_params
    yield from (p for p in dependant.body_params if getattr(p.field_info, "annotation", None) is not None)
    for sub in dependant.dependencies:
        yield from _parameters(sub)


def unbounded_integers(app: FastAPI) -> list[str]:
    """``METHOD path: name`` of every integer parameter (path, query, form field) of a route with
    no upper bound or one above ``MAX_ID`` (empty when every one is bounded)."""
    found = []
    route: APIRoute
    for route in api_routes(app):
        for param in _parameters(route.dependant):
            info = param.field_info
            if not _is_int(info.annotation):
                continue
            bound = _upper_bound(list(info.metadata))
            if bound is None or bound > MAX_ID:
                found.append(f"{sorted(route.methods or ())} {route.path}: {param.name}")
    return found
