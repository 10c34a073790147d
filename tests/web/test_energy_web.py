"""The energy room over real HTTP: the projects page with its charts' data, the charging map page,
downloads through the one writer, the JSON API; enterprises and the public refused."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from html import unescape

import pytest
from openpyxl import load_workbook

from carbonpeak.plan import load_plan
from carbonpeak.plan.loader import resolve_plan
from carbonpeak.services import energy_demo
from tests.web.conftest import LiveServer, signed_in, start


@pytest.fixture(scope="module")
def energy_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for server in start(tmp_path_factory.mktemp("energy"), secret_key="z" * 40, plan="jinghai-2023"):
        energy_demo.load(server.engine, load_plan(resolve_plan(None)))
        yield server


@pytest.fixture(scope="module")
def users(energy_live: LiveServer) -> Iterator[dict[str, object]]:
    yield from signed_in(energy_live)  # type: ignore[misc]


def _data(html: str, element: str, attr: str) -> dict[str, object]:
    match = re.search(rf'id="{element}"[^>]*{attr}="([^"]*)"', html)
    assert match is not None
    data: dict[str, object] = json.loads(unescape(match.group(1)))
    return data


def test_projects_page_has_the_charts_data_and_flags(users: dict[str, object]) -> None:
    page = users["dept_a"].get("/energy")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "示例数据" in page.text and "国华大邱庄渔光互补发电" in page.text
    chart = _data(page.text, "capacity-chart", "data-chart")
    assert chart["target"] == pytest.approx(280)
    assert len(chart["years"]) == len(chart["installed"]) == len(chart["expected"])  # type: ignore[arg-type]
    assert chart["gantt"]
    assert 'class="flagged"' in page.text  # a demo project below the 15% rule
    assert "/static/vendor/echarts/echarts.min.js" in page.text


def test_charging_page_draws_the_outline_without_tiles(users: dict[str, object]) -> None:
    page = users["viewer"].get("/charging?cell=1000")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "近似" in page.text and "示例数据" in page.text
    data = _data(page.text, "charging-map", "data-map")
    kinds = [f["properties"]["name"] for f in data["geojson"]["features"]]  # type: ignore[index]
    assert kinds == ["district", "core"]
    assert len(data["stations"]) == 120 and len(data["proposals"]) == 5  # type: ignore[arg-type]
    assert "http" not in json.dumps(data)


def test_downloads_through_the_writer(users: dict[str, object]) -> None:
    response = users["office"].get("/energy/export?kind=stations&format=xlsx")  # type: ignore[attr-defined]
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows(max_row=3) for c in row]
    assert "充电站名称" in values
    csv = users["office"].get("/energy/export?kind=projects&format=csv")  # type: ignore[attr-defined]
    assert csv.content.startswith(b"\xef\xbb\xbf") and "项目名称" in csv.text


def test_api(users: dict[str, object]) -> None:
    roll = users["office"].get("/api/v1/energy/rollup").json()  # type: ignore[attr-defined]
    assert roll["target_mw"] == pytest.approx(2800) and roll["piles_target"] == 500
    cov = users["office"].get("/api/v1/charging/coverage?cell=1000").json()  # type: ignore[attr-defined]
    assert 0 < cov["noncore_share"] <= 1
    assert len(users["dept_b"].get("/api/v1/charging/stations").json()) == 120  # type: ignore[attr-defined]
    assert users["office"].get("/api/v1/charging/coverage?cell=10").status_code == 422  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path", ["/energy", "/charging", "/energy/export", "/api/v1/energy/projects", "/api/v1/charging/coverage"]
)
def test_enterprises_and_the_public_are_refused(users: dict[str, object], path: str) -> None:
    assert users["firm"].get(path).status_code == 403  # type: ignore[attr-defined]
    assert users["public"].get(path).status_code in (401, 403, 303)  # type: ignore[attr-defined]


def _csrf(client: object) -> str:
    from tests.web.conftest import csrf_of

    return csrf_of(client)  # type: ignore[arg-type]


def test_office_edits_one_project_with_csrf_version_and_located_errors(users: dict[str, object]) -> None:
    office, dept = users["office"], users["dept_a"]
    projects = office.get("/api/v1/energy/projects").json()  # type: ignore[attr-defined]
    target = next(p for p in projects if p["status"] in ("planned", "approved", "construction"))
    pid = target["id"]
    assert f'href="/energy/projects/{pid}"' in office.get("/energy").text  # type: ignore[attr-defined]
    assert 'class="edit-project"' not in dept.get("/energy").text  # type: ignore[attr-defined]
    page = office.get(f"/energy/projects/{pid}")  # type: ignore[attr-defined]
    assert page.status_code == 200 and 'id="project-form"' in page.text and "预计投产日期" in page.text
    version = int(re.search(r'name="version" value="(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    form = {"version": str(version), "name": target["name"], "kind": "光伏发电", "status": "在建"}
    assert office.post(f"/energy/projects/{pid}", data=form).status_code == 403  # type: ignore[attr-defined]
    token = _csrf(office)
    bad = office.post(f"/energy/projects/{pid}", data=form | {"csrf_token": token, "capacity": "lots"})  # type: ignore[attr-defined]
    assert bad.status_code == 422
    errors = bad.text.split('id="form-errors"')[1].split("</div>")[0]
    assert "规模" in errors and "数字" in errors and 'value="lots"' in bad.text
    done = office.post(  # type: ignore[attr-defined]
        f"/energy/projects/{pid}",
        data=form | {"csrf_token": token, "note": "网页编辑（测试）", "capacity": "12", "unit": "MW"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert 'id="project-saved"' in office.get(done.headers["location"]).text  # type: ignore[attr-defined]
    stored = office.get(f"/api/v1/energy/projects/{pid}").json()  # type: ignore[attr-defined]
    assert (
        stored["note"] == "网页编辑（测试）" and stored["capacity"] == 12 and stored["version"] == version + 1
    )
    stale = office.post(f"/energy/projects/{pid}", data=form | {"csrf_token": token, "note": "x"})  # type: ignore[attr-defined]
    assert stale.status_code == 409 and 'id="form-conflict"' in stale.text
    # the department may read, never edit
    assert dept.get(f"/energy/projects/{pid}").status_code == 403  # type: ignore[attr-defined]
    dept_token = _csrf(dept)
    assert dept.post(f"/energy/projects/{pid}", data=form | {"csrf_token": dept_token}).status_code == 403  # type: ignore[attr-defined]
    # the API: office only, version checked, problems located
    body = {"version": version + 1, "changes": {"storage_mw": 3.5}}
    headers = {"x-csrf-token": dept_token}
    assert dept.put(f"/api/v1/energy/projects/{pid}", json=body, headers=headers).status_code == 403  # type: ignore[attr-defined]
    headers = {"x-csrf-token": token}
    put = office.put(f"/api/v1/energy/projects/{pid}", json=body, headers=headers)  # type: ignore[attr-defined]
    assert put.status_code == 200, put.text
    assert put.json()["storage_mw"] == 3.5 and put.json()["version"] == version + 2
    assert office.put(f"/api/v1/energy/projects/{pid}", json=body, headers=headers).status_code == 409  # type: ignore[attr-defined]
    wrong = office.put(  # type: ignore[attr-defined]
        f"/api/v1/energy/projects/{pid}",
        json={"version": version + 2, "changes": {"expected_commissioning": "soon"}},
        headers=headers,
    )
    assert wrong.status_code == 422
    assert wrong.json()["problems"][0]["field"] == "expected_commissioning"
    assert office.get("/api/v1/energy/projects/nope").status_code == 404  # type: ignore[attr-defined]


def _square(lon: float, lat: float, d: float) -> dict[str, object]:
    ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_office_uploads_the_core_area_all_or_nothing(users: dict[str, object]) -> None:
    office, dept = users["office"], users["dept_a"]
    assert 'id="outline-form"' in office.get("/charging?cell=2000").text  # type: ignore[attr-defined]
    assert 'id="outline-form"' not in dept.get("/charging?cell=2000").text  # type: ignore[attr-defined]
    token = _csrf(office)
    point = {"type": "FeatureCollection", "features": [
        _square(116.97, 38.95, 0.02), {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}},
    ]}  # fmt: skip
    before = office.get("/api/v1/charging/coverage?cell=2000").json()["core"]  # type: ignore[attr-defined]
    bad = office.post(  # type: ignore[attr-defined]
        "/charging/areas",
        data={"csrf_token": token, "area": "core", "crs": "WGS84", "label": "核心区（测试）"},
        files={"file": ("core.geojson", json.dumps(point).encode(), "application/geo+json")},
    )
    assert bad.status_code == 422
    errors = bad.text.split('id="form-errors"')[1].split("</div>")[0]
    assert "core.geojson" in errors and "features[1].geometry" in errors
    assert office.get("/api/v1/charging/coverage?cell=2000").json()["core"] == before  # type: ignore[attr-defined]
    not_json = office.post(  # type: ignore[attr-defined]
        "/charging/areas",
        data={"csrf_token": token, "area": "core", "crs": "WGS84"},
        files={"file": ("core.geojson", b"{oops", "application/geo+json")},
    )
    assert not_json.status_code == 422 and "GeoJSON" in not_json.text
    refused = dept.post(  # type: ignore[attr-defined]
        "/charging/areas",
        data={"csrf_token": _csrf(dept), "area": "core", "crs": "WGS84"},
        files={
            "file": ("core.geojson", json.dumps(_square(116.97, 38.95, 0.02)).encode(), "application/json")
        },
    )
    assert refused.status_code == 403
    done = office.post(  # type: ignore[attr-defined]
        "/charging/areas",
        data={"csrf_token": token, "area": "core", "crs": "WGS84", "label": "核心区（测试）"},
        files={
            "file": ("core.geojson", json.dumps(_square(116.97, 38.95, 0.02)).encode(), "application/json")
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = office.get(done.headers["location"].split("#")[0] + "&cell=2000").text  # type: ignore[attr-defined]
    assert 'id="outline-saved"' in page
    core = office.get("/api/v1/charging/coverage?cell=2000").json()["core"]  # type: ignore[attr-defined]
    assert core["label_zh"] == "核心区（测试）" and core["illustrative"] is False
    assert core["geojson"]["coordinates"][0][0] == pytest.approx([116.95, 38.93])
