"""Domain errors map once to HTTP; a bug's KeyError is a 500, never a 404."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends

from carbonpeak.errors import NotFoundError, Problem
from carbonpeak.tracking.errors import ImportProblems
from carbonpeak.web.app import create_app
from carbonpeak.web.core.auth import ALL_ROLES, Principal, permit
from tests.web.conftest import make_settings, serve

probe = APIRouter()
Anyone = Annotated[Principal, Depends(permit(*ALL_ROLES))]


@probe.get("/api/v1/probe/not-found")
def _not_found(who: Anyone) -> None:
    raise NotFoundError("没有这个指标", message_en="no such indicator")


@probe.get("/api/v1/probe/invalid")
def _invalid(who: Anyone) -> None:
    raise ImportProblems([Problem("应为数字", file="t.xlsx", sheet="指标数据", row=2, column="数值")])


@probe.get("/api/v1/probe/bug")
def _bug(who: Anyone) -> None:
    {}["missing"]  # a KeyError is a LookupError: it must not turn into a 404


@probe.get("/probe/page-not-found")
def _page_not_found(who: Anyone) -> None:
    raise NotFoundError("没有这个指标", message_en="no such indicator")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from carbonpeak.storage import upgrade

    folder: Path = tmp_path_factory.mktemp("errors")
    settings = make_settings(folder, secret_key="x" * 40)
    upgrade(settings.resolved_database_url())
    app = create_app(settings, extra_routers=[probe])
    yield from serve(app)


def test_domain_errors_become_problem_documents(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        nf = client.get("/api/v1/probe/not-found")
        assert nf.status_code == 404
        assert nf.json()["kind"] == "not_found" and nf.json()["detail"] == "没有这个指标"
        assert client.get("/api/v1/probe/not-found?lang=en").json()["detail"] == "no such indicator"
        bad = client.get("/api/v1/probe/invalid")
        assert bad.status_code == 422
        assert bad.json()["problems"] == [
            {
                "file": "t.xlsx",
                "sheet": "指标数据",
                "row": 2,
                "column": "数值",
                "field": None,
                "message": "应为数字",
            }
        ]
        page = client.get("/probe/page-not-found")
        assert page.status_code == 404 and "没有这个指标" in page.text


def test_a_bug_is_a_server_error_not_a_404(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        assert client.get("/api/v1/probe/bug").status_code == 500
