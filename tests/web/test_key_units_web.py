"""Key energy-using units over real HTTP: the review (queue page, form, API, history), the import
page and API (all or nothing, located), the budgets page and API — and every route that takes an
enterprise id, tried by another firm, refused."""

from __future__ import annotations

import io
import re
from contextlib import closing

import httpx
import pytest
from fastapi.routing import APIRoute
from openpyxl import load_workbook

from carbonpeak.services.key_units_demo import load as load_key_units
from carbonpeak.web.core.auth import iter_routes
from tests.web.conftest import LiveServer, csrf_of, login
from tests.web.ledger_server import FIRM_A, FIRM_B, ledger_live  # noqa: F401  (module fixture)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def live(ledger_live: LiveServer) -> LiveServer:  # noqa: F811
    load_key_units(ledger_live.engine, None)  # 区工信局 (industry_it, user dept_b) supervises the demo firms
    return ledger_live


def _bearer(server: LiveServer, name: str) -> httpx.Client:
    return server.client(headers={"Authorization": f"Bearer {server.tokens[name]}"})


def _signed(server: LiveServer, name: str) -> httpx.Client:
    """A signed-in session that sends its CSRF token with every request (as the pages' scripts do)."""
    client = login(server, name)
    client.headers["X-CSRF-Token"] = csrf_of(client)
    return client


def _csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match is not None
    return match.group(1)


MONTH = {"period": "2026-02", "lines": [{"fuel": "raw_coal", "amount": 10, "unit": "吨"}], "note": "示例数据"}


def test_review_by_the_supervising_department(live: LiveServer) -> None:
    with _bearer(live, "firm_a") as firm:
        assert firm.post("/api/v1/enterprise/reports", json=MONTH).status_code == 200
        assert firm.get("/api/v1/enterprise/review").json()["2026-02"]["state"] == "submitted"
        assert firm.get("/api/v1/key-units/review-queue").status_code == 403
    other = login(live, "dept_a")  # 区发改委 does not supervise the demo firms
    assert FIRM_A not in other.get("/key-units/review").text
    with closing(_signed(live, "dept_a")) as api:
        refused = api.post(f"/api/v1/key-units/reports/{FIRM_A}/2026-02/review", json={"step": "approve"})
        assert refused.status_code == 403
    dept = login(live, "dept_b")
    page = dept.get("/key-units/review")
    assert page.status_code == 200 and 'data-period="2026-02"' in page.text and "示例数据" in page.text
    token = _csrf(dept, "/key-units/review")
    form = {
        "csrf_token": token,
        "enterprise_id": FIRM_A,
        "period": "2026-02",
        "step": "return",
        "comment": "",
    }
    blank = dept.post("/key-units/review", data=form)
    assert blank.status_code == 422 and "原因" in blank.text
    done = dept.post("/key-units/review", data={**form, "comment": "请附发票"})
    assert done.status_code == 303
    with _bearer(live, "firm_a") as firm:
        steps = [h["step"] for h in firm.get("/api/v1/enterprise/review/2026-02/history").json()]
        assert steps == ["submit", "return"]
        version = firm.post("/api/v1/enterprise/reports", json=MONTH).json()["version"]
    with closing(_signed(live, "office")) as office:
        stale = office.post(
            f"/api/v1/key-units/reports/{FIRM_A}/2026-02/review",
            json={"step": "approve", "version": version - 1},
        )
        assert stale.status_code == 422
        ok = office.post(
            f"/api/v1/key-units/reports/{FIRM_A}/2026-02/review", json={"step": "approve", "version": version}
        )
        assert ok.status_code == 200 and ok.json()["state"] == "approved"
        history = office.get(f"/api/v1/key-units/reports/{FIRM_A}/2026-02/history").json()
        assert [h["step"] for h in history] == ["submit", "return", "submit", "approve"]
    with _bearer(live, "firm_a") as firm:
        closed = firm.post("/api/v1/enterprise/reports", json=MONTH)
        assert closed.status_code == 409  # approved: closed until the office reopens it
    dept.close()
    other.close()


def _template(client: httpx.Client, rows: list[tuple[object, ...]]) -> bytes:
    data = client.get("/key-units/import/template")
    assert data.status_code == 200
    wb = load_workbook(io.BytesIO(data.content))
    ws = wb["月度能源报表"]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(3 + i, j + 1, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_page_and_api(live: LiveServer) -> None:
    firm = login(live, "firm_a")
    token = _csrf(firm, "/key-units/import")
    mixed = _template(firm, [(FIRM_A, "2026-03", "原煤", 5, "t"), (FIRM_B, "2026-03", "原煤", 5, "t")])
    files = {"file": ("月报.xlsx", mixed, "application/octet-stream")}
    bad = firm.post("/key-units/import", data={"csrf_token": token}, files=files)
    assert bad.status_code == 422 and "第4行" in bad.text and "统一社会信用代码" in bad.text
    with _bearer(live, "firm_a") as api:
        assert api.get("/api/v1/enterprise/reports/2026-03").status_code == 404  # nothing stored
        good = _template(
            firm, [(FIRM_A, "2026-03", "原煤", 5, "t"), (FIRM_A, "2026-03", "电力", 1, "万千瓦时")]
        )
        answer = api.post(
            "/api/v1/enterprise/import", files={"file": ("m.xlsx", good, "application/octet-stream")}
        )
        assert answer.status_code == 200, answer.text
        assert [s["period"] for s in answer.json()["stored"]] == ["2026-03"]
        stored = api.get("/api/v1/enterprise/reports/2026-03").json()
        assert stored["tce_calorific"] == pytest.approx(5 * 0.7143 + 10_000 * 0.0001229)
    firm.close()


def test_budgets_pages_and_api(live: LiveServer) -> None:
    with _bearer(live, "firm_a") as firm:
        own = firm.get("/api/v1/enterprise/budget?year=2025").json()
        assert [b["enterprise_id"] for b in own] == [FIRM_A]
        assert firm.get("/api/v1/key-units/budgets?year=2025").status_code == 403
        assert firm.get("/api/v1/key-units/budgets/rollup?year=2025").status_code == 403
    with closing(login(live, "firm_a")) as firm_page:
        page = firm_page.get("/key-units/budgets?year=2025")
    assert page.status_code == 200 and "示例数据" in page.text
    assert "rollup-table" not in page.text and page.text.count('data-alert="') == 1
    with closing(login(live, "office")) as office_page:
        office = office_page.get("/key-units/budgets?year=2025")
    assert "rollup-table" in office.text and office.text.count('data-alert="') == 4
    with closing(_signed(live, "viewer")) as viewer:
        rows = viewer.get("/api/v1/key-units/budgets?year=2025").json()
        assert len(rows) == 4 and all(r["tce_calorific"]["months"] >= 1 for r in rows)
        assert viewer.post("/api/v1/key-units/budgets", json=[]).status_code == 403
    with closing(_signed(live, "office")) as api:
        body = [
            {
                "enterprise_id": FIRM_A,
                "year": 2027,
                "tce_calorific": 5000,
                "tce_coal_substitution": 7600,
                "co2_t": 15000,
                "document": "示例文件（示例数据）",
            }
        ]
        assert api.post("/api/v1/key-units/budgets", json=body).json() == {"added": 1, "changed": 0}


def test_every_route_with_another_firms_id_is_refused(live: LiveServer) -> None:
    """Firm A tries every route whose path takes an enterprise id with firm B's id."""
    routes = [
        r for r in iter_routes(live.app.routes) if isinstance(r, APIRoute) and "{enterprise_id}" in r.path
    ]
    assert {r.name for r in routes} >= {"enterprise_detail", "api_review", "api_history"}
    page_client = login(live, "firm_a")
    with _bearer(live, "firm_a") as api:
        for route in routes:
            path = route.path.replace("{enterprise_id}", FIRM_B).replace("{period}", "2025-01")
            client = api if path.startswith("/api/") else page_client
            for method in sorted(route.methods or ()):
                answer = client.request(method, path, json={"step": "approve"} if method == "POST" else None)
                assert answer.status_code == 403, (method, path, answer.status_code)
        # the routes that take the id in the body or form
        token = _csrf(page_client, "/key-units/import")
        form = {"csrf_token": token, "enterprise_id": FIRM_B, "period": "2025-01", "step": "approve"}
        assert page_client.post("/key-units/review", data=form).status_code == 403
        budget = {"enterprise_id": FIRM_B, "year": 2030, "tce_calorific": 1, "tce_coal_substitution": 1}
        assert (
            api.post("/api/v1/key-units/budgets", json=[budget | {"co2_t": 1, "document": "x"}]).status_code
            == 403
        )
    page_client.close()


def test_meter_batches_over_the_api(live: LiveServer) -> None:
    with _bearer(live, "firm_a") as firm:
        meter = {"code": "E-01", "kind": "electricity", "mode": "cumulative", "interval_minutes": 15}
        assert firm.post("/api/v1/enterprise/meters", json=meter).status_code == 200
        batch = {
            "readings": [
                {"meter": "E-01", "time": "2025-06-01T00:00:00+08:00", "value": 100, "unit": "kWh"},
                {"meter": "E-01", "time": "2025-06-01T00:15:00+08:00", "value": 0.11, "unit": "MWh"},
                {"meter": "E-01", "time": "2025-06-01T00:30:00+08:00", "value": 105, "unit": "kWh"},
            ]
        }
        answer = firm.post("/api/v1/enterprise/meters/readings", json=batch)
        assert answer.status_code == 200, answer.text
        assert [q["reason"] for q in answer.json()["quarantined"]] == ["decreasing"]
        csv = b"meter,time,value,unit\nE-01,2025-06-01T00:45:00+08:00,125,kWh\n"
        filed = firm.post(
            "/api/v1/enterprise/meters/readings/file", files={"file": ("r.csv", csv, "text/csv")}
        )
        assert filed.status_code == 200 and filed.json()["stored"] == 1
        assert [q["reason"] for q in firm.get("/api/v1/enterprise/meters/quarantine").json()] == [
            "decreasing"
        ]
        rows = firm.get("/api/v1/enterprise/meters/comparison").json()
        june = next(r for r in rows if r["period"] == "2025-06")
        assert june["metered"] == pytest.approx(25.0)  # 10 + 15 kWh; 105 was quarantined
        assert june["flagged"]  # the demo's reported June is far larger than two intervals
        unknown = firm.post(
            "/api/v1/enterprise/meters/readings", json={"readings": [{**batch["readings"][0], "meter": "X"}]}
        )
        assert unknown.status_code == 422 and unknown.json()["problems"][0]["column"] == "meter"
    with closing(_signed(live, "office")) as office:
        assert office.get(f"/api/v1/key-units/meters/{FIRM_A}/comparison").status_code == 200


def test_own_plan_over_the_api(live: LiveServer) -> None:
    plan = {
        "title": "碳达峰行动方案（示例数据）",
        "document": "一企一策.pdf",
        "adopted_on": "2025-03-01",
        "measures": [
            {"name": "余热回收", "expected_saving_tce": 50, "start": "2025-04-01", "due": "2026-03-31"}
        ],
    }
    with _bearer(live, "firm_a") as firm:
        assert firm.get("/api/v1/enterprise/plan").json() is None
        saved = firm.put("/api/v1/enterprise/plan", json=plan)
        assert saved.status_code == 200 and saved.json()["version"] == 1
        bad = firm.put("/api/v1/enterprise/plan", json={**plan, "adopted_on": "someday"})
        assert bad.status_code == 422
        assert firm.get("/api/v1/key-units/plans").status_code == 403
    with closing(_signed(live, "office")) as office:
        over = office.get("/api/v1/key-units/plans").json()
        assert FIRM_A in over["with_plan"] and FIRM_B in over["without_plan"]
