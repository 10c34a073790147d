"""The forestry pages and API over real HTTP: the demo zone's figures and parcels, filters, downloads
through the one writer (read back with openpyxl), roles (enterprise and public refused), the office's
wetland factor form (CSRF, located errors), a district survey's cover chart against the target."""

from __future__ import annotations

import contextlib
import html
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonpeak.accounting import read_activity
from carbonpeak.plan import load_plan
from carbonpeak.plan.loader import resolve_plan
from carbonpeak.services import inventory as inventory_service
from carbonpeak.services.forestry import ForestryService, load_demo
from carbonpeak.tracking.model import Actor
from tests.conftest import REPO
from tests.web.conftest import LiveServer, csrf_of, login, start


@pytest.fixture(scope="module")
def forest_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # the bundled Jinghai plan: its forest_cover_2025 (不低于 10.5%) and forest_stock_2030 are judged
    for server in start(
        tmp_path_factory.mktemp("forestry"), secret_key="f" * 40, plan=str(resolve_plan(None))
    ):
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


DISTRICT = (
    "小班号,调查年度,乡镇,面积,面积单位,地类,树种,蓄积量\n"
    "A,2020,团泊镇,15000,hm²,乔木林,杨树,60\nA,2024,团泊镇,16000,hm²,乔木林,杨树,70\n"
)


def import_district(server: LiveServer, tmp_path: Path) -> None:
    """A district survey (15,000 → 16,000 hm² of 147,568 hm²: 10.16% → 10.84%), imported as the CLI
    does (with the plan: the computed values reach tracking)."""
    path = tmp_path / "district.csv"
    path.write_text(DISTRICT, encoding="utf-8")
    ForestryService(server.engine).import_file(
        Actor("wang", "office"), path, area_name="静海区", scope="district", source="二类调查（测试）",
        plan=load_plan(resolve_plan(None)),
    )  # fmt: skip


def test_wetland_factor_form(forest_live: LiveServer) -> None:
    with contextlib.closing(login(forest_live, "office")) as office:
        page = office.get("/forestry").text
        assert (
            'id="wetland-form"' in page
            and "示例数据" in page.split('id="wetland-factor"')[1].split("</section>")[0]
        )
        no_token = office.post("/forestry/wetland-factor", data={"value": "2", "source": "x"})
        assert no_token.status_code == 403
        token = csrf_of(office)
        bad = office.post(
            "/forestry/wetland-factor", data={"csrf_token": token, "value": "abc", "source": " "}
        )
        assert bad.status_code == 422
        errors = bad.text.split('id="form-errors"')[1].split("</div>")[0]
        assert "因子 (tCO2/hm²·年)" in errors and "非负数" in errors and "来源" in errors
        assert 'value="abc"' in bad.text  # the form keeps what was typed
        done = office.post(
            "/forestry/wetland-factor",
            data={"csrf_token": token, "value": "4.2", "source": "团泊湿地监测报告 2024", "area": ""},
            follow_redirects=False,
        )
        assert done.status_code == 303
        page = office.get(done.headers["location"]).text
        assert 'id="wetland-saved"' in page and "团泊湿地监测报告 2024" in page
        assert office.get("/api/v1/forestry/wetland-factor").json()["t_co2_per_ha_year"] == 4.2
    with contextlib.closing(login(forest_live, "dept_a")) as dept:
        assert 'id="wetland-form"' not in dept.get("/forestry").text
        token = csrf_of(dept)
        refused = dept.post(
            "/forestry/wetland-factor", data={"csrf_token": token, "value": "1", "source": "x"}
        )
        assert refused.status_code == 403
        put = dept.put(
            "/api/v1/forestry/wetland-factor",
            json={"t_co2_per_ha_year": 1, "source": "x"},
            headers={"x-csrf-token": token},
        )
        assert put.status_code == 403


def test_district_cover_chart_against_the_target(forest_live: LiveServer, tmp_path: Path) -> None:
    with contextlib.closing(login(forest_live, "viewer")) as client:
        zone = client.get("/forestry").text
        assert 'id="forestry-cover-zone"' in zone and 'id="forestry-cover-chart"' not in zone
        import_district(forest_live, tmp_path)
        page = client.get("/forestry", params={"area": "静海区"}).text
        chart = json.loads(
            html.unescape(page.split('id="forestry-cover-chart"')[1].split('data-chart="')[1].split('"')[0])
        )
        assert chart["years"] == [2020, 2024]
        assert chart["cover"] == [
            pytest.approx(100 * 15000 / 147568, abs=1e-3),
            pytest.approx(100 * 16000 / 147568, abs=1e-3),
        ]
        assert chart["targets"] == [{"year": 2025, "value": 10.5}]
        stock = client.get("/api/v1/indicators/forest_stock_2030/evaluation").json()
        assert stock["state"] != "no_data"
        # the inventory names where its sink line comes from: the database, with the method
        inventory_service.store_activity(
            forest_live.engine,
            read_activity(REPO / "data" / "demo" / "jinghai-activity-2020-2024.csv"),
            file_name="demo.csv",
            who="wang",
            source="test",
        )
        page = client.get("/inventory").text
        flag = page.split('id="inventory-sink-source"')[1].split("</div>")[0]
        assert "林业碳汇数据库" in flag and "2024：储量变化法" in flag
