"""The tracking evaluation as a sheet, and the downloads page's links, over real HTTP on a server of
their own: the numbers are hand-checked, a department gets only its own indicators, and every
download link the page offers works for the role that sees it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from carbonpeak.tracking.codes import label
from tests.web.conftest import B_INDICATOR, LiveServer, csrf_of, signed_in, start


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("web-tracking-export")
    yield from start(folder, secret_key="e" * 40)


@pytest.fixture(scope="module")
def clients(server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    yield from signed_in(server)


def _rows(client: httpx.Client, query: str) -> list[list[str]]:
    response = client.get(f"/tracking/export?{query}&format=csv")
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_sheet_has_the_hand_computed_path_and_the_approved_value(
    clients: dict[str, httpx.Client],
) -> None:
    office = clients["office"]
    token = csrf_of(office)
    # the responsible unit reports, the office approves (nobody approves their own entry)
    saved = clients["dept_b"].post(
        f"/api/v1/indicators/{B_INDICATOR}/values",
        json={"year": 2023, "value": 9.0, "data_source": "区统计局", "submit": True},
        headers={"X-CSRF-Token": csrf_of(clients["dept_b"])},
    )
    assert saved.status_code == 200, saved.text
    decided = office.post(
        f"/api/v1/records/value/{saved.json()['id']}/decision",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": token},
    )
    assert decided.status_code == 200, decided.text

    rows = _rows(clients["viewer"], "year=2023")
    assert rows[0][0].startswith("# ") and "2023年指标跟踪评估" in rows[0][0]
    header = rows[1]
    row = dict(zip(header, next(r for r in rows[2:] if r[0] == B_INDICATOR), strict=True))
    # "较2020年下降15.5%" by 2025: required cumulative reduction in 2023 = 100·(1 − 0.845^(3/5)).
    required = 100 * (1 - 0.845 ** (3 / 5))
    assert float(row["路径要求值"]) == pytest.approx(required, rel=1e-5)
    assert float(row["实际值"]) == 9.0 and row["实际值来源"] == "填报"
    assert float(row["差距（正为超前）"]) == pytest.approx(9.0 - required, rel=1e-4)
    # The status is the one the indicator's own page shows for that year.
    evaluation = clients["viewer"].get(f"/api/v1/indicators/{B_INDICATOR}/evaluation").json()
    status = next(r["status"] for r in evaluation["rows"] if r["year"] == 2023)
    assert row["状态代码"] == status and row["状态"] == label("indicator_status", status)

    book = load_workbook(io.BytesIO(clients["office"].get("/tracking/export?year=2023").content))
    assert book.sheetnames == ["2023指标评估"]
    assert book.active is not None and book.active.max_row == len(rows)


def test_a_department_gets_only_its_own_indicators(clients: dict[str, httpx.Client]) -> None:
    own = {r[0] for r in _rows(clients["dept_b"], "year=2023")[2:]}
    other = {r[0] for r in _rows(clients["dept_a"], "year=2023")[2:]}
    everyone = {r[0] for r in _rows(clients["viewer"], "year=2023")[2:]}
    assert B_INDICATOR in own and B_INDICATOR not in other
    assert own <= everyone and other <= everyone and own != everyone
    assert clients["firm"].get("/tracking/export").status_code == 403
    assert clients["viewer"].get("/tracking/export?year=1900").status_code == 422


LINK = re.compile(r'<a href="([^"]+format=(?:xlsx|csv))"')


@pytest.mark.parametrize("who", ["office", "dept_a", "viewer"])
def test_every_download_link_works(clients: dict[str, httpx.Client], who: str) -> None:
    page = clients[who].get("/downloads")
    assert page.status_code == 200
    links = [href.replace("&amp;", "&") for href in LINK.findall(page.text)]
    assert any(href.startswith("/tracking/export") for href in links)
    assert any(href.startswith("/review/export") for href in links) == (who == "office")
    # The minimal test plan lacks the indicators the plan scenario reads: no scenario links offered.
    assert not any(href.startswith("/scenarios/download") for href in links)
    # Nothing imported on this server: no inventory downloads offered (they would be 404).
    assert not any(href.startswith("/inventory/download") for href in links)
    for href in links:
        response = clients[who].get(href)
        assert response.status_code == 200, (who, href, response.text[:300])
        assert response.headers["content-type"].startswith(("text/csv", "application/vnd.openxml")), href
