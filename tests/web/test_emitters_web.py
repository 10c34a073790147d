"""Key emitters over real HTTP: the office's API and page (import all or nothing, located), the
supervising department's reach, an enterprise's own years, report and document — and every
key-emitter route tried by another firm (or a department that does not supervise it), refused."""

from __future__ import annotations

import io
import re
from contextlib import closing

import httpx
import pytest
from openpyxl import load_workbook

from carbonpeak.services.emitters_demo import load as load_emitters
from carbonpeak.services.key_units_demo import load as load_key_units
from tests.web.conftest import LiveServer, csrf_of, login
from tests.web.ledger_server import FIRM_A, FIRM_B, ledger_live  # noqa: F401  (module fixture)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PDF = "%PDF-1.4\n% 排放报告（示例数据）\n".encode()


@pytest.fixture(scope="module")
def live(ledger_live: LiveServer) -> LiveServer:  # noqa: F811
    load_key_units(ledger_live.engine, None)  # 区工信局 (industry_it, user dept_b) supervises the demo firms
    load_emitters(ledger_live.engine, None)  # FIRM_B (steel) and EXAMP00035 are demo key emitters
    return ledger_live


def _bearer(server: LiveServer, name: str) -> httpx.Client:
    return server.client(headers={"Authorization": f"Bearer {server.tokens[name]}"})


def _signed(server: LiveServer, name: str) -> httpx.Client:
    client = login(server, name)
    client.headers["X-CSRF-Token"] = csrf_of(client)
    return client


def test_office_lists_records_and_a_firm_reports_its_own(live: LiveServer) -> None:
    with closing(_signed(live, "office")) as office:
        rows = office.get("/api/v1/key-units/emitters").json()
        steel = next(r for r in rows if r["enterprise_id"] == FIRM_B and r["year"] == 2025)
        assert steel["reconciliation"]["state"] == "gap" and steel["illustrative"]
        assert {a["code"] for a in office.get("/api/v1/key-units/emitters/alerts?year=2025").json()} >= {
            "gap",
            "verification_missing",
        }
        body = {"enterprise_id": FIRM_A, "year": 2025, "program": "city_list", "note": "示例数据"}
        listed = office.post("/api/v1/key-units/emitters", json=body)
        assert listed.status_code == 200 and listed.json()["version"] == 1, listed.text
        bad = office.post("/api/v1/key-units/emitters", json={**body, "verified_t": 5, "version": 1})
        assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "verified_on"
        stale = office.post("/api/v1/key-units/emitters", json={**body, "sector": "x", "version": 7})
        assert stale.status_code == 409
    with _bearer(live, "firm_a") as firm:
        assert [r["year"] for r in firm.get("/api/v1/enterprise/emissions").json()] == [2025]
        not_listed = firm.post(
            "/api/v1/enterprise/emissions/2024/report", data={"submitted_on": "2025-03-01", "reported_t": "1"}
        )
        assert not_listed.status_code == 404
        sent = firm.post(
            "/api/v1/enterprise/emissions/2025/report",
            data={"submitted_on": "2026-03-20", "reported_t": "12345", "version": "1"},
            files={"file": ("2025年排放报告.pdf", PDF, "application/pdf")},
        )
        assert sent.status_code == 200, sent.text
        assert sent.json()["report_state"] == "submitted" and sent.json()["files"]["report"]["kind"] == "pdf"
        own = firm.get("/api/v1/enterprise/emissions/2025/documents/report")
        assert own.status_code == 200 and own.content == PDF
        early = firm.post(
            "/api/v1/enterprise/emissions/2025/report", data={"submitted_on": "2025-06-01", "reported_t": "1"}
        )
        assert early.status_code == 422  # a 2025 report dated inside 2025
    with closing(_signed(live, "viewer")) as viewer:
        doc = viewer.get(f"/api/v1/key-units/emitters/{FIRM_A}/2025/documents/report")
        assert doc.status_code == 200 and doc.content == PDF
        assert viewer.post("/api/v1/key-units/emitters", json=body).status_code == 403


def test_another_firm_and_an_unsupervising_department_are_refused(live: LiveServer) -> None:
    paths = [
        f"/api/v1/key-units/emitters/{FIRM_B}/2025",
        f"/api/v1/key-units/emitters/{FIRM_B}/2025/documents/report",
        "/api/v1/key-units/emitters",
        "/api/v1/key-units/emitters/alerts",
    ]
    with _bearer(live, "firm_a") as firm:
        for path in paths:
            assert firm.get(path).status_code == 403, path
        posted = firm.post(
            f"/api/v1/key-units/emitters/{FIRM_B}/2025/documents/verification",
            files={"file": ("v.pdf", PDF, "application/pdf")},
        )
        assert posted.status_code == 403
        body = {"enterprise_id": FIRM_B, "year": 2025, "program": "national_ets"}
        assert firm.post("/api/v1/key-units/emitters", json=body).status_code == 403
        # its own routes take no enterprise id: firm B's years never appear
        assert all(r["enterprise_id"] == FIRM_A for r in firm.get("/api/v1/enterprise/emissions").json())
    with closing(_signed(live, "dept_a")) as other:  # 区发改委 does not supervise the demo firms
        assert other.get(f"/api/v1/key-units/emitters/{FIRM_B}/2025").status_code == 403
        assert other.get("/api/v1/key-units/emitters").json() == []
        refused = other.post(
            f"/api/v1/key-units/emitters/{FIRM_B}/2025/documents/verification",
            files={"file": ("v.pdf", PDF, "application/pdf")},
        )
        assert refused.status_code == 403
    with closing(_signed(live, "dept_b")) as dept:  # 区工信局 supervises them
        attached = dept.post(
            f"/api/v1/key-units/emitters/{FIRM_B}/2025/documents/verification",
            files={"file": ("2025核查报告.pdf", PDF + b"v", "application/pdf")},
        )
        assert attached.status_code == 200, attached.text
        assert attached.json()["files"]["verification"]["name"] == "2025核查报告.pdf"


def test_page_and_import(live: LiveServer) -> None:
    with closing(login(live, "office")) as office:
        page = office.get("/key-units/emitters?year=2025")
        assert page.status_code == 200 and "示例数据" in page.text
        assert "与台账CO2" in page.text and "核查截止日" in page.text and 'id="emitters-import"' in page.text
        data = office.get("/key-units/emitters/template")
        assert data.status_code == 200
        wb = load_workbook(io.BytesIO(data.content))
        ws = wb["重点排放单位"]
        ws.append(["91120118EXAMP00035", 2023, "全国碳排放权交易市场"])
        ws.append(["91120118EXAMP00035", 2022, "某市场"])
        out = io.BytesIO()
        wb.save(out)
        match = CSRF.search(page.text)
        assert match is not None
        files = {"file": ("排放.xlsx", out.getvalue(), "application/octet-stream")}
        bad = office.post("/key-units/emitters/import", data={"csrf_token": match.group(1)}, files=files)
        assert bad.status_code == 422 and "第4行" in bad.text and "纳入范围" in bad.text
        assert 'data-year="2023"' not in office.get("/key-units/emitters").text  # nothing stored
        no_csrf = office.post("/key-units/emitters/import", files=files)
        assert no_csrf.status_code == 403
    with closing(login(live, "firm_b")) as firm_page:
        own = firm_page.get("/key-units/emitters")
        assert own.status_code == 200 and 'id="emitters-report"' in own.text
        assert "示例铜铝材" not in own.text and 'id="emitters-import"' not in own.text
        assert firm_page.get("/key-units/emitters/template").status_code == 403
    with closing(login(live, "office")) as english:
        en = english.get("/key-units/emitters?year=2025&lang=en")
        assert "Key emitters" in en.text and "above the 5% tolerance" in en.text
