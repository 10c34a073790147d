"""The townships pages and API over real HTTP on the Jinghai plan: the members list (incomplete),
the decomposition form (all or nothing, located errors), a member's own account seeing only its own
rows, the sheet download and upload through the one writer and reader, and the roles."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import pytest
from openpyxl import Workbook, load_workbook

from carbonpeak.services.accounts import add_user
from tests.web.conftest import CSRF, PASSWORD, LiveServer, login, start


@pytest.fixture(scope="module")
def towns_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for server in start(tmp_path_factory.mktemp("towns"), secret_key="t" * 40, plan="jinghai-2023"):
        for name, unit in (("town_tb", "tuanbo_town"), ("town_wk", "wangkou")):
            add_user(
                server.engine,
                username=name,
                password=PASSWORD,
                role="department",
                display_name=name,
                who="tests",
                source="tests/web/test_towns_web.py",
                unit_id=unit,
            )
        yield server


def _csrf(page: str) -> str:
    match = CSRF.search(page)
    assert match is not None
    return match.group(1)


def test_members_page_and_decomposition_form(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "office")) as client:
        page = client.get("/towns", params={"year": 2025})
        assert page.status_code == 200, page.text
        members = page.text.split('id="towns-members"')[1].split("</table>")[0]
        assert "陈官屯镇" in members and "天津子牙经济技术开发区" in members and "未填（无来源）" in members
        assert 'id="towns-incomplete"' in page.text and "各有关单位" in page.text
        token = _csrf(page.text)
        form = {
            "csrf_token": token,
            "quantity": "charging_piles",
            "year": "2025",
            "method": "manual",
            "district_target": "500",
            "target_tuanbo_town": "300",
            "target_wangkou": "100",
        }
        bad = client.post("/towns/decompose", data=form, files={"sheet": ("", b"")})
        assert bad.status_code == 422
        assert "400" in bad.text and "500" in bad.text and 'id="towns-problems"' in bad.text
        assert "尚未分解" in bad.text or 'id="towns-none"' in bad.text  # nothing stored
        form["target_wangkou"] = "200"
        ok = client.post("/towns/decompose", data=form, files={"sheet": ("", b"")})
        assert ok.status_code == 303, ok.text
        table = client.get("/towns", params={"year": 2025}).text.split('id="towns-charging_piles-2025"')[1]
        assert "300 台" in table.split("</table>")[0]
        # the office records the district's own figure; the roll-up waits for every member
        value = client.post(
            "/towns/values",
            data={"csrf_token": token, "quantity": "charging_piles", "year": "2025", "value": "480"},
        )
        assert value.status_code == 303


def test_a_members_account_sees_and_reports_only_its_own(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "office")) as office:
        token = _csrf(office.get("/towns").text)
        body = {
            "quantity": "renewable_capacity",
            "year": 2025,
            "method": "base_share",
            "district_target": 280,
            "members": [{"member": "团泊镇", "base": 30}, {"member": "王口镇", "base": 10}],
        }
        done = office.post("/api/v1/towns/decompositions", json=body, headers={"X-CSRF-Token": token})
        assert done.status_code == 200, done.text
        assert [m["target"] for m in done.json()["members"]] == [210.0, 70.0]
    with contextlib.closing(login(towns_live, "town_tb")) as town:
        page = town.get("/towns", params={"year": 2025})
        assert page.status_code == 200
        table = page.text.split('id="towns-renewable_capacity-2025"')[1].split("</table>")[0]
        assert "团泊镇" in table and "王口镇" not in table and 'class="rollup"' not in table
        token = _csrf(page.text)
        own = town.post(
            "/towns/values",
            data={"csrf_token": token, "quantity": "renewable_capacity", "year": "2025", "value": "215"},
        )
        assert own.status_code == 303
        other = town.post(
            "/api/v1/towns/values",
            json={"quantity": "renewable_capacity", "year": 2025, "value": 1, "member": "wangkou"},
            headers={"X-CSRF-Token": token},
        )
        assert other.status_code == 403
        refused = town.post("/api/v1/towns/decompositions", json=body, headers={"X-CSRF-Token": token})
        assert refused.status_code == 403
        status = town.get("/api/v1/towns/status", params={"year": 2025}).json()
        dec = next(d for d in status["decompositions"] if d["quantity"] == "renewable_capacity")
        assert [(r["member"], r["status"]) for r in dec["rows"]] == [("tuanbo_town", "met")]
    with contextlib.closing(login(towns_live, "town_wk")) as other_town:
        status = other_town.get("/api/v1/towns/status", params={"year": 2025}).json()
        dec = next(d for d in status["decompositions"] if d["quantity"] == "renewable_capacity")
        assert [r["member"] for r in dec["rows"]] == ["wangkou"]


def test_sheet_download_and_upload(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "office")) as client:
        got = client.get("/towns/export", params={"quantity": "forest_cover", "year": 2030})
        assert got.status_code == 200
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(got.content)).active.iter_rows()]
        assert rows[1][:2] == ["成员", "基准年数值（%）"]
        wb = Workbook()
        ws = wb.active
        ws.title = "分解表"
        ws.append(["成员", "基准年数值", "权重"])
        ws.append(["团泊镇", 10, 300])
        ws.append(["王口镇", "x", 100])
        buf = io.BytesIO()
        wb.save(buf)
        token = _csrf(client.get("/towns").text)
        form = {"csrf_token": token, "quantity": "forest_cover", "year": "2030", "method": "equal_rate",
                "district_target": "15"}  # fmt: skip
        bad = client.post("/towns/decompose", data=form, files={"sheet": ("cover.xlsx", buf.getvalue())})
        assert bad.status_code == 422 and "cover.xlsx" in bad.text and "第3行" in bad.text
        ws["B3"] = 20
        buf = io.BytesIO()
        wb.save(buf)
        ok = client.post("/towns/decompose", data=form, files={"sheet": ("cover.xlsx", buf.getvalue())})
        assert ok.status_code == 303, ok.text
        status = client.get("/api/v1/towns/status", params={"year": 2030}).json()
        dec = next(d for d in status["decompositions"] if d["quantity"] == "forest_cover")
        assert [round(m["target"], 6) for m in dec["members"]] == [12.0, 24.0]


def test_roles(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "viewer")) as client:
        assert client.get("/towns").status_code == 200
        assert client.post("/towns/decompose", data={}).status_code in (403, 400)
    with contextlib.closing(login(towns_live, "firm")) as client:
        assert client.get("/towns").status_code == 403
    with contextlib.closing(towns_live.client()) as client:
        assert client.get("/api/v1/towns/members").status_code == 401


def test_members_sheet_download(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "viewer")) as client:
        got = client.get("/towns/members/export")
        assert got.status_code == 200
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(got.content)).active.iter_rows()]
        assert "名单不完整" in rows[0][0]
        assert ["陈官屯镇", "乡镇"] in [r[:2] for r in rows]
