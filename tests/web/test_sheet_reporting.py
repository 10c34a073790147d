"""Excel 批量填报 over real HTTP on a server of its own: a department downloads its template, fills it
with openpyxl as a user would in Excel, uploads, previews and confirms; a bad cell is located and
nothing is written; another unit's template is refused; the import is all-or-nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import IndicatorValueRow, TaskReportRow
from carbonpeak.tracking.sheets import REPORT_SHEET, VALUE_SHEET
from tests.web.conftest import LiveServer, csrf_of, signed_in, start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("web-sheets")
    yield from start(folder, secret_key="s" * 40)


@pytest.fixture(scope="module")
def clients(server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    yield from signed_in(server)


def _count(server: LiveServer) -> tuple[int, int]:
    with Session(server.engine) as s:
        values = s.scalar(select(func.count()).select_from(IndicatorValueRow)) or 0
        reports = s.scalar(select(func.count()).select_from(TaskReportRow)) or 0
    return values, reports


def _template(client: httpx.Client, query: str = "year=2024") -> bytes:
    response = client.get(f"/reporting/template?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return response.content


def _fill(
    content: bytes, values: dict[str, object], reports: dict[tuple[str, str], tuple[str, str]]
) -> bytes:
    """Fill the 数值 cell of the given indicators and the status/narrative of (task, quarter) rows."""
    book = load_workbook(io.BytesIO(content))
    for row in book[VALUE_SHEET].iter_rows(min_row=2):
        if row[0].value in values:
            row[4].value = values[str(row[0].value)]
            row[6].value = "区统计局"
    for row in book[REPORT_SHEET].iter_rows(min_row=2):
        key = (str(row[0].value), str(row[3].value))
        if key in reports:
            row[4].value, row[5].value = reports[key]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: httpx.Client, content: bytes, **form: str) -> httpx.Response:
    return client.post(
        "/reporting/import",
        data={"csrf_token": csrf_of(client), **form},
        files={"file": ("静海-填报.xlsx", content, XLSX)},
    )


def _confirm(client: httpx.Client, submit: bool = True) -> httpx.Response:
    data = {"csrf_token": csrf_of(client), **({"submit": "1"} if submit else {})}
    return client.post("/reporting/import/confirm", data=data)


def test_template_upload_preview_confirm(server: LiveServer, clients: dict[str, httpx.Client]) -> None:
    dept = clients["dept_a"]
    content = _template(dept)
    book = load_workbook(io.BytesIO(content))
    codes = [r[0].value for r in book[VALUE_SHEET].iter_rows(min_row=2)]
    assert "non_fossil_share_2025" in codes and "industry_energy_intensity_2025" not in codes  # own only
    filled = _fill(content, {"non_fossil_share_2025": 9.1}, {("energy.1", "Q1"): ("推进中", "光伏项目备案")})
    before = _count(server)
    preview = _upload(dept, filled)
    assert preview.status_code == 200, preview.text
    assert 'id="preview-values"' in preview.text and "non_fossil_share_2025" in preview.text
    assert "光伏项目备案" in preview.text
    assert _count(server) == before  # a preview writes nothing
    done = _confirm(dept)
    assert done.status_code == 303 and done.headers["location"] == "/reporting/import?imported=2"
    assert _count(server) == (before[0] + 1, before[1] + 1)
    with Session(server.engine) as s:
        value = s.scalars(select(IndicatorValueRow).where(IndicatorValueRow.year == 2024)).one()
        assert (value.indicator_id, value.value, value.state, value.unit_id) == (
            "non_fossil_share_2025",
            9.1,
            "submitted",
            "dev_reform",
        )
    # The confirmation is used once: a second confirm finds nothing pending.
    assert _confirm(dept).headers["location"] == "/reporting/import"


def test_a_bad_cell_is_located_and_nothing_is_written(
    server: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    dept = clients["dept_a"]
    filled = _fill(_template(dept, "year=2023"), {"non_fossil_share_2025": "九点一"}, {})
    before = _count(server)
    response = _upload(dept, filled)
    assert response.status_code == 422
    assert 'id="sheet-errors"' in response.text and VALUE_SHEET in response.text and "数值" in response.text
    assert _count(server) == before
    assert _upload(dept, b"not a workbook").status_code == 422


def test_a_department_imports_only_its_own_template(
    server: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    theirs = _fill(_template(clients["dept_a"], "year=2022"), {"non_fossil_share_2025": 8.0}, {})
    before = _count(server)
    response = _upload(clients["dept_b"], theirs)
    assert response.status_code == 422 and "只能导入本单位" in response.text
    assert _confirm(clients["dept_b"]).headers["location"] == "/reporting/import"
    assert _count(server) == before
    # A department's template is always its own, whatever unit it asks for.
    book = load_workbook(io.BytesIO(_template(clients["dept_b"], "year=2022&unit=dev_reform")))
    assert "industry_it" in [c.value for c in book["填报说明"][3]]
    for who in ("viewer", "firm"):
        assert clients[who].get("/reporting/import").status_code == 403
        assert clients[who].get("/reporting/template?year=2024").status_code == 403


def test_office_imports_for_a_unit_all_or_nothing(
    server: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    office = clients["office"]
    assert office.get("/reporting/template?year=2024&unit=nobody").status_code == 404
    content = _template(office, "year=2024&unit=dev_reform")
    # 2024's value was submitted by the department above: writing it again is refused by the
    # workflow, so the new 2024 report in the same file must not be written either.
    filled = _fill(content, {"non_fossil_share_2025": 9.9}, {("energy.1", "Q2"): ("推进中", "第二季度")})
    before = _count(server)
    assert _upload(office, filled).status_code == 200
    refused = _confirm(office)
    assert refused.status_code == 422 and "指标数据" in refused.text
    assert _count(server) == before


def test_the_activity_template_is_downloadable_by_the_office(clients: dict[str, httpx.Client]) -> None:
    assert 'href="/inventory/import/template"' in clients["office"].get("/inventory/import").text
    response = clients["office"].get("/inventory/import/template")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert {"说明", "活动数据", "宏观数据"} <= set(book.sheetnames)
    for who in ("dept_a", "viewer", "firm"):
        assert clients[who].get("/inventory/import/template").status_code == 403
