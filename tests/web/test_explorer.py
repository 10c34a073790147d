"""Inventory page, import flow, downloads and the scenario explorer over real HTTP (uvicorn + httpx).

The scenario tests serve the bundled Jinghai plan (the plan scenario reads its indicators); the
role × route matrix of test_permissions covers these routes on the minimal test plan too.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from carbonpeak.accounting.demo import demo_inventory
from carbonpeak.plan import load_plan
from carbonpeak.storage.activity import activity_batches
from carbonpeak.web.scenarios.explorer import MAX_SAMPLES
from tests.web.conftest import LiveServer, csrf_of, login
from tests.web.explorer_server import DEMO_ACTIVITY, JINGHAI, jinghai

__all__ = ["jinghai"]  # the module-scoped server fixture


@pytest.fixture(scope="module")
def viewer(jinghai: LiveServer) -> Iterator[httpx.Client]:
    client = login(jinghai, "viewer")
    yield client
    client.close()


def run(client: httpx.Client, **body: object) -> httpx.Response:
    return client.post("/api/v1/scenarios/run", json=body, headers={"X-CSRF-Token": csrf_of(client)})


def test_deterministic_run_is_repeatable_and_checks_targets(viewer: httpx.Client) -> None:
    first = run(viewer, scenario="plan")
    assert first.status_code == 200, first.text
    again = run(viewer, scenario="plan")
    assert first.json() == again.json()
    data = first.json()
    assert data["illustrative"] is True
    trajectory = {int(y): v for y, v in data["trajectory"].items()}
    # the peak is the largest CO2 of the trajectory, first on ties
    peak = max(trajectory.values())
    assert data["peak_co2_t"] == peak
    assert data["peak_year"] == min(y for y, v in trajectory.items() if v == peak)
    assert any(t["id"] == "co2_peak_2030" or t["metric"] == "co2_peak" for t in data["targets"])
    assert "monte_carlo" not in data and "attribution" not in data


def test_a_lever_push_lowers_emissions(viewer: httpx.Client) -> None:
    base = run(viewer, scenario="bau").json()
    pushed = run(viewer, scenario="bau", levers={"industry_efficiency": 5}).json()
    assert pushed["levers"] == {"industry_efficiency": 5}
    # pushes start in 2024: earlier years unchanged, later years lower
    assert pushed["trajectory"]["2023"] == base["trajectory"]["2023"]
    assert pushed["trajectory"]["2030"] < base["trajectory"]["2030"]
    assert pushed["peak_co2_t"] <= base["peak_co2_t"]


def test_bad_requests_are_refused(viewer: httpx.Client) -> None:
    assert run(viewer, scenario="plan", samples=MAX_SAMPLES + 1).status_code == 422
    assert run(viewer, scenario="nonsense").status_code == 422
    unknown = run(viewer, scenario="plan", levers={"no_such_lever": 1})
    assert unknown.status_code == 422 and "no_such_lever" in unknown.json()["detail"]
    too_far = run(viewer, scenario="plan", levers={"renewables": 10_000})
    assert too_far.status_code == 422 and "outside" in too_far.json()["detail"]
    # the session's CSRF token is required
    assert viewer.post("/api/v1/scenarios/run", json={"scenario": "plan"}).status_code == 403


def test_monte_carlo_and_shapley(viewer: httpx.Client) -> None:
    out = run(viewer, scenario="enhanced", samples=200, seed=3, attribution=True)
    assert out.status_code == 200, out.text
    data = out.json()
    mc = data["monte_carlo"]
    assert mc["samples"] == 200
    assert sum(mc["peak_year_distribution"].values()) == pytest.approx(1.0)
    p_by = sum(v for y, v in mc["peak_year_distribution"].items() if int(y) <= 2030)
    assert 0.0 <= mc["p_peak_by_2030"] <= 1.0
    assert mc["p_peak_by_2030"] >= p_by - 1e-9  # peaked by 2030 includes every peak year ≤ 2030
    for year in mc["percentiles"]["p50"]:
        assert (
            mc["percentiles"]["p5"][year] <= mc["percentiles"]["p50"][year] <= mc["percentiles"]["p95"][year]
        )
    attribution = data["attribution"]
    assert attribution["co2_to_t"] == pytest.approx(data["trajectory"]["2030"])
    total = sum(g["shapley_t"] for g in attribution["groups"])
    assert total == pytest.approx(attribution["co2_to_t"] - attribution["co2_from_t"], rel=1e-9, abs=1e-6)
    assert len(attribution["groups"]) >= 2
    # same seed → same answer
    assert run(viewer, scenario="enhanced", samples=200, seed=3, attribution=True).json() == data


def test_roles_of_the_explorer_routes(jinghai: LiveServer) -> None:
    with jinghai.client() as public:
        token = csrf_of(public)
        assert (
            public.post("/api/v1/scenarios/run", json={}, headers={"X-CSRF-Token": token}).status_code == 401
        )
        assert public.get("/scenarios").status_code == 303
        assert public.get("/inventory").status_code == 303
    with closing(login(jinghai, "firm")) as firm:
        assert run(firm, scenario="plan").status_code == 403
        assert firm.get("/inventory").status_code == 403
    for name in ("viewer", "dept_a", "office"):
        with closing(login(jinghai, name)) as client:
            assert run(client, scenario="bau").status_code == 200
            assert client.get("/scenarios").status_code == 200
            assert client.get("/inventory").status_code == 200
    with closing(login(jinghai, "viewer")) as viewer:
        assert viewer.get("/inventory/import").status_code == 403
        files = {"file": ("a.csv", DEMO_ACTIVITY.read_bytes(), "text/csv")}
        token = csrf_of(viewer)
        assert viewer.post("/inventory/import", files=files, data={"csrf_token": token}).status_code == 403


def test_scenario_and_inventory_pages_in_english(viewer: httpx.Client) -> None:
    assert "Lever" in viewer.get("/scenarios", params={"lang": "en"}).text
    assert "Energy flow (fuel → sector)" in viewer.get("/inventory", params={"lang": "en"}).text
    viewer.get("/", params={"lang": "zh-CN"})  # back to Chinese for the other tests


def _visible(html: str) -> str:
    """The text a reader sees: tags (and the attributes holding the script's configuration) removed."""
    return re.sub(r"<[^>]+>", " ", html)


def test_scenario_page_names_sliders_scenarios_and_plan_indicators(viewer: httpx.Client) -> None:
    page = viewer.get("/scenarios")
    assert page.status_code == 200
    assert 'id="lever-industry_efficiency"' in page.text  # the script's handle, not shown
    text = _visible(page.text)
    plan = load_plan(str(JINGHAI))
    by_id = {i.id: i for i in plan.indicators}
    # the plan indicators a lever reads, by their names and years; the scenarios by their titles
    assert f"{by_id['industrial_energy_intensity_2025'].name}（2025年）" in text
    assert "规划情景（实施方案目标）" in text and "强化情景" in text
    for raw in (
        "industrial_energy_intensity_2025",
        "renewable_capacity_2025",
        "industry_efficiency",
        ">bau<",
    ):
        assert raw not in text, raw
    assert "示例数据" in text
    config = json.loads(html.unescape(re.search(r"data-config='([^']*)'", page.text)[1]))  # type: ignore[index]
    assert (
        config["labels"]["indicators"]["renewable_capacity_2025"]["name"]
        == by_id["renewable_capacity_2025"].name
    )
    english = _visible(viewer.get("/scenarios", params={"lang": "en"}).text)
    assert "Enhanced scenario" in english and "Industrial energy efficiency" in english
    viewer.get("/", params={"lang": "zh-CN"})


def test_inventory_page_and_api(viewer: httpx.Client) -> None:
    page = viewer.get("/inventory")
    assert page.status_code == 200
    assert "示例数据" in page.text
    assert 'id="chart-sankey"' in page.text and "data-sankey=" in page.text
    api = viewer.get("/api/v1/inventory").json()
    expected = demo_inventory().to_json()
    assert api["illustrative"] is True
    assert [t["year"] for t in api["totals"]] == list(expected["years"])
    assert api["totals"][0]["co2_t"] == pytest.approx(expected["years"]["2020"]["co2_t"]["total"])


def test_downloads_sum_to_the_inventory_totals(viewer: httpx.Client) -> None:
    expected = demo_inventory().to_json()["years"]
    response = viewer.get("/inventory/download", params={"table": "co2_by_sector", "format": "csv"})
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert "示例数据" in lines[0]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    for year, data in expected.items():
        total = sum(float(r["二氧化碳排放量（tCO2）"]) for r in rows if r["年份"] == year)
        assert total == pytest.approx(data["co2_t"]["total"], rel=1e-9)
    xlsx = viewer.get("/inventory/download", params={"table": "energy_by_fuel", "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and "示例数据" in sheet.title
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    for year, data in expected.items():
        cal = sum(float(v[4]) for v in values if v[0] == int(year) and v[1] == "当量值")
        assert cal == pytest.approx(data["energy_tce"]["calorific"], rel=1e-9)
    assert viewer.get("/inventory/download", params={"table": "nope"}).status_code == 404


BAD_FILE = """year,sector,fuel,amount,unit
2023,industry|metal_products,natural_gas,1200,万立方米
2023,industry|metal_products,unobtainium,5,t
2023,transport|road_freight,diesel,-2,万吨
1850,industry|other,electricity,100,万千瓦时
"""


def test_import_bad_file_lists_every_error_and_stores_nothing(jinghai: LiveServer) -> None:
    with closing(login(jinghai, "office")) as office:
        _bad_file(jinghai, office)


def _bad_file(jinghai: LiveServer, office: httpx.Client) -> None:
    before = len(activity_batches(jinghai.engine))
    files = {"file": ("坏数据.csv", BAD_FILE.encode("utf-8"), "text/csv")}
    response = office.post("/inventory/import", files=files, data={"csrf_token": csrf_of(office)})
    assert response.status_code == 422
    table = response.text.split('id="import-errors"')[1]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table)
    located = {(row, column) for _, row, column, _ in cells}
    assert {("3", "fuel"), ("4", "amount"), ("5", "year")} <= located
    assert all(file == "坏数据.csv" for file, _, _, _ in cells)
    assert len(activity_batches(jinghai.engine)) == before
    broken = {"file": ("坏.xlsx", b"not a zip file", "application/octet-stream")}
    unreadable = office.post("/inventory/import", files=broken, data={"csrf_token": csrf_of(office)})
    assert unreadable.status_code == 422 and "不是可读取的 XLSX 文件" in unreadable.text
    # no confirm possible: nothing is pending
    confirm = office.post("/inventory/import/confirm", data={"csrf_token": csrf_of(office)})
    assert confirm.status_code == 303 and confirm.headers["location"] == "/inventory/import"
    assert len(activity_batches(jinghai.engine)) == before


def test_import_good_file_preview_then_confirm_stores_once(jinghai: LiveServer) -> None:
    with closing(login(jinghai, "office")) as office:
        _good_file(jinghai, office)


def _good_file(jinghai: LiveServer, office: httpx.Client) -> None:
    before = len(activity_batches(jinghai.engine))
    # Windows line ends (CRLF), as Excel writes CSV: the CSRF field must still be found in the form
    content = DEMO_ACTIVITY.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    files = {"file": ("jinghai.csv", content, "text/csv")}
    preview = office.post("/inventory/import", files=files, data={"csrf_token": csrf_of(office)})
    assert preview.status_code == 200, preview.text
    assert 'id="import-preview"' in preview.text and 'id="confirm"' in preview.text
    assert "示例数据" in preview.text
    total_2020 = demo_inventory().to_json()["years"]["2020"]["co2_t"]["total"]
    assert f"{total_2020:,.0f}" in preview.text
    assert len(activity_batches(jinghai.engine)) == before  # a preview stores nothing
    confirm = office.post("/inventory/import/confirm", data={"csrf_token": csrf_of(office)})
    assert confirm.status_code == 303
    assert confirm.headers["location"].startswith("/inventory?stored=")
    batches = activity_batches(jinghai.engine)
    assert len(batches) == before + 1
    assert batches[-1]["file_name"] == "jinghai.csv" and batches[-1]["created_by"] == "office"
    assert batches[-1]["illustrative"] is True
    # confirming again does nothing; importing the same bytes again is recognised
    again = office.post("/inventory/import/confirm", data={"csrf_token": csrf_of(office)})
    assert again.headers["location"] == "/inventory/import"
    office.post("/inventory/import", files=files, data={"csrf_token": csrf_of(office)})
    same = office.post("/inventory/import/confirm", data={"csrf_token": csrf_of(office)})
    assert same.headers["location"].startswith("/inventory?again=")
    assert len(activity_batches(jinghai.engine)) == before + 1
    pending = Path(jinghai.settings.data_dir) / "imports" / "pending"
    assert not any(pending.iterdir())


def test_overview_has_the_peak_card(viewer: httpx.Client) -> None:
    page = viewer.get("/")
    assert page.status_code == 200
    data = run(viewer, scenario="plan").json()
    match = re.search(r'id="peak-card-year">(\d{4})<', page.text)
    assert match is not None and int(match.group(1)) == data["peak_year"]
    assert 'id="peak-card-p"' in page.text and 'id="co2-trend"' in page.text
    # A peak inside the inventory's years is labelled as observed, else as projected.
    kind = re.search(r'id="peak-card-kind">([^<]*)<', page.text)
    assert kind is not None
    if data["peak_observed"]:
        assert "清单观测值" in kind.group(1) and str(data["observed_until"]) in kind.group(1)
    else:
        assert kind.group(1) == "预测值"


def test_overview_without_a_runnable_plan_scenario(
    live: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    """The minimal test plan lacks indicators the plan scenario reads: the card says why, the page works."""
    page = clients["viewer"].get("/")
    assert page.status_code == 200
    assert 'id="peak-card-error"' in page.text or 'id="peak-card-year"' in page.text
