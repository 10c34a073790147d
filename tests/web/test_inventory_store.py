"""The inventory page reads the stored batches (real HTTP on an empty database): the empty state,
an imported two-row file checked against a hand computation, a revision of one year, ``?batch=``,
a macro import that makes the intensity indicators appear, and bad files that store nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from carbonpeak.storage.activity import activity_batches
from tests.web.conftest import LiveServer, csrf_of, login, start
from tests.web.explorer_server import JINGHAI

K = 44 / 12
# Hand computation (provincial-guideline NCV x carbon content x oxidation x 44/12, GB/T 2589), see
# tests/accounting/test_worked_examples.py: gasoline 100 t and diesel 2 万吨.
GASOLINE_T = 100 * 43.07 * 18.9 * 0.98 * K / 1000
DIESEL_T = 20000 * 42.652 * 20.2 * 0.98 * K / 1000
FILE_A = (
    "year,sector,fuel,amount,unit\n"
    "2022,transport|road_freight,diesel,2,万吨\n"
    "2023,transport|road_freight,diesel,2,万吨\n"
    "2023,industry|other,gasoline,100,t\n"
)
A_2023 = DIESEL_T + GASOLINE_T
A_2023_TCE = 20000 * 1.4571 + 100 * 1.4714
# a revised 2023: the gasoline doubled; 2022 is not in the file
FILE_B = (
    "year,sector,fuel,amount,unit\n"
    "2023,transport|road_freight,diesel,2,万吨\n"
    "2023,industry|other,gasoline,200,t\n"
)
B_2023 = DIESEL_T + 2 * GASOLINE_T
MACRO = (
    "year,variable,value,unit\n"
    "2022,gdp,10,亿元\n"
    "2023,gdp,12,亿元\n"
    "2022,population,5,万人\n"
    "2023,population,5,万人\n"
)


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start(tmp_path_factory.mktemp("inventory-store"), plan=str(JINGHAI), secret_key="z" * 40)


def _import(office: httpx.Client, name: str, content: str, kind: str = "activity") -> httpx.Response:
    files = {"file": (name, content.encode("utf-8"), "text/csv")}
    preview = office.post(
        "/inventory/import", files=files, data={"csrf_token": csrf_of(office), "kind": kind}
    )
    assert preview.status_code == 200, preview.text
    assert 'id="confirm"' in preview.text
    confirm = office.post("/inventory/import/confirm", data={"csrf_token": csrf_of(office)})
    assert confirm.status_code == 303
    return confirm


def _totals(html: str) -> dict[str, str]:
    table = html.split('id="inventory-totals"')[1].split("</table>")[0]
    return dict(re.findall(r"<tr><td>(\d{4})</td><td class=\"num\">([^<]*)</td>", table))


def _indicator(html: str, name: str) -> list[str]:
    table = html.split('id="inventory-indicators"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr>") if f"<td>{name}</td>" in r)
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def _trend(html: str) -> dict[str, object]:
    match = re.search(r"data-trend='([^']*)'", html)
    assert match is not None
    return dict(json.loads(match.group(1).replace("&#34;", '"').replace("&quot;", '"')))


def test_import_flow_drives_the_inventory(empty: LiveServer) -> None:
    with closing(login(empty, "office")) as office, closing(login(empty, "viewer")) as viewer:
        # nothing stored: a clear empty state, not an error; the office gets the import link
        page = viewer.get("/inventory")
        assert page.status_code == 200
        assert 'id="inventory-empty"' in page.text and "尚未导入清单数据" in page.text
        assert 'id="inventory-totals"' not in page.text
        office_page = office.get("/inventory")
        assert 'href="/inventory/import"' in office_page.text
        assert viewer.get("/api/v1/inventory").json()["empty"] is True
        assert viewer.get("/inventory/download", params={"table": "co2_by_sector"}).status_code == 404
        overview = viewer.get("/")
        assert overview.status_code == 200
        trend = _trend(overview.text)
        assert all(v is None for v in trend["history"])  # type: ignore[union-attr]
        assert "尚未导入" in str(trend["history_name"])

        # file A: the page, the API and the download show its numbers (hand-computed)
        first = _import(office, "district-a.csv", FILE_A)
        a_id = int(first.headers["location"].split("=")[1])
        page = viewer.get("/inventory")
        assert 'id="inventory-empty"' not in page.text
        assert _totals(page.text)["2023"] == f"{A_2023:,.0f}"
        assert _totals(page.text)["2022"] == f"{DIESEL_T:,.0f}"
        assert "district-a.csv" in page.text.split('id="inventory-sources"')[1].split("</table>")[0]
        assert "示例数据" not in page.text.split('id="inventory-sources"')[0]  # not illustrative
        assert 'id="inventory-no-macro"' in page.text
        api = viewer.get("/api/v1/inventory").json()
        assert api["illustrative"] is False
        assert [b["id"] for b in api["batches"]] == [a_id]
        by_year = {t["year"]: t for t in api["totals"]}
        assert by_year["2023"]["co2_t"] == pytest.approx(A_2023, rel=1e-9)
        assert by_year["2023"]["energy_calorific_tce"] == pytest.approx(A_2023_TCE, rel=1e-9)
        download = viewer.get("/inventory/download", params={"table": "co2_by_fuel", "format": "csv"})
        lines = download.content.decode("utf-8-sig").splitlines()
        assert "district-a.csv" in lines[0] and "示例数据" not in lines[0]
        rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
        got = {(r["年份"], r["代码"]): float(r["二氧化碳排放量（tCO2）"]) for r in rows}
        assert got[("2023", "gasoline")] == pytest.approx(GASOLINE_T, rel=1e-9)
        assert got[("2023", "diesel")] == pytest.approx(DIESEL_T, rel=1e-9)
        trend = _trend(viewer.get("/").text)
        history = dict(zip(trend["years"], trend["history"], strict=True))  # type: ignore[call-overload]
        assert history["2023"] == pytest.approx(A_2023, rel=1e-9)
        # intensities need the macro data
        assert set(_indicator(page.text, "单位GDP二氧化碳排放")) == {"—"}

        # file B revises 2023 only: the last confirmed batch wins for 2023, 2022 stays from A
        second = _import(office, "district-b-2023.csv", FILE_B)
        b_id = int(second.headers["location"].split("=")[1])
        page = viewer.get("/inventory")
        assert _totals(page.text) == {"2022": f"{DIESEL_T:,.0f}", "2023": f"{B_2023:,.0f}"}
        sources = page.text.split('id="inventory-sources"')[1].split("</table>")[0]
        assert "district-a.csv" in sources and "district-b-2023.csv" in sources

        # ?batch= shows the older file alone, and its downloads follow
        old = viewer.get("/inventory", params={"batch": a_id})
        assert old.status_code == 200 and 'id="inventory-old-batch"' in old.text
        assert _totals(old.text)["2023"] == f"{A_2023:,.0f}"
        assert f"batch={a_id}" in old.text
        old_api = viewer.get("/api/v1/inventory", params={"batch": a_id}).json()
        assert {t["year"]: t["co2_t"] for t in old_api["totals"]}["2023"] == pytest.approx(A_2023)
        assert viewer.get("/inventory", params={"batch": 999}).status_code == 404
        assert b_id > a_id

        # a macro file: the intensity indicators appear (hand: CO2 / GDP in 万元)
        third = _import(office, "macro.csv", MACRO, kind="macro")
        assert third.headers["location"].startswith("/inventory?stored=")
        page = viewer.get("/inventory")
        assert 'id="inventory-no-macro"' not in page.text
        per_gdp = _indicator(page.text, "单位GDP二氧化碳排放")
        assert per_gdp == [f"{DIESEL_T / 100000:.2f}", f"{B_2023 / 120000:.2f}"]
        per_capita = _indicator(page.text, "人均二氧化碳排放")
        assert per_capita == [f"{DIESEL_T / 50000:.2f}", f"{B_2023 / 50000:.2f}"]
        kinds = [(b["kind"], b["file_name"]) for b in activity_batches(empty.engine)]
        assert kinds == [
            ("activity", "district-a.csv"),
            ("activity", "district-b-2023.csv"),
            ("macro", "macro.csv"),
        ]


BAD_MACRO = "year,variable,value,unit\n2023,gdp,abc,亿元\n2023,happiness,3,人\n"


def test_bad_files_store_nothing(empty: LiveServer) -> None:
    with closing(login(empty, "office")) as office:
        before = activity_batches(empty.engine)
        files = {"file": ("bad-macro.csv", BAD_MACRO.encode("utf-8"), "text/csv")}
        response = office.post(
            "/inventory/import", files=files, data={"csrf_token": csrf_of(office), "kind": "macro"}
        )
        assert response.status_code == 422
        table = response.text.split('id="import-errors"')[1]
        assert "value" in table and "variable" in table
        bad = {
            "file": ("bad.csv", b"year,sector,fuel,amount,unit\n2023,industry|other,diesel,x,t\n", "text/csv")
        }
        assert (
            office.post("/inventory/import", files=bad, data={"csrf_token": csrf_of(office)}).status_code
            == 422
        )
        confirm = office.post("/inventory/import/confirm", data={"csrf_token": csrf_of(office)})
        assert confirm.headers["location"] == "/inventory/import"
        assert activity_batches(empty.engine) == before
        form = office.get("/inventory/import", params={"kind": "macro"})
        assert form.status_code == 200 and 'value="macro" selected' in form.text
