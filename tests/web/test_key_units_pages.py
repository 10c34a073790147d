"""The monitoring and 一企一策 pages over real HTTP: a firm uploads a readings file and sees its own
quarantine and comparison; the office and the supervising department see every unit (a department
only those it supervises); a firm edits its plan and uploads its document (type checked, stored by
sha256); the office sees the units without a plan and the measures overdue."""

from __future__ import annotations

import re
from contextlib import closing

import httpx
import pytest

from carbonpeak.accounting import read_activity
from carbonpeak.accounting.demo import ACTIVITY_FILE, demo_dir
from carbonpeak.services import inventory
from carbonpeak.services.key_units_demo import load as load_key_units
from tests.web.conftest import LiveServer, login
from tests.web.ledger_server import FIRM_A, FIRM_B, ledger_live  # noqa: F401  (module fixture)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def live(ledger_live: LiveServer) -> LiveServer:  # noqa: F811
    load_key_units(ledger_live.engine, None)  # 区工信局 (industry_it, user dept_b) supervises the demo firms
    activity = read_activity(demo_dir() / ACTIVITY_FILE)  # the demo inventory, for the reconciliation
    inventory.store_activity(
        ledger_live.engine, activity, file_name=ACTIVITY_FILE, who="统计员", source="test"
    )
    return ledger_live


def _csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match is not None
    return match.group(1)


def _bearer(server: LiveServer, name: str) -> httpx.Client:
    return server.client(headers={"Authorization": f"Bearer {server.tokens[name]}"})


def test_a_firm_uploads_readings_and_sees_its_quarantine(live: LiveServer) -> None:
    with _bearer(live, "firm_a") as api:
        meter = {"code": "P-01", "kind": "electricity", "mode": "cumulative", "interval_minutes": 15}
        assert api.post("/api/v1/enterprise/meters", json=meter).status_code == 200
    with closing(login(live, "firm_a")) as firm:
        token = _csrf(firm, "/key-units/meters")
        bad = b"meter,time,value,unit\nNOPE,2025-07-01T00:00:00+08:00,1,kWh\n"
        refused = firm.post(
            "/key-units/meters/upload", data={"csrf_token": token}, files={"file": ("r.csv", bad, "text/csv")}
        )
        assert refused.status_code == 422 and "r.csv，第2行，meter列" in refused.text
        csv = (
            b"meter,time,value,unit\n"
            b"P-01,2025-07-01T00:00:00+08:00,100,kWh\n"
            b"P-01,2025-07-01T00:15:00+08:00,110,kWh\n"
            b"P-01,2025-07-01T00:15:00+08:00,111,kWh\n"  # the same time again
            b"P-01,2025-07-01T00:30:00+08:00,-5,kWh\n"  # negative
            b"P-01,2025-07-01T00:45:00+08:00,0.125,MWh\n"
        )
        done = firm.post(
            "/key-units/meters/upload", data={"csrf_token": token}, files={"file": ("r.csv", csv, "text/csv")}
        )
        assert done.status_code == 200, done.text
        assert "读数：5；已入库区间数：2；隔离：2" in done.text
        page = firm.get("/key-units/meters")
        assert page.status_code == 200
        reasons = re.findall(r'<tr data-reason="(\w+)">', page.text)
        assert reasons == ["duplicate", "negative"]
        assert "同一表计同一时刻重复读数" in page.text and "读数为负、缺失或不是数字" in page.text
        july = re.search(r'data-period="2025-07" data-fuel="electricity" data-flagged="(\w+)"', page.text)
        assert july is not None and july.group(1) == "yes"  # 25 kWh metered, the month not reported
        english = firm.get("/key-units/meters?lang=en")
        assert "duplicate reading of the meter and time" in english.text
        assert firm.get(f"/key-units/meters/{FIRM_B}").status_code == 403
        assert firm.get("/key-units/plans").status_code == 403


def test_the_office_and_the_supervising_department_see_the_units(live: LiveServer) -> None:
    with closing(login(live, "office")) as office:
        page = office.get("/key-units/meters")
        assert page.status_code == 200 and "示例数据" in page.text
        row = re.search(rf'data-enterprise="{FIRM_A}" data-quarantined="(\d+)"', page.text)
        assert row is not None and int(row.group(1)) >= 2
        detail = office.get(f"/key-units/meters/{FIRM_A}")
        assert detail.status_code == 200 and 'id="quarantine-table"' in detail.text
        # the office uploads a file for the unit on its page (tests/web/test_meter_upload_office.py)
        assert f'action="/key-units/meters/{FIRM_A}/upload"' in detail.text
    with closing(login(live, "dept_b")) as dept:  # 区工信局 supervises the demo firms
        assert FIRM_A in dept.get("/key-units/meters").text
        assert dept.get(f"/key-units/meters/{FIRM_A}").status_code == 200
    with closing(login(live, "dept_a")) as other:  # 区发改委 supervises none of them
        assert FIRM_A not in other.get("/key-units/meters").text
        assert other.get(f"/key-units/meters/{FIRM_A}").status_code == 403


def _plan_form(token: str, due: str = "2024-12-31") -> dict[str, str | list[str]]:
    return {
        "csrf_token": token,
        "title": "碳达峰行动方案（示例数据）",
        "document": "",
        "adopted_on": "2024-03-01",
        "m_name": ["余热回收", "电机变频改造", ""],
        "m_saving": ["50", "12.5", ""],
        "m_co2": ["130", "", ""],
        "m_start": ["2024-04-01", "2024-05-01", ""],
        "m_due": [due, "2030-06-30", ""],
        "m_status": ["in_progress", "planned", "planned"],
    }


def test_a_firm_edits_its_plan_and_uploads_its_document(live: LiveServer) -> None:
    with closing(login(live, "firm_a")) as firm:
        token = _csrf(firm, "/key-units/plan")
        exe = {"file": ("plan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "application/pdf")}
        refused = firm.post("/key-units/plan", data=_plan_form(token), files=exe)
        assert refused.status_code == 422 and "类型为 未知" in refused.text and "pdf" in refused.text
        wrong = {**_plan_form(token), "m_due": ["2024-01-01", "2030-06-30", ""]}  # due before start
        located = firm.post("/key-units/plan", data=wrong)
        assert located.status_code == 422 and "measures.0" in located.text
        with _bearer(live, "firm_a") as api:
            assert api.get("/api/v1/enterprise/plan").json() is None  # nothing stored
        saved = firm.post(
            "/key-units/plan", data=_plan_form(token), files={"file": ("方案.pdf", PDF, "application/pdf")}
        )
        assert saved.status_code == 303 and saved.headers["location"] == "/key-units/plan?saved=1"
        page = firm.get("/key-units/plan?saved=1")
        assert "已保存，版本 1" in page.text and "方案.pdf" in page.text
        assert page.text.count('data-overdue="yes"') == 1  # 余热回收 was due 2024-12-31
        assert 'href="/key-units/plan/document"' in page.text
        download = firm.get("/key-units/plan/document")
        assert download.status_code == 200 and download.content == PDF
        assert download.headers["content-type"] == "application/pdf"
        again = firm.post("/key-units/plan", data=_plan_form(token, due="2031-01-01"))  # no new file
        assert again.status_code == 303
        with _bearer(live, "firm_a") as api:
            plan = api.get("/api/v1/enterprise/plan").json()
        assert plan["file"]["name"] == "方案.pdf" and plan["document"] == "方案.pdf"
        assert [m["name"] for m in plan["measures"]] == ["余热回收", "电机变频改造"]
        assert plan["expected_saving_tce"] == pytest.approx(62.5)
    with closing(login(live, "firm_b")) as other:
        assert other.get(f"/key-units/plans/{FIRM_A}/document").status_code == 403


def test_the_office_sees_units_without_a_plan_and_overdue_measures(live: LiveServer) -> None:
    with closing(login(live, "firm_b")) as firm:
        token = _csrf(firm, "/key-units/plan")
        blank = firm.post("/key-units/plan", data=_plan_form(token))  # neither 文号 nor file
        assert blank.status_code == 422 and "document" in blank.text
        form = {**_plan_form(token), "document": "某企发〔2024〕3号（示例数据）"}
        assert firm.post("/key-units/plan", data=form).status_code == 303
    with closing(login(live, "office")) as office:
        page = office.get("/key-units/plans")
        assert page.status_code == 200
        late = re.search(rf'<tr data-enterprise="{FIRM_B}" data-overdue="(\d+)">', page.text)
        assert late is not None and late.group(1) == "1"
        without = re.search(r'<ul id="without-plan">(.*?)</ul>', page.text, re.S)
        assert without is not None and FIRM_B not in without.group(1)
        assert office.get(f"/key-units/plans/{FIRM_A}/document").status_code == 200
        english = office.get("/key-units/plans?lang=en")
        assert "Units without a plan" in english.text


def test_benchmark_levels_on_the_firm_page_and_the_office_list(live: LiveServer) -> None:
    month = {
        "period": "2026-09",
        "lines": [{"fuel": "raw_coal", "amount": 700, "unit": "t"}],  # 700 t × 0.7143 = 500.01 tce
        "product": "水泥熟料",
        "product_output": 0.5,
        "product_unit": "万吨",
    }
    with _bearer(live, "firm_b") as api:
        stored = api.post("/api/v1/enterprise/reports", json=month)
        assert stored.status_code == 200, stored.text
        assert [p["product"] for p in stored.json()["products"]] == ["水泥熟料"]
        bad = api.post("/api/v1/enterprise/reports", json={**month, "product_unit": "kWh"})
        assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "product_unit"
        own = api.get("/api/v1/enterprise/benchmarks").json()
        november = next(m for m in own["months"] if m["period"] == "2026-09")
        assert november["value"] == pytest.approx(500.01 * 1000 / 5000)  # kgce/t
        assert november["level"] == "baseline" and november["unit"] == "kgce/t"
        assert api.get("/api/v1/key-units/benchmarks?year=2026").status_code == 403
    with closing(login(live, "firm_b")) as firm:
        page = firm.get("/enterprise")
        assert (
            'id="levels-years"' in page.text
            and '<tr data-period="2026-09" data-product="水泥熟料" data-level="baseline"' in page.text
        )
        assert "基准" in page.text and "发改产业〔2021〕1464号" in page.text
        token = _csrf(firm, "/enterprise")
        form = {
            "csrf_token": token,
            "period": "2026-10",
            "amount_raw_coal": "100",
            "unit_raw_coal": "t",
            "product": "水泥熟料",
            "product_output": "1000",
            "step": "submit",
        }
        assert firm.post("/enterprise/reports", data=form).status_code == 303
        assert (
            '<tr data-period="2026-10" data-product="水泥熟料" data-level="benchmark"'
            in firm.get("/enterprise").text
        )  # 71.4 kgce/t
    with closing(login(live, "office")) as office:
        page = office.get("/key-units/benchmarks?year=2026")
        assert page.status_code == 200
        row = re.search(
            rf'<tr data-enterprise="{FIRM_B}" data-product="水泥熟料" data-level="(\w+)">', page.text
        )
        assert row is not None and row.group(1) == "benchmark"  # (500.01 + 71.43) tce / 6,000 t = 95.2
        assert office.get("/key-units/benchmarks?year=2026&lang=en").text.count("benchmark") >= 1
    with _bearer(live, "firm_a") as other:
        assert other.get("/api/v1/enterprise/benchmarks").json()["months"] == []


def test_the_reconciliation_with_the_inventory(live: LiveServer) -> None:
    with closing(login(live, "office")) as office:
        page = office.get("/key-units/reconcile?year=2024")
        assert page.status_code == 200 and 'id="reconcile-table"' in page.text and "示例数据" in page.text
        assert '<tr data-fuel="natural_gas" data-flag="ok">' in page.text  # an industry line of the inventory
        assert "占清单工业能耗" in page.text
        assert "只与清单工业部门" in page.text  # the boundary, said on the page
        english = office.get("/key-units/reconcile?year=2024&lang=en")
        assert "industrial energy of" in english.text
        missing = office.get("/key-units/reconcile?year=2031&lang=zh-CN")
        assert missing.status_code == 404 and "清单中没有该年度的数据" in missing.text
    with _bearer(live, "firm_a") as firm:
        assert firm.get("/api/v1/key-units/reconcile?year=2024").status_code == 403
    with closing(login(live, "firm_a")) as firm_page:
        assert firm_page.get("/key-units/reconcile?year=2024").status_code == 403
    with closing(login(live, "viewer")) as viewer:
        data = viewer.get("/api/v1/key-units/reconcile?year=2024")
        assert data.status_code == 200 and data.json()["year"] == 2024
        assert viewer.get("/api/v1/key-units/reconcile?year=2031").status_code == 404
