"""The 两高 ledger and the energy review over real HTTP: the ledger with filters per role (office
all, a department its stages, an enterprise refused), the review form (CSRF, located errors, the
printable sheet), the API, the template and the export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import closing

import pytest
from openpyxl import load_workbook

from carbonpeak.services.two_high_demo import load as load_demo
from tests.web.conftest import LiveServer, csrf_of, login, start

FORM = {
    "name": "网页审查项目",
    "industry": "3311",
    "product": "",
    "annual_output": "100",
    "output_unit": "t",
    "start_year": "2026",
    "review_date": "2026-02-01",
    "amount_diesel": "1000",
    "unit_diesel": "吨",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for live in start(tmp_path_factory.mktemp("twohigh"), secret_key="z" * 40):
        load_demo(live.engine, None)
        yield live


def test_ledger_per_role_and_filters(server: LiveServer) -> None:
    office, it, firm = login(server, "office"), login(server, "dept_b"), login(server, "firm")
    with closing(office), closing(it), closing(firm):
        page = office.get("/two-high")
        assert page.status_code == 200
        assert page.text.count("<tr>") == 6 and "示例数据" in page.text
        assert office.get("/two-high", params={"stage": "existing"}).text.count("<tr>") == 4
        # 区工信局 keeps 在建 and 存量: the 拟建 project is not on its page
        seen = it.get("/two-high").text
        assert "示例金属表面处理集中区项目" not in seen and "示例铜管材生产线" in seen
        assert firm.get("/two-high").status_code == 403
        api = it.get("/api/v1/two-high/projects", params={"industry": "32"}).json()
        assert {p["name"] for p in api} == {"示例铝型材扩建项目", "示例铜管材生产线"}
        assert all(p["stage_label"] in ("在建", "存量") for p in api)


def test_review_form_sheet_and_errors(server: LiveServer) -> None:
    ndrc, viewer = login(server, "dept_a"), login(server, "viewer")
    with closing(ndrc), closing(viewer):
        token = csrf_of(ndrc)
        done = ndrc.post("/two-high/review", data=FORM | {"csrf_token": token})
        assert done.status_code == 200, done.text
        assert "1,457.1" in done.text and "/static/js/two-high.js" in done.text and "通过" in done.text
        # the district's CO2 room, the project's effect with and without, and where the room comes from
        # (no inventory stored on this server: the bundled headroom file)
        assert 'id="co2-room"' in done.text and 'id="effect-energy"' in done.text
        assert "示例数据" in done.text.split('id="headroom-source"')[1][:400]
        bad = ndrc.post(
            "/two-high/review", data=FORM | {"csrf_token": token, "amount_diesel": "-1", "annual_output": ""}
        )
        assert bad.status_code == 422
        assert "柴油.amount" in bad.text and "annual_output" in bad.text
        assert ndrc.post("/two-high/review", data=FORM).status_code == 403  # no CSRF token
        # the served plan names 燃煤锅炉 (禁止新建燃煤锅炉, 三.(一)): a check box; ticked, the project is refused
        form = ndrc.get("/two-high/review").text
        assert 'name="equipment" value="燃煤锅炉"' in form
        boiler = ndrc.post("/two-high/review", data=FORM | {"csrf_token": token, "equipment": "燃煤锅炉"})
        assert boiler.status_code == 200 and "不予通过" in boiler.text and "禁止新建燃煤锅炉" in boiler.text
        assert viewer.get("/two-high/review").status_code == 403  # a viewer does not review


def test_api_review_and_sheet(server: LiveServer) -> None:
    body = {
        "name": "API 审查",
        "industry": "3011",
        "product": "水泥熟料",
        "annual_output": {"amount": 100, "unit": "万吨"},
        "start_year": 2026,
        "review_date": "2026-02-01",
        "energy": [{"fuel": "raw_coal", "amount": 15, "unit": "万吨"}],
    }
    office = login(server, "office")
    with closing(office):
        token = csrf_of(office)
        answer = office.post("/api/v1/two-high/reviews", json=body, headers={"X-CSRF-Token": token})
        assert answer.status_code == 200, answer.text
        result = answer.json()
        # the served plan's own prohibition (docs/examples/minimal-plan.yaml: 三.(二).1 cement)
        assert result["result"] == "reject" and result["reasons"][0]["clause"] == "三.(二).1"
        sheet = office.get(f"/two-high/reviews/{result['id']}")
        assert sheet.status_code == 200 and "不予通过" in sheet.text and "禁止新增水泥行业产能" in sheet.text
        assert office.get("/two-high/reviews/99999").status_code == 404
        assert f"/two-high/reviews/{result['id']}/sheet?format=pdf" in sheet.text
        pdf = office.get(f"/two-high/reviews/{result['id']}/sheet", params={"format": "pdf"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-type"] == "application/pdf"
        docx = office.get(f"/two-high/reviews/{result['id']}/sheet", params={"format": "docx"})
        assert docx.status_code == 200 and docx.content.startswith(b"PK")
        html = office.get(f"/two-high/reviews/{result['id']}/sheet", params={"format": "html"}).text
        assert "不予通过" in html and "三.(二).1" in html and "禁止新增水泥行业产能" in html
        assert office.get("/two-high/reviews/99999/sheet").status_code == 404
        viewer = login(server, "viewer")
        with closing(viewer):  # a viewer does not see reviews
            assert viewer.get(f"/two-high/reviews/{result['id']}/sheet").status_code == 403
        wrong = office.post(
            "/api/v1/two-high/reviews", json=body | {"energy": []}, headers={"X-CSRF-Token": token}
        )
        assert wrong.status_code == 422


def test_template_and_export(server: LiveServer) -> None:
    office = login(server, "office")
    with closing(office):
        template = load_workbook(io.BytesIO(office.get("/two-high/template").content))
        assert "两高项目" in template.sheetnames
        export = load_workbook(io.BytesIO(office.get("/two-high/export").content))
        rows = list(export["两高项目"].values)
        assert "示例数据" in str(rows[0][0]) and len(rows) == 2 + 5
