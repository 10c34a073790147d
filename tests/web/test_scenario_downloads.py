"""The scenario explorer's downloads over real HTTP: the file holds the same numbers as the run the
page shows, with the same lever pushes; bad levers are refused with the item named."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from carbonpeak.plan import load_plan, target_text
from carbonpeak.web.scenarios.downloads import DownloadError, parse_levers
from tests.web.conftest import LiveServer, csrf_of, login
from tests.web.explorer_server import JINGHAI, jinghai

__all__ = ["jinghai"]  # the module-scoped server fixture


@pytest.fixture(scope="module")
def viewer(jinghai: LiveServer) -> Iterator[httpx.Client]:
    client = login(jinghai, "viewer")
    yield client
    client.close()


def _run(client: httpx.Client, **body: object) -> dict[str, object]:
    response = client.post("/api/v1/scenarios/run", json=body, headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def _csv(client: httpx.Client, query: str) -> list[list[str]]:
    response = client.get(f"/scenarios/download?{query}&format=csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_parse_levers() -> None:
    assert parse_levers(["industry_efficiency:5", "gas_chp:0.5"]) == {
        "industry_efficiency": 5,
        "gas_chp": 0.5,
    }
    with pytest.raises(DownloadError, match=r"'x5'.*expected lever_id:number"):
        parse_levers(["x5"])
    with pytest.raises(DownloadError, match="'a:b'"):
        parse_levers(["ok:1", "a:b"])


def test_trajectory_download_matches_the_run(viewer: httpx.Client) -> None:
    for levers, query in (({}, ""), ({"industry_efficiency": 5}, "&lever=industry_efficiency:5")):
        trajectory = _run(viewer, scenario="plan", levers=levers)["trajectory"]
        assert isinstance(trajectory, dict)
        rows = _csv(viewer, f"scenario=plan&table=trajectory{query}")
        assert rows[0][0].startswith("# 情景：规划情景（实施方案目标）") and "示例数据" in rows[0][0]
        header = rows[1]
        gross = next(r for r in rows[2:] if r[3] == "Gross Emissions|CO2")
        assert gross[4] == "Mt CO2/yr"
        for year in ("2020", "2025", "2030"):
            # the page's trajectory is gross CO2 in t; the file is in Mt
            assert float(gross[header.index(year)]) == pytest.approx(trajectory[year] / 1e6, rel=1e-5)
        if levers:
            # the lever by its name, never its id
            assert "工业节能降耗 +5" in rows[0][0] and "industry_efficiency" not in rows[0][0]


def test_targets_download_and_xlsx(viewer: httpx.Client) -> None:
    targets = _run(viewer, scenario="enhanced")["targets"]
    assert isinstance(targets, list)
    rows = _csv(viewer, "scenario=enhanced&table=targets")
    plan = load_plan(str(JINGHAI))
    by_id = {ind.id: ind for ind in plan.indicators}
    assert rows[1][:4] == ["指标", "条款", "目标年", "目标"]
    # names, clauses and the target in words, in the run's order; no id or comparator code anywhere
    assert [r[0] for r in rows[2:]] == [by_id[t["id"]].name for t in targets]
    assert [r[1] for r in rows[2:]] == [by_id[t["id"]].clause for t in targets]
    assert [r[3] for r in rows[2:]] == [target_text(by_id[t["id"]]) for t in targets]
    assert [r[7] for r in rows[2:]] == ["是" if t["met"] else "否" for t in targets]
    text = "\n".join(",".join(r) for r in rows)
    assert not any(t["id"] in text for t in targets) and "reduce_by" not in text
    english = _csv(viewer, "scenario=enhanced&table=targets&lang=en")
    assert english[1][:4] == ["Indicator", "Clause", "Target year", "Target"]
    response = viewer.get("/scenarios/download?scenario=bau&table=targets")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["目标检查"]
    assert "示例数据" in str(book["目标检查"]["A1"].value)


def test_bad_requests_are_refused(jinghai: LiveServer, viewer: httpx.Client) -> None:
    bad = viewer.get("/scenarios/download?lever=nope:1")
    assert bad.status_code == 422 and "nope" in bad.json()["detail"]
    assert viewer.get("/scenarios/download?lever=industry_efficiency").status_code == 422
    assert viewer.get("/scenarios/download?scenario=other").status_code == 422
    assert viewer.get("/scenarios/download?format=pdf").status_code == 422
    with jinghai.client() as anonymous:
        assert anonymous.get("/scenarios/download").status_code in (302, 303, 401)


def test_downloads_page_offers_the_scenario_files(viewer: httpx.Client) -> None:
    page = viewer.get("/downloads").text
    # The demo batches are stored on this server: the inventory tables are offered and work.
    inventory = "/inventory/download?table=co2_by_sector&amp;format=csv"
    assert inventory in page and viewer.get(inventory.replace("&amp;", "&")).status_code == 200
    for table in ("trajectory", "targets"):
        href = f"/scenarios/download?scenario=plan&amp;table={table}&amp;format=csv"
        assert href in page
        assert viewer.get(href.replace("&amp;", "&")).status_code == 200


def test_attachment_names() -> None:
    from carbonpeak.web.core.downloads import attachment

    def disposition(name: str) -> str:
        return attachment(b"x", "text/plain", name).headers["content-disposition"]

    assert disposition("plan-indicators.xlsx") == 'attachment; filename="plan-indicators.xlsx"'
    # A Chinese name: an ASCII fallback and the UTF-8 name (RFC 6266); quotes never reach the header.
    assert disposition("示例佐证.txt") == (
        "attachment; filename=\"download.txt\"; filename*=UTF-8''%E7%A4%BA%E4%BE%8B%E4%BD%90%E8%AF%81.txt"
    )
    assert disposition('a"b.csv') == "attachment; filename=\"ab.csv\"; filename*=UTF-8''a%22b.csv"


@pytest.mark.filterwarnings(
    r"ignore::pandas.errors.Pandas4Warning:pyam"
)  # see tests/scenarios/test_iamc_pyam.py
def test_iamc_download_reads_in_pyam_and_adds_up(viewer: httpx.Client, tmp_path: Path) -> None:
    from tests.scenarios.test_iamc_pyam import assert_tree_adds_up, import_pyam

    pyam = import_pyam()
    run = _run(viewer, scenario="plan", levers={"renewables": 100})
    response = viewer.get(
        "/scenarios/download?scenario=plan&table=trajectory&format=iamc&lever=renewables:100"
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "scenario-plan-iamc.csv" in response.headers["content-disposition"]
    path = tmp_path / "plan.csv"
    path.write_bytes(response.content)
    df = pyam.IamDataFrame(path)
    assert list(df.scenario) == ["plan (renewables +100)"]
    assert all("示例数据" in r for r in df.region)
    assert_tree_adds_up(df)
    gross = df.filter(variable="Gross Emissions|CO2").timeseries().iloc[0]
    trajectory = run["trajectory"]
    assert isinstance(trajectory, dict)
    for year in (2020, 2025, 2030):  # the page's trajectory is in t, the file in Mt
        assert gross[year] == pytest.approx(trajectory[str(year)] / 1e6, rel=1e-9)
    assert viewer.get("/scenarios/download?scenario=plan&table=targets&format=iamc").status_code == 422
