"""The indicator page over time (issue #6): actuals, required path, gap, status per year, the trend
projection and the chart data, on the bundled Jinghai plan with the illustrative tracking demo data,
over real HTTP. Required values are hand-computed from the formulas in docs/tracking.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carbonpeak.plan import load_plan
from carbonpeak.services.tracking_demo import load as load_tracking_demo
from tests.web.conftest import LiveServer, login, start
from tests.web.explorer_server import JINGHAI


def start_jinghai_demo(folder: Path) -> Iterator[LiveServer]:
    """A live server on the Jinghai plan with the tracking demo data (示例数据) loaded."""
    for server in start(folder, plan=str(JINGHAI), secret_key="z" * 40):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CARBONPEAK_DATA_DIR", str(folder))  # the demo's evidence files go there
            load_tracking_demo(server.engine, load_plan(JINGHAI))
        yield server


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start_jinghai_demo(tmp_path_factory.mktemp("indicator"))


@pytest.fixture(scope="module")
def office(demo: LiveServer) -> Iterator[httpx.Client]:
    client = login(demo, "office")
    yield client
    client.close()


ROW = re.compile(r'<tr data-year="(\d{4})">(.*?)</tr>', re.S)
CELL = re.compile(r'<td class="(actual|required|gap)">([^<]*)</td>')


def table(html: str) -> dict[int, dict[str, str]]:
    """year → {actual, required, gap} cell texts of the page's table of years."""
    return {int(year): dict(CELL.findall(body)) for year, body in ROW.findall(html)}


def test_reduction_path_value_matches_the_documented_formula(office: httpx.Client) -> None:
    # industrial_energy_intensity_2025: "较2020年下降15.5%", docs/tracking.md reductions:
    # r(t) = 100·(1 − (1 − x/100)^((t − t0)/(T_year − t0))), x = 15.5, t0 = 2020, T_year = 2025.
    page = office.get("/indicators/industrial_energy_intensity_2025")
    assert page.status_code == 200
    rows = table(page.text)
    assert set(rows) >= set(range(2020, 2026))
    expected_2023 = 100 * (1 - 0.845 ** (3 / 5))  # = 9.611…
    assert float(rows[2023]["required"]) == pytest.approx(expected_2023, rel=1e-4)
    assert float(rows[2025]["required"]) == pytest.approx(15.5, rel=1e-6)
    assert float(rows[2020]["required"]) == pytest.approx(0.0, abs=1e-9)
    assert 'id="indicator-chart"' in page.text and "/static/js/indicator.js" in page.text
    assert "示例数据" in page.text  # demo data are marked


def test_linear_path_gap_and_sources(office: httpx.Client) -> None:
    # gas_consumption_2025: ≥ 15 亿立方米 in 2025, no plan base value: the path starts from the 2020
    # actual v0 (docs/tracking.md linear: v(t) = v0 + (T − v0)·(t − t0)/(T_year − t0)).
    page = office.get("/indicators/gas_consumption_2025").text
    rows = table(page)
    v0 = float(rows[2020]["actual"])
    for year in (2021, 2022, 2023, 2024):
        required = v0 + (15 - v0) * (year - 2020) / (2025 - 2020)
        assert float(rows[year]["required"]) == pytest.approx(required, rel=1e-4), year
        if rows[year]["actual"] != "—":
            gap = float(rows[year]["actual"]) - required  # ≥: positive gap is ahead of the path
            assert float(rows[year]["gap"]) == pytest.approx(gap, rel=1e-3, abs=1e-3), year
    assert "核算" in page or "填报" in page
    assert 'id="indicator-projection"' in page


def test_evaluation_api_gives_the_chart_series(office: httpx.Client) -> None:
    body = office.get("/api/v1/indicators/non_fossil_share_2025/evaluation").json()
    assert body["state"] == "ok" and body["illustrative"] is True
    years = [r["year"] for r in body["rows"]]
    assert years[0] == 2020 and years[-1] >= 2025 and years == sorted(years)
    chart = body["chart"]
    assert chart["years"] == years
    assert len(chart["actual"]) == len(chart["required"]) == len(chart["trend"]) == len(years)
    assert chart["target"][years.index(2025)] == 10  # "超过 10%"
    reported = [r for r in body["rows"] if r["actual"] is not None]
    assert reported and all(r["value_source"] in ("computed", "reported") for r in reported)
    assert all(r["sources"] for r in reported)
    projection = body["projection"]
    assert projection is not None and projection["year"] == 2025
    assert chart["trend"][years.index(2025)] == projection["value"]
    # the status of each year with a value is one of the tracking statuses
    assert {r["status"] for r in reported} <= {"met", "on_track", "at_risk", "off_track"}


def test_qualitative_and_no_data_indicators(office: httpx.Client) -> None:
    page = office.get("/indicators/co2_peak_2030").text
    assert 'id="indicator-qualitative"' in page and "定性指标" in page
    assert 'id="indicator-chart"' not in page
    api = office.get("/api/v1/indicators/co2_peak_2030/evaluation").json()
    assert api["state"] == "qualitative" and api["rows"] == []
    # 确保完成我市下达指标: no target value yet, but the inventory computes the cumulative reduction:
    # the actuals are shown (核算), with no required path and no gap.
    page = office.get("/indicators/energy_intensity_2025").text
    assert 'id="indicator-no-data"' not in page and "无目标路径" in page
    body = office.get("/api/v1/indicators/energy_intensity_2025/evaluation").json()
    assert body["state"] == "ok"
    with_actual = [r for r in body["rows"] if r["actual"] is not None]
    assert with_actual and all(r["value_source"] == "computed" for r in with_actual)
    assert all(r["required"] is None and r["gap"] is None for r in body["rows"])
    # the city has not assigned the number yet: 待下达 (pending assignment), not 无数据, with the
    # strength of the commitment (确保) on the card
    assert {r["status"] for r in body["rows"]} == {"pending"}
    assert "待下达" in page and "· 确保" in page
    # 森林蓄积量 (2030): no target value and nothing reported or computed: 无数据.
    page = office.get("/indicators/forest_stock_2030").text
    assert 'id="indicator-no-data"' in page and "no_data" in page
    assert office.get("/api/v1/indicators/forest_stock_2030/evaluation").json()["state"] == "no_data"
    assert office.get("/api/v1/indicators/nope/evaluation").status_code == 404


def test_english_page(office: httpx.Client) -> None:
    page = office.get("/indicators/gas_consumption_2025?lang=en").text
    assert "Required (path)" in page and "Trend projection" in page
    # the path method in English, and the base value rounded (8.700000000000001 was shown once)
    assert ": linear ·" in page and "8.700000000000001" not in page
