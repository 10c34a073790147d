"""Several products a month over real HTTP, on SQLite and PostgreSQL: the API and the firm's form take
product lines with each product's energy, refuse a product's energy above the month's total with its
location, and the firm page, the API and the office's /key-units/benchmarks show one row per product;
the import template takes one product per row. The unit is one the demo has no months for."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from tests.web.conftest import LiveServer, login
from tests.web.key_units_server import UNIT_C, start_key_units

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COAL = [{"fuel": "raw_coal", "amount": 700, "unit": "t"}]  # 700 t × 0.7143 = 500.01 tce
TWO = [
    {"product": "水泥熟料", "output": 3000, "unit": "t", "energy_tce": 300},  # 100 kgce/t: 标杆
    {"product": "卫生陶瓷", "output": 500, "unit": "t", "energy_tce": 180},  # 360 kgce/t: 基准
]


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    yield from start_key_units(database_url, tmp_path)


def _csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match is not None
    return match.group(1)


def _rows(html: str, table: str) -> list[tuple[str, ...]]:
    body = re.search(rf'<table class="data" id="{table}">(.*?)</table>', html, re.S)
    assert body is not None, table
    return re.findall(
        r'<tr data-(?:period|year|enterprise)="([^"]+)" data-product="([^"]+)" data-level="(\w+)"',
        body.group(1),
    )


def test_several_products_by_api_form_and_pages(live: LiveServer) -> None:
    with live.client(headers={"Authorization": f"Bearer {live.tokens['firm_c']}"}) as api:
        month = {"period": "2026-10", "lines": COAL, "products": TWO}
        stored = api.post("/api/v1/enterprise/reports", json=month)
        assert stored.status_code == 200, stored.text
        assert [(p["product"], p["energy_tce"]) for p in stored.json()["products"]] == [
            ("水泥熟料", 300.0),
            ("卫生陶瓷", 180.0),
        ]
        above = api.post(
            "/api/v1/enterprise/reports",
            json={**month, "period": "2026-11", "products": [{**TWO[0], "energy_tce": 600}, TWO[1]]},
        )
        assert above.status_code == 422
        assert [p["field"] for p in above.json()["problems"]] == ["products[0].energy_tce"]
        missing = api.post(
            "/api/v1/enterprise/reports",
            json={**month, "period": "2026-11", "products": [TWO[0], {**TWO[1], "energy_tce": None}]},
        )
        assert [p["field"] for p in missing.json()["problems"]] == ["products[1].energy_tce"]
        assert api.get("/api/v1/enterprise/reports/2026-11").status_code == 404  # nothing stored
        own = api.get("/api/v1/enterprise/benchmarks").json()
        assert [(m["period"], m["product"], m["level"], m["attributed"]) for m in own["months"]] == [
            ("2026-10", "水泥熟料", "benchmark", True),
            ("2026-10", "卫生陶瓷", "baseline", True),
        ]
        assert [m["value"] for m in own["months"]] == pytest.approx([100.0, 360.0])
    with closing(login(live, "firm_c")) as firm:
        page = firm.get("/enterprise")
        assert page.text.count('name="p_product"') == 3  # three product rows on the form
        assert _rows(page.text, "levels-months") == [
            ("2026-10", "水泥熟料", "benchmark"),
            ("2026-10", "卫生陶瓷", "baseline"),
        ]
        assert "本产品能耗" in page.text
        token = _csrf(firm, "/enterprise")
        form = {
            "csrf_token": token,
            "period": "2026-11",
            "amount_raw_coal": "700",
            "unit_raw_coal": "t",
            "p_product": ["水泥熟料", "卫生陶瓷", ""],
            "p_output": ["3000", "500", ""],
            "p_unit": ["t", "t", ""],
            "p_energy": ["330", "200", ""],  # 530 tce: more than the month's 500.01
            "step": "submit",
        }
        refused = firm.post("/enterprise/reports", data=form)
        assert refused.status_code == 422
        assert (
            "产品 2 · 产品能耗 (tce)" in refused.text
            and "各产品能耗合计 530 tce 超过本月综合能耗" in refused.text
        )
        assert 'value="330"' in refused.text  # the rows as sent, to correct
        english = firm.post("/enterprise/reports?lang=en", data=form)
        assert "Product 2 · Product energy (tce)" in english.text and "add up to 530 tce" in english.text
        saved = firm.post("/enterprise/reports", data={**form, "p_energy": ["330", "150", ""]})
        assert saved.status_code == 303, saved.text[:400]
        page = firm.get("/enterprise")
        assert _rows(page.text, "levels-years") == [
            ("2026", "卫生陶瓷", "baseline"),
            ("2026", "水泥熟料", "baseline"),
        ]
    with closing(login(live, "office")) as office:
        page = office.get("/key-units/benchmarks?year=2026")
        assert page.status_code == 200
        mine = [r for r in _rows(page.text, "benchmarks-table") if r[0] == UNIT_C]
        # 卫生陶瓷 (180 + 150) tce / 1,000 t = 330, 水泥熟料 (300 + 330) / 6,000 t = 105 kgce/t: both 基准
        assert mine == [(UNIT_C, "卫生陶瓷", "baseline"), (UNIT_C, "水泥熟料", "baseline")]
        assert "每家单位每种产品一行" in page.text
        rows = office.get("/api/v1/key-units/benchmarks?year=2026").json()
        clinker = next(r for r in rows if r["enterprise_id"] == UNIT_C and r["product"] == "水泥熟料")
        assert clinker["value"] == pytest.approx(105.0) and clinker["energy_tce"] == pytest.approx(630.0)


def test_the_import_takes_one_product_per_row(live: LiveServer, tmp_path: Path) -> None:
    with closing(login(live, "firm_c")) as firm:
        template = firm.get("/key-units/import/template")
        assert template.status_code == 200
        book = load_workbook(io.BytesIO(template.content))
        sheet = book["月度能源报表"]
        headers = [c.value for c in sheet[2]]
        assert headers[7:] == ["产品", "产品产量", "产量单位", "产品能耗（tce）"]
        for row, values in (
            (3, (UNIT_C, "2026-09", "原煤", 700, "t", None, None, "水泥熟料", 3000, "t", 600)),
            (4, (UNIT_C, "2026-09", None, None, None, None, None, "卫生陶瓷", 500, "t", 100)),
        ):
            for col, value in enumerate(values, start=1):
                sheet.cell(row, col, value)
        path = tmp_path / "两种产品.xlsx"
        book.save(path)
        token = _csrf(firm, "/key-units/import")
        refused = firm.post(
            "/key-units/import", data={"csrf_token": token}, files={"file": (path.name, path.read_bytes())}
        )
        assert refused.status_code == 422
        assert "两种产品.xlsx，工作表“月度能源报表”，第3行，产品能耗（tce）列" in refused.text
        sheet.cell(3, 11, 300)
        book.save(path)
        done = firm.post(
            "/key-units/import", data={"csrf_token": token}, files={"file": (path.name, path.read_bytes())}
        )
        assert done.status_code == 200, done.text[:400]
    with live.client(headers={"Authorization": f"Bearer {live.tokens['firm_c']}"}) as api:
        month = api.get("/api/v1/enterprise/reports/2026-09").json()
        assert [(p["product"], p["energy_tce"]) for p in month["products"]] == [
            ("水泥熟料", 300.0),
            ("卫生陶瓷", 100.0),
        ]
