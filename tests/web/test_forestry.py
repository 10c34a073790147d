"""The forestry pages and API over real HTTP: the demo zone's figures and parcels, filters, downloads
through the one writer (read back with openpyxl), roles (enterprise and public refused)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from carbonpeak.services.forestry import load_demo
from tests.web.conftest import LiveServer, login, start


@pytest.fixture(scope="module")
def forest_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for server in start(tmp_path_factory.mktemp("forestry"), secret_key="f" * 40):
        load_demo(server.engine, None)
        yield server


def test_page_shows_the_zone_figures_and_filters(forest_live: LiveServer) -> None:
    with contextlib.closing(login(forest_live, "dept_a")) as client:
        page = client.get("/forestry")
        assert page.status_code == 200, page.text
        text = page.text
        assert "林海循环经济示范区" in text and "示例数据" in text and "不代表全区" in text
        assert (
            "储量变化法" in text
            and text.split('id="forestry-projects"')[1].split("</table>")[0].count("<tr>") == 3
        )
        by_species = text.split('id="forestry-by-species"')[1].split("</table>")[0]
        assert "杨树" in by_species and "poplar" not in by_species
        filtered = client.get("/forestry", params={"year": 2024, "land_class": "wetland"}).text
        body = filtered.split('id="forestry-parcels"')[1]
        assert body.count("<tr>") == 3 and "TB-W1" in body and "LH-01" not in body  # header + 2 wetlands


def test_download_through_the_writer(forest_live: LiveServer) -> None:
    with contextlib.closing(login(forest_live, "viewer")) as client:
        got = client.get(
            "/forestry/parcels/export", params={"area": "林海循环经济示范区", "format": "xlsx", "year": 2020}
        )
        assert got.status_code == 200
        ws = load_workbook(io.BytesIO(got.content)).active
        values = [[c.value for c in row] for row in ws.iter_rows()]
        assert "示例数据" in str(values[0][0])
        assert len([r for r in values if r[0] == 2020]) == 13
        csv = client.get("/forestry/parcels/export", params={"area": "林海循环经济示范区", "format": "csv"})
        assert csv.content.startswith(b"\xef\xbb\xbf")


def test_api_and_roles(forest_live: LiveServer) -> None:
    with contextlib.closing(login(forest_live, "office")) as client:
        fig = client.get("/api/v1/forestry/figures", params={"area": "林海循环经济示范区"}).json()
        assert fig["scope"] == "zone" and fig["illustrative"] is True
        assert set(fig["sinks"]) == {"2021", "2022", "2023", "2024"}
        parcels = client.get(
            "/api/v1/forestry/parcels", params={"area": "林海循环经济示范区", "town": "团泊鸟类自然保护区"}
        )
        assert {p["parcel_id"] for p in parcels.json()} == {"TB-W1", "TB-W2"}
        assert client.get("/api/v1/forestry/figures", params={"area": "无此区域"}).status_code == 404
        drawn = client.get("/forestry/map.json", params={"area": "林海循环经济示范区"}).json()
        assert drawn["year"] == 2024 and len(drawn["parcels"]["features"]) == 13
        assert drawn["outline"]["features"][0]["properties"]["adcode"] == 120118
    with contextlib.closing(login(forest_live, "firm")) as client:
        assert client.get("/forestry").status_code == 403
        assert client.get("/api/v1/forestry/surveys").status_code == 403
    with contextlib.closing(forest_live.client()) as public:
        assert public.get("/api/v1/forestry/surveys").status_code in (401, 403)
        assert public.get("/forestry").status_code in (303, 401, 403)
