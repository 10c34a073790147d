"""The enterprise ledger over real HTTP: an enterprise's page, form and API (session and bearer
token), its scope (A never reaches B), the office/viewer ledger and its export, departments refused."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from openpyxl import load_workbook

from tests.web.conftest import LiveServer, csrf_of, login
from tests.web.ledger_server import FIRM_A, FIRM_B, ledger_live  # noqa: F401  (module fixture)


def _bearer(server: LiveServer, name: str) -> httpx.Client:
    return server.client(headers={"Authorization": f"Bearer {server.tokens[name]}"})


def test_api_submit_and_read_back_with_a_token(ledger_live: LiveServer) -> None:  # noqa: F811
    body = {
        "period": "2026-01",
        "lines": [
            {"fuel": "raw_coal", "amount": 1000, "unit": "吨"},
            {"fuel": "electricity", "amount": 100, "unit": "万千瓦时"},
        ],
        "output_value": 2000,
        "note": "API 测试（示例数据）",
    }
    with _bearer(ledger_live, "firm_a") as client:
        first = client.post("/api/v1/enterprise/reports", json=body)
        assert first.status_code == 200, first.text
        assert (first.json()["version"], first.json()["source"]) == (1, "api")
        # 1000 × 0.7143 + 1e6 × 0.0001229 = 837.2 tce; 等价值 714.3 + 305 = 1019.3 tce
        assert first.json()["tce_calorific"] == pytest.approx(837.2)
        assert first.json()["tce_coal_substitution"] == pytest.approx(1019.3)
        second = client.post("/api/v1/enterprise/reports", json={**body, "lines": body["lines"][:1]})
        assert second.json()["version"] == 2
        one = client.get("/api/v1/enterprise/reports/2026-01").json()
        assert [line["fuel"] for line in one["lines"]] == ["raw_coal"]
        listing = client.get("/api/v1/enterprise/reports").json()
        assert listing["enterprise"]["id"] == FIRM_A and listing["illustrative"] is True
        assert {r["period"] for r in listing["reports"]} >= {"2025-01", "2025-12", "2026-01"}
        assert "gbt2589" in listing["method"]["calorific"]
        assert client.get("/api/v1/enterprise/reports/2024-07").status_code == 404


def test_api_answers_422_with_every_problem(ledger_live: LiveServer) -> None:  # noqa: F811
    bad = {
        "period": "2999-01",
        "lines": [
            {"fuel": "coal", "amount": 1, "unit": "t"},
            {"fuel": "diesel", "amount": 1, "unit": "吨吨"},
        ],
    }
    with _bearer(ledger_live, "firm_a") as client:
        answer = client.post("/api/v1/enterprise/reports", json=bad)
    assert answer.status_code == 422
    locs = {p["field"]: p["message"] for p in answer.json()["problems"]}
    assert set(locs) == {"period", "lines[0].fuel", "lines[1].unit"}
    assert locs["lines[1].unit"] == "'吨吨' is not a unit; expected a mass unit such as 吨, 万吨, kg"


def test_enterprise_a_never_reaches_b(ledger_live: LiveServer) -> None:  # noqa: F811
    with _bearer(ledger_live, "firm_b") as b:
        b_periods = {r["period"] for r in b.get("/api/v1/enterprise/reports").json()["reports"]}
        assert b.get("/api/v1/enterprise/reports").json()["enterprise"]["id"] == FIRM_B
    assert "2026-01" not in b_periods  # A's API submission stays A's
    a = login(ledger_live, "firm_a")
    assert a.get(f"/enterprises/{FIRM_B}").status_code == 403
    assert a.get("/enterprises").status_code == 403
    assert a.get("/enterprises/export?format=csv").status_code == 403
    page = a.get("/enterprise")
    assert page.status_code == 200 and FIRM_A in page.text and FIRM_B not in page.text
    with _bearer(ledger_live, "firm_a") as token_client:
        # a bearer token is for /api/v1 only: a page read with it is not signed in at all
        assert token_client.get(f"/enterprises/{FIRM_B}").status_code == 303
        assert token_client.get("/enterprise").status_code == 303
    a.close()


def test_form_submission_and_errors(ledger_live: LiveServer) -> None:  # noqa: F811
    client = login(ledger_live, "firm_a")
    token = csrf_of(client)
    bad = client.post(
        "/enterprise/reports",
        data={
            "csrf_token": token,
            "period": "2025-1",
            "amount_diesel": "-3",
            "unit_diesel": "t",
            "step": "submit",
        },
    )
    assert bad.status_code == 422
    assert "period: &#39;2025-1&#39; is not a month" in bad.text
    assert "柴油 (diesel).amount: -3 is negative" in bad.text
    good = client.post(
        "/enterprise/reports",
        data={
            "csrf_token": token,
            "period": "2025-06",
            "amount_natural_gas": "10",
            "unit_natural_gas": "万立方米",
            "step": "save",
        },
    )
    assert good.status_code == 303 and good.headers["location"] == "/enterprise?saved=2025-06"
    page = client.get("/enterprise?saved=2025-06").text
    row = re.search(r'<tr data-period="2025-06">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "121.43" in row.group(1) and "草稿" in row.group(1) and "web" in row.group(1)
    assert ">2<" in row.group(1)  # the demo month replaced: version 2
    assert client.post("/enterprise/reports", data={"period": "2025-06"}).status_code == 403  # no CSRF token
    client.close()


def test_office_and_viewer_see_the_ledger_departments_do_not(ledger_live: LiveServer) -> None:  # noqa: F811
    for name in ("office", "viewer"):
        client = login(ledger_live, name)
        page = client.get("/enterprises")
        assert page.status_code == 200
        assert all(f"/enterprises/{i}" in page.text for i in (FIRM_A, FIRM_B))
        assert "示例数据" in page.text
        detail = client.get(f"/enterprises/{FIRM_B}")
        assert detail.status_code == 200 and "示例钢材压延有限公司" in detail.text
        assert client.get("/enterprises/91120118EXAMP00099").status_code == 404
        xlsx = client.get("/enterprises/export?format=xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None and "示例数据" in str(sheet["A1"].value) and "示例数据" in sheet.title
        assert sheet.max_row == 2 + 4
        csv = client.get("/enterprises/export?format=csv").content.decode("utf-8-sig")
        assert csv.splitlines()[1].startswith("统一社会信用代码,企业名称")
        assert client.get("/api/v1/enterprise/reports").status_code == 403
        if name == "office":  # the resubmissions above are in the one audit log
            # the monthly reports' rows (the key units' demo fills the first page with its review rows)
            audit = re.sub(r"<[^>]+>", " ", client.get("/admin/audit?kind=enterprise_reports").text)
            assert "企业月报 #" in audit and "enterprise_reports" not in audit  # in words, no table name
        client.close()
    dept = login(ledger_live, "dept_a")
    for path in ("/enterprises", f"/enterprises/{FIRM_A}", "/enterprise", "/api/v1/enterprise/reports"):
        assert dept.get(path).status_code == 403, path
    dept.close()
